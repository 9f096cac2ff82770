import { sscanf } from '../abi/scanf'

/**
 * The channels of a multicolor LED (led-class-multicolor): one class device
 * whose `brightness` scales per-channel intensities. Each channel has a
 * colour (shown by `multi_index`), an intensity (`multi_intensity`) and the
 * level computed for the hardware from both (led_mc_calc_color_components,
 * which the kernel's drivers call, hence its place beside the drivers). The
 * class files themselves are in lib/led/led-class.ts.
 */

/** Colour names by LED_COLOR_ID, as the kernel's table has them (6.12 adds five). */
export const LED_COLORS_6_1 = ['white', 'red', 'green', 'blue', 'amber', 'violet', 'yellow', 'ir', 'multicolor', 'rgb'] as const
export const LED_COLORS_6_12 = [...LED_COLORS_6_1, 'purple', 'orange', 'pink', 'cyan', 'lime'] as const

export const DEFAULT_CHANNELS = ['red', 'green', 'blue']

/**
 * led_mc_calc_color_components(): DIV_ROUND_CLOSEST(brightness * intensity,
 * max_brightness) per channel, all in unsigned 32-bit arithmetic, so a large
 * intensity wraps in the product and again when half the divisor is added.
 */
export function calcColorComponents (brightness: number, intensities: ArrayLike<number>, maxBrightness: number): number[] {
  const out: number[] = []
  for (let i = 0; i < intensities.length; i++) {
    const product = Math.imul(brightness >>> 0, intensities[i] >>> 0) >>> 0
    const rounded = (product + Math.floor(maxBrightness / 2)) >>> 0
    out.push(Math.floor(rounded / maxBrightness) >>> 0)
  }
  return out
}

/**
 * multi_intensity_store()'s parser: one "%i" per channel, each skipping
 * leading white space, then at most one more byte (normally the newline).
 * Values are C ints stored unsigned. Returns undefined where the kernel
 * answers EINVAL.
 */
export function parseIntensities (buf: Buffer, channels: number): number[] | undefined {
  const values: number[] = []
  let offset = 0
  for (let i = 0; i < channels; i++) {
    const r = sscanf(buf, offset, '%i%n')
    if (r.count !== 1) return undefined
    values.push((r.values[0] ?? 0) >>> 0)
    offset += r.values[1] ?? 0
  }
  return offset + 1 < buf.length ? undefined : values
}

/** The channels of one multicolor LED. */
export class McChannels {
  /** Intensities as the kernel keeps them: unsigned 32-bit. */
  readonly intensity: Uint32Array

  constructor (readonly colors: readonly string[]) {
    this.intensity = new Uint32Array(colors.length)
  }

  levels (brightness: number, maxBrightness: number): number[] {
    return calcColorComponents(brightness, this.intensity, maxBrightness)
  }

  /** multi_intensity reads back each value as a signed int, space-separated. */
  showIntensity (): string {
    return `${Array.from(this.intensity, v => v | 0).join(' ')}\n`
  }

  showIndex (): string {
    return `${this.colors.join(' ')}\n`
  }

}

/** Check a channel list for the config: known colour names, 1 to the kernel's LED_COLOR_ID_MAX channels. */
export function checkChannels (colors: readonly string[], known: readonly string[]): string | undefined {
  if (colors.length === 0) return 'needs at least one channel colour'
  if (colors.length > known.length) return `has ${colors.length} channels; the kernel allows at most ${known.length}`
  const bad = colors.find(c => !known.includes(c))
  if (bad !== undefined) return `has an unknown colour "${bad}" (known: ${known.join(', ')})`
  return undefined
}
