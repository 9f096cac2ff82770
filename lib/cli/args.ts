/** A command-line mistake; the message says what was wrong and what is expected. */
export class UsageError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface OptionSpec {
  /** Takes a value (`--hz 250` or `--hz=250`). */
  value: boolean
  /** May be given more than once. */
  repeat?: boolean
}

export interface Parsed {
  positionals: string[]
  options: Map<string, string[]>
  /** Everything after `--`. */
  rest: string[]
}

/** Strict GNU-style option parsing: unknown options and missing values are errors. */
export function parseArgs (argv: string[], spec: Record<string, OptionSpec>, command: string): Parsed {
  const out: Parsed = { positionals: [], options: new Map(), rest: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') { out.rest = argv.slice(i + 1); break }
    if (!a.startsWith('--') || a === '-') {
      if (a.startsWith('-') && a !== '-' && a !== '-h') throw new UsageError(`unknown option ${a}; see \`ledfs ${command} --help\``)
      if (a === '-h') { out.options.set('help', ['']); continue }
      out.positionals.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = a.slice(2, eq < 0 ? undefined : eq)
    const s = spec[name]
    if (s === undefined) throw new UsageError(`unknown option --${name}; see \`ledfs ${command} --help\``)
    let value = ''
    if (s.value) {
      if (eq >= 0) value = a.slice(eq + 1)
      else {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value; see \`ledfs ${command} --help\``)
        value = argv[++i]
      }
    } else if (eq >= 0) {
      throw new UsageError(`--${name} takes no value`)
    }
    const prev = out.options.get(name)
    if (prev !== undefined && s.repeat !== true) throw new UsageError(`--${name} given more than once`)
    out.options.set(name, [...(prev ?? []), value])
  }
  return out
}

export function one (p: Parsed, name: string): string | undefined {
  return p.options.get(name)?.[0]
}
