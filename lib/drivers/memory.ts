import type { LedDriver, LedHost } from './driver'

/**
 * An LED with nothing behind it, like a uleds device: the brightness lives
 * in the class device and the timeline, and setting it cannot fail.
 */
export class MemoryDriver implements LedDriver {
  readonly kind = 'memory'
  brightnessSet (_led: LedHost, _value: number): void {}
}
