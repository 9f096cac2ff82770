/**
 * Property-based fuzzing of a real ledfs mount against the independent
 * reference model (test/support/reference-model.ts).
 *
 * Each fast-check run resets the LED (`0` to brightness: no trigger,
 * brightness 0), then applies a random sequence of writes and reads to the
 * mount and to the model, and compares every answer: a write's return value
 * or errno, a read's bytes or errno. It ends by reading every attribute.
 * A brightness read is compared only when the model can predict it (no
 * pattern timer may have run); otherwise it must still be `N\n` with N <= 255.
 *
 * Writes: one open + ONE write(2) + close. Up to 4096 bytes fs.writeSync does
 * exactly one write(2) (a store returns the full count); longer writes must
 * not go through Node, which retries short writes and would turn the
 * kernel's "4096" into a second store: they are made by python's os.write,
 * like test/support/syscall.ts singleWrite, in one long-lived helper process
 * (see BigWriter).
 *
 * A mount that stops answering (ENOTCONN) is a crash: it is counted, the
 * sequence is reported, and the next run gets a fresh mount.
 *
 * Used two ways:
 *   test/fuzz/fuzz.test.ts   `make test` budget (FUZZ_WRITES, default 3000)
 *   this file as a program   the big budget (FUZZ_WRITES, default 1000000):
 *     TS_NODE_TRANSPILE_ONLY=1 node --import=@tapjs/typescript/import test/fuzz/run.ts
 *   (tap's own TypeScript loader; needs `make build` for the mount)
 * FUZZ_SEED fixes the seed (the report prints the one used).
 */
import fc from 'fast-check'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startMount, type StartedMount } from '../support/mount'
import { singleWrite } from '../support/syscall'
import { RefLed, REF_FILES, REF_TRIGGERS, type RefFile } from '../support/reference-model'

// --- operations -------------------------------------------------------------

export type Op = { kind: 'write', file: RefFile, data: Buffer } | { kind: 'read', file: RefFile }

/** bytes as a C-like string literal: printable ASCII as is, everything else escaped */
export function show (b: Buffer): string {
  const esc = (c: number): string =>
    c === 0x0a ? '\\n' : c === 0x09 ? '\\t' : c === 0x0d ? '\\r' : c === 0x00 ? '\\0' : c === 0x22 ? '\\"' : c === 0x5c ? '\\\\'
      : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`
  const part = (from: number, to: number): string => Array.from(b.subarray(from, to), esc).join('')
  return b.length <= 160 ? `"${part(0, b.length)}"` : `"${part(0, 100)}" … "${part(b.length - 40, b.length)}" (${b.length} bytes)`
}
export const formatOp = (op: Op): string => op.kind === 'write' ? `write ${op.file} ${show(op.data)}` : `read ${op.file}`

// --- generators -------------------------------------------------------------

const lat = (s: string): Buffer => Buffer.from(s, 'latin1')
const WS = [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0xa0] // every kernel isspace() byte
const NOT_WS = [0x00, 0x85, 0x1c, 0x7f, 0x2c, 0x2b, 0x2d, 0x78, 0xff, 0xc3, 0xa9, 0x30]
const INTERESTING = [...WS, ...NOT_WS, 0x31, 0x35, 0x39, 0x0a, 0x6e, 0x70, 0x5b, 0x5d]

const P2 = (n: number): bigint => 1n << BigInt(n)
const BOUNDARIES: bigint[] = [
  0n, 1n, 2n, 9n, 10n, 49n, 50n, 51n, 100n, 254n, 255n, 256n, 1000n, 2000n,
  P2(31) - 1n, P2(31), P2(31) + 1n, P2(32) - 1n, P2(32), P2(32) + 1n, P2(32) + 255n, P2(32) + 256n,
  P2(33) + 5n, P2(63) - 1n, P2(63), P2(63) + 1n, P2(64) - 1n, P2(64), P2(64) + 1n, P2(64) + 255n,
  P2(64) + 256n, 10n ** 20n - 1n, 10n ** 26n - 1n, 123456789012345678901234567890n
]

const numberValue: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...BOUNDARIES) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...BOUNDARIES), fc.integer({ min: -3, max: 3 })).map(([b, d]) => b + BigInt(d) < 0n ? 0n : b + BigInt(d)) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 300 }).map(BigInt) },
  { weight: 1, arbitrary: fc.bigUintN(70) }
)

/** the edges of u32, s32, s64 and u64, with and without a sign */
const EDGES = [
  '2147483647', '2147483648', '-2147483647', '-2147483648', '-2147483649', '4294967295', '4294967296',
  '4294967297', '4294967551', '4294967552', '-4294967296', '9223372036854775807', '9223372036854775808',
  '-9223372036854775807', '-9223372036854775808', '-9223372036854775809', '18446744073709551615',
  '18446744073709551616', '-18446744073709551615', '-18446744073709551616', '18446744073709551617',
  '18446744073709551871', '-1', '-2', '-0', '+0', '0', '+1', '00', '255', '256', '+255'
]

/** decimal digits with an optional sign and leading zeros */
const numberText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...EDGES) },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.constantFrom('+', '-') }, { weight: 1, arbitrary: fc.constantFrom('--', '+-', '-+', '++') }),
      fc.oneof({ weight: 10, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 20, max: 40 }) }),
      numberValue
    ).map(([sign, zeros, v]) => sign + '0'.repeat(zeros) + v.toString())
  }
)

const suffix: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('\n') },
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.constantFrom('\n\n', ' ', '\r\n', '\t', '\r', '\0', '\0x', '\n\0', 'x', ' 5', '\xa0', '5') }
)

const numberInput: fc.Arbitrary<Buffer> = fc.tuple(
  fc.oneof({ weight: 15, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '\n', '\0', '\xa0') }),
  numberText, suffix
).map(([p, n, s]) => lat(p + n + s))

/** a white space run between numbers: mostly one space, any isspace byte, rarely a byte that is not white space */
const wsRun: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(' ') },
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...WS), { minLength: 1, maxLength: 3 }).map(a => String.fromCharCode(...a)) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(...NOT_WS).map(c => String.fromCharCode(c)) }
)

const brightnessText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 255 }).map(String) },
  { weight: 1, arbitrary: numberText }
)
const durationText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 3000 }).map(String) },
  { weight: 2, arbitrary: numberText }
)

/** a valid tuple list: brightness 0..255, any unsigned duration, any white space */
const cleanPattern: fc.Arbitrary<string> = fc.tuple(
  fc.array(fc.tuple(
    fc.integer({ min: 0, max: 255 }),
    fc.array(fc.constantFrom(...WS), { minLength: 1, maxLength: 2 }),
    fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3000 }).map(BigInt) }, { weight: 1, arbitrary: numberValue }),
    fc.oneof({ weight: 4, arbitrary: fc.constant([0x20]) }, { weight: 1, arbitrary: fc.array(fc.constantFrom(...WS), { minLength: 1, maxLength: 3 }) })
  ), { minLength: 2, maxLength: 6 }),
  fc.constantFrom('\n', '\n', '', '\n\0', ' ')
).map(([tuples, end]) => tuples.map(([b, s1, d, s2], i) =>
  `${b}${String.fromCharCode(...s1)}${d}${i < tuples.length - 1 ? String.fromCharCode(...s2) : ''}`).join('') + end)

/** tuple lists with damage: signs, huge numbers, missing or foreign separators, odd endings */
const damagedPattern: fc.Arbitrary<string> = fc.tuple(
  fc.oneof({ weight: 10, arbitrary: fc.constant('') }, { weight: 1, arbitrary: wsRun }),
  fc.array(fc.tuple(brightnessText, wsRun, durationText), { minLength: 0, maxLength: 6 }),
  fc.array(wsRun, { minLength: 6, maxLength: 6 }),
  fc.constantFrom('', '\n', '\n', '\n', ' ', '\n\0', '\0', '\0\0', 'x', '5', ' 5', '\xff', ' \xff', '\xff\n', '\xc3\xa9', ',\n', '\n\n', ' \n')
).map(([lead, tuples, seps, end]) => lead + tuples.map(([b, s, d], i) => b + s + d + (i < tuples.length - 1 ? seps[i] : '')).join('') + end)

const patternInput: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: cleanPattern },
  { weight: 2, arbitrary: damagedPattern }
).map(lat)

const triggerInput: fc.Arbitrary<Buffer> = fc.tuple(
  fc.oneof({ weight: 20, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '[', '\0', '\n') }),
  fc.oneof(
    { weight: 12, arbitrary: fc.constant('pattern') },
    { weight: 3, arbitrary: fc.constant('none') },
    { weight: 4, arbitrary: fc.constantFrom(...REF_TRIGGERS) },
    { weight: 1, arbitrary: fc.constantFrom('PATTERN', 'Pattern', 'patter', 'patterns', 'patt', 'NONE', 'nosuchtrigger', 'cpu1', 'kbd', '', 'pattern ', '[pattern]') }
  ),
  fc.constantFrom('', '\n', '\n', '\n', '\n\n', '\0', '\0junk', '\n\0junk', ' ', '\r\n', '\r', '\t', '\x0b', '\xa0', 'x', ']')
).map(([p, n, s]) => lat(p + n + s))

/** valid inputs to mutate */
const SEEDS = [
  '0 1000 255 2000\n', '0 1000 255 2000\n', '0 100 255 100', '255 500 0 500\n', '1 2 3 4\n', '0 0 255 0\n',
  '10 120 200 120\n', '255\n', '0\n', '1\n', '-1\n', '3\n', '2147483647\n', '4294967296\n',
  '18446744073709551615\n', 'pattern\n', 'none\n', 'cpu0\n', 'kbd-capslock\n'
]
type Mutation = [kind: number, at: number, byte: number, len: number]
function mutate (base: string, muts: Mutation[]): Buffer {
  let b = Array.from(lat(base))
  for (const [kind, at, byte, len] of muts) {
    const i = b.length === 0 ? 0 : at % (b.length + 1)
    switch (kind) {
      case 0: b.splice(i, 0, byte); break // insert
      case 1: b.splice(Math.min(i, b.length - 1), 1); break // delete
      case 2: if (b.length > 0) b[i % b.length] ^= 1 << (byte & 7); break // flip a bit
      case 3: if (b.length > 0) b[i % b.length] = byte; break // replace
      case 4: b.splice(i, 0, ...b.slice(i, i + 1 + (len % 8))); break // duplicate a slice
      case 5: b = b.slice(0, i); break // truncate
    }
  }
  return Buffer.from(b)
}
const mutatedInput: fc.Arbitrary<Buffer> = fc.tuple(
  fc.constantFrom(...SEEDS),
  fc.array(fc.tuple(
    fc.integer({ min: 0, max: 5 }), fc.nat(64),
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...INTERESTING) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
    fc.nat(16)
  ), { minLength: 1, maxLength: 4 })
).map(([base, muts]) => mutate(base, muts))

const randomInput: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 24 }).map(a => Buffer.from(a)),
  fc.array(fc.constantFrom(...INTERESTING), { maxLength: 24 }).map(a => Buffer.from(a))
)

const UNITS = ['0 1 ', '0 0 ', '255 1000 ', '5 10 ', '1 ', ' ', '\n', '1', '0', 'none\0', 'pattern\0', 'pattern\n', '9 9\n', '0\t1\n', '\0', '0\xa01\xa0', 'x']
const LONG_LENGTHS = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(4093, 4094, 4095, 4096) },
  { weight: 4, arbitrary: fc.constantFrom(4097, 4098, 4100, 5000) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 4096 }) },
  { weight: 1, arbitrary: fc.integer({ min: 4097, max: 5000 }) }
)
/**
 * page-sized writes: a head, a repeated filler, a tail at the very end (which
 * a 4097-byte write puts just past the page), maybe one byte hit
 */
const longInput: fc.Arbitrary<Buffer> = fc.tuple(
  LONG_LENGTHS,
  fc.constantFrom('', '', '0 1000 255 2000 ', 'pattern\n', 'pattern', 'none', '5\n', '1', '255 '),
  fc.constantFrom(...UNITS),
  fc.constantFrom('', '', '1', '1\n', '\n', 'x', ' 1', '\0', ' 7 9\n'),
  fc.option(fc.tuple(fc.nat(5000), fc.constantFrom(...INTERESTING)), { nil: undefined, freq: 3 })
).map(([len, head, unit, tail, hit]) => {
  const b = Buffer.alloc(len)
  const h = lat(head)
  const u = lat(unit)
  const tl = lat(tail)
  for (let i = 0; i < len; i++) b[i] = i < h.length ? h[i] : u[(i - h.length) % u.length]
  for (let i = 0; i < tl.length && i < len; i++) b[len - tl.length + i] = tl[i]
  if (hit !== undefined && len > 0) b[hit[0] % len] = hit[1]
  return b
})

/** valid tuple lists long enough to fill the show() page: canonical numbers, single spaces */
const pagePattern: fc.Arbitrary<Buffer> = fc.tuple(
  LONG_LENGTHS,
  fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constantFrom(1000, 4294967295))), { minLength: 1, maxLength: 4 }),
  fc.constantFrom(' ', ' ', '\n', '\t')
).map(([len, tuples, sep]) => {
  const unit = lat(tuples.map(([b, d]) => `${b} ${d}${sep}`).join(''))
  const b = Buffer.alloc(len)
  for (let i = 0; i < len; i++) b[i] = unit[i % unit.length]
  return b
})

const genericInput: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: mutatedInput },
  { weight: 2, arbitrary: randomInput },
  { weight: 2, arbitrary: numberInput },
  { weight: 1, arbitrary: patternInput },
  { weight: 1, arbitrary: triggerInput },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) }
)

const forFile: Record<RefFile, fc.Arbitrary<Buffer>> = {
  trigger: triggerInput,
  brightness: numberInput,
  max_brightness: numberInput,
  pattern: patternInput,
  repeat: numberInput
}

const writeOp: fc.Arbitrary<Op> = fc.constantFrom<RefFile>(
  'pattern', 'pattern', 'pattern', 'pattern', 'repeat', 'repeat', 'repeat', 'brightness', 'brightness', 'trigger', 'trigger', 'max_brightness'
).chain(file => fc.oneof(
  { weight: 14, arbitrary: forFile[file] },
  { weight: 6, arbitrary: genericInput },
  { weight: 2, arbitrary: file === 'pattern' ? fc.oneof(longInput, pagePattern) : longInput }
).map((data): Op => ({ kind: 'write', file, data })))

const readOp: fc.Arbitrary<Op> = fc.constantFrom<RefFile>(...REF_FILES, 'pattern', 'brightness').map((file): Op => ({ kind: 'read', file }))

/** a sequence usually starts by selecting the pattern trigger (shrinking can drop it) */
export const sequence = (maxOps: number): fc.Arbitrary<Op[]> => fc.tuple(
  fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  fc.array(fc.oneof({ weight: 7, arbitrary: writeOp }, { weight: 3, arbitrary: readOp }), { minLength: 1, maxLength: maxOps })
).map(([pattern, ops]) => pattern ? [{ kind: 'write', file: 'trigger', data: lat('pattern\n') } as Op, ...ops] : ops)

// --- the mount side ---------------------------------------------------------

type WriteAnswer = { ret: number } | { errno: string }
type ReadAnswer = { data: Buffer } | { errno: string }
type Answer = WriteAnswer | ReadAnswer

const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e)
/** FUSE answers these once the daemon is gone */
const DEAD = new Set(['ENOTCONN', 'ECONNABORTED'])

/**
 * Exactly one write(2) for writes over a page. test/support/syscall.ts
 * singleWrite does it with one python3 process per write, which costs
 * ~250 ms here (python's start-up); this keeps ONE python3 process that
 * does the same open + os.write + close per request, fed through two FIFOs
 * so the calls stay synchronous. If it cannot start, singleWrite is used.
 */
const HELPER = [
  'import os, sys, errno, struct',
  'r = os.open(sys.argv[1], os.O_RDONLY)',
  'w = os.open(sys.argv[2], os.O_WRONLY)',
  'def readn(n):',
  '    b = b""',
  '    while len(b) < n:',
  '        c = os.read(r, n - len(b))',
  '        if not c: sys.exit(0)',
  '        b += c',
  '    return b',
  'while True:',
  '    path = readn(struct.unpack(">I", readn(4))[0])',
  '    data = readn(struct.unpack(">I", readn(4))[0])',
  '    try:',
  '        fd = os.open(path, os.O_WRONLY)',
  '    except OSError as e:',
  '        out = errno.errorcode[e.errno]',
  '    else:',
  '        try:',
  '            out = str(os.write(fd, data))',
  '        except OSError as e:',
  '            out = errno.errorcode[e.errno]',
  '        os.close(fd)',
  '    os.write(w, (out + "\\n").encode())'
].join('\n')

class BigWriter {
  private dir = ''
  private req = -1
  private resp = -1
  private child: ChildProcess | null = null

  start (): boolean {
    try {
      this.dir = mkdtempSync(join(tmpdir(), 'ledfs-fuzz-'))
      const req = join(this.dir, 'req')
      const resp = join(this.dir, 'resp')
      execFileSync('mkfifo', [req, resp])
      this.child = spawn('python3', ['-c', HELPER, req, resp], { stdio: 'ignore' })
      this.child.unref()
      // the same order as the helper, so neither open waits forever
      this.req = fs.openSync(req, 'w')
      this.resp = fs.openSync(resp, 'r')
      return true
    } catch {
      this.stop()
      return false
    }
  }

  write (path: string, data: Buffer): WriteAnswer {
    const p = Buffer.from(path, 'utf8')
    const head = Buffer.alloc(4)
    head.writeUInt32BE(p.length)
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    fs.writeSync(this.req, Buffer.concat([head, p, len, data]))
    let line = ''
    const b = Buffer.alloc(64)
    while (!line.endsWith('\n')) {
      const n = fs.readSync(this.resp, b, 0, b.length, null)
      if (n === 0) throw new Error('the write helper exited')
      line += b.subarray(0, n).toString('latin1')
    }
    const out = line.trim()
    return /^[0-9]+$/.test(out) ? { ret: Number(out) } : { errno: out }
  }

  stop (): void {
    for (const fd of [this.req, this.resp]) if (fd >= 0) try { fs.closeSync(fd) } catch {}
    this.req = this.resp = -1
    if (this.child !== null && this.child.exitCode === null) this.child.kill()
    this.child = null
    if (this.dir !== '') rmSync(this.dir, { recursive: true, force: true })
    this.dir = ''
  }
}

function mountWrite (path: string, data: Buffer, big: BigWriter | null): WriteAnswer {
  if (data.length > 4096) {
    if (big !== null) return big.write(path, data)
    const r = singleWrite(path, data)
    return typeof r === 'number' ? { ret: r } : { errno: r }
  }
  let fd: number
  try { fd = fs.openSync(path, fs.constants.O_WRONLY) } catch (e) { return { errno: errnoOf(e) } }
  try {
    return { ret: fs.writeSync(fd, data) }
  } catch (e) {
    return { errno: errnoOf(e) }
  } finally {
    try { fs.closeSync(fd) } catch {}
  }
}

const READ_LIMIT = 1 << 20
function mountRead (path: string): ReadAnswer {
  let fd: number
  try { fd = fs.openSync(path, fs.constants.O_RDONLY) } catch (e) { return { errno: errnoOf(e) } }
  try {
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const b = Buffer.allocUnsafe(65536)
      const n = fs.readSync(fd, b, 0, b.length, null)
      if (n === 0) break
      chunks.push(b.subarray(0, n))
      total += n
      if (total > READ_LIMIT) return { errno: `no EOF after ${READ_LIMIT} bytes` }
    }
    return { data: Buffer.concat(chunks) }
  } catch (e) {
    return { errno: errnoOf(e) }
  } finally {
    try { fs.closeSync(fd) } catch {}
  }
}

const fmtAnswer = (a: Answer | { unpredictable: string }): string =>
  'ret' in a ? `ret ${a.ret}` : 'errno' in a ? a.errno : 'data' in a ? `data ${show(a.data)}` : `(unpredictable: ${a.unpredictable})`

// --- the fuzzer -------------------------------------------------------------

export interface FuzzOptions {
  /** writes to do (fuzzed ones, not the resets) */
  writes: number
  seed?: number
  /** ops per sequence at most */
  maxOps?: number
  /** progress lines */
  log?: (line: string) => void
  /** arguments for `ledfs mount` */
  mountArgs?: string[]
}

export interface FuzzReport {
  writes: number
  reads: number
  runs: number
  crashes: number
  divergences: number
  elapsedMs: number
  seed: number
  /** how often each outcome was seen: "write pattern EINVAL" -> 1234 */
  outcomes: Record<string, number>
  /** the mount process was alive and answered at the end */
  aliveAtEnd: boolean
  /** the shrunk failing sequence, one op per line, with what differed */
  counterexample?: string
  /** fast-check's own report (seed, path, error) */
  failure?: string
}

/** what differed; `at` is the index of the op in the sequence (none for the final reads) */
class Divergence extends Error {
  constructor (message: string, readonly at?: number) { super(message) }
}
class Crash extends Error {
  constructor (message: string, readonly at?: number) { super(message) }
}

export async function fuzz (opts: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now()
  const seed = opts.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
  const maxOps = opts.maxOps ?? 24
  const log = opts.log ?? (() => {})
  const args = opts.mountArgs ?? ['--led', 'oracle', '--triggers', 'pattern']
  let m: StartedMount = await startMount(args)
  let big: BigWriter | null = new BigWriter()
  if (!big.start()) big = null
  let dead = false
  let writes = 0
  let reads = 0
  let runs = 0
  let crashes = 0
  let lastLog = Date.now()
  const outcomes = new Map<string, number>()
  const count = (k: string): void => { outcomes.set(k, (outcomes.get(k) ?? 0) + 1) }

  const path = (f: RefFile): string => join(m.ledDir('oracle'), f)
  const noteDeath = (what: string, at?: number): never => {
    if (!dead) { dead = true; crashes++ }
    throw new Crash(`the mount stopped answering (${what}); its output:\n${m.output().slice(-2000)}`, at)
  }

  /** apply one op to both sides; throws Divergence/Crash with the details */
  const step = (ref: RefLed, op: Op, where: string, at?: number): void => {
    if (op.kind === 'write') {
      const want = ref.write(op.file, op.data)
      const got = mountWrite(path(op.file), op.data, big)
      writes++
      count(`write ${op.file}${op.data.length > 4096 ? ' (>4096)' : ''} ${'ret' in got ? (got.ret === 0 ? 'ret 0' : 'ok') : got.errno}`)
      if ('errno' in got && DEAD.has(got.errno)) noteDeath(`${where} ${got.errno}`, at)
      if (fmtAnswer(want) !== fmtAnswer(got)) throw new Divergence(`${where} ${formatOp(op)}: ledfs ${fmtAnswer(got)}, kernel model ${fmtAnswer(want)}`, at)
    } else {
      const want = ref.read(op.file)
      const got = mountRead(path(op.file))
      reads++
      count(`read ${op.file} ${'errno' in got ? got.errno : 'unpredictable' in want ? 'unpredictable' : 'ok'}`)
      if ('errno' in got && DEAD.has(got.errno)) noteDeath(`${where} ${got.errno}`, at)
      if ('unpredictable' in want) {
        const ok = 'data' in got && /^(\d+)\n$/.test(got.data.toString('latin1')) && Number(got.data.toString('latin1')) <= ref.maxBrightness
        if (!ok) throw new Divergence(`${where} ${formatOp(op)}: ledfs ${fmtAnswer(got)}, expected some "N\\n" with N <= ${ref.maxBrightness}`, at)
      } else if (fmtAnswer(want) !== fmtAnswer(got) || ('data' in want && 'data' in got && !want.data.equals(got.data))) {
        throw new Divergence(`${where} ${formatOp(op)}: ledfs ${fmtAnswer(got)}, kernel model ${fmtAnswer(want)}`, at)
      }
    }
  }

  const property = fc.asyncProperty(sequence(maxOps), async (ops) => {
    runs++
    // let the event loop drain the mount's output pipe, restart a dead mount
    await new Promise(resolve => setImmediate(resolve))
    if (dead || m.child.exitCode !== null) {
      if (!dead) crashes++
      await m.stop()
      m = await startMount(args)
      dead = false
    }
    // reset: `0` to brightness removes any trigger and sets 0
    const reset = mountWrite(path('brightness'), lat('0\n'), big)
    if ('errno' in reset) noteDeath(`reset: ${reset.errno}`)
    const ref = new RefLed()
    ops.forEach((op, i) => step(ref, op, `op ${i + 1}:`, i))
    for (const f of REF_FILES) step(ref, { kind: 'read', file: f }, 'final read:')
    if (Date.now() - lastLog > 30000) {
      lastLog = Date.now()
      log(`fuzz: ${writes} writes, ${reads} reads, ${runs} runs, ${((Date.now() - started) / 1000).toFixed(0)} s`)
    }
  })

  let counterexample: string | undefined
  let failure: string | undefined
  let divergences = 0
  // Run in chunks sized from the writes per run seen so far, until the budget is spent.
  let chunk = 0
  while (writes < opts.writes) {
    const perRun = runs > 0 ? writes / runs : maxOps * 0.35
    const numRuns = Math.max(1, Math.ceil((opts.writes - writes) / perRun))
    const chunkSeed = (seed + chunk * 0x9e3779b1) | 0
    chunk++
    const details = await fc.check(property, { numRuns, seed: chunkSeed, endOnFailure: false })
    if (details.failed) {
      const err = details.errorInstance
      if (err instanceof Crash) { /* counted where it happened */ } else divergences++
      const at = err instanceof Divergence || err instanceof Crash ? err.at : undefined
      // the ops after the one that differed never ran
      const ops = (details.counterexample?.[0] ?? []).slice(0, at === undefined ? undefined : at + 1)
      counterexample = [
        ...ops.map((op, i) => `  ${i + 1}. ${formatOp(op)}`),
        `  -> ${err instanceof Error ? err.message : String(err)}`
      ].join('\n')
      failure = `fast-check seed ${chunkSeed}, path ${String(details.counterexamplePath)}, ${details.numRuns} runs, ${details.numShrinks} shrinks`
      break
    }
  }

  // the mount must still be alive and answer
  await new Promise(resolve => setImmediate(resolve))
  const probe = mountRead(path('trigger'))
  const aliveAtEnd = m.child.exitCode === null && 'data' in probe
  if (!aliveAtEnd && !dead) crashes++
  big?.stop()
  await m.stop()
  return { writes, reads, runs, crashes, divergences, elapsedMs: Date.now() - started, seed, aliveAtEnd, outcomes: Object.fromEntries([...outcomes].sort()), counterexample, failure }
}

/** the outcome counts, a few per line */
export const formatOutcomes = (r: FuzzReport): string => {
  const items = Object.entries(r.outcomes).map(([k, v]) => `${k}: ${v}`)
  const lines: string[] = []
  for (let i = 0; i < items.length; i += 4) lines.push('  ' + items.slice(i, i + 4).join(', '))
  return lines.join('\n')
}

export const formatReport = (r: FuzzReport): string =>
  `writes: ${r.writes}, crashes: ${r.crashes}, divergences: ${r.divergences}` +
  ` (reads: ${r.reads}, sequences: ${r.runs}, seed: ${r.seed}, ${(r.elapsedMs / 1000).toFixed(1)} s)`

async function main (): Promise<number> {
  const writes = Number(process.env.FUZZ_WRITES ?? 1000000)
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined
  process.stdout.write(`fuzz: ${writes} writes against the 6.1 reference model\n`)
  const r = await fuzz({ writes, seed, log: (l) => process.stdout.write(l + '\n') })
  process.stdout.write(formatReport(r) + '\n')
  process.stdout.write(`elapsed: ${(r.elapsedMs / 1000).toFixed(1)} s (${Math.round(r.writes / (r.elapsedMs / 1000))} writes/s)\n`)
  process.stdout.write(`outcomes:\n${formatOutcomes(r)}\n`)
  if (r.counterexample !== undefined) process.stdout.write(`minimal failing sequence (${r.failure ?? ''}):\n${r.counterexample}\n`)
  return r.crashes === 0 && r.divergences === 0 && r.aliveAtEnd ? 0 : 1
}

if (require.main === module) {
  main().then(code => process.exit(code), (e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`)
    process.exit(2)
  })
}
