/**
 * What differs between the kernels ledfs can emulate. Every version-specific
 * decision reads this table; nothing else checks a version.
 */
import { LED_COLORS_6_1, LED_COLORS_6_12 } from './drivers/multicolor'

/** A kernel whose answers were recorded (test/conformance/kernel-<version>/). */
export type KernelVersion = '4.20' | '6.1' | '6.12'

/**
 * What --kernel, the config file and the API accept: a recorded kernel, or an
 * alias of one (PROFILE_ALIASES).
 */
export type ProfileName = KernelVersion | 'mainline'

/**
 * Which triggers a mount registers: `all` is a machine with every LED trigger
 * module loaded; `pattern` only the built-in event triggers and the pattern
 * trigger (what the first recorded transcripts were made with).
 */
export type TriggerSet = 'all' | 'pattern'

export const TRIGGER_SETS: readonly TriggerSet[] = ['all', 'pattern']

export interface KernelProfile {
  readonly name: KernelVersion
  /** CONFIG_HZ of the emulated build: a mount's tick rate unless one is given. */
  readonly hz: number
  /** The colour names of LED_COLOR_ID, as multi_index shows them; a multicolor LED has at most this many channels. */
  readonly ledColors: readonly string[]
  /** Trigger names in registration order, as `cat trigger` lists them (one CPU). */
  readonly triggers: Readonly<Record<TriggerSet, readonly string[]>>
  readonly core: {
    /**
     * 6.12's led_trigger_set() forgets LED_INIT_DEFAULT_TRIGGER when it removes
     * a trigger; on 6.1 the flag outlives a default trigger that never reads it,
     * so a later pattern trigger still applies the firmware's default pattern.
     */
    readonly removalClearsInitDefault: boolean
  }
  readonly pattern: {
    /** sscanf conversion for a tuple's brightness: %d (4.20) accepts a sign, %u does not. */
    readonly brightnessConversion: 'u' | 'd'
    /** 6.1 refuses brightness above max_brightness; 4.20 clamps it when set. */
    readonly rejectAboveMax: boolean
    /** 4.20 skips the tuple after a step change whatever its duration; 6.1 only when it is 0 ms. */
    readonly stepAlwaysSkipsNext: boolean
    /** 6.12 adds hr_pattern: the same tuples driven by an hrtimer, without jiffy rounding. */
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

/** Debian 6.12's built-in event triggers: 6.1's without ide-disk (the disk trigger no longer registers that alias). */
const DEBIAN_6_12_BUILTIN = DEBIAN_6_1_BUILTIN.filter(n => n !== 'ide-disk')

/** Debian 6.12's LED trigger modules, loaded in module-name order: 6.1's without the audio module (6.12 has no ledtrig-audio). */
const DEBIAN_6_12_MODULES = DEBIAN_6_1_MODULES.filter(n => n !== 'audio-mute' && n !== 'audio-micmute')

const DEBIAN_6_12_TRIGGERS: KernelProfile['triggers'] = {
  all: [...DEBIAN_6_12_BUILTIN, ...DEBIAN_6_12_MODULES],
  pattern: [...DEBIAN_6_12_BUILTIN, 'pattern']
}

export const PROFILES: Readonly<Record<KernelVersion, KernelProfile>> = {
  '4.20': {
    name: '4.20',
    // The seed patch's trigger as recorded: loaded on Debian's 6.1 kernel.
    hz: 250,
    ledColors: LED_COLORS_6_1,
    triggers: DEBIAN_6_1_TRIGGERS,
    core: { removalClearsInitDefault: false },
    pattern: { brightnessConversion: 'd', rejectAboveMax: false, stepAlwaysSkipsNext: true, hrPattern: false },
    modules: { gpioFromFirmware: false, netdevLinkModes: false }
  },
  '6.1': {
    name: '6.1',
    hz: 250,
    ledColors: LED_COLORS_6_1,
    triggers: DEBIAN_6_1_TRIGGERS,
    core: { removalClearsInitDefault: false },
    pattern: { brightnessConversion: 'u', rejectAboveMax: true, stepAlwaysSkipsNext: false, hrPattern: false },
    modules: { gpioFromFirmware: false, netdevLinkModes: false }
  },
  '6.12': {
    // Its kernfs also fails lseek() on a removed attribute with ENODEV; through
    // FUSE the kernel answers lseek itself, so no mount can (known-differences.json).
    name: '6.12',
    hz: 250,
    ledColors: LED_COLORS_6_12,
    triggers: DEBIAN_6_12_TRIGGERS,
    core: { removalClearsInitDefault: true },
    pattern: { brightnessConversion: 'u', rejectAboveMax: true, stepAlwaysSkipsNext: false, hrPattern: true },
    modules: { gpioFromFirmware: true, netdevLinkModes: true }
  }
}

/** Other names for a recorded kernel: `mainline` is the newest one recorded. */
export const PROFILE_ALIASES: Readonly<Record<Exclude<ProfileName, KernelVersion>, KernelVersion>> = {
  mainline: '6.12'
}

export const DEFAULT_PROFILE: KernelVersion = '6.1'

/** A mount registers what a Debian machine has with every LED trigger module loaded. */
export const DEFAULT_TRIGGER_SET: TriggerSet = 'all'

/** Every name --kernel takes: the recorded kernels, then the aliases. */
export const PROFILE_NAMES: readonly ProfileName[] = [...Object.keys(PROFILES), ...Object.keys(PROFILE_ALIASES)] as ProfileName[]

export function isProfileName (s: string): s is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, s) || Object.prototype.hasOwnProperty.call(PROFILE_ALIASES, s)
}

/** The profile a name selects, following an alias. */
export function profileOf (name: ProfileName): KernelProfile {
  const version = Object.prototype.hasOwnProperty.call(PROFILE_ALIASES, name) ? PROFILE_ALIASES[name as keyof typeof PROFILE_ALIASES] : name as KernelVersion
  return PROFILES[version]
}
