import type { Regmap } from './regmap'
import type { Sc27xxCurve, Sc27xxMode, Sc27xxOutput } from './sc27xx-breath'
import { SC27XX_BITS, SC27XX_GLOBAL } from './sc27xx-regs'

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

/** A plain snapshot of one line's registers, decoded, with the output's mode and level now. */
export function sc27xxRegisters (regmap: Regmap, base: number, output: Sc27xxOutput): Sc27xxRegisters {
  const r = output.regs
  const addresses: Record<Sc27xxRegisterName, number> = {
    CTRL: r.ctrl,
    PRESCALE: r.prescale,
    DUTY: r.duty,
    CURVE0: r.curve0,
    CURVE1: r.curve1,
    MODULE_EN0: SC27XX_GLOBAL.MODULE_EN0,
    CLK_EN0: SC27XX_GLOBAL.CLK_EN0,
    RGB_CTRL: SC27XX_GLOBAL.RGB_CTRL
  }
  const values = Object.fromEntries(Object.entries(addresses).map(([name, addr]) => [name, regmap.read(addr)])) as Record<Sc27xxRegisterName, number>
  const ctrl = values.CTRL >>> r.ctrlShift
  return {
    base,
    line: r.line,
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
      ...output.curve()
    },
    mode: output.mode(),
    level: output.levelNow(),
    writes: regmap.writes().length,
    droppedWrites: regmap.droppedWrites
  }
}
