import type { LedDriver } from './driver'

/** A driver option that is wrong; the message says which and what is expected (the schema adds the LED). */
export class DriverOptionError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'DriverOptionError'
  }
}

/** What creating a driver may use: one context per mount, so LEDs can share hardware. */
export interface DriverContext {
  /** dev_warn() for the backend. */
  readonly warn: (msg: string) => void
  /** One object per key and mount, made on first use (a controller several LEDs sit on). */
  shared: <T>(key: string, make: () => T) => T
}

/**
 * One kind of LED backend: how it is spelled on the command line and in a
 * config file, what it checks, what it imposes on the LED, how it is made.
 */
export interface DriverKind<O = unknown> {
  /** The name after NAME= on the command line and in "driver". */
  readonly kind: string
  /** How `--led NAME=...` spells it, for the help text (e.g. "sysfs:PATH"). */
  readonly spelling: string
  /** One sentence for the help text. */
  readonly summary: string
  /** Config-file / API fields of its own, besides the common LED fields. */
  readonly fields: readonly string[]
  /** The text after "KIND:" in --led (undefined without a colon), as those fields. */
  fromText: (rest: string | undefined) => Record<string, unknown>
  /** Check its fields (absent ones are undefined) and return the options `create` takes. */
  check: (fields: Record<string, unknown>) => O
  /** A piece of hardware two LEDs of a mount cannot both use (e.g. a controller line), with its description. */
  claims?: (opts: O) => { key: string, what: string } | undefined
  /**
   * max_brightness as the hardware imposes it: a fixed value, or read from
   * the device when it is made (the text names where from).
   */
  readonly maxBrightness?: { fixed: number } | { from: string }
  /** The trigger an LED of this kind starts with when it names none. */
  readonly defaultTrigger?: string
  /** Open the backend; with `maxBrightness: {from}` it also returns the value read. */
  create: (opts: O, ctx: DriverContext) => { driver: LedDriver, maxBrightness?: number }
}
