import type { LedDriver } from '../drivers/driver'
import { DriverOptionError } from '../drivers/kind'
import { DEFAULT_DRIVER, driverContext, driverKind, driverKinds } from '../drivers/registry'
import { SUPPORTED_HZ } from '../kernel-time/jiffies'
import type { LedOptions } from '../led/led-core'
import { DEFAULT_PROFILE, DEFAULT_TRIGGER_SET, isProfileName, PROFILE_ALIASES, PROFILE_NAMES, profileOf, TRIGGER_SETS, type ProfileName, type TriggerSet } from '../profiles'
import { MACHINE_KINDS, type MachineKind } from '../machine/machine'
import { LED_FULL } from '../triggers/simple'
import { TRANSPORT_ENV, TRANSPORTS, type Transport } from '../fuse/transport'

/**
 * The one declaration of a mount: its LEDs and the mount-wide options. The
 * command line, a config file and the API each turn what they were given
 * into the config-file spelling (sources.ts); everything is checked here,
 * once, so a mistake reads the same whichever way it was made.
 */

/** A declaration mistake. `problem` is worded the same from every source; `where` says which option or file it came from. */
export class ConfigError extends Error {
  constructor (readonly problem: string, readonly where?: string) {
    super(where === undefined ? problem : `${where}: ${problem}`)
    this.name = 'ConfigError'
  }
}

/** How a value is shown in an error: as JSON, shortened. */
export function shown (v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v)
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

function choices (list: readonly unknown[]): string {
  return list.map(v => typeof v === 'string' ? `"${v}"` : String(v)).join(', ')
}

const U32_MAX = 0xffffffff

function isU32 (v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= U32_MAX
}

/** A mount-wide field: its spelling in a config file, on the command line and in the API, and its check. */
export interface MountField {
  /** Config-file key, and the name errors use. */
  readonly key: string
  /** `--NAME` on the command line. */
  readonly cli: string
  /** LedfsOptions property. */
  readonly api: string
  /** How command-line text becomes a value: numbers are read as numbers, so they show the same in errors. */
  readonly type: 'number' | 'string'
  /** The checked value, or a problem. */
  readonly check: (v: unknown) => { value: unknown } | { problem: string }
}

function oneOf (key: string, list: readonly unknown[]): MountField['check'] {
  return (v) => list.includes(v) ? { value: v } : { problem: `"${key}" must be one of ${choices(list)} (got ${shown(v)})` }
}

export const MOUNT_FIELDS: readonly MountField[] = [
  { key: 'hz', cli: 'hz', api: 'hz', type: 'number', check: oneOf('hz', SUPPORTED_HZ) },
  { key: 'kernel', cli: 'kernel', api: 'kernel', type: 'string', check: (v) => typeof v === 'string' && isProfileName(v) ? { value: v } : { problem: `"kernel" must be one of ${choices(PROFILE_NAMES)} (mainline: the newest recorded kernel, ${PROFILE_ALIASES.mainline}) (got ${shown(v)})` } },
  { key: 'triggers', cli: 'triggers', api: 'triggers', type: 'string', check: oneOf('triggers', TRIGGER_SETS) },
  { key: 'clock', cli: 'clock', api: 'clock', type: 'string', check: oneOf('clock', ['real', 'virtual']) },
  { key: 'machine', cli: 'machine', api: 'machine', type: 'string', check: oneOf('machine', MACHINE_KINDS) },
  { key: 'layout', cli: 'layout', api: 'layout', type: 'string', check: oneOf('layout', ['class', 'sys']) },
  { key: 'trace', cli: 'trace', api: 'trace', type: 'string', check: (v) => typeof v === 'string' && v !== '' ? { value: v } : { problem: `"trace" must be a file name (got ${shown(v)})` } },
  { key: 'loadavg', cli: 'loadavg', api: 'loadavg', type: 'number', check: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 ? { value: v } : { problem: `"loadavg" must be a number >= 0 (got ${shown(v)})` } },
  { key: 'transport', cli: 'transport', api: 'transport', type: 'string', check: oneOf('transport', TRANSPORTS) },
  { key: 'timeline_events', cli: 'timeline-events', api: 'timelineEvents', type: 'number', check: (v) => isU32(v) ? { value: v } : { problem: `"timeline_events" must be a whole number from 0 to ${U32_MAX} (got ${shown(v)})` } }
]

/** The LED fields every driver has (config spelling, then API spelling). */
export const LED_FIELDS: ReadonlyArray<readonly [key: string, api: string]> = [
  ['name', 'name'],
  ['max_brightness', 'maxBrightness'],
  ['driver', 'driver'],
  ['default_trigger', 'defaultTrigger'],
  ['default_pattern', 'defaultPattern']
]

/** A value as given, with where it was written (a file, an option; nothing for the API). */
export interface Given { value: unknown, where?: string }

/** A declaration as given: config-file spelling, nothing checked yet. */
export interface DeclInput {
  fields: Map<string, Given>
  /** Undefined: none given (the default set is used). */
  leds?: Given[]
}

/** An LED as declared and checked: what the LED class gets, with the driver still to be opened. */
export interface LedDecl extends Omit<LedOptions, 'driver' | 'maxBrightness'> {
  /** Undefined when the driver reads it from the hardware when opened. */
  maxBrightness?: number
  driver: { kind: string, options: unknown }
}

export interface MountDecl {
  leds: LedDecl[]
  hz: number
  kernel: ProfileName
  triggers: TriggerSet
  clock: 'real' | 'virtual'
  /** Where netdev and activity read the machine from; default: virtual with a virtual clock, else host. */
  machine?: MachineKind
  /** The tree a mount shows: class (DIR is /sys/class/leds) or sys (DIR is /sys-shaped); default: the command's. */
  layout?: 'class' | 'sys'
  trace?: string
  loadavg?: number
  timelineEvents?: number
  /** How FUSE requests reach ledfs; default: $LEDFS_TRANSPORT, else auto. */
  transport: Transport
}

/** The transport when none is declared: $LEDFS_TRANSPORT, checked like the option, else auto. */
function defaultTransport (): Transport {
  const v = process.env[TRANSPORT_ENV]
  if (v === undefined || v === '') return 'auto'
  const field = MOUNT_FIELDS.find(f => f.key === 'transport')
  const r = field!.check(v)
  if ('problem' in r) throw new ConfigError(r.problem, TRANSPORT_ENV)
  return r.value as Transport
}

/** LED names as the LED class allows them: a single path component. */
export function nameProblem (name: string): string | undefined {
  if (name.length === 0) return '"name" is empty'
  if (name.length > 63) return '"name" is longer than 63 bytes'
  if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) return '"name" must not be ".", ".." or contain "/" or NUL'
  return undefined
}

export function maxBrightnessProblem (v: unknown): string | undefined {
  return isU32(v) && v > 0 ? undefined : `"max_brightness" must be an integer from 1 to ${U32_MAX} (got ${shown(v)})`
}

export function defaultTriggerProblem (v: unknown, known: readonly string[]): string | undefined {
  if (typeof v !== 'string') return `"default_trigger" must be a trigger name (got ${shown(v)})`
  if (v !== 'none' && !known.includes(v)) return `unknown default trigger ${shown(v)} (known: ${known.join(', ')})`
  return undefined
}

export function duplicateProblem (name: string): string {
  return `LED "${name}" is defined twice`
}

export function hzProblem (hz: unknown): string | undefined {
  const r = MOUNT_FIELDS[0].check(hz)
  return 'problem' in r ? r.problem : undefined
}

/** Check one LED (any driver) against the trigger names the mount registers. */
export function checkLed (raw: unknown, index: number, triggerNames: readonly string[], where?: string): LedDecl {
  const fail = (problem: string): never => { throw new ConfigError(problem, where) }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`LED #${index + 1} must be an object with at least "name" (got ${shown(raw)})`)
  const l = raw as Record<string, unknown>
  if (typeof l.name !== 'string') fail(`LED #${index + 1}: "name" must be a string (got ${shown(l.name)})`)
  const name = l.name as string
  const at = (problem: string): never => fail(`LED "${name}": ${problem}`)
  const bad = nameProblem(name)
  if (bad !== undefined) at(bad)
  const drv = l.driver ?? DEFAULT_DRIVER
  const kind = typeof drv === 'string' ? driverKind(drv) : undefined
  if (kind === undefined) return at(`"driver" must be one of ${choices(driverKinds().map(k => k.kind))} (got ${shown(drv)})`)
  const known = [...LED_FIELDS.map(f => f[0]), ...kind.fields]
  for (const k of Object.keys(l)) if (!known.includes(k)) at(`unknown field "${k}" (known for the ${kind.kind} driver: ${known.join(', ')})`)
  let options: unknown
  try {
    options = kind.check(Object.fromEntries(kind.fields.map(f => [f, l[f]])))
  } catch (e) {
    if (e instanceof DriverOptionError) at(e.message)
    throw e
  }
  let maxBrightness: number | undefined = LED_FULL
  if (l.max_brightness !== undefined) {
    const p = maxBrightnessProblem(l.max_brightness)
    if (p !== undefined) at(p)
    maxBrightness = l.max_brightness as number
  }
  const hw = kind.maxBrightness
  if (hw !== undefined && 'from' in hw) {
    if (l.max_brightness !== undefined) at(`"max_brightness" comes from ${hw.from}; leave it out`)
    maxBrightness = undefined
  } else if (hw !== undefined) {
    if (l.max_brightness !== undefined && l.max_brightness !== hw.fixed) at(`"max_brightness" is fixed at ${hw.fixed} by the ${kind.kind} driver (got ${shown(l.max_brightness)}); leave it out`)
    maxBrightness = hw.fixed
  }
  const decl: LedDecl = { name, maxBrightness, driver: { kind: kind.kind, options } }
  const trigger = l.default_trigger ?? kind.defaultTrigger
  if (trigger !== undefined) {
    const p = defaultTriggerProblem(trigger, triggerNames)
    if (p !== undefined) at(p)
    decl.defaultTrigger = trigger as string
  }
  if (l.default_pattern !== undefined) {
    const pat = l.default_pattern
    if (!Array.isArray(pat) || !pat.every(isU32)) at(`"default_pattern" must be a list of numbers 0..${U32_MAX} (brightness, duration pairs)`)
    if ((pat as number[]).length % 2 !== 0) at('"default_pattern" must have an even length (brightness, duration pairs)')
    if (decl.defaultTrigger === undefined) at('"default_pattern" (the led-pattern property) is read by the default trigger (pattern: tuples; timer, oneshot: delay on and off): add "default_trigger"')
    decl.defaultPattern = [...(pat as number[])]
  }
  return decl
}

/** The LEDs a mount gets when none are declared: one plain LED and one with hw_pattern, names in devicename:color:function style. */
export const DEFAULT_LEDS: readonly unknown[] = [
  { name: 'ledfs:green:status' },
  { name: 'sc27xx:white:breath', driver: 'sc27xx' }
]

/** Check a whole declaration; defaults come from the profile table. */
export function checkMount (input: DeclInput): MountDecl {
  const got = new Map<string, unknown>()
  for (const f of MOUNT_FIELDS) {
    const g = input.fields.get(f.key)
    if (g === undefined || g.value === undefined) continue
    const r = f.check(g.value)
    if ('problem' in r) throw new ConfigError(r.problem, g.where)
    got.set(f.key, r.value)
  }
  const kernel = (got.get('kernel') ?? DEFAULT_PROFILE) as ProfileName
  const profile = profileOf(kernel)
  const triggers = (got.get('triggers') ?? DEFAULT_TRIGGER_SET) as TriggerSet
  const out: MountDecl = {
    leds: [],
    hz: (got.get('hz') ?? profile.hz) as number,
    kernel,
    triggers,
    clock: (got.get('clock') ?? 'real') as 'real' | 'virtual',
    transport: (got.get('transport') ?? defaultTransport()) as Transport
  }
  if (got.has('machine')) out.machine = got.get('machine') as MachineKind
  if (got.has('layout')) out.layout = got.get('layout') as 'class' | 'sys'
  if (got.has('trace')) out.trace = got.get('trace') as string
  if (got.has('loadavg')) out.loadavg = got.get('loadavg') as number
  if (got.has('timeline_events')) out.timelineEvents = got.get('timeline_events') as number
  if (input.leds !== undefined && input.leds.length === 0) throw new ConfigError('"leds" must be a non-empty list of LEDs (got [])')
  const leds: Given[] = input.leds ?? DEFAULT_LEDS.map(value => ({ value }))
  const names = new Set<string>()
  const claimed = new Map<string, string>()
  leds.forEach((g, i) => {
    const d = checkLed(g.value, i, profile.triggers[triggers], g.where)
    if (names.has(d.name)) throw new ConfigError(duplicateProblem(d.name), g.where)
    names.add(d.name)
    const claim = driverKind(d.driver.kind)?.claims?.(d.driver.options)
    if (claim !== undefined) {
      const by = claimed.get(claim.key)
      if (by !== undefined) throw new ConfigError(`LED "${d.name}": ${claim.what} is already used by LED "${by}"`, g.where)
      claimed.set(claim.key, d.name)
    }
    out.leds.push(d)
  })
  return out
}

/**
 * Open the drivers of checked LEDs (one driver context for the mount, so
 * LEDs on one controller share it). If one fails, those already opened are
 * released (a real LED is put back), so nothing is left half-done.
 */
export function openLeds (decls: readonly LedDecl[], warn: (msg: string) => void): LedOptions[] {
  const ctx = driverContext(warn)
  const made: LedDriver[] = []
  try {
    return decls.map((d) => {
      const kind = driverKind(d.driver.kind)
      if (kind === undefined) throw new ConfigError(`LED "${d.name}": no driver "${d.driver.kind}"`)
      let r: ReturnType<typeof kind.create>
      try {
        r = kind.create(d.driver.options, ctx)
      } catch (e) {
        throw new ConfigError(`LED "${d.name}": ${(e as Error).message}`)
      }
      made.push(r.driver)
      const { maxBrightness, driver: _unopened, ...rest } = d
      return { ...rest, maxBrightness: r.maxBrightness ?? maxBrightness ?? LED_FULL, driver: r.driver }
    })
  } catch (e) {
    for (const drv of made) drv.dispose?.()
    throw e
  }
}
