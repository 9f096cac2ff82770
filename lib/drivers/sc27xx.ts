import { KernelError } from '../abi/errno'
import type { ClockHandle } from '../clock/clock'
import type { LedClassdev, LedPattern } from '../led/led-core'
import type { LedDriver } from './driver'

/*
 * A mock of the Spreadtrum SC27xx PMIC breathing-light controller (BLTC) as
 * Linux's leds-sc27xx-bltc driver programs it. Two layers:
 *
 *  - Sc27xxController: the PMIC registers the driver touches (a regmap with
 *    write and update-bits semantics) and a capped log of the writes.
 *  - Sc27xxDriver: one LED on one of the controller's 3 lines. Its ops
 *    perform the driver's register sequences, and the light the hardware
 *    would give is derived from the registers alone (see levelAt()).
 *
 * Register map (all offsets from the controller base, 0x200 in the DT
 * binding's example; line n's block starts at base + 0x10 * n):
 *
 *   base + 0x00               CTRL   shared: line n owns bits [4n+1:4n]
 *                                    bit 4n   RUN   the line's output is on
 *                                    bit 4n+1 TYPE  1 = plain PWM, 0 = breathing
 *   base + 0x10 * n + 0x04    PRESCALE (never written by the driver)
 *   base + 0x10 * n + 0x08    DUTY   [15:8] duty, [7:0] mod (always 0xff)
 *   base + 0x10 * n + 0x0c    CURVE0 [7:0] rise steps, [15:8] fall steps
 *   base + 0x10 * n + 0x10    CURVE1 [7:0] high steps, [15:8] low steps
 *
 * One curve step is 125 ms. Global PMIC registers set once at probe:
 * MODULE_EN0 (0xc08) bit 9 enables the BLTC, CLK_EN0 (0xc18) bit 7 its RTC
 * clock, RGB_CTRL (0xebc) bit 0 is a power-down bit that gets cleared.
 *
 * What TYPE means is not in the Linux sources; it is inferred: the driver
 * sets RUN|TYPE for a fixed brightness and, after pattern_clear zeroed both
 * bits, sets RUN alone to start breathing; the DT binding says each output
 * works "at normal PWM mode or breath light mode"; and Unisoc's boot-loader
 * drivers use the same convention (RUN|TYPE for on, RUN alone with curves
 * for blinking). So RUN=1 TYPE=1 is modelled as a steady level of `duty`,
 * RUN=1 TYPE=0 as breathing, RUN=0 as off.
 */

/** Curve step and so the granularity of every stage duration (ms). */
export const SC27XX_STEP_MS = 125
/** Shortest stage the controller can time (one step). */
export const SC27XX_DELTA_T_MIN = SC27XX_STEP_MS
/** Longest stage: the 8-bit step count's maximum, 255 steps. */
export const SC27XX_DELTA_T_MAX = SC27XX_STEP_MS * 255
/** A hardware pattern is exactly rise, high, fall and low. */
export const SC27XX_PATTERN_COUNT = 4
/** Outputs (lines) of one controller. */
export const SC27XX_LINES = 3
/** Controller base in the PMIC's register space (the DT binding example's reg). */
export const SC27XX_DEFAULT_BASE = 0x200

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

/** Register offsets within the controller / a line block. */
export const SC27XX_REG = {
  CTRL: 0x00,
  PRESCALE: 0x04,
  DUTY: 0x08,
  CURVE0: 0x0c,
  CURVE1: 0x10,
  /** Distance between line blocks. */
  LINE_STRIDE: 0x10
} as const

/** Global PMIC registers the driver's probe touches. */
export const SC27XX_GLOBAL = {
  MODULE_EN0: 0xc08,
  CLK_EN0: 0xc18,
  RGB_CTRL: 0xebc,
  BLTC_EN: 1 << 9,
  RTC_EN: 1 << 7,
  RGB_PD: 1 << 0
} as const

/** Bit fields, as the driver shifts and masks them. */
export const SC27XX_BITS = {
  /** Per-line shift of the RUN/TYPE pair in CTRL: 4 * line. */
  CTRL_SHIFT: 4,
  RUN: 1 << 0,
  TYPE: 1 << 1,
  DUTY_SHIFT: 8,
  /** The driver's update mask for DUTY: bits 15..0. */
  DUTY_MASK: 0xffff,
  /** Low byte of DUTY (mod), always written as all ones. */
  MOD_MASK: 0xff,
  CURVE_SHIFT: 8,
  CURVE_L_MASK: 0x00ff,
  CURVE_H_MASK: 0xff00
} as const

/** Writes the log keeps by default; older ones are dropped (and counted). */
export const SC27XX_LOG_SIZE = 512

/** One register write that reached the PMIC. */
export interface Sc27xxWrite {
  /** Time on the LED's clock (ms); probe-time writes are at 0. */
  time: number
  addr: number
  /** Symbolic name, e.g. "CTRL", "LINE0_DUTY", "MODULE_EN0". */
  reg: string
  value: number
}

export type Sc27xxMode = 'off' | 'pwm' | 'breathing'

/** The four stage durations the curve registers hold, in ms. */
export interface Sc27xxCurve {
  riseMs: number
  highMs: number
  fallMs: number
  lowMs: number
}

/** The registers one LED's line involves. */
export type Sc27xxRegisterName = 'CTRL' | 'PRESCALE' | 'DUTY' | 'CURVE0' | 'CURVE1' | 'MODULE_EN0' | 'CLK_EN0' | 'RGB_CTRL'

/** registers() of one LED: raw values by name, addresses, decoded fields. */
export interface Sc27xxRegisters {
  base: number
  line: number
  /** Raw 32-bit values by register name. */
  values: Record<Sc27xxRegisterName, number>
  addresses: Record<Sc27xxRegisterName, number>
  fields: {
    run: boolean
    type: boolean
    duty: number
    mod: number
    riseSteps: number
    highSteps: number
    fallSteps: number
    lowSteps: number
  } & Sc27xxCurve
  /** What the output does according to CTRL: off, a steady PWM level, or breathing. */
  mode: Sc27xxMode
  /** The brightness the hardware shows now (per the waveform model). */
  level: number
  /** Register writes so far (oldest first, capped). */
  writes: number
  droppedWrites: number
}

/**
 * sc27xx_led_clamp_align_delta_t() reworked: round to the nearest whole
 * step (adding half a step, 62 ms in integer division) on 32-bit unsigned
 * arithmetic, so a duration near 2^32 wraps round to a tiny value; keep it
 * within one to 255 steps; then drop the part past the last whole step
 * above the minimum.
 */
export function sc27xxAlignDeltaT (deltaT: number): number {
  const half = Math.floor(SC27XX_STEP_MS / 2)
  const rounded = ((deltaT >>> 0) + half) >>> 0
  const clamped = Math.min(Math.max(rounded, SC27XX_DELTA_T_MIN), SC27XX_DELTA_T_MAX)
  const whole = Math.floor((clamped - SC27XX_DELTA_T_MIN) / SC27XX_STEP_MS) * SC27XX_STEP_MS
  return SC27XX_DELTA_T_MIN + whole
}

/** The DUTY value the driver writes for a brightness (an int shifted into bits 15..8, mod all ones). */
export function sc27xxDutyValue (brightness: number): number {
  return ((brightness << SC27XX_BITS.DUTY_SHIFT) | SC27XX_BITS.MOD_MASK) & SC27XX_BITS.DUTY_MASK
}

function hex (n: number): string {
  return `0x${n.toString(16)}`
}

/**
 * The PMIC as the BLTC driver sees it through its regmap: a sparse 32-bit
 * register file, a claim on each of the 3 lines, and the write log. Several
 * drivers (lines) may share one controller, and so the CTRL register.
 */
export class Sc27xxController {
  readonly base: number
  private readonly regs = new Map<number, number>()
  private log: Sc27xxWrite[] = []
  private readonly logSize: number
  private readonly claimed = new Set<number>()
  droppedWrites = 0

  constructor (opts: { base?: number, logSize?: number } = {}) {
    const base = opts.base ?? SC27XX_DEFAULT_BASE
    if (!Number.isInteger(base) || base < 0 || base > 0xffffffff) throw new RangeError(`sc27xx: base must be a 32-bit address (got ${base})`)
    const logSize = opts.logSize ?? SC27XX_LOG_SIZE
    if (!Number.isInteger(logSize) || logSize < 1) throw new RangeError(`sc27xx: logSize must be a positive integer (got ${logSize})`)
    this.base = base
    this.logSize = logSize
    // Assumed reset state: all zero except the RGB block's power-down bit,
    // which is what the probe below exists to clear.
    this.regs.set(SC27XX_GLOBAL.RGB_CTRL, SC27XX_GLOBAL.RGB_PD)
    this.probe()
  }

  /** The probe-time set-up: enable the block and its clock, power the RGB outputs up. */
  private probe (): void {
    this.updateBits(SC27XX_GLOBAL.MODULE_EN0, SC27XX_GLOBAL.BLTC_EN, SC27XX_GLOBAL.BLTC_EN, 0)
    this.updateBits(SC27XX_GLOBAL.CLK_EN0, SC27XX_GLOBAL.RTC_EN, SC27XX_GLOBAL.RTC_EN, 0)
    this.updateBits(SC27XX_GLOBAL.RGB_CTRL, SC27XX_GLOBAL.RGB_PD, 0, 0)
  }

  /** Take a line for one LED; a line used twice is refused, as the probe refuses a duplicate reg. */
  claim (line: number): void {
    if (!Number.isInteger(line) || line < 0 || line >= SC27XX_LINES) throw new RangeError(`sc27xx: line must be 0..${SC27XX_LINES - 1} (got ${line})`)
    if (this.claimed.has(line)) throw new RangeError(`sc27xx: line ${line} is already used`)
    this.claimed.add(line)
  }

  /** Address of the CTRL register (shared by the lines). */
  get ctrlAddr (): number {
    return (this.base + SC27XX_REG.CTRL) >>> 0
  }

  /** Start of a line's register block (the driver's per-line offset). */
  lineBase (line: number): number {
    return (this.base + SC27XX_REG.LINE_STRIDE * line) >>> 0
  }

  read (addr: number): number {
    return this.regs.get(addr) ?? 0
  }

  /** regmap_write(): the value always goes out. */
  write (addr: number, value: number, time: number): void {
    this.store(addr, value >>> 0, time)
  }

  /** regmap_update_bits(): read, modify, and write only if something changed. Returns whether it did. */
  updateBits (addr: number, mask: number, value: number, time: number): boolean {
    const old = this.read(addr)
    const next = ((old & ~mask) | (value & mask)) >>> 0
    if (next === old) return false
    this.store(addr, next, time)
    return true
  }

  private store (addr: number, value: number, time: number): void {
    this.regs.set(addr, value)
    this.log.push({ time, addr, reg: this.nameOf(addr), value })
    if (this.log.length > this.logSize) {
      const cut = this.log.length - this.logSize
      this.log.splice(0, cut)
      this.droppedWrites += cut
    }
  }

  /** Register writes kept so far, oldest first (copies). */
  writes (): Sc27xxWrite[] {
    return this.log.map(w => ({ ...w }))
  }

  clearWrites (): void {
    this.log = []
    this.droppedWrites = 0
  }

  /** Symbolic name of an address: CTRL, LINE<n>_<REG>, a global register, or hex. */
  nameOf (addr: number): string {
    if (addr === SC27XX_GLOBAL.MODULE_EN0) return 'MODULE_EN0'
    if (addr === SC27XX_GLOBAL.CLK_EN0) return 'CLK_EN0'
    if (addr === SC27XX_GLOBAL.RGB_CTRL) return 'RGB_CTRL'
    if (addr === this.ctrlAddr) return 'CTRL'
    for (let line = 0; line < SC27XX_LINES; line++) {
      const off = addr - this.lineBase(line)
      if (off === SC27XX_REG.PRESCALE) return `LINE${line}_PRESCALE`
      if (off === SC27XX_REG.DUTY) return `LINE${line}_DUTY`
      if (off === SC27XX_REG.CURVE0) return `LINE${line}_CURVE0`
      if (off === SC27XX_REG.CURVE1) return `LINE${line}_CURVE1`
    }
    return hex(addr)
  }
}

export interface Sc27xxOptions {
  /** Output of the controller this LED is wired to, 0..2 (the child node's reg). Default 0. */
  line?: number
  /** Share one controller (and its CTRL register) between LEDs; default: a controller of its own. */
  controller?: Sc27xxController
  /** Base of a controller made here (ignored with `controller`). Default 0x200. */
  base?: number
}

/**
 * One LED of the SC27xx breathing-light controller: brightness through the
 * PWM duty, and a 4-stage hardware pattern (rise, high, fall, low) the
 * controller breathes by itself, forever.
 */
export class Sc27xxDriver implements LedDriver {
  readonly kind = 'sc27xx'
  readonly controller: Sc27xxController
  readonly line: number
  /** The LED these ops were last called for (so the sampler can report to it). */
  private led: LedClassdev | undefined
  /** When the output last entered breathing mode; the waveform's phase counts from here. */
  private breathStart: number | undefined
  /**
   * ldev->brightness as the driver leaves it after pattern_set (the second
   * tuple's brightness); undefined when no hardware pattern is programmed.
   */
  private programmed: number | undefined
  /** The last level reported to the LED's timeline while a pattern is programmed. */
  private lastReported = 0
  /** A brightness-file read has set the core's value to `programmed` since the last report. */
  private overwritten = false
  private sampler: ClockHandle | undefined

  constructor (opts: Sc27xxOptions = {}) {
    this.controller = opts.controller ?? new Sc27xxController({ base: opts.base })
    this.line = opts.line ?? 0
    this.controller.claim(this.line)
  }

  private get ctrlShift (): number { return SC27XX_BITS.CTRL_SHIFT * this.line }
  private get dutyAddr (): number { return (this.controller.lineBase(this.line) + SC27XX_REG.DUTY) >>> 0 }
  private get curve0Addr (): number { return (this.controller.lineBase(this.line) + SC27XX_REG.CURVE0) >>> 0 }
  private get curve1Addr (): number { return (this.controller.lineBase(this.line) + SC27XX_REG.CURVE1) >>> 0 }
  private get prescaleAddr (): number { return (this.controller.lineBase(this.line) + SC27XX_REG.PRESCALE) >>> 0 }

  // ---- the driver's ops -------------------------------------------------

  /**
   * sc27xx_led_set(): LED_OFF clears the line's RUN and TYPE bits (DUTY is
   * left alone); anything else writes the duty, then sets RUN and TYPE, so
   * the output holds a steady PWM level. Either way a breathing pattern
   * stops. The LED core already records the new brightness.
   */
  brightnessSet (led: LedClassdev, value: number): void {
    this.led = led
    const time = led.wheel.now()
    if (this.programmed !== undefined && this.overwritten && value === this.programmed >>> 0 && value !== this.lastReported) {
      // The core compared the new value with what the read left, found no
      // change and will record nothing, but the light goes from the waveform's
      // level to this one: record it here.
      led.brightness = this.lastReported
      led.reportHardwareBrightness(value, time)
    }
    const both = (SC27XX_BITS.RUN | SC27XX_BITS.TYPE) << this.ctrlShift
    if (value === 0) {
      this.controller.updateBits(this.controller.ctrlAddr, both, 0, time)
    } else {
      this.controller.updateBits(this.dutyAddr, SC27XX_BITS.DUTY_MASK, sc27xxDutyValue(value), time)
      this.controller.updateBits(this.controller.ctrlAddr, both, both, time)
    }
    this.programmed = undefined
    this.follow(time)
  }

  /**
   * The brightness file while a hardware pattern is programmed: the driver
   * sets ldev->brightness to the second tuple's brightness (an int read
   * back as unsigned), whatever the waveform is doing. Otherwise the LED
   * core's value.
   */
  brightnessGet (led: LedClassdev): number {
    if (this.programmed === undefined) return led.brightness
    this.overwritten = true
    return this.programmed >>> 0
  }

  /**
   * sc27xx_led_pattern_set(): exactly 4 tuples; each duration is aligned
   * (written back into the tuple, which is what hw_pattern then shows) and
   * its step count goes to its curve field, in the order rise (CURVE0 low
   * byte), high (CURVE1 low), fall (CURVE0 high), low (CURVE1 high). Then
   * the duty from the second tuple's brightness, then RUN alone. TYPE is
   * not touched: it is clear after pattern_clear or LED_OFF, but a lit
   * brightness set just before (no clear in between) leaves it set, and
   * then the output keeps a steady level instead of breathing. The brightness of
   * the other tuples and the repeat count are ignored: the hardware
   * breathes until cleared.
   */
  patternSet (led: LedClassdev, pattern: LedPattern[], _repeat: number): void {
    if (pattern.length !== SC27XX_PATTERN_COUNT) {
      throw new KernelError('EINVAL', `sc27xx: a hardware pattern is exactly ${SC27XX_PATTERN_COUNT} tuples (rise, high, fall, low), got ${pattern.length}`)
    }
    this.led = led
    const time = led.wheel.now()
    const c = this.controller
    const { CURVE_L_MASK: lo, CURVE_H_MASK: hi, CURVE_SHIFT: sh } = SC27XX_BITS
    const stage: Array<[addr: number, mask: number, shift: number]> = [
      [this.curve0Addr, lo, 0], // rise
      [this.curve1Addr, lo, 0], // high
      [this.curve0Addr, hi, sh], // fall
      [this.curve1Addr, hi, sh] // low
    ]
    stage.forEach(([addr, mask, shift], i) => {
      const p = pattern[i]
      p.deltaT = sc27xxAlignDeltaT(p.deltaT)
      c.updateBits(addr, mask, (p.deltaT / SC27XX_STEP_MS) << shift, time)
    })
    c.updateBits(this.dutyAddr, SC27XX_BITS.DUTY_MASK, sc27xxDutyValue(pattern[1].brightness), time)
    const run = SC27XX_BITS.RUN << this.ctrlShift
    c.updateBits(c.ctrlAddr, run, run, time)
    if (this.programmed === undefined) {
      this.lastReported = led.brightness
      this.overwritten = false
    }
    this.programmed = pattern[1].brightness | 0
    this.follow(time)
    this.report(led, this.levelAt(time), time)
  }

  /**
   * sc27xx_led_pattern_clear(): zero both curve registers (plain writes,
   * so they are logged even when already zero), clear RUN and TYPE, and
   * set the brightness to LED_OFF — reported, as the output goes dark.
   * DUTY keeps its last value.
   */
  patternClear (led: LedClassdev): void {
    this.led = led
    const time = led.wheel.now()
    const c = this.controller
    c.write(this.curve0Addr, 0, time)
    c.write(this.curve1Addr, 0, time)
    const both = (SC27XX_BITS.RUN | SC27XX_BITS.TYPE) << this.ctrlShift
    c.updateBits(c.ctrlAddr, both, 0, time)
    this.follow(time)
    this.report(led, 0, time)
    this.programmed = undefined
  }

  dispose (): void {
    this.stopSampling()
  }

  inspect (): Record<string, unknown> {
    return { ...this.registers() }
  }

  // ---- the hardware model -----------------------------------------------

  /** What the line's output does, from CTRL alone. */
  mode (): Sc27xxMode {
    const ctrl = this.controller.read(this.controller.ctrlAddr) >>> this.ctrlShift
    if ((ctrl & SC27XX_BITS.RUN) === 0) return 'off'
    return (ctrl & SC27XX_BITS.TYPE) !== 0 ? 'pwm' : 'breathing'
  }

  /** The duty field: the level of a steady output and the top of a breath. */
  duty (): number {
    return (this.controller.read(this.dutyAddr) >>> SC27XX_BITS.DUTY_SHIFT) & 0xff
  }

  /** Stage durations from the curve registers (steps × 125 ms). */
  curve (): Sc27xxCurve {
    const c0 = this.controller.read(this.curve0Addr)
    const c1 = this.controller.read(this.curve1Addr)
    const ms = (v: number, shift: number): number => ((v >>> shift) & 0xff) * SC27XX_STEP_MS
    return { riseMs: ms(c0, 0), highMs: ms(c1, 0), fallMs: ms(c0, 8), lowMs: ms(c1, 8) }
  }

  /**
   * The brightness the output shows at `time` (ms on the LED's clock).
   * Off: 0. PWM: the duty. Breathing: a cycle that starts with the rise
   * when breathing began — a linear ramp from 0 to the duty over the rise,
   * the duty for the high stage, a linear ramp back to 0 over the fall, 0
   * for the low stage — each ramp level rounded to the nearest integer.
   * A stage of zero steps is skipped (the driver never programs one); a
   * cycle of zero length shows the duty.
   */
  levelAt (time: number): number {
    const mode = this.mode()
    if (mode === 'off') return 0
    const duty = this.duty()
    if (mode === 'pwm' || this.breathStart === undefined) return duty
    const { riseMs, highMs, fallMs, lowMs } = this.curve()
    const period = riseMs + highMs + fallMs + lowMs
    if (period === 0) return duty
    const tau = (time - this.breathStart) % period
    if (tau < riseMs) return Math.round(duty * tau / riseMs)
    if (tau < riseMs + highMs) return duty
    const intoFall = tau - riseMs - highMs
    if (intoFall < fallMs) return Math.round(duty * (fallMs - intoFall) / fallMs)
    return 0
  }

  /**
   * When the level can next change after `time`: the next sample on the
   * SAMPLE_MS grid (counted from the start of breathing) inside a ramp, the
   * end of the stage inside a flat one. Stage ends are whole 125 ms steps,
   * so they are on the grid too.
   */
  private nextSampleAfter (time: number): number {
    const start = this.breathStart ?? time
    const { riseMs, highMs, fallMs, lowMs } = this.curve()
    const period = riseMs + highMs + fallMs + lowMs
    const gridNext = start + (Math.floor((time - start) / SAMPLE_MS) + 1) * SAMPLE_MS
    if (period === 0) return gridNext
    const cycleStart = start + Math.floor((time - start) / period) * period
    const tau = time - cycleStart
    if (tau >= riseMs && tau < riseMs + highMs) return cycleStart + riseMs + highMs
    if (tau >= riseMs + highMs + fallMs) return cycleStart + period
    return gridNext
  }

  /** Track mode changes: start the waveform (and its sampling) on entering breathing, stop on leaving. */
  private follow (time: number): void {
    if (this.mode() === 'breathing') {
      if (this.breathStart === undefined) {
        this.breathStart = time
        this.scheduleSample(time)
      }
    } else {
      this.breathStart = undefined
      this.stopSampling()
    }
  }

  private scheduleSample (after: number): void {
    const led = this.led
    if (led === undefined) return
    const clock = led.wheel.clock
    this.stopSampling()
    // A late real-time wake-up skips the samples it missed rather than replaying them.
    const at = this.nextSampleAfter(Math.max(after, clock.now()))
    this.sampler = clock.schedule(at, () => {
      this.sampler = undefined
      if (this.breathStart === undefined) return
      this.report(led, this.levelAt(at), at)
      this.scheduleSample(at)
    })
  }

  private stopSampling (): void {
    if (this.sampler === undefined) return
    this.led?.wheel.clock.cancel(this.sampler)
    this.sampler = undefined
  }

  /**
   * Pass a level to the LED's timeline (only changes are recorded). While
   * a pattern is programmed, a read of the brightness file has set the
   * core's value to the second tuple's brightness; put back what the
   * timeline last got first, so changes are measured against it.
   */
  private report (led: LedClassdev, value: number, time: number): void {
    if (this.programmed !== undefined && this.overwritten) led.brightness = this.lastReported
    led.reportHardwareBrightness(value, time)
    this.lastReported = value
    this.overwritten = false
  }

  // ---- inspection -------------------------------------------------------

  /** A plain snapshot of this LED's registers, decoded, with the current mode and level. */
  registers (): Sc27xxRegisters {
    const c = this.controller
    const addresses = {
      CTRL: c.ctrlAddr,
      PRESCALE: this.prescaleAddr,
      DUTY: this.dutyAddr,
      CURVE0: this.curve0Addr,
      CURVE1: this.curve1Addr,
      MODULE_EN0: SC27XX_GLOBAL.MODULE_EN0,
      CLK_EN0: SC27XX_GLOBAL.CLK_EN0,
      RGB_CTRL: SC27XX_GLOBAL.RGB_CTRL
    }
    const values = {
      CTRL: c.read(addresses.CTRL),
      PRESCALE: c.read(addresses.PRESCALE),
      DUTY: c.read(addresses.DUTY),
      CURVE0: c.read(addresses.CURVE0),
      CURVE1: c.read(addresses.CURVE1),
      MODULE_EN0: c.read(addresses.MODULE_EN0),
      CLK_EN0: c.read(addresses.CLK_EN0),
      RGB_CTRL: c.read(addresses.RGB_CTRL)
    }
    const ctrl = values.CTRL >>> this.ctrlShift
    const curve = this.curve()
    const now = this.led?.wheel.now()
    return {
      base: c.base,
      line: this.line,
      values,
      addresses,
      fields: {
        run: (ctrl & SC27XX_BITS.RUN) !== 0,
        type: (ctrl & SC27XX_BITS.TYPE) !== 0,
        duty: (values.DUTY >>> SC27XX_BITS.DUTY_SHIFT) & 0xff,
        mod: values.DUTY & SC27XX_BITS.MOD_MASK,
        riseSteps: values.CURVE0 & 0xff,
        highSteps: values.CURVE1 & 0xff,
        fallSteps: (values.CURVE0 >>> 8) & 0xff,
        lowSteps: (values.CURVE1 >>> 8) & 0xff,
        ...curve
      },
      mode: this.mode(),
      level: now === undefined ? (this.mode() === 'off' ? 0 : this.duty()) : this.levelAt(now),
      writes: c.writes().length,
      droppedWrites: c.droppedWrites
    }
  }

  /** The controller's register write log (shared with the other lines of the controller). */
  writes (): Sc27xxWrite[] {
    return this.controller.writes()
  }
}
