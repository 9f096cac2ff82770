import { readFileSync } from 'node:fs'
import type { LedDriver } from './drivers/driver'
import { MemoryDriver } from './drivers/memory'
import { Sc27xxDriver } from './drivers/sc27xx'
import { SysfsLedDriver } from './drivers/sysfs-led'
import { isSupportedHz } from './kernel-time/jiffies'
import { isProfileName, TRIGGER_SETS, type ProfileName, type TriggerSet } from './profiles'
import { checkLedName, type LedSpec } from './system'

/** A configuration mistake; the message names the LED and the field, and says what is expected. */
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export type DriverDecl = { kind: 'memory' } | { kind: 'sc27xx' } | { kind: 'sysfs', target: string }

/** An LED as configured: plain data, checked, nothing opened yet. */
export interface LedDecl {
  name: string
  maxBrightness?: number
  driver: DriverDecl
  defaultTrigger?: string
  defaultPattern?: number[]
}

export interface MountDecl {
  leds: LedDecl[]
  hz?: number
  kernel?: ProfileName
  triggers?: TriggerSet
}

const DRIVER_HELP = 'memory, sc27xx or sysfs:PATH'

/** `--led NAME[=DRIVER]`, DRIVER one of memory (default), sc27xx, sysfs:PATH. */
export function parseLedOption (text: string): LedDecl {
  const eq = text.indexOf('=')
  const name = eq < 0 ? text : text.slice(0, eq)
  const drv = eq < 0 ? 'memory' : text.slice(eq + 1)
  const bad = checkLedName(name)
  if (bad !== undefined) throw new ConfigError(`--led ${text}: the LED name ${bad}`)
  let driver: DriverDecl
  if (drv === 'memory') driver = { kind: 'memory' }
  else if (drv === 'sc27xx') driver = { kind: 'sc27xx' }
  else if (drv.startsWith('sysfs:') && drv.length > 6) driver = { kind: 'sysfs', target: drv.slice(6) }
  else throw new ConfigError(`--led ${text}: unknown driver "${drv}" (use ${DRIVER_HELP})`)
  return { name, driver }
}

const LED_FIELDS = ['name', 'max_brightness', 'driver', 'target', 'default_trigger', 'default_pattern']

function u32 (v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff
}

/**
 * A JSON config file:
 * {"hz": 250, "kernel": "6.1", "leds": [{"name": "...", "max_brightness": 255,
 *  "driver": "memory"|"sc27xx"|"sysfs", "target": "/sys/class/leds/x",
 *  "default_trigger": "pattern", "default_pattern": [0, 1000, 255, 1000]}]}
 */
export function parseConfig (text: string, source = 'config'): MountDecl {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new ConfigError(`${source}: not valid JSON (${(e as Error).message})`)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigError(`${source}: expected an object with a "leds" list`)
  const o = doc as Record<string, unknown>
  for (const k of Object.keys(o)) if (!['leds', 'hz', 'kernel', 'triggers'].includes(k)) throw new ConfigError(`${source}: unknown field "${k}" (known: leds, hz, kernel, triggers)`)
  const out: MountDecl = { leds: [] }
  if (o.hz !== undefined) {
    if (typeof o.hz !== 'number' || !isSupportedHz(o.hz)) throw new ConfigError(`${source}: "hz" must be one of 100, 250, 300, 1000`)
    out.hz = o.hz
  }
  if (o.kernel !== undefined) {
    if (typeof o.kernel !== 'string' || !isProfileName(o.kernel)) throw new ConfigError(`${source}: "kernel" must be "4.20", "6.1", "6.12" or "mainline" (the newest recorded kernel, 6.12)`)
    out.kernel = o.kernel
  }
  if (o.triggers !== undefined) {
    if (typeof o.triggers !== 'string' || !(TRIGGER_SETS as readonly string[]).includes(o.triggers)) throw new ConfigError(`${source}: "triggers" must be ${TRIGGER_SETS.map(t => `"${t}"`).join(' or ')}`)
    out.triggers = o.triggers as TriggerSet
  }
  if (!Array.isArray(o.leds) || o.leds.length === 0) throw new ConfigError(`${source}: "leds" must be a non-empty list of LEDs`)
  const seen = new Set<string>()
  o.leds.forEach((raw: unknown, i: number) => {
    const where = `${source}: leds[${i}]`
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where}: expected an object with at least "name"`)
    const l = raw as Record<string, unknown>
    if (typeof l.name !== 'string') throw new ConfigError(`${where}: "name" must be a string`)
    const bad = checkLedName(l.name)
    if (bad !== undefined) throw new ConfigError(`${where}: "name" ${bad}`)
    const at = `${source}: LED "${l.name}"`
    if (seen.has(l.name)) throw new ConfigError(`${at}: "name" is used twice`)
    seen.add(l.name)
    for (const k of Object.keys(l)) if (!LED_FIELDS.includes(k)) throw new ConfigError(`${at}: unknown field "${k}" (known: ${LED_FIELDS.join(', ')})`)
    const decl: LedDecl = { name: l.name, driver: { kind: 'memory' } }
    if (l.max_brightness !== undefined) {
      if (!u32(l.max_brightness) || l.max_brightness === 0) throw new ConfigError(`${at}: "max_brightness" must be an integer from 1 to 4294967295`)
      decl.maxBrightness = l.max_brightness as number
    }
    const drv = l.driver ?? 'memory'
    if (drv === 'memory' || drv === 'sc27xx') {
      if (l.target !== undefined) throw new ConfigError(`${at}: "target" only goes with "driver": "sysfs"`)
      decl.driver = { kind: drv }
    } else if (drv === 'sysfs') {
      if (typeof l.target !== 'string' || l.target === '') throw new ConfigError(`${at}: "driver": "sysfs" needs "target", the real LED's directory (e.g. "/sys/class/leds/input0::capslock")`)
      if (l.max_brightness !== undefined) throw new ConfigError(`${at}: "max_brightness" comes from the sysfs target; leave it out`)
      decl.driver = { kind: 'sysfs', target: l.target }
    } else {
      throw new ConfigError(`${at}: "driver" must be "memory", "sc27xx" or "sysfs"`)
    }
    if (l.default_trigger !== undefined) {
      if (typeof l.default_trigger !== 'string') throw new ConfigError(`${at}: "default_trigger" must be a trigger name`)
      decl.defaultTrigger = l.default_trigger
    }
    if (l.default_pattern !== undefined) {
      if (!Array.isArray(l.default_pattern) || !l.default_pattern.every(u32)) throw new ConfigError(`${at}: "default_pattern" must be a list of numbers 0..4294967295 (brightness, duration pairs)`)
      if (l.default_pattern.length % 2 !== 0) throw new ConfigError(`${at}: "default_pattern" must have an even length (brightness, duration pairs)`)
      decl.defaultPattern = l.default_pattern as number[]
      if (decl.defaultTrigger === undefined) throw new ConfigError(`${at}: "default_pattern" is applied when the pattern trigger is the default: add "default_trigger": "pattern"`)
    }
    out.leds.push(decl)
  })
  return out
}

export function loadConfig (path: string): MountDecl {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(`cannot read the config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  return parseConfig(text, path)
}

/**
 * Open the drivers. If one fails, those already opened are released (a real
 * LED is put back), so nothing is left half-done.
 */
export function instantiate (decls: LedDecl[], warn: (msg: string) => void): LedSpec[] {
  const made: LedDriver[] = []
  try {
    return decls.map((d) => {
      let driver: LedDriver
      let max = d.maxBrightness
      if (d.driver.kind === 'sysfs') {
        let s: SysfsLedDriver
        try {
          s = new SysfsLedDriver(d.driver.target, warn)
        } catch (e) {
          throw new ConfigError(`LED "${d.name}": ${(e as Error).message}`)
        }
        driver = s
        max = s.maxBrightness
      } else if (d.driver.kind === 'sc27xx') {
        driver = new Sc27xxDriver()
      } else {
        driver = new MemoryDriver()
      }
      made.push(driver)
      return { name: d.name, maxBrightness: max ?? 255, driver, defaultTrigger: d.defaultTrigger, defaultPattern: d.defaultPattern }
    })
  } catch (e) {
    for (const drv of made) drv.dispose?.()
    throw e
  }
}
