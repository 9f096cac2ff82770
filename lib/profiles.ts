/**
 * What differs between the kernels ledfs can emulate. Every version-specific
 * decision reads this table; nothing else checks a version.
 */
export type ProfileName = '4.20' | '6.1' | 'mainline'

export interface KernelProfile {
  readonly name: ProfileName
  readonly pattern: {
    /** sscanf conversion for a tuple's brightness: %d (4.20) accepts a sign, %u does not. */
    readonly brightnessConversion: 'u' | 'd'
    /** 6.1 refuses brightness above max_brightness; 4.20 clamps it when set. */
    readonly rejectAboveMax: boolean
    /** 4.20 skips the tuple after a step change whatever its duration; 6.1 only when it is 0 ms. */
    readonly stepAlwaysSkipsNext: boolean
    /** mainline adds hr_pattern: the same tuples driven by an hrtimer, without jiffy rounding. */
    readonly hrPattern: boolean
  }
}

export const PROFILES: Record<ProfileName, KernelProfile> = {
  '4.20': {
    name: '4.20',
    pattern: { brightnessConversion: 'd', rejectAboveMax: false, stepAlwaysSkipsNext: true, hrPattern: false }
  },
  '6.1': {
    name: '6.1',
    pattern: { brightnessConversion: 'u', rejectAboveMax: true, stepAlwaysSkipsNext: false, hrPattern: false }
  },
  mainline: {
    name: 'mainline',
    pattern: { brightnessConversion: 'u', rejectAboveMax: true, stepAlwaysSkipsNext: false, hrPattern: true }
  }
}

export const DEFAULT_PROFILE: ProfileName = '6.1'

export function isProfileName (s: string): s is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, s)
}
