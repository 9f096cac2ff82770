/**
 * A TypeScript port of the oracle's compare.py: compares two ledprobe
 * transcripts of the same script op by op (the kernel's as "oracle", ours as
 * "emulator") with the same rules and the same messages.
 *
 * Rules
 *  - Lines must align one to one: same "op" and the same arguments (the
 *    fields that come from the case file, e.g. file/data for write).
 *  - note / sleep / drain: aligned is identical.
 *  - trigger contents (read trigger, readchunks trigger, the read part of
 *    rdwr trigger, heldread of a slot holding trigger): errno must match; the
 *    data must be names separated by single spaces ending in one newline with
 *    exactly one [bracketed] name, and that name must match. ret/calls are
 *    ignored (a ret of -1 must still match).
 *  - ls / lsdir: errno and the entry sets must match.
 *  - stat: ret, errno, type, mode, size, uid, gid.
 *  - trace: errno; the brightness values with consecutive duplicates removed:
 *    the oracle's sequence must be a subsequence of the emulator's with the
 *    same final value (an empty oracle sequence allows at most one emulator
 *    value). Timing: after aligning the first matched events, every oracle
 *    event must be matched within +-tol ms (default 12).
 *  - every other op: all result fields exactly.
 */
import { readFileSync } from 'node:fs'
import { formatFixed, formatG } from './probe'

type Rec = Record<string, unknown>

export interface CompareResult {
  /** ops of the oracle transcript that compare identical */
  identical: number
  /** lines in the oracle transcript */
  total: number
  /** one "#LINE op args [label]: what differs" line per differing op */
  mismatches: string[]
  /** all identical and the emulator has no extra lines (compare.py's exit status 0) */
  ok: boolean
  /** the largest trace timing offset (ms, signed) and its line, if any trace matched */
  worstOffset?: number
  worstLine?: number
  /** emulator lines beyond the oracle's */
  extra: number
  /** everything compare.py prints, in order, ending with "fidelity: K/N ops identical" */
  report: string[]
}

export const TOL_DEFAULT = 12.0
const TRUNC = 160

/** fields that come from the case file (must be equal for the lines to align) */
export const ARG_KEYS: Record<string, string[]> = {
  note: ['text'],
  sleep: ['ms'],
  drain: [],
  trace: ['ms'],
  ls: [],
  read: ['file'],
  stat: ['file'],
  write: ['file', 'data'],
  writefile: ['file', 'len', 'pattern'],
  create: ['file'],
  unlink: ['file'],
  mkdir: ['file'],
  rename: ['from', 'to'],
  chmod: ['file', 'mode'],
  truncate: ['file', 'len'],
  symlink: ['target', 'file'],
  readlink: ['file'],
  lsdir: ['dir'],
  rdwr: ['file', 'data'],
  writetrunc: ['file', 'data'],
  pwrite: ['file', 'off', 'data'],
  twowrites: ['file', 'a', 'b'],
  readchunks: ['file', 'n'],
  pread: ['file', 'off', 'n'],
  hold: ['slot', 'file', 'mode'],
  heldwrite: ['slot', 'data'],
  heldread: ['slot'],
  heldreadn: ['slot', 'n'],
  heldpread: ['slot', 'off', 'n'],
  release: ['slot'],
  error: ['line', 'text', 'msg']
}
const ALIGN_ONLY = new Set(['note', 'sleep', 'drain'])
const STAT_KEYS = ['ret', 'errno', 'type', 'mode', 'size', 'uid', 'gid']
// Python's re: `$` also matches before a final newline
const TRIGGER_RE = /^[^ \n]+( [^ \n]+)*\n(?=\n?$)/

/* --------------------------------------------------- Python-like helpers */

const hasOwn = (d: Rec, k: string): boolean => Object.prototype.hasOwnProperty.call(d, k)
/** dict.get(k): a missing key is None */
const get = (d: Rec, k: string): unknown => (hasOwn(d, k) ? d[k] : null) ?? null

/** Python == on JSON values (1 == 1.0, True == 1, dict/list structural) */
function pyEq (a: unknown, b: unknown): boolean {
  if (a === undefined) a = null
  if (b === undefined) b = null
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b
  if (typeof a === 'number' && typeof b === 'boolean') return a === Number(b)
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]))
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => hasOwn(b as Rec, k) && pyEq((a as Rec)[k], (b as Rec)[k]))
}

/** repr() of a JSON number (integral values are Python ints) */
function pyFloatRepr (x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (Number.isInteger(x)) return BigInt(x).toString()
  const [m, e] = x.toExponential().split('e')
  const exp = Number(e)
  if (exp >= -4 && exp < 16) return String(x)
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
}

/** json.dumps(v, ensure_ascii=True) */
function pyDumps (v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (v === true) return 'true'
  if (v === false) return 'false'
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN'
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
    return pyFloatRepr(v)
  }
  if (typeof v === 'string') {
    let out = '"'
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i)
      if (c === 0x22) out += '\\"'
      else if (c === 0x5c) out += '\\\\'
      else if (c === 10) out += '\\n'
      else if (c === 13) out += '\\r'
      else if (c === 9) out += '\\t'
      else if (c === 8) out += '\\b'
      else if (c === 12) out += '\\f'
      else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0')
      else out += v[i]
    }
    return out + '"'
  }
  if (Array.isArray(v)) return '[' + v.map(pyDumps).join(', ') + ']'
  if (typeof v === 'object') {
    return '{' + Object.entries(v as Rec).map(([k, x]) => pyDumps(k) + ': ' + pyDumps(x)).join(', ') + '}'
  }
  return JSON.stringify(v)
}

/** repr(str) */
function pyStrRepr (s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = q
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (ch === q || ch === '\\') out += '\\' + ch
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad) out += '\\x' + c.toString(16).padStart(2, '0')
    else out += ch
  }
  return out + q
}

/** repr(v) / str(v) of a JSON value */
function pyRepr (v: unknown, top = false): string {
  if (v === null || v === undefined) return 'None'
  if (v === true) return 'True'
  if (v === false) return 'False'
  if (typeof v === 'number') return pyFloatRepr(v)
  if (typeof v === 'string') return top ? v : pyStrRepr(v)
  if (Array.isArray(v)) return '[' + v.map((x) => pyRepr(x)).join(', ') + ']'
  if (typeof v === 'object') return '{' + Object.entries(v as Rec).map(([k, x]) => pyStrRepr(k) + ': ' + pyRepr(x)).join(', ') + '}'
  return String(v)
}

/** Python '%d' */
const pyD = (v: unknown): string => (typeof v === 'number' ? String(Math.trunc(v)) : typeof v === 'boolean' ? (v ? '1' : '0') : String(v))
/** Python '%.1f' / '%+.1f' */
const f1 = (v: unknown): string => formatFixed(Number(v), 1)
const f1s = (v: unknown): string => { const s = f1(v); return s.startsWith('-') ? s : '+' + s }
/** len() in code points */
const pyLen = (s: string): number => Array.from(s).length
const pySlice = (s: string, a: number, b?: number): string => Array.from(s).slice(a, b).join('')

function trunc (v: unknown, n = TRUNC): string {
  const s = pyDumps(v)
  return s.length <= n ? s : s.slice(0, n - 15) + '...' + `(${s.length} chars)`
}

function argsOf (d: Rec): Rec {
  const keys = ARG_KEYS[String(get(d, 'op'))]
  if (typeof get(d, 'op') !== 'string' || keys === undefined) return d // unknown op: everything must match
  const out: Rec = {}
  for (const k of keys) out[k] = get(d, k)
  return out
}

function describe (d: Rec, n = 90): string {
  const a = argsOf(d)
  const parts = [pyRepr(get(d, 'op'), true)]
  for (const [k, v] of Object.entries(a)) {
    if (k !== 'op') parts.push(typeof v === 'string' ? trunc(v, 60) : pyRepr(v, true))
  }
  const s = parts.join(' ')
  return pyLen(s) <= n ? s : pySlice(s, 0, n - 3) + '...'
}

function triggerCheck (data: unknown): [boolean, string] {
  if (typeof data !== 'string' || !TRIGGER_RE.test(data)) return [false, 'not "name name ...\\n" (single spaces, one newline)']
  const names = data.slice(0, -1).split(' ')
  const br = names.filter((n) => n.startsWith('[') && n.endsWith(']') && pyLen(n) > 2)
  const bad = names.filter((n) => (n.includes('[') || n.includes(']')) && !br.includes(n))
  if (br.length !== 1 || bad.length > 0) return [false, `${br.length} bracketed names`]
  return [true, br[0].slice(1, -1)]
}

function cmpTriggerData (exp: unknown, got: unknown): string | null {
  const [eok, ename] = triggerCheck(exp)
  const [gok, gname] = triggerCheck(got)
  if (!eok) return pyEq(exp, got) ? null : `data ${trunc(exp)} != ${trunc(got)}` // oracle itself odd: exact comparison
  if (!gok) return `trigger list malformed (${gname}): ${trunc(got)}`
  if (ename !== gname) return `active trigger [${ename}] expected, got [${gname}]`
  return null
}

function cmpFields (exp: Rec, got: Rec, keys: string[]): string[] {
  const diffs: string[] = []
  for (const k of keys) {
    if (!pyEq(get(exp, k), get(got, k))) diffs.push(`${k}: expected ${trunc(get(exp, k))} got ${trunc(get(got, k))}`)
  }
  return diffs
}

function resultKeys (d: Rec): string[] {
  const a = ARG_KEYS[String(get(d, 'op'))] ?? []
  return Object.keys(d).filter((k) => k !== 'op' && !a.includes(k))
}

type Ev = [number, number]

function events (d: Rec): Ev[] {
  const ev = get(d, 'events')
  return Array.isArray(ev) ? (ev as unknown[]).map((e) => { const x = e as unknown[]; return [Number(x[0]), Number(x[1])] as Ev }) : []
}

function dedup (evs: Ev[]): Ev[] {
  const out: Ev[] = []
  for (const [t, v] of evs) {
    if (out.length === 0 || out[out.length - 1][1] !== v) out.push([t, v])
  }
  return out
}

function cmpTrace (exp: Rec, got: Rec, tol: number): { diffs: string[], worst: number | null } {
  const diffs: string[] = []
  if (!pyEq(get(exp, 'errno'), get(got, 'errno'))) diffs.push(`errno: expected ${pyRepr(get(exp, 'errno'), true)} got ${pyRepr(get(got, 'errno'), true)}`)
  const o = dedup(events(exp))
  const e = dedup(events(got))
  const ov = o.map(([, v]) => v)
  const ev = e.map(([, v]) => v)
  if (o.length === 0) {
    if (e.length > 1) diffs.push(`oracle saw no change, emulator values ${trunc(ev, 100)}`)
    return { diffs, worst: null }
  }
  // greedy subsequence match of the oracle values in the emulator values
  const match: number[] = []
  let j = 0
  for (const [, v] of o) {
    while (j < e.length && e[j][1] !== v) j++
    if (j === e.length) break
    match.push(j)
    j++
  }
  if (match.length < o.length) {
    const i = match.length
    diffs.push(`value ${pyD(o[i][1])} (oracle event ${i} at ${f1(o[i][0])} ms) not found in order; oracle ${trunc(ov, 70)} emulator ${trunc(ev, 70)}`)
    return { diffs, worst: null }
  }
  if (ev[ev.length - 1] !== ov[ov.length - 1]) {
    diffs.push(`final value: expected ${pyD(ov[ov.length - 1])} got ${pyD(ev[ev.length - 1])} (emulator ${trunc(ev, 70)})`)
  }
  const d0 = e[match[0]][0] - o[0][0]
  let worst = 0.0
  let wi = 0
  match.forEach((jj, i) => {
    const off = (e[jj][0] - o[i][0]) - d0
    if (Math.abs(off) > Math.abs(worst)) { worst = off; wi = i }
  })
  if (Math.abs(worst) > tol) {
    diffs.push(`timing: worst offset ${f1s(worst)} ms at oracle event ${wi} (value ${pyD(o[wi][1])}, ${f1(o[wi][0])} ms) after aligning the first events (tolerance ${formatG(tol)} ms)`)
  }
  return { diffs, worst }
}

/** str.encode('ascii', 'backslashreplace').decode() */
function asciiBackslash (s: string): string {
  let out = ''
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (c < 0x80) out += ch
    else if (c < 0x100) out += '\\x' + c.toString(16).padStart(2, '0')
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0')
    else out += '\\U' + c.toString(16).padStart(8, '0')
  }
  return out
}

/**
 * Compare an oracle (kernel) transcript with an emulator transcript, as
 * compare.py does. `report` holds compare.py's output lines.
 */
export function compareTranscripts (oracle: object[], emulator: object[], tolMs = TOL_DEFAULT): CompareResult {
  const orc = oracle as Rec[]
  const emu = emulator as Rec[]
  const n = orc.length
  let identical = 0
  let label = ''
  const slots = new Map<string, unknown>() // slot -> file, from the oracle's hold/release lines
  let worstTrace: [number, number] | null = null
  const mismatches: string[] = []
  orc.forEach((exp, idx) => {
    const op = get(exp, 'op')
    if (op === 'note') {
      const t = hasOwn(exp, 'text') ? exp.text : ''
      label = typeof t === 'string' ? t : t === null || t === undefined ? '' : pyRepr(t, true)
    }
    const got = idx < emu.length ? emu[idx] : null
    let diffs: string[] = []
    if (got === null) {
      diffs = ['missing in emulator transcript']
    } else if (!pyEq(get(got, 'op'), op) || !pyEq(argsOf(got), argsOf(exp))) {
      diffs = [`misaligned: expected ${describe(exp, 100)}, got ${describe(got, 100)}`]
    } else if (typeof op === 'string' && ALIGN_ONLY.has(op)) {
      // aligned is identical
    } else if (op === 'trace') {
      const r = cmpTrace(exp, got, tolMs)
      diffs = r.diffs
      if (r.worst !== null && (worstTrace === null || Math.abs(r.worst) > Math.abs(worstTrace[0]))) worstTrace = [r.worst, idx + 1]
    } else if (op === 'ls' || op === 'lsdir') {
      diffs = cmpFields(exp, got, ['errno'])
      const key = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x))
      const list = (d: Rec): string[] => { const v = get(d, 'entries'); return Array.isArray(v) ? v.map(key) : [] }
      const es = new Set(list(exp))
      const gs = new Set(list(got))
      const miss = [...es].filter((x) => !gs.has(x)).sort()
      const extra = [...gs].filter((x) => !es.has(x)).sort()
      if (miss.length > 0) diffs.push(`missing entries: ${miss.join(', ')}`)
      if (extra.length > 0) diffs.push(`extra entries: ${extra.join(', ')}`)
    } else if (op === 'stat') {
      diffs = cmpFields(exp, got, STAT_KEYS)
    } else {
      let tfile = get(exp, 'file')
      if (op === 'heldread') tfile = slots.get(pyDumps(get(exp, 'slot'))) ?? null
      if (tfile === 'trigger' && (op === 'read' || op === 'readchunks' || op === 'heldread' || op === 'rdwr')) {
        const dkey = op === 'rdwr' ? 'read_data' : 'data'
        const ekey = op === 'rdwr' ? 'read_errno' : 'errno'
        const rkey = op === 'rdwr' ? 'read_ret' : 'ret'
        const skip = new Set([dkey, 'calls', rkey])
        diffs = cmpFields(exp, got, resultKeys(exp).filter((k) => !skip.has(k)))
        if (get(exp, ekey) === null && get(got, ekey) === null) {
          const m = cmpTriggerData(get(exp, dkey), get(got, dkey))
          if (m !== null) diffs.push(m)
        } else if (!pyEq(get(exp, dkey), get(got, dkey))) {
          diffs.push(`${dkey}: expected ${trunc(get(exp, dkey))} got ${trunc(get(got, dkey))}`)
        }
        // a ret of -1 must match exactly
        if (pyEq(get(exp, rkey), -1) !== pyEq(get(got, rkey), -1)) {
          diffs.push(`${rkey}: expected ${pyRepr(get(exp, rkey), true)} got ${pyRepr(get(got, rkey), true)}`)
        }
      } else {
        const keys = resultKeys(exp)
        for (const k of resultKeys(got)) if (!keys.includes(k)) keys.push(k)
        diffs = cmpFields(exp, got, keys)
      }
    }
    if (op === 'hold' && pyEq(get(exp, 'ret'), 0)) slots.set(pyDumps(get(exp, 'slot')), get(exp, 'file'))
    else if (op === 'release') slots.delete(pyDumps(get(exp, 'slot')))

    if (diffs.length > 0) {
      const lab = pyLen(label) <= 70 ? label : pySlice(label, 0, 67) + '...'
      const where = label !== '' ? ` [${asciiBackslash(lab)}]` : ''
      mismatches.push(`#${idx + 1} ${describe(exp)}${where}: ${diffs.join('; ')}`)
    } else {
      identical++
    }
  })

  const extra = emu.length - orc.length
  const report = [...mismatches]
  if (extra > 0) report.push(`emulator transcript has ${extra} extra line(s) after line ${n}`)
  const wt = worstTrace as [number, number] | null
  if (wt !== null) report.push(`worst trace offset: ${f1s(wt[0])} ms (line ${wt[1]})`)
  report.push(`fidelity: ${identical}/${n} ops identical`)
  const result: CompareResult = {
    identical,
    total: n,
    mismatches,
    ok: identical === n && extra <= 0,
    extra: Math.max(0, extra),
    report
  }
  if (wt !== null) {
    result.worstOffset = wt[0]
    result.worstLine = wt[1]
  }
  return result
}

/** A transcript file: one JSON object per non-empty line (as compare.py's load()). */
export function readJsonl (path: string): object[] {
  const out: object[] = []
  const lines = readFileSync(path).toString('utf8').split('\n')
  lines.forEach((raw, i) => {
    const line = raw.trim()
    if (line === '') return
    try {
      out.push(JSON.parse(line) as object)
    } catch (e) {
      throw new Error(`compare: ${path}:${i + 1}: not JSON (${e instanceof Error ? e.message : String(e)})`)
    }
  })
  return out
}

/* `node compare.js ORACLE.jsonl EMULATOR.jsonl [--tol MS]`: prints what compare.py prints. */
if (require.main === module) {
  let tol = TOL_DEFAULT
  const args: string[] = []
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--tol') tol = Number(argv[++i])
    else if (a.startsWith('--tol=')) tol = Number(a.slice(6))
    else args.push(a)
  }
  if (args.length !== 2 || Number.isNaN(tol)) {
    process.stderr.write('usage: compare ORACLE.jsonl EMULATOR.jsonl [--tol MS]\n')
    process.exit(2)
  }
  let r: CompareResult
  try {
    r = compareTranscripts(readJsonl(args[0]), readJsonl(args[1]), tol)
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(2)
  }
  for (const line of r.report) process.stdout.write(line + '\n')
  process.exit(r.ok ? 0 : 1)
}
