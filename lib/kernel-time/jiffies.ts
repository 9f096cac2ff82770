/** The tick rates a kernel can be configured with (CONFIG_HZ choices). */
export const SUPPORTED_HZ = [100, 250, 300, 1000] as const
export type Hz = typeof SUPPORTED_HZ[number]

export function isSupportedHz (n: number): n is Hz {
  return (SUPPORTED_HZ as readonly number[]).includes(n)
}

/** Length of one jiffy in ms. */
export function tickMs (hz: number): number {
  return 1000 / hz
}

/** MAX_JIFFY_OFFSET on a 64-bit kernel: ((LONG_MAX >> 1) - 1). */
export const MAX_JIFFY_OFFSET = 2 ** 62 - 1

/**
 * msecs_to_jiffies() for an unsigned int argument: values with the top bit
 * set mean "forever"; everything else rounds up to whole jiffies.
 */
export function msecsToJiffies (ms: number, hz: number): number {
  const m = ms >>> 0
  if (m >= 0x80000000) return MAX_JIFFY_OFFSET
  if (1000 % hz === 0) {
    const per = 1000 / hz
    return Math.floor((m + per - 1) / per)
  }
  return Math.ceil((m * hz) / 1000)
}

/** jiffies_to_msecs(): whole ms of `j` jiffies, rounded up where a jiffy is not a whole number of ms. */
export function jiffiesToMsecs (j: number, hz: number): number {
  if (1000 % hz === 0) return (j * (1000 / hz)) >>> 0
  return Math.ceil((j * 1000) / hz) >>> 0
}
