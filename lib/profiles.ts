/**
 * What differs between the kernels ledfs can emulate. Every version-specific
 * decision reads this table; nothing else checks a version.
 */
export type ProfileName = '4.20' | '6.1' | 'mainline'

/**
 * Which triggers a mount registers: `all` is a machine with every LED trigger
 * module loaded; `pattern` only the built-in event triggers and the pattern
 * trigger (what the first recorded transcripts were made with).
 */
export type TriggerSet = 'all' | 'pattern'

export const TRIGGER_SETS: readonly TriggerSet[] = ['all', 'pattern']

export interface KernelProfile {
  readonly name: ProfileName
  /** CONFIG_HZ of the emulated build: a mount's tick rate unless one is given. */
  readonly hz: number
  /** Trigger names in registration order, as `cat trigger` lists them (one CPU). */
  readonly triggers: Readonly<Record<TriggerSet, readonly string[]>>
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
  /** Where trigger modules other than pattern changed between kernels. */
  readonly modules: {
    /** 6.12's gpio trigger takes its line from the LED's firmware node (no gpio/inverted files); 6.1's from the gpio file. */
    readonly gpioFromFirmware: boolean
    /** 6.12's netdev adds half_duplex, full_duplex, rx_err, tx_err, offloaded and per-speed link files. */
    readonly netdevLinkModes: boolean
  }
}

/** Debian 6.1's built-in event triggers, in registration order. */
const DEBIAN_6_1_BUILTIN = ['kbd-scrolllock', 'kbd-numlock', 'kbd-capslock', 'kbd-kanalock', 'kbd-shiftlock',
  'kbd-altgrlock', 'kbd-ctrllock', 'kbd-altlock', 'kbd-shiftllock', 'kbd-shiftrlock', 'kbd-ctrlllock',
  'kbd-ctrlrlock', 'disk-activity', 'disk-read', 'disk-write', 'ide-disk', 'mtd', 'nand-disk', 'cpu', 'cpu0', 'panic']

/** Debian 6.1's LED trigger modules, loaded in module-name order. */
const DEBIAN_6_1_MODULES = ['activity', 'audio-mute', 'audio-micmute', 'backlight', 'flash', 'torch', 'default-on',
  'gpio', 'heartbeat', 'netdev', 'oneshot', 'pattern', 'timer', 'transient']

const DEBIAN_6_1_TRIGGERS: KernelProfile['triggers'] = {
  all: [...DEBIAN_6_1_BUILTIN, ...DEBIAN_6_1_MODULES],
  pattern: [...DEBIAN_6_1_BUILTIN, 'pattern']
}

export const PROFILES: Record<ProfileName, KernelProfile> = {
  '4.20': {
    name: '4.20',
    hz: 250,
    triggers: DEBIAN_6_1_TRIGGERS,
    pattern: { brightnessConversion: 'd', rejectAboveMax: false, stepAlwaysSkipsNext: true, hrPattern: false },
    modules: { gpioFromFirmware: false, netdevLinkModes: false }
  },
  '6.1': {
    name: '6.1',
    hz: 250,
    triggers: DEBIAN_6_1_TRIGGERS,
    pattern: { brightnessConversion: 'u', rejectAboveMax: true, stepAlwaysSkipsNext: false, hrPattern: false },
    modules: { gpioFromFirmware: false, netdevLinkModes: false }
  },
  mainline: {
    name: 'mainline',
    hz: 250,
    triggers: DEBIAN_6_1_TRIGGERS,
    pattern: { brightnessConversion: 'u', rejectAboveMax: true, stepAlwaysSkipsNext: false, hrPattern: true },
    modules: { gpioFromFirmware: true, netdevLinkModes: true }
  }
}

export const DEFAULT_PROFILE: ProfileName = '6.1'

/** Until every module trigger exists, mounts register the smaller set. */
export const DEFAULT_TRIGGER_SET: TriggerSet = 'pattern'

export function isProfileName (s: string): s is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, s)
}
