/*
 * The Spreadtrum/Unisoc SC27xx PMIC's breathing-light controller (BLTC) as
 * Linux's leds-sc27xx-bltc driver knows it: constants and register layout.
 *
 * Register map (all offsets from the controller base, 0x200 in the DT
 * binding's example; line n's block starts at base + 0x10 * n):
 *
 *   base + 0x00               CTRL   shared: line n owns bits [4n+1:4n]
 *                                    bit 4n   RUN   the line's output is on
 *                                    bit 4n+1 TYPE  (see sc27xx-breath.ts)
 *   base + 0x10 * n + 0x04    PRESCALE (never written by the driver)
 *   base + 0x10 * n + 0x08    DUTY   [15:8] duty, [7:0] mod (always 0xff)
 *   base + 0x10 * n + 0x0c    CURVE0 [7:0] rise steps, [15:8] fall steps
 *   base + 0x10 * n + 0x10    CURVE1 [7:0] high steps, [15:8] low steps
 *
 * One curve step is 125 ms. Global PMIC registers set once at probe:
 * MODULE_EN0 (0xc08) bit 9 enables the BLTC, CLK_EN0 (0xc18) bit 7 its RTC
 * clock, RGB_CTRL (0xebc) bit 0 is a power-down bit that gets cleared.
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

/** The addresses one line involves, and where its RUN/TYPE pair sits in CTRL. */
export interface Sc27xxLineRegs {
  line: number
  ctrl: number
  ctrlShift: number
  prescale: number
  duty: number
  curve0: number
  curve1: number
}

/** Register addresses of line `line` of a controller at `base` (the driver's per-line offset). */
export function sc27xxLineRegs (base: number, line: number): Sc27xxLineRegs {
  const block = (base + SC27XX_REG.LINE_STRIDE * line) >>> 0
  return {
    line,
    ctrl: (base + SC27XX_REG.CTRL) >>> 0,
    ctrlShift: SC27XX_BITS.CTRL_SHIFT * line,
    prescale: (block + SC27XX_REG.PRESCALE) >>> 0,
    duty: (block + SC27XX_REG.DUTY) >>> 0,
    curve0: (block + SC27XX_REG.CURVE0) >>> 0,
    curve1: (block + SC27XX_REG.CURVE1) >>> 0
  }
}

const LINE_REG_NAMES: Array<[keyof Sc27xxLineRegs, string]> = [['prescale', 'PRESCALE'], ['duty', 'DUTY'], ['curve0', 'CURVE0'], ['curve1', 'CURVE1']]

/** Symbolic name of an address for a controller at `base`: CTRL, LINE<n>_<REG>, a global register, or undefined. */
export function sc27xxRegName (base: number, addr: number): string | undefined {
  if (addr === SC27XX_GLOBAL.MODULE_EN0) return 'MODULE_EN0'
  if (addr === SC27XX_GLOBAL.CLK_EN0) return 'CLK_EN0'
  if (addr === SC27XX_GLOBAL.RGB_CTRL) return 'RGB_CTRL'
  for (let line = 0; line < SC27XX_LINES; line++) {
    const r = sc27xxLineRegs(base, line)
    if (addr === r.ctrl) return 'CTRL'
    for (const [key, name] of LINE_REG_NAMES) if (addr === r[key]) return `LINE${line}_${name}`
  }
  return undefined
}
