import type { LedHost } from './driver'
import { StageCycle, WaveformSampler, type Waveform } from './hw-waveform'
import type { Regmap } from './regmap'
import { SC27XX_BITS, SC27XX_STEP_MS, type Sc27xxLineRegs } from './sc27xx-regs'

/*
 * The silicon of one SC27xx BLTC line, as this mock models it: the light the
 * output gives, derived from the registers alone.
 *
 * What TYPE means is not in the Linux sources; it is inferred: the driver
 * sets RUN|TYPE for a fixed brightness and, after pattern_clear zeroed both
 * bits, sets RUN alone to start breathing; the DT binding says each output
 * works "at normal PWM mode or breath light mode"; and Unisoc's boot-loader
 * drivers use the same convention (RUN|TYPE for on, RUN alone with curves
 * for blinking). So RUN=1 TYPE=1 is modelled as a steady level of `duty`,
 * RUN=1 TYPE=0 as breathing, RUN=0 as off. The breathing waveform's shape
 * (linear ramps, the cycle starting with the rise when breathing begins) is
 * this mock's choice too: the driver says only which stage each curve field
 * times.
 */

/**
 * How often the breathing waveform is sampled for the timeline (ms). 25 ms
 * divides the 125 ms curve step, and every stage boundary is a whole number
 * of steps from the start of breathing, so each corner of the waveform
 * (top of the rise, start of the fall, bottom, next rise) falls exactly on a
 * sample instead of up to one sample late. It is also fine enough for a
 * 125 ms ramp to show 4 intermediate levels, and caps reporting at 40
 * events/s per LED. Flat stages are skipped to their end rather than
 * sampled, which gives the same events (only changes are reported).
 */
export const SAMPLE_MS = 25

export type Sc27xxMode = 'off' | 'pwm' | 'breathing'

/** The four stage durations the curve registers hold, in ms. */
export interface Sc27xxCurve {
  riseMs: number
  highMs: number
  fallMs: number
  lowMs: number
}

/** Steps of a curve field (8 bits at `shift`) in ms. */
function stageMs (reg: number, shift: number): number {
  return ((reg >>> shift) & 0xff) * SC27XX_STEP_MS
}

/**
 * One line's output. While breathing it is a cycle starting with the rise
 * when breathing began: a linear ramp from 0 to the duty over the rise, the
 * duty for the high stage, a linear ramp back to 0 over the fall, 0 for the
 * low stage, each ramp level rounded to the nearest integer. A stage of zero
 * steps is skipped (the driver never programs one); a cycle of zero length
 * shows the duty.
 */
export class Sc27xxOutput implements Waveform {
  /** When the output last entered breathing mode; the waveform's phase counts from here. */
  private breathStart: number | undefined
  private readonly sampler = new WaveformSampler(this)
  /** The LED the output is wired to, once a driver op has run. */
  private host: LedHost | undefined

  constructor (private readonly regmap: Regmap, readonly regs: Sc27xxLineRegs) {}

  /** What the output does, from CTRL alone. */
  mode (): Sc27xxMode {
    const ctrl = this.regmap.read(this.regs.ctrl) >>> this.regs.ctrlShift
    if ((ctrl & SC27XX_BITS.RUN) === 0) return 'off'
    return (ctrl & SC27XX_BITS.TYPE) !== 0 ? 'pwm' : 'breathing'
  }

  /** The duty field: the level of a steady output and the top of a breath. */
  duty (): number {
    return (this.regmap.read(this.regs.duty) >>> SC27XX_BITS.DUTY_SHIFT) & 0xff
  }

  /** Stage durations from the curve registers (steps × 125 ms). */
  curve (): Sc27xxCurve {
    const c0 = this.regmap.read(this.regs.curve0)
    const c1 = this.regmap.read(this.regs.curve1)
    const sh = SC27XX_BITS.CURVE_SHIFT
    return { riseMs: stageMs(c0, 0), highMs: stageMs(c1, 0), fallMs: stageMs(c0, sh), lowMs: stageMs(c1, sh) }
  }

  /** The breathing cycle the registers describe now, counted from `start`. */
  private cycleFrom (start: number): StageCycle {
    const { riseMs, highMs, fallMs, lowMs } = this.curve()
    const d = this.duty()
    return new StageCycle([
      { ms: riseMs, from: 0, to: d },
      { ms: highMs, from: d, to: d },
      { ms: fallMs, from: d, to: 0 },
      { ms: lowMs, from: 0, to: 0 }
    ], start)
  }

  /** The level the output shows at `time` (ms on the LED's clock). */
  levelAt (time: number): number {
    const mode = this.mode()
    if (mode === 'off') return 0
    if (mode === 'pwm' || this.breathStart === undefined) return this.duty()
    const cycle = this.cycleFrom(this.breathStart)
    return cycle.period === 0 ? this.duty() : cycle.levelAt(time)
  }

  nextChangeAfter (time: number): number | undefined {
    return this.cycleFrom(this.breathStart ?? time).nextSampleAfter(time, SAMPLE_MS)
  }

  /** The level now, for inspection: by the LED's clock once wired, else what CTRL and DUTY say. */
  levelNow (): number {
    return this.host === undefined ? (this.mode() === 'off' ? 0 : this.duty()) : this.levelAt(this.host.now())
  }

  /**
   * The driver has written the registers at `time`: start the waveform (and
   * its sampling) on entering breathing, stop it on leaving, and record the
   * level the output shows now.
   */
  settle (host: LedHost, time: number): void {
    this.host = host
    if (this.mode() === 'breathing') {
      if (this.breathStart === undefined) {
        this.breathStart = time
        this.sampler.start(host, time)
      }
    } else {
      this.breathStart = undefined
      this.sampler.stop()
    }
    host.recordLevel(this.levelAt(time), time)
  }

  /** Stop sampling (the LED goes away). */
  dispose (): void {
    this.sampler.stop()
  }
}
