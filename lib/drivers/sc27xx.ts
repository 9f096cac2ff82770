import { KernelError } from '../abi/errno'
import type { LedDriver, LedHost, LedPattern } from './driver'
import { Regmap, type RegisterWrite } from './regmap'
import { Sc27xxOutput } from './sc27xx-breath'
import { sc27xxRegisters, type Sc27xxRegisters } from './sc27xx-inspect'
import {
  SC27XX_BITS, SC27XX_DEFAULT_BASE, SC27XX_DELTA_T_MAX, SC27XX_DELTA_T_MIN, SC27XX_GLOBAL, SC27XX_LINES,
  SC27XX_PATTERN_COUNT, SC27XX_STEP_MS, sc27xxLineRegs, sc27xxRegName, type Sc27xxLineRegs
} from './sc27xx-regs'

/*
 * A mock of the Spreadtrum SC27xx PMIC breathing-light controller (BLTC) as
 * Linux's leds-sc27xx-bltc driver programs it:
 *
 *  - sc27xx-regs.ts: the constants and the register layout.
 *  - regmap.ts: the registers, with write and update-bits semantics and a
 *    capped log of the writes.
 *  - here: the driver — the controller it probes (Sc27xxController) and the
 *    ops of one LED (Sc27xxDriver), which perform its register sequences.
 *  - sc27xx-breath.ts: the silicon, the light a line gives, derived from the
 *    registers alone, and its sampling for the timeline.
 *  - sc27xx-inspect.ts: the decoded register snapshot `ledfs inspect` shows.
 */

/** LED_FULL: the driver never sets max_brightness, so the LED class gives it this. */
export const SC27XX_MAX_BRIGHTNESS = 255

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

/**
 * The BLTC block as the driver's probe sets it up: the PMIC's registers
 * (through its regmap), the block's base, and a claim on each of the 3
 * lines. Several LEDs (lines) may share one controller, and so CTRL.
 */
export class Sc27xxController {
  readonly base: number
  readonly regmap: Regmap
  private readonly claimed = new Set<number>()

  constructor (opts: { base?: number, logSize?: number } = {}) {
    const base = opts.base ?? SC27XX_DEFAULT_BASE
    if (!Number.isInteger(base) || base < 0 || base > 0xffffffff) throw new RangeError(`sc27xx: base must be a 32-bit address (got ${base})`)
    this.base = base
    // Assumed reset state: all zero except the RGB block's power-down bit,
    // which is what the probe below exists to clear.
    this.regmap = new Regmap({
      logSize: opts.logSize,
      reset: [[SC27XX_GLOBAL.RGB_CTRL, SC27XX_GLOBAL.RGB_PD]],
      nameOf: (addr) => sc27xxRegName(base, addr)
    })
    this.probe()
  }

  /** sc27xx_led_init(): enable the block and its clock, power the RGB outputs up. */
  private probe (): void {
    this.regmap.updateBits(SC27XX_GLOBAL.MODULE_EN0, SC27XX_GLOBAL.BLTC_EN, SC27XX_GLOBAL.BLTC_EN, 0)
    this.regmap.updateBits(SC27XX_GLOBAL.CLK_EN0, SC27XX_GLOBAL.RTC_EN, SC27XX_GLOBAL.RTC_EN, 0)
    this.regmap.updateBits(SC27XX_GLOBAL.RGB_CTRL, SC27XX_GLOBAL.RGB_PD, 0, 0)
  }

  /** Take a line for one LED; a line used twice is refused, as the probe refuses a duplicate reg. */
  claim (line: number): Sc27xxLineRegs {
    if (!Number.isInteger(line) || line < 0 || line >= SC27XX_LINES) throw new RangeError(`sc27xx: line must be 0..${SC27XX_LINES - 1} (got ${line})`)
    if (this.claimed.has(line)) throw new RangeError(`sc27xx: line ${line} is already used`)
    this.claimed.add(line)
    return sc27xxLineRegs(this.base, line)
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
 * controller breathes by itself, forever. Registered as the driver does:
 * default trigger "pattern", max_brightness left at LED_FULL.
 */
export class Sc27xxDriver implements LedDriver {
  readonly kind = 'sc27xx'
  readonly defaultTrigger = 'pattern'
  readonly maxBrightness = SC27XX_MAX_BRIGHTNESS
  readonly controller: Sc27xxController
  readonly line: number
  /** The line's output: the light the registers give. */
  readonly output: Sc27xxOutput
  private readonly regs: Sc27xxLineRegs

  constructor (opts: Sc27xxOptions = {}) {
    this.controller = opts.controller ?? new Sc27xxController({ base: opts.base })
    this.line = opts.line ?? 0
    this.regs = this.controller.claim(this.line)
    this.output = new Sc27xxOutput(this.controller.regmap, this.regs)
  }

  private get regmap (): Regmap {
    return this.controller.regmap
  }

  /**
   * sc27xx_led_set(): LED_OFF clears the line's RUN and TYPE bits (DUTY is
   * left alone); anything else writes the duty, then sets RUN and TYPE, so
   * the output holds a steady PWM level. Either way a breathing pattern
   * stops. The LED core has already set the brightness.
   */
  brightnessSet (led: LedHost, value: number): void {
    const time = led.now()
    const both = (SC27XX_BITS.RUN | SC27XX_BITS.TYPE) << this.regs.ctrlShift
    if (value === 0) {
      this.regmap.updateBits(this.regs.ctrl, both, 0, time)
    } else {
      this.regmap.updateBits(this.regs.duty, SC27XX_BITS.DUTY_MASK, sc27xxDutyValue(value), time)
      this.regmap.updateBits(this.regs.ctrl, both, both, time)
    }
    this.output.settle(led, time)
  }

  /**
   * sc27xx_led_pattern_set(): exactly 4 tuples; each duration is aligned
   * (written back into the tuple, which is what hw_pattern then shows) and
   * its step count goes to its curve field, in the order rise (CURVE0 low
   * byte), high (CURVE1 low), fall (CURVE0 high), low (CURVE1 high). Then
   * the duty from the second tuple's brightness, then RUN alone, and the
   * brightness becomes the second tuple's (an int, read back unsigned),
   * whatever the waveform does. TYPE is not touched: it is clear after
   * pattern_clear or LED_OFF, but a lit brightness set just before (no
   * clear in between) leaves it set, and then the output keeps a steady
   * level instead of breathing. The brightness of the other tuples and the
   * repeat count are ignored: the hardware breathes until cleared.
   */
  patternSet (led: LedHost, pattern: LedPattern[], _repeat: number): void {
    if (pattern.length !== SC27XX_PATTERN_COUNT) {
      throw new KernelError('EINVAL', `sc27xx: a hardware pattern is exactly ${SC27XX_PATTERN_COUNT} tuples (rise, high, fall, low), got ${pattern.length}`)
    }
    const time = led.now()
    const r = this.regs
    const { CURVE_L_MASK: lo, CURVE_H_MASK: hi, CURVE_SHIFT: sh } = SC27XX_BITS
    const stage: Array<[addr: number, mask: number, shift: number]> = [
      [r.curve0, lo, 0], // rise
      [r.curve1, lo, 0], // high
      [r.curve0, hi, sh], // fall
      [r.curve1, hi, sh] // low
    ]
    stage.forEach(([addr, mask, shift], i) => {
      const p = pattern[i]
      p.deltaT = sc27xxAlignDeltaT(p.deltaT)
      this.regmap.updateBits(addr, mask, (p.deltaT / SC27XX_STEP_MS) << shift, time)
    })
    this.regmap.updateBits(r.duty, SC27XX_BITS.DUTY_MASK, sc27xxDutyValue(pattern[1].brightness), time)
    const run = SC27XX_BITS.RUN << r.ctrlShift
    this.regmap.updateBits(r.ctrl, run, run, time)
    led.brightness = pattern[1].brightness >>> 0
    this.output.settle(led, time)
  }

  /**
   * sc27xx_led_pattern_clear(): zero both curve registers (plain writes,
   * so they are logged even when already zero), clear RUN and TYPE, and
   * set the brightness to LED_OFF; the output goes dark. DUTY keeps its
   * last value.
   */
  patternClear (led: LedHost): void {
    const time = led.now()
    this.regmap.write(this.regs.curve0, 0, time)
    this.regmap.write(this.regs.curve1, 0, time)
    const both = (SC27XX_BITS.RUN | SC27XX_BITS.TYPE) << this.regs.ctrlShift
    this.regmap.updateBits(this.regs.ctrl, both, 0, time)
    led.brightness = 0
    this.output.settle(led, time)
  }

  dispose (): void {
    this.output.dispose()
  }

  inspect (): Record<string, unknown> {
    return { ...this.registers() }
  }

  /** A plain snapshot of this LED's registers, decoded, with the current mode and level. */
  registers (): Sc27xxRegisters {
    return sc27xxRegisters(this.regmap, this.controller.base, this.output)
  }

  /** The controller's register write log (shared with the other lines of the controller). */
  writes (): RegisterWrite[] {
    return this.regmap.writes()
  }
}
