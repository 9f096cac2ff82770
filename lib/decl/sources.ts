import { readFileSync } from 'node:fs'
import { DriverOptionError } from '../drivers/kind'
import { driverKind } from '../drivers/registry'
import { ConfigError, LED_FIELDS, MOUNT_FIELDS, type DeclInput, type Given } from './schema'

/**
 * The three ways to declare a mount, each turned into the config-file
 * spelling (DeclInput) without judging it: checkMount() does that once.
 */

/** A JSON config file's text; `source` (the file) is where its errors point. */
export function fromConfigText (text: string, source: string): DeclInput {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new ConfigError(`not valid JSON (${(e as Error).message})`, source)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigError('expected an object with a "leds" list', source)
  const o = doc as Record<string, unknown>
  const keys = ['leds', ...MOUNT_FIELDS.map(f => f.key)]
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ConfigError(`unknown field "${k}" (known: ${keys.join(', ')})`, source)
  const fields = new Map<string, Given>()
  for (const f of MOUNT_FIELDS) if (o[f.key] !== undefined) fields.set(f.key, { value: o[f.key], where: source })
  if (o.leds === undefined) return { fields }
  if (!Array.isArray(o.leds) || o.leds.length === 0) throw new ConfigError(`"leds" must be a non-empty list of LEDs (got ${JSON.stringify(o.leds)})`, source)
  return { fields, leds: o.leds.map((value: unknown) => ({ value, where: source })) }
}

export function loadConfigFile (path: string): DeclInput {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(`cannot read the config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  return fromConfigText(text, path)
}

/** Command-line text of a number-valued option as a number when it reads as one, so it shows as the config file's would. */
function textValue (text: string, type: 'number' | 'string'): unknown {
  return type === 'number' && /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text) ? Number(text) : text
}

/** `--led NAME[=DRIVER[:OPTIONS]]`: the driver reads its own options (e.g. sysfs:PATH, sc27xx:ctrl0:line1). */
export function fromLedOption (text: string): Record<string, unknown> {
  const eq = text.indexOf('=')
  const name = eq < 0 ? text : text.slice(0, eq)
  if (eq < 0) return { name }
  const spec = text.slice(eq + 1)
  const colon = spec.indexOf(':')
  const driver = colon < 0 ? spec : spec.slice(0, colon)
  const kind = driverKind(driver)
  // An unknown driver is left for checkMount to name, with the others.
  if (kind === undefined) return { name, driver }
  try {
    return { name, driver, ...kind.fromText(colon < 0 ? undefined : spec.slice(colon + 1)) }
  } catch (e) {
    if (e instanceof DriverOptionError) throw new ConfigError(`LED "${name}": ${e.message}`, `--led ${text}`)
    throw e
  }
}

/** The mount options and --led values of a command line (`option` reads one option's text). */
export function fromCommandLine (leds: readonly string[], option: (cli: string) => string | undefined): DeclInput {
  const fields = new Map<string, Given>()
  for (const f of MOUNT_FIELDS) {
    const text = option(f.cli)
    if (text !== undefined) fields.set(f.key, { value: textValue(text, f.type), where: `--${f.cli}` })
  }
  if (leds.length === 0) return { fields }
  return { fields, leds: leds.map(t => ({ value: fromLedOption(t), where: `--led ${t}` })) }
}

/** An API LED: a name, or an object with the config-file fields in camelCase (driver options as they are). */
export type ApiLed = string | ({
  name: string
  maxBrightness?: number
  /** A registered driver; default memory. */
  driver?: string
  defaultTrigger?: string
  defaultPattern?: number[]
} & Record<string, unknown>)

/** What the API is given for a mount (LedfsOptions' declaration part). */
export type ApiDecl = { leds?: readonly ApiLed[] } & Record<string, unknown>

function fromApiLed (l: ApiLed): unknown {
  if (typeof l === 'string') return { name: l }
  if (typeof l !== 'object' || l === null || Array.isArray(l)) return l
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(l)) {
    if (v === undefined) continue
    out[LED_FIELDS.find(f => f[1] === k)?.[0] ?? k] = v
  }
  return out
}

/** API options (camelCase) in config spelling; keys that are not declaration fields are ignored (dir, …). */
export function fromApi (opts: ApiDecl): DeclInput {
  const fields = new Map<string, Given>()
  for (const f of MOUNT_FIELDS) if (opts[f.api] !== undefined) fields.set(f.key, { value: opts[f.api] })
  if (opts.leds === undefined) return { fields }
  if (!Array.isArray(opts.leds)) throw new ConfigError(`"leds" must be a non-empty list of LEDs (got ${JSON.stringify(opts.leds)})`)
  return { fields, leds: opts.leds.map(l => ({ value: fromApiLed(l) })) }
}

/** `over` wins field by field; LEDs add up (a config file's first). */
export function mergeInputs (base: DeclInput, over: DeclInput): DeclInput {
  const fields = new Map([...base.fields, ...over.fields])
  const leds = base.leds === undefined && over.leds === undefined ? undefined : [...(base.leds ?? []), ...(over.leds ?? [])]
  return leds === undefined ? { fields } : { fields, leds }
}

/** A declaration input written back as a config file (what the API hands its mount process). */
export function toConfigJson (input: DeclInput): string {
  const doc: Record<string, unknown> = {}
  for (const [k, g] of input.fields) doc[k] = g.value
  if (input.leds !== undefined) doc.leds = input.leds.map(g => g.value)
  return JSON.stringify(doc)
}
