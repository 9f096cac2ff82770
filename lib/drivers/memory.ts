import { KernelError } from '../abi/errno'
import type { BlinkDelays, LedDriver, LedHost } from './driver'

export interface MemoryDriverOptions {
  /**
   * Offer hardware blinking (blink_set), so the core hands blinks to the
   * driver instead of running its own timer. The emulated hardware blinks
   * with any delays up to `hwBlinkMaxMs` (default 10000 ms each) and picks
   * 500/500 when asked for 0/0; longer delays are refused (the core then
   * blinks in software).
   */
  hwBlink?: boolean
  hwBlinkMaxMs?: number
}

/** What the emulated hardware is blinking with, if anything. */
export interface HardwareBlink { delayOn: number, delayOff: number }

/**
 * An LED with nothing behind it, like a uleds device: the brightness lives
 * in the class device and the timeline, and setting it cannot fail.
 */
export class MemoryDriver implements LedDriver {
  readonly kind = 'memory'
  /** The blink the hardware runs; any brightness set ends it, as on LED controllers. */
  hardwareBlink: HardwareBlink | null = null
  readonly blinkSet?: (led: LedHost, delays: BlinkDelays) => void
  private readonly hwBlinkMaxMs: number

  constructor (opts: MemoryDriverOptions = {}) {
    const max = opts.hwBlinkMaxMs ?? 10000
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`hwBlinkMaxMs must be a positive integer (got ${max})`)
    this.hwBlinkMaxMs = max
    if (opts.hwBlink === true) this.blinkSet = (led, delays) => this.hwBlinkSet(led, delays)
  }

  brightnessSet (_led: LedHost, _value: number): void {
    this.hardwareBlink = null
  }

  private hwBlinkSet (_led: LedHost, delays: BlinkDelays): void {
    if (delays.on === 0n && delays.off === 0n) delays.on = delays.off = 500n
    const max = BigInt(this.hwBlinkMaxMs)
    if (delays.on > max || delays.off > max) throw new KernelError('EINVAL', `hardware blink delays are at most ${this.hwBlinkMaxMs} ms`)
    this.hardwareBlink = { delayOn: Number(delays.on), delayOff: Number(delays.off) }
  }

  inspect (): Record<string, unknown> {
    return { hardwareBlink: this.hardwareBlink }
  }
}
