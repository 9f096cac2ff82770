import type { LedDriver, LedHost } from './driver'
import { McChannels } from './multicolor'

/**
 * A multicolor LED with nothing behind it: the memory LED's counterpart for
 * the multicolor class. Its brightness op computes each channel's level from
 * the class brightness and the intensities, as a multicolor driver does in
 * its brightness_set, and keeps them for inspection.
 */
export class RgbDriver implements LedDriver {
  readonly kind = 'rgb'
  readonly channels: McChannels
  /** The channel levels the last brightness set computed. */
  levels: number[]

  constructor (colors: readonly string[]) {
    this.channels = new McChannels(colors)
    this.levels = colors.map(() => 0)
  }

  brightnessSet (led: LedHost, value: number): void {
    this.levels = this.channels.levels(value, led.maxBrightness)
  }

  inspect (): Record<string, unknown> {
    return { colors: [...this.channels.colors], intensity: Array.from(this.channels.intensity), levels: [...this.levels] }
  }
}
