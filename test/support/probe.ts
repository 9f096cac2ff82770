/**
 * A TypeScript port of the oracle's ledprobe (host mode, i.e. without
 * --uleds): runs a ledprobe script against a /sys/class/leds/<led>/ shaped
 * directory and returns one record per op with exactly the fields, names and
 * values ledprobe prints (what JSON.parse of its output line gives).
 *
 * Script language (from ledprobe.c): one op per line; arguments separated by
 * ONE space; DATA is the rest of the line, unescaped (\n \t \r \v \f \\ \s \0
 * \xHH); "#..." and empty lines are ignored.
 *
 *   write FILE DATA / writefile FILE N PATTERN / writetrunc FILE DATA
 *   pwrite FILE OFF DATA / twowrites FILE A B / rdwr FILE DATA
 *   read FILE / readchunks FILE N / pread FILE OFF N / stat FILE / ls / lsdir SUBDIR
 *   hold SLOT FILE r|w|rw / heldwrite SLOT DATA / heldread SLOT
 *   heldreadn SLOT N / heldpread SLOT OFF N / release SLOT
 *   create FILE / unlink FILE / mkdir NAME / rename A B / symlink TARGET NAME
 *   chmod FILE OCTAL / truncate FILE LEN / readlink NAME
 *   sleep MS / drain / trace MS / note TEXT
 *
 * Byte strings (data, file names, notes) are returned as strings of code
 * points U+0000..U+00FF (latin1), like ledprobe's JSON escaping.
 *
 * Every file operation is a synchronous node:fs call making the syscall
 * ledprobe makes (one readSync = one read(2); openSync, closeSync, statSync,
 * readdirSync, readlinkSync, mkdirSync, ... likewise). The served directory
 * must belong to another process (a FUSE server in this process would
 * deadlock on its own event loop). Where Node cannot make ledprobe's call:
 *  - write(2): libuv repeats a write after a short count until everything is
 *    written (a 4097-byte write that sysfs answers with 4096 would reach the
 *    store twice). Writes longer than 4096 bytes (or all, with exactWrites)
 *    are therefore made by a perl (else python3) child sharing the open file
 *    description: one write(2), ~4 ms. Shorter writes use writeSync: one
 *    write(2) unless the server answers short, which sysfs never does below
 *    a page (exactWrites: true sends every write through the child).
 *  - lseek(fd, 0, SEEK_SET) (heldread, rdwr) is emulated: FUSE answers it in
 *    the kernel without a request. The port tracks each fd's offset and, once
 *    it differs from the kernel's, reads/writes with pread(2)/pwrite(2) at the
 *    tracked offset (the same FUSE request as read(2)/write(2) there).
 *  - truncate(2) runs through `perl -e truncate(...)` (a real truncate(2));
 *    without perl it falls back to open(O_WRONLY) + ftruncate(2) + close.
 *  - pread/pwrite with a negative offset fail with EINVAL without a syscall
 *    (the kernel checks that first; Node would silently read()/write()), as
 *    do offsets whose end passes 2^63-1. pwrite offsets above 2^53-1 go
 *    through the child too.
 *  - read(2) of 0 bytes uses readvSync (readSync skips the syscall).
 */
import * as fs from 'node:fs'
import { constants as osConstants } from 'node:os'
import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'

export type ProbeRecord = Record<string, unknown>

export interface ProbeOptions {
  /** Called with each record as soon as its op is done. */
  onRecord?: (rec: ProbeRecord) => void
  /** Use perl for a real truncate(2) (default: when perl works). */
  perlTruncate?: boolean
  /**
   * Make every write(2) through a perl/python3 child (exact even when a
   * store answers short, but ~4 ms per write). Default: only writes longer than a
   * page (4096 bytes), the only ones sysfs answers short.
   */
  exactWrites?: boolean
}

/* ------------------------------------------------------------ errno names */

const ERRNO_NAMES = ['EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG',
  'ENOEXEC', 'EBADF', 'ECHILD', 'EAGAIN', 'ENOMEM', 'EACCES',
  'EFAULT', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV', 'ENOTDIR',
  'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'EFBIG',
  'ENOSPC', 'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE',
  'EDEADLK', 'ENAMETOOLONG', 'ENOSYS', 'ENOTEMPTY', 'ELOOP',
  'ENODATA', 'ETIME', 'EOVERFLOW', 'EILSEQ', 'EOPNOTSUPP',
  'ETIMEDOUT', 'ECANCELED']
// Linux numbers, used when os.constants lacks a name.
const LINUX_ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9, ECHILD: 10,
  EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20,
  EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30,
  EMLINK: 31, EPIPE: 32, EDOM: 33, ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39,
  ELOOP: 40, ENODATA: 61, ETIME: 62, EOVERFLOW: 75, EILSEQ: 84, EOPNOTSUPP: 95, ETIMEDOUT: 110, ECANCELED: 125
}
const ERRNO_NUM: Record<string, number> = {}
const ERRNO_BY_NUM = new Map<number, string>()
for (const name of ERRNO_NAMES) {
  const n = (osConstants.errno as Record<string, number | undefined>)[name] ?? LINUX_ERRNO[name]
  ERRNO_NUM[name] = n
  if (!ERRNO_BY_NUM.has(n)) ERRNO_BY_NUM.set(n, name)
}
const EBADF = ERRNO_NUM.EBADF
const EINVAL = ERRNO_NUM.EINVAL
const EIO = ERRNO_NUM.EIO
const ERANGE = ERRNO_NUM.ERANGE
const EOVERFLOW = ERRNO_NUM.EOVERFLOW

/** ledprobe's errname(): the E-name of the listed errnos, else "E<n>". */
export function errnoName (e: number): string {
  return ERRNO_BY_NUM.get(e) ?? `E${e}`
}

/** The (positive) errno of a failed node:fs call; rethrows anything else. */
function errnoOf (e: unknown): number {
  const n = (e as NodeJS.ErrnoException | null)?.errno
  if (typeof n === 'number' && n !== 0) return Math.abs(n)
  throw e
}

/* ------------------------------------------------------- C number formats */

/** Exact decimal expansion of a finite x > 0: value = 0.<digits> * 10^point, no leading/trailing zeros. */
function exactDigits (x: number): { digits: string, point: number } {
  const dv = new DataView(new ArrayBuffer(8))
  dv.setFloat64(0, x)
  const hi = dv.getUint32(0)
  const lo = dv.getUint32(4)
  const bexp = (hi >>> 20) & 0x7ff
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  let e: number
  if (bexp === 0) e = -1074
  else { mant |= 1n << 52n; e = bexp - 1075 }
  let digits: string
  let point: number
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString()
    point = digits.length
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString()
    point = digits.length + e
  }
  return { digits: digits.replace(/0+$/, ''), point }
}

/** Round 0.<d> * 10^point to nsig significant digits, half to even (glibc printf). d '' = zero. */
function roundDigits (d: string, point: number, nsig: number): { d: string, point: number } {
  if (nsig >= d.length) return { d, point }
  if (nsig < 0) return { d: '', point }
  const keep = d.slice(0, nsig)
  const next = d.charCodeAt(nsig) - 48
  const tail = d.length > nsig + 1 // trailing zeros are stripped: any tail is non-zero
  const lastOdd = nsig > 0 && (d.charCodeAt(nsig - 1) - 48) % 2 === 1
  const up = next > 5 || (next === 5 && (tail || lastOdd))
  if (!up) return { d: keep.replace(/0+$/, ''), point }
  if (nsig === 0) return { d: '1', point: point + 1 }
  const inc = (BigInt(keep) + 1n).toString()
  if (inc.length > nsig) return { d: '1', point: point + 1 }
  return { d: inc.replace(/0+$/, ''), point }
}

function specialValue (x: number, negNaN = false): string | null {
  if (Number.isNaN(x)) return negNaN ? '-nan' : 'nan'
  if (x === Infinity) return 'inf'
  if (x === -Infinity) return '-inf'
  return null
}

/** printf("%.<prec>f", x) as glibc prints it (exact value, ties to even). */
export function formatFixed (x: number, prec: number): string {
  const sp = specialValue(x)
  if (sp !== null) return sp
  const neg = x < 0 || Object.is(x, -0)
  let d = ''
  let point = 0
  if (x !== 0) {
    const ex = exactDigits(Math.abs(x))
    const r = roundDigits(ex.digits, ex.point, ex.point + prec)
    d = r.d
    point = r.point
  }
  const digitAt = (i: number): string => (i >= 0 && i < d.length ? d[i] : '0')
  let int = ''
  for (let i = 0; i < point; i++) int += digitAt(i)
  if (int === '') int = '0'
  let frac = ''
  for (let i = 0; i < prec; i++) frac += digitAt(point + i)
  return (neg ? '-' : '') + int + (prec > 0 ? '.' + frac : '')
}

/** printf("%.<prec>e", x) as glibc prints it. */
export function formatExp (x: number, prec: number): string {
  const sp = specialValue(x)
  if (sp !== null) return sp
  const neg = x < 0 || Object.is(x, -0)
  let d = ''
  let exp = 0
  if (x !== 0) {
    const ex = exactDigits(Math.abs(x))
    const r = roundDigits(ex.digits, ex.point, prec + 1)
    d = r.d
    exp = r.point - 1
  }
  d = d.padEnd(prec + 1, '0')
  const e = Math.abs(exp).toString().padStart(2, '0')
  return (neg ? '-' : '') + d[0] + (prec > 0 ? '.' + d.slice(1) : '') + 'e' + (exp < 0 ? '-' : '+') + e
}

/** printf("%g", x) (precision 6) as glibc prints it. */
export function formatG (x: number, precision = 6, negNaN = false): string {
  const sp = specialValue(x, negNaN)
  if (sp !== null) return sp
  const P = precision === 0 ? 1 : precision
  let X = 0
  if (x !== 0) {
    const ex = exactDigits(Math.abs(x))
    X = roundDigits(ex.digits, ex.point, P).point - 1
  }
  const strip = (s: string): string => s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s
  if (P > X && X >= -4) return strip(formatFixed(x, P - 1 - X))
  const s = formatExp(x, P - 1)
  const i = s.indexOf('e')
  return strip(s.slice(0, i)) + s.slice(i)
}

/* ------------------------------------------------ C string->number parsing */

const isCSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'
const LLONG_MAX = (1n << 63n) - 1n
const LLONG_MIN = -(1n << 63n)
const ULLONG_MAX = (1n << 64n) - 1n

/** strtoll/strtoull(s, &end, base) for base 8 or 10 (64-bit long). end = index into s. */
function cStrtoInt (s: string, base: number, unsigned: boolean): { v: bigint, end: number, erange: boolean } {
  let i = 0
  while (isCSpace(s[i])) i++
  let neg = false
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++ }
  const start = i
  let v = 0n
  const B = BigInt(base)
  while (i < s.length) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c >= base) break
    v = v * B + BigInt(c)
    i++
  }
  if (i === start) return { v: 0n, end: 0, erange: false }
  if (unsigned) {
    if (v > ULLONG_MAX) return { v: ULLONG_MAX, end: i, erange: true }
    return { v: neg ? (ULLONG_MAX + 1n - v) % (ULLONG_MAX + 1n) : v, end: i, erange: false }
  }
  if (neg) v = -v
  if (v > LLONG_MAX) return { v: LLONG_MAX, end: i, erange: true }
  if (v < LLONG_MIN) return { v: LLONG_MIN, end: i, erange: true }
  return { v, end: i, erange: false }
}

/** strtod(s, NULL): value, whether it set ERANGE (overflow/underflow to 0), and NaN sign. */
function cStrtod (s: string): { v: number, erange: boolean, negNaN: boolean } {
  let i = 0
  while (isCSpace(s[i])) i++
  let neg = false
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++ }
  const r = s.slice(i)
  const sign = neg ? -1 : 1
  if (/^inf/i.test(r)) return { v: sign * Infinity, erange: false, negNaN: false }
  if (/^nan/i.test(r)) return { v: NaN, erange: false, negNaN: neg }
  let m = /^0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?/.exec(r)
  if (m !== null) {
    const intPart = m[1] ?? ''
    const fracPart = m[2] ?? m[3] ?? ''
    const digits = (intPart + fracPart).replace(/^0+/, '')
    let exp2 = (m[4] !== undefined ? parseInt(m[4], 10) : 0) - 4 * fracPart.length
    if (digits === '') return { v: sign * 0, erange: false, negNaN: false }
    let mant = BigInt('0x' + digits)
    // keep 64 significant bits (sticky bit for rounding) and let the FPU do the rest
    const bits = mant.toString(2).length
    if (bits > 64) {
      const sh = bits - 64
      const sticky = (mant & ((1n << BigInt(sh)) - 1n)) !== 0n ? 1n : 0n
      mant = (mant >> BigInt(sh)) | sticky
      exp2 += sh
    }
    let v = Number(mant)
    // scale in steps to avoid intermediate overflow/underflow
    while (exp2 > 0) { const k = Math.min(exp2, 1000); v *= 2 ** k; exp2 -= k }
    while (exp2 < 0) { const k = Math.min(-exp2, 1000); v /= 2 ** k; exp2 += k }
    return { v: sign * v, erange: v === Infinity || v === 0, negNaN: false }
  }
  m = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(r)
  if (m === null) return { v: 0, erange: false, negNaN: false }
  const v = Number(m[0])
  const nonzero = /[1-9]/.test(m[0].replace(/[eE].*$/, ''))
  return { v: sign * v, erange: v === Infinity || (v === 0 && nonzero), negNaN: false }
}

/* --------------------------------------------------------------- escapes */

const hexval = (c: string | undefined): number => {
  if (c === undefined) return -1
  const n = c.charCodeAt(0)
  if (n >= 48 && n <= 57) return n - 48
  if (n >= 97 && n <= 102) return n - 87
  if (n >= 65 && n <= 70) return n - 55
  return -1
}

/**
 * ledprobe's unescape(): s is a byte string (code points 0..255); returns the
 * bytes or the error message ledprobe reports.
 */
export function unescapeData (s: string): Buffer | { error: string } {
  const o: number[] = []
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') { o.push(s.charCodeAt(i) & 0xff); continue }
    i++
    switch (s[i]) {
      case 'n': o.push(10); break
      case 't': o.push(9); break
      case 'r': o.push(13); break
      case 'v': o.push(11); break
      case 'f': o.push(12); break
      case 's': o.push(32); break
      case '0': o.push(0); break
      case '\\': o.push(92); break
      case 'x': {
        const h = hexval(s[i + 1])
        const l = h >= 0 ? hexval(s[i + 2]) : -1
        if (h < 0 || l < 0) return { error: 'bad \\x escape (need two hex digits)' }
        o.push(h * 16 + l)
        i += 2
        break
      }
      default:
        return { error: 'unknown escape' }
    }
  }
  return Buffer.from(o)
}

const latin1 = (b: Buffer): string => b.toString('latin1')

/** One record as the ASCII JSON line ledprobe would print (numbers as JS prints them). */
export function toJsonLine (rec: ProbeRecord): string {
  const str = (s: string): string => {
    let out = '"'
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c === 0x22) out += '\\"'
      else if (c === 0x5c) out += '\\\\'
      else if (c === 10) out += '\\n'
      else if (c === 9) out += '\\t'
      else if (c === 13) out += '\\r'
      else if (c < 0x20 || c >= 0x7f) out += '\\u' + c.toString(16).padStart(4, '0')
      else out += s[i]
    }
    return out + '"'
  }
  const val = (v: unknown): string => {
    if (v === null || v === undefined) return 'null'
    if (typeof v === 'string') return str(v)
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null'
    if (Array.isArray(v)) return '[' + v.map(val).join(',') + ']'
    if (typeof v === 'object') return '{' + Object.entries(v as Record<string, unknown>).map(([k, x]) => str(k) + ':' + val(x)).join(',') + '}'
    return JSON.stringify(v)
  }
  return val(rec)
}

/* ---------------------------------------------------------------- runner */

interface FdState {
  fd: number
  /** the kernel's file offset (moved by read(2)/write(2)) */
  realPos: number
  /** the offset ledprobe's fd would have (lseek is emulated) */
  pos: number
  readable: boolean
  writable: boolean
}

const NSLOTS = 8
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC } = fs.constants

const sleepCell = new Int32Array(new SharedArrayBuffer(4))
const blockMs = (ms: number): void => { if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms) }
const tick = async (): Promise<void> => await new Promise<void>((resolve) => setImmediate(resolve))

let perlOk: boolean | undefined
function havePerl (): boolean {
  if (perlOk === undefined) {
    try {
      perlOk = spawnSync('perl', ['-e', 'print 1'], { encoding: 'utf8' }).stdout === '1'
    } catch { perlOk = false }
  }
  return perlOk
}

/*
 * libuv (every node:fs write) repeats write(2) after a short count until all
 * bytes are written, so a 4097-byte write that sysfs answers with 4096 would
 * reach the store twice. A child process sharing the open file description
 * (its fd 3) makes the single write(2) instead: perl (Essential on Debian),
 * else python3. With a seek offset it first does a real lseek(2) (putting the
 * shared offset where this fd's tracked offset is) or, for pwrite, pwrite(2).
 * Its stdout: the count, or "-" and the errno.
 */
const PERL_WRITE = 'binmode STDIN; local $/; my $d = <STDIN>; $d = "" unless defined $d; ' +
  'if ($ARGV[0] ne "-") { my $o = POSIX::lseek(3, $ARGV[0], 0); if (!defined $o || $o == -1) { print "-", 0 + $!; exit 0 } } ' +
  'my $r = POSIX::write(3, $d, length $d); print defined $r ? 0 + $r : "-" . (0 + $!);'
const PYTHON_WRITE = [
  'import os, sys',
  'data = sys.stdin.buffer.read()',
  'try:',
  '    if sys.argv[1] == "-": n = os.write(3, data)',
  '    elif sys.argv[2] == "pwrite": n = os.pwrite(3, data, int(sys.argv[1]))',
  '    else:',
  '        os.lseek(3, int(sys.argv[1]), 0)',
  '        n = os.write(3, data)',
  '    sys.stdout.write(str(n))',
  'except OSError as e:',
  '    sys.stdout.write("-%d" % e.errno)'
].join('\n')
/** sysfs cuts writes at one page: the only writes it answers short */
const PAGE_SIZE = 4096
type WriteHelper = 'perl' | 'python3' | null
let writeHelperFound: WriteHelper | undefined
function writeHelper (): WriteHelper {
  if (writeHelperFound === undefined) {
    writeHelperFound = havePerl()
      ? 'perl'
      : (() => { try { return spawnSync('python3', ['-c', 'print(1)'], { encoding: 'utf8' }).stdout.trim() === '1' } catch { return false } })()
          ? 'python3'
          : null
  }
  return writeHelperFound
}
let warnedNoHelper = false

class Probe {
  readonly out: ProbeRecord[] = []
  private readonly dirBuf: Buffer
  private readonly slots: Array<FdState | null> = new Array<FdState | null>(NSLOTS).fill(null)
  private lastWriteEnd = -1
  /** C's errno: set by every failing emulated call (and by strto*), read where ledprobe reads it stale. */
  private errno = 0

  constructor (readonly dir: string, private readonly opts: ProbeOptions) {
    this.dirBuf = Buffer.from(dir, 'utf8')
  }

  private emit (rec: ProbeRecord): void {
    this.out.push(rec)
    this.opts.onRecord?.(rec)
  }

  private pathOf (file: string): Buffer {
    return Buffer.concat([this.dirBuf, Buffer.from('/'), Buffer.from(file, 'latin1')])
  }

  private errJson (ok: boolean, err: number): string | null {
    return ok ? null : errnoName(err)
  }

  /* --- syscalls: return -1 and set this.errno on failure, like libc --- */

  private fail (e: unknown): number {
    this.errno = errnoOf(e)
    return -1
  }

  private sysOpen (path: Buffer, flags: number, mode?: number): FdState | null {
    try {
      const fd = mode === undefined ? fs.openSync(path, flags) : fs.openSync(path, flags, mode)
      const acc = flags & 3
      return { fd, realPos: 0, pos: 0, readable: acc !== O_WRONLY, writable: acc !== O_RDONLY }
    } catch (e) {
      this.fail(e)
      return null
    }
  }

  private sysClose (h: FdState): number {
    try { fs.closeSync(h.fd); return 0 } catch (e) { return this.fail(e) }
  }

  /** one read(2) (pos null) or pread(2) of n bytes */
  private sysRead (h: FdState, n: number, pos: bigint | null): { r: number, buf: Buffer } {
    const empty = Buffer.alloc(0)
    if (pos !== null) {
      if (pos < 0n) { this.errno = EINVAL; return { r: -1, buf: empty } }
      if (pos + BigInt(n) > LLONG_MAX) { this.errno = h.readable ? EINVAL : EBADF; return { r: -1, buf: empty } }
    }
    try {
      if (n === 0) {
        // readSync skips the syscall for length 0; readvSync makes it.
        if (pos !== null && pos > MAX_SAFE) {
          if (!h.readable) { this.errno = EBADF; return { r: -1, buf: empty } }
          return { r: 0, buf: empty }
        }
        return { r: fs.readvSync(h.fd, [empty], pos === null ? undefined : Number(pos)), buf: empty }
      }
      const buf = Buffer.alloc(n)
      const r = fs.readSync(h.fd, buf, 0, n, pos === null ? null : pos > MAX_SAFE ? pos : Number(pos))
      return { r, buf: buf.subarray(0, r) }
    } catch (e) {
      return { r: this.fail(e), buf: empty }
    }
  }

  /** whether this write(2) must be made by a child (see PERL_WRITE) */
  private useHelper (data: Buffer): boolean {
    if (this.opts.exactWrites !== true && data.length <= PAGE_SIZE) return false
    if (writeHelper() !== null) return true
    if (!warnedNoHelper && data.length > PAGE_SIZE) {
      warnedNoHelper = true
      process.emitWarning('probe.ts: neither perl nor python3: writes longer than 4096 bytes are repeated by libuv after a short count')
    }
    return false
  }

  /**
   * One write(2) by a child on the same open file description; with `seekTo`
   * after a real lseek(2) to it (mode 'seek') or as pwrite(2) (mode 'pwrite';
   * perl has no pwrite: lseek + write, the same request to a FUSE server).
   */
  private helperWrite (h: FdState, data: Buffer, seekTo: bigint | null, mode: 'seek' | 'pwrite'): number {
    const which = writeHelper()
    if (which === null) throw new Error('probe.ts: this write needs perl or python3')
    const at = seekTo === null ? '-' : seekTo.toString()
    const res = which === 'perl'
      ? spawnSync('perl', ['-MPOSIX', '-e', PERL_WRITE, at], { input: data, stdio: ['pipe', 'pipe', 'pipe', h.fd], encoding: 'utf8' })
      : spawnSync('python3', ['-c', PYTHON_WRITE, at, mode], { input: data, stdio: ['pipe', 'pipe', 'pipe', h.fd], encoding: 'utf8' })
    const out = typeof res.stdout === 'string' ? res.stdout.trim() : ''
    if (res.status !== 0 || !/^-?[0-9]+$/.test(out)) throw new Error(`probe.ts: ${which} write helper failed: ${String(res.error ?? res.stderr)}`)
    if (seekTo !== null && (which === 'perl' || mode === 'seek')) h.realPos = Number(seekTo)
    if (out.startsWith('-')) {
      this.errno = Number(out.slice(1))
      return -1
    }
    return Number(out)
  }

  /** one write(2) (pos null) or pwrite(2) */
  private sysWrite (h: FdState, data: Buffer, pos: bigint | null): number {
    if (pos !== null) {
      if (pos < 0n) { this.errno = EINVAL; return -1 }
      if (pos + BigInt(data.length) > LLONG_MAX) { this.errno = h.writable ? EINVAL : EBADF; return -1 }
      if (pos > MAX_SAFE || this.useHelper(data)) {
        if (writeHelper() === null) throw new Error(`probe.ts: pwrite at offset ${pos} needs perl or python3 (Node takes offsets up to 2^53-1)`)
        return this.helperWrite(h, data, pos, 'pwrite')
      }
    } else if (this.useHelper(data)) {
      return this.helperWrite(h, data, null, 'seek')
    }
    try {
      return fs.writeSync(h.fd, data, 0, data.length, pos === null ? null : Number(pos))
    } catch (e) {
      return this.fail(e)
    }
  }

  /** read(2) at the fd's (emulated) position */
  private fdRead (h: FdState, n: number): { r: number, buf: Buffer } {
    const sameAsKernel = h.realPos === h.pos
    const res = this.sysRead(h, n, sameAsKernel ? null : BigInt(h.pos))
    if (res.r > 0) {
      h.pos += res.r
      if (sameAsKernel) h.realPos += res.r
    }
    return res
  }

  /** write(2) at the fd's (emulated) position */
  private fdWrite (h: FdState, data: Buffer): number {
    if (h.realPos !== h.pos && this.useHelper(data)) {
      // the helper seeks for real, then writes at the shared offset
      const r = this.helperWrite(h, data, BigInt(h.pos), 'seek')
      if (r > 0) { h.pos += r; h.realPos += r }
      return r
    }
    const sameAsKernel = h.realPos === h.pos
    const r = this.sysWrite(h, data, sameAsKernel ? null : BigInt(h.pos))
    if (r > 0) {
      h.pos += r
      if (sameAsKernel) h.realPos += r
    }
    return r
  }

  /** lseek(fd, 0, SEEK_SET): FUSE answers it in the kernel without a request; never fails there. */
  private fdSeek0 (h: FdState): number {
    h.pos = 0
    return 0
  }

  /* --- C library helpers with errno side effects --- */

  private parseLL (s: string | null): bigint | null {
    if (s === null || s === '') return null
    this.errno = 0
    const r = cStrtoInt(s, 10, false)
    if (r.erange) this.errno = ERANGE
    if (r.end !== s.length || r.erange || r.end === 0) return null
    return r.v
  }

  private parseSlot (s: string | null): number | null {
    const v = this.parseLL(s)
    if (v === null || v < 0n || v >= BigInt(NSLOTS)) return null
    return Number(v)
  }

  private atof (s: string): { v: number, negNaN: boolean } {
    const r = cStrtod(s)
    if (r.erange) this.errno = ERANGE
    return { v: r.v, negNaN: r.negNaN }
  }

  private atoi (s: string): number {
    const r = cStrtoInt(s, 10, false)
    if (r.erange) this.errno = ERANGE
    return Number(BigInt.asIntN(32, r.v))
  }

  private async sleepMs (ms: number): Promise<void> {
    if (ms <= 0) return
    if (!Number.isFinite(ms)) { this.errno = EINVAL; return } // (time_t)NaN/inf: nanosleep fails
    const end = performance.now() + ms
    for (;;) {
      const rem = end - performance.now()
      if (rem <= 0) break
      blockMs(Math.min(rem, 5))
      if (end - performance.now() > 0) await tick()
    }
  }

  /* --- ops --- */

  error (lineno: number, line: string, msg: string): void {
    this.emit({ op: 'error', line: lineno, text: line, msg })
  }

  private doWriteBuf (file: string, buf: Buffer): { ret: number, err: number } {
    const h = this.sysOpen(this.pathOf(file), O_WRONLY)
    if (h === null) return { ret: -1, err: this.errno }
    let ret = this.fdWrite(h, buf)
    let err = this.errno
    if (this.sysClose(h) < 0 && ret >= 0) {
      ret = -1
      err = this.errno
    }
    this.lastWriteEnd = performance.now()
    return { ret, err }
  }

  write (file: string, data: Buffer): void {
    const { ret, err } = this.doWriteBuf(file, data)
    this.emit({ op: 'write', file, data: latin1(data), ret, errno: this.errJson(ret >= 0, err) })
  }

  writefile (file: string, n: number, pat: Buffer): void {
    const buf = Buffer.alloc(n)
    for (let i = 0; i < n; i++) buf[i] = pat[i % pat.length]
    const { ret, err } = this.doWriteBuf(file, buf)
    this.emit({ op: 'writefile', file, len: n, pattern: latin1(pat), ret, errno: this.errJson(ret >= 0, err) })
  }

  read (file: string): void {
    const h = this.sysOpen(this.pathOf(file), O_RDONLY)
    const chunks: Buffer[] = []
    let total = 0
    let ret = 0
    let err = 0
    if (h === null) {
      ret = -1
      err = this.errno
    } else {
      for (;;) {
        const { r, buf } = this.fdRead(h, 1 << 16)
        if (r < 0) { ret = -1; err = this.errno; break }
        if (r === 0) break
        chunks.push(buf)
        total += r
      }
      this.sysClose(h)
      if (ret === 0) ret = total
    }
    this.emit({ op: 'read', file, ret, errno: this.errJson(ret >= 0, err), data: latin1(Buffer.concat(chunks)) })
  }

  stat (file: string): void {
    let st: fs.BigIntStats | null = null
    let r = 0
    try { st = fs.statSync(this.pathOf(file), { bigint: true }) } catch (e) { r = this.fail(e) }
    const err = this.errno
    const rec: ProbeRecord = { op: 'stat', file, ret: r, errno: this.errJson(r === 0, err) }
    if (st !== null) {
      const mode = Number(st.mode)
      const fmt = mode & 0o170000
      rec.type = fmt === 0o100000 ? 'file' : fmt === 0o040000 ? 'dir' : fmt === 0o120000 ? 'link' : fmt === 0o020000 ? 'chr' : 'other'
      rec.mode = (mode & 0o7777).toString(8).padStart(4, '0')
      rec.size = Number(st.size)
      rec.uid = Number(st.uid)
      rec.gid = Number(st.gid)
    }
    this.emit(rec)
  }

  /** opendir/readdir without . and .., sorted by strcmp */
  private listDir (path: Buffer): string[] | null {
    try {
      const names = (fs.readdirSync(path, { encoding: 'buffer' }) as Buffer[]).map(latin1)
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      return names
    } catch (e) {
      this.fail(e)
      return null
    }
  }

  ls (): void {
    const names = this.listDir(this.dirBuf)
    if (names === null) this.emit({ op: 'ls', ret: -1, errno: errnoName(this.errno), entries: [] })
    else this.emit({ op: 'ls', ret: names.length, errno: null, entries: names })
  }

  lsdir (sub: string): void {
    const names = this.listDir(this.pathOf(sub))
    if (names === null) this.emit({ op: 'lsdir', dir: sub, ret: -1, errno: errnoName(this.errno), entries: [] })
    else this.emit({ op: 'lsdir', dir: sub, ret: names.length, errno: null, entries: names })
  }

  async sleep (rest: string): Promise<void> {
    const { v: ms, negNaN } = this.atof(rest)
    await this.sleepMs(ms)
    this.emit({ op: 'sleep', ms: Number(formatG(ms, 6, negNaN)) })
  }

  drain (): void {
    this.emit({ op: 'drain', source: 'none', events: [] })
  }

  private readBrightnessFile (): number | null {
    const h = this.sysOpen(this.pathOf('brightness'), O_RDONLY)
    if (h === null) return null
    const { r, buf } = this.sysRead(h, 63, null)
    this.sysClose(h)
    if (r <= 0) return null
    const nul = buf.indexOf(0)
    return this.atoi(latin1(nul >= 0 ? buf.subarray(0, nul) : buf))
  }

  async trace (rest: string): Promise<void> {
    const { v: ms, negNaN } = this.atof(rest)
    const events: Array<[number, number]> = []
    const t0 = performance.now()
    const deadline = t0 + ms
    let err = 0
    let have = false
    let last = 0
    for (;;) {
      const t = performance.now()
      if (t >= deadline) break
      const v = this.readBrightnessFile()
      if (v !== null) {
        if (!have || v !== last) {
          events.push([Number(formatFixed(t - t0, 3)), v])
          have = true
          last = v
        }
      } else if (err === 0) {
        err = this.errno !== 0 ? this.errno : EIO
      }
      blockMs(1)
      await tick()
    }
    this.emit({
      op: 'trace',
      ms: Number(formatG(ms, 6, negNaN)),
      source: 'poll',
      prev_write_ms: this.lastWriteEnd >= 0 ? Number(formatFixed(t0 - this.lastWriteEnd, 3)) : null,
      errno: this.errJson(err === 0, err),
      events
    })
  }

  note (text: Buffer): void {
    this.emit({ op: 'note', text: latin1(text) })
  }

  /* --- extended ops --- */

  private readToEof (h: FdState, chunk: number): { ret: number, data: Buffer, calls: number, err: number } {
    const chunks: Buffer[] = []
    let total = 0
    let calls = 0
    let err = 0
    let ret = 0
    for (;;) {
      const { r, buf } = this.fdRead(h, chunk)
      calls++
      if (r < 0) { ret = -1; err = this.errno; break }
      if (r === 0) break
      chunks.push(buf)
      total += r
      if (total > (1 << 20)) { ret = -1; err = EOVERFLOW; break }
    }
    return { ret: ret < 0 ? -1 : total, data: Buffer.concat(chunks), calls, err }
  }

  create (file: string): void {
    const h = this.sysOpen(this.pathOf(file), O_WRONLY | O_CREAT | O_EXCL, 0o644)
    const err = this.errno
    if (h !== null) this.sysClose(h)
    const ret = h !== null ? 0 : -1
    this.emit({ op: 'create', file, ret, errno: this.errJson(ret >= 0, err) })
  }

  private simple (op: string, rec: ProbeRecord, fn: () => void): void {
    let r = 0
    try { fn() } catch (e) { r = this.fail(e) }
    this.emit({ op, ...rec, ret: r, errno: this.errJson(r >= 0, this.errno) })
  }

  unlink (file: string): void { this.simple('unlink', { file }, () => fs.unlinkSync(this.pathOf(file))) }
  mkdir (file: string): void { this.simple('mkdir', { file }, () => fs.mkdirSync(this.pathOf(file), 0o755)) }
  rename (a: string, b: string): void { this.simple('rename', { from: a, to: b }, () => fs.renameSync(this.pathOf(a), this.pathOf(b))) }
  chmod (file: string, mode: number): void {
    this.simple('chmod', { file, mode: mode.toString(8).padStart(4, '0') }, () => fs.chmodSync(this.pathOf(file), mode))
  }

  symlink (target: string, name: string): void {
    this.simple('symlink', { target, file: name }, () => fs.symlinkSync(Buffer.from(target, 'latin1'), this.pathOf(name)))
  }

  truncate (file: string, len: bigint): void {
    let r = 0
    if (len < 0n) {
      // do_sys_truncate rejects a negative length before the path lookup
      r = -1
      this.errno = EINVAL
    } else if (this.opts.perlTruncate ?? havePerl()) {
      const res = spawnSync('perl', ['-e', 'if (truncate(pack("H*", $ARGV[0]), $ARGV[1])) { print "0" } else { print 0 + $! }',
        this.pathOf(file).toString('hex'), len.toString()], { encoding: 'utf8' })
      const code = Number(res.stdout)
      if (res.status !== 0 || res.stdout === '' || !Number.isInteger(code)) throw new Error(`probe.ts: perl truncate failed: ${res.stderr}`)
      if (code !== 0) { r = -1; this.errno = code }
    } else {
      // no truncate(2) in Node: open(O_WRONLY) + ftruncate(2)
      if (len > MAX_SAFE) throw new Error('probe.ts: truncate beyond 2^53-1 needs perl')
      const h = this.sysOpen(this.pathOf(file), O_WRONLY)
      if (h === null) r = -1
      else {
        try { fs.ftruncateSync(h.fd, Number(len)) } catch (e) { r = this.fail(e) }
        const keep = this.errno
        this.sysClose(h)
        this.errno = keep
      }
    }
    this.emit({ op: 'truncate', file, len: Number(len), ret: r, errno: this.errJson(r >= 0, this.errno) })
  }

  readlink (name: string): void {
    let data: Buffer = Buffer.alloc(0)
    let r = 0
    try {
      data = fs.readlinkSync(this.pathOf(name), { encoding: 'buffer' })
      r = data.length
    } catch (e) { r = this.fail(e) }
    this.emit({ op: 'readlink', file: name, ret: r, errno: this.errJson(r >= 0, this.errno), data: latin1(data) })
  }

  writetrunc (file: string, data: Buffer): void {
    let ret: number
    let err = 0
    const h = this.sysOpen(this.pathOf(file), O_WRONLY | O_TRUNC)
    if (h === null) {
      ret = -1
      err = this.errno
    } else {
      ret = this.fdWrite(h, data)
      err = this.errno
      if (this.sysClose(h) < 0 && ret >= 0) {
        ret = -1
        err = this.errno
      }
      this.lastWriteEnd = performance.now()
    }
    this.emit({ op: 'writetrunc', file, data: latin1(data), ret, errno: this.errJson(ret >= 0, err) })
  }

  rdwr (file: string, data: Buffer): void {
    let wret: number
    let rret: number
    let werr = 0
    let rerr = 0
    let rdata: Buffer = Buffer.alloc(0)
    const h = this.sysOpen(this.pathOf(file), O_RDWR)
    if (h === null) {
      wret = rret = -1
      werr = rerr = this.errno
    } else {
      wret = this.fdWrite(h, data)
      werr = this.errno
      this.lastWriteEnd = performance.now()
      if (this.fdSeek0(h) < 0) {
        rret = -1
        rerr = this.errno
      } else {
        const res = this.readToEof(h, 1 << 16)
        rret = res.ret
        rerr = res.err
        rdata = res.data
      }
      this.sysClose(h)
    }
    this.emit({
      op: 'rdwr',
      file,
      data: latin1(data),
      ret: wret,
      errno: this.errJson(wret >= 0, werr),
      read_ret: rret,
      read_errno: this.errJson(rret >= 0, rerr),
      read_data: latin1(rdata)
    })
  }

  pwrite (file: string, off: bigint, data: Buffer): void {
    let ret: number
    let err = 0
    const h = this.sysOpen(this.pathOf(file), O_WRONLY)
    if (h === null) {
      ret = -1
      err = this.errno
    } else {
      ret = this.sysWrite(h, data, off)
      err = this.errno
      if (this.sysClose(h) < 0 && ret >= 0) {
        ret = -1
        err = this.errno
      }
      this.lastWriteEnd = performance.now()
    }
    this.emit({ op: 'pwrite', file, off: Number(off), data: latin1(data), ret, errno: this.errJson(ret >= 0, err) })
  }

  twowrites (file: string, a: Buffer, b: Buffer): void {
    let ra: number
    let rb: number
    let ea = 0
    let eb = 0
    const h = this.sysOpen(this.pathOf(file), O_WRONLY)
    if (h === null) {
      ra = rb = -1
      ea = eb = this.errno
    } else {
      ra = this.fdWrite(h, a)
      ea = this.errno
      rb = this.fdWrite(h, b)
      eb = this.errno
      if (this.sysClose(h) < 0 && rb >= 0) {
        rb = -1
        eb = this.errno
      }
      this.lastWriteEnd = performance.now()
    }
    this.emit({
      op: 'twowrites',
      file,
      a: latin1(a),
      b: latin1(b),
      ret_a: ra,
      errno_a: this.errJson(ra >= 0, ea),
      ret_b: rb,
      errno_b: this.errJson(rb >= 0, eb)
    })
  }

  readchunks (file: string, n: number): void {
    let ret: number
    let err = 0
    let calls = 0
    let data: Buffer = Buffer.alloc(0)
    const h = this.sysOpen(this.pathOf(file), O_RDONLY)
    if (h === null) {
      ret = -1
      err = this.errno
    } else {
      const res = this.readToEof(h, n)
      ret = res.ret
      err = res.err
      calls = res.calls
      data = res.data
      this.sysClose(h)
    }
    this.emit({ op: 'readchunks', file, n, ret, errno: this.errJson(ret >= 0, err), calls, data: latin1(data) })
  }

  pread (file: string, off: bigint, n: number): void {
    let ret: number
    let err = 0
    let data: Buffer = Buffer.alloc(0)
    const h = this.sysOpen(this.pathOf(file), O_RDONLY)
    if (h === null) {
      ret = -1
      err = this.errno
    } else {
      const res = this.sysRead(h, n, off)
      ret = res.r
      err = this.errno
      data = res.buf
      this.sysClose(h)
    }
    this.emit({ op: 'pread', file, off: Number(off), n, ret, errno: this.errJson(ret >= 0, err), data: latin1(ret > 0 ? data : Buffer.alloc(0)) })
  }

  hold (slot: number, file: string, mode: string): void {
    const flags = mode === 'r' ? O_RDONLY : mode === 'w' ? O_WRONLY : O_RDWR
    const old = this.slots[slot]
    if (old !== null) {
      this.sysClose(old)
      this.slots[slot] = null
    }
    const h = this.sysOpen(this.pathOf(file), flags)
    const err = this.errno
    if (h !== null) this.slots[slot] = h
    const ret = h !== null ? 0 : -1
    this.emit({ op: 'hold', slot, file, mode, ret, errno: this.errJson(ret >= 0, err) })
  }

  heldwrite (slot: number, data: Buffer): void {
    const h = this.slots[slot]
    let ret: number
    let err: number
    if (h === null) {
      ret = -1
      err = EBADF
    } else {
      ret = this.fdWrite(h, data)
      err = this.errno
      this.lastWriteEnd = performance.now()
    }
    this.emit({ op: 'heldwrite', slot, data: latin1(data), ret, errno: this.errJson(ret >= 0, err) })
  }

  heldread (slot: number): void {
    const h = this.slots[slot]
    let seek: number
    let serr: number
    let ret: number
    let err: number
    let data: Buffer = Buffer.alloc(0)
    if (h === null) {
      seek = -1
      serr = EBADF
      ret = -1
      err = EBADF
    } else {
      seek = this.fdSeek0(h)
      serr = this.errno
      const res = this.readToEof(h, 1 << 16)
      ret = res.ret
      err = res.err
      data = res.data
    }
    this.emit({
      op: 'heldread',
      slot,
      seek: seek < 0 ? -1 : seek,
      seek_errno: this.errJson(seek >= 0, serr),
      ret,
      errno: this.errJson(ret >= 0, err),
      data: latin1(data)
    })
  }

  heldreadn (slot: number, isPread: boolean, off: bigint, n: number): void {
    const h = this.slots[slot]
    let ret: number
    let err: number
    let data: Buffer = Buffer.alloc(0)
    if (h === null) {
      ret = -1
      err = EBADF
    } else {
      const res = isPread ? this.sysRead(h, n, off) : this.fdRead(h, n)
      ret = res.r
      err = this.errno
      data = res.buf
    }
    const rec: ProbeRecord = { op: isPread ? 'heldpread' : 'heldreadn', slot }
    if (isPread) rec.off = Number(off)
    rec.n = n
    rec.ret = ret
    rec.errno = this.errJson(ret >= 0, err)
    rec.data = latin1(ret > 0 ? data : Buffer.alloc(0))
    this.emit(rec)
  }

  release (slot: number): void {
    const h = this.slots[slot]
    let r: number
    let err: number
    if (h === null) {
      r = -1
      err = EBADF
    } else {
      r = this.sysClose(h)
      err = this.errno
      this.slots[slot] = null
    }
    this.emit({ op: 'release', slot, ret: r, errno: this.errJson(r >= 0, err) })
  }

  /** what the process exit does to the held fds */
  closeAll (): void {
    for (let i = 0; i < NSLOTS; i++) {
      const h = this.slots[i]
      if (h !== null) {
        try { fs.closeSync(h.fd) } catch {}
        this.slots[i] = null
      }
    }
  }

  /* --- parsing (main() and extended_op() of ledprobe.c) --- */

  private extendedOp (op: string, restIn: string, lineno: number, line: string): boolean {
    if (!EXTENDED.has(op)) return false
    let rest = restIn
    /** next_tok: up to one space; null when nothing is left */
    const next = (): string | null => {
      if (rest === '') return null
      const sp = rest.indexOf(' ')
      let tok: string
      if (sp >= 0) { tok = rest.slice(0, sp); rest = rest.slice(sp + 1) } else { tok = rest; rest = '' }
      return tok
    }
    let usage: string | null = null
    if (op === 'create' || op === 'unlink' || op === 'mkdir' || op === 'readlink' || op === 'lsdir' ||
        op === 'heldread' || op === 'release') {
      const f = next()
      let slot: number | null
      if (f === null || rest !== '') usage = 'expected exactly one argument'
      else if (op === 'create') this.create(f)
      else if (op === 'unlink') this.unlink(f)
      else if (op === 'mkdir') this.mkdir(f)
      else if (op === 'readlink') this.readlink(f)
      else if (op === 'lsdir') this.lsdir(f)
      else if ((slot = this.parseSlot(f)) === null) usage = 'SLOT must be 0-7'
      else if (op === 'heldread') this.heldread(slot)
      else this.release(slot)
    } else if (op === 'rename' || op === 'symlink') {
      const a = next()
      const b = next()
      if (a === null || b === null || rest !== '') usage = 'expected two arguments'
      else if (op === 'rename') this.rename(a, b)
      else this.symlink(a, b)
    } else if (op === 'chmod') {
      const f = next()
      const m = next()
      let mode = 0n
      let end = -1
      if (m !== null) {
        const r = cStrtoInt(m, 8, true)
        if (r.erange) this.errno = ERANGE
        mode = r.v
        end = r.end
      }
      if (f === null || m === null || rest !== '' || end < 0 || end !== m.length || end === 0 || mode > 0o7777n) usage = 'chmod FILE OCTAL'
      else this.chmod(f, Number(mode))
    } else if (op === 'truncate') {
      const f = next()
      const l = next()
      let v: bigint | null = null
      if (f === null || rest !== '' || (v = this.parseLL(l)) === null) usage = 'truncate FILE LEN'
      else this.truncate(f, v)
    } else if (op === 'readchunks' || op === 'pread') {
      const f = next()
      const x = next()
      let v1: bigint | null = null
      let v2: bigint | null = null
      if (op === 'readchunks') {
        if (f === null || rest !== '' || (v1 = this.parseLL(x)) === null || v1 < 1n || v1 > BigInt(1 << 20)) usage = 'readchunks FILE N (1..1048576)'
        else this.readchunks(f, Number(v1))
      } else {
        const y = next()
        if (f === null || rest !== '' || (v1 = this.parseLL(x)) === null || (v2 = this.parseLL(y)) === null ||
            v2 < 0n || v2 > BigInt(1 << 20)) usage = 'pread FILE OFF N'
        else this.pread(f, v1, Number(v2))
      }
    } else if (op === 'hold') {
      const s = next()
      const f = next()
      const m = next()
      let slot: number | null = null
      if (s === null || f === null || m === null || rest !== '' || (slot = this.parseSlot(s)) === null ||
          (m !== 'r' && m !== 'w' && m !== 'rw')) usage = 'hold SLOT(0-7) FILE r|w|rw'
      else this.hold(slot, f, m)
    } else if (op === 'heldreadn' || op === 'heldpread') {
      const pr = op === 'heldpread'
      const sl = next()
      const o = pr ? next() : null
      const x = next()
      let slot: number | null = null
      let v1: bigint | null = null
      let v2: bigint | null = null
      if (sl === null || (slot = this.parseSlot(sl)) === null || (pr && (v1 = this.parseLL(o)) === null) ||
          (v2 = this.parseLL(x)) === null || v2 < 0n || v2 > BigInt(1 << 20) || rest !== '') {
        usage = pr ? 'heldpread SLOT OFF N' : 'heldreadn SLOT N'
      } else this.heldreadn(slot, pr, pr && v1 !== null ? v1 : 0n, Number(v2))
    } else if (op === 'heldwrite') {
      const s = next()
      let slot: number | null = null
      if (s === null || (slot = this.parseSlot(s)) === null) usage = 'heldwrite SLOT DATA'
      else {
        const d = unescapeData(rest)
        if (!Buffer.isBuffer(d)) usage = d.error
        else this.heldwrite(slot, d)
      }
    } else if (op === 'pwrite') {
      const f = next()
      const o = next()
      let off: bigint | null = null
      if (f === null || (off = this.parseLL(o)) === null) usage = 'pwrite FILE OFF DATA'
      else {
        const d = unescapeData(rest)
        if (!Buffer.isBuffer(d)) usage = d.error
        else this.pwrite(f, off, d)
      }
    } else if (op === 'twowrites') {
      const f = next()
      const a = next()
      if (f === null || a === null) usage = 'twowrites FILE A B (A without raw spaces; use \\s)'
      else {
        const d = unescapeData(a)
        const b = Buffer.isBuffer(d) ? unescapeData(rest) : d
        if (!Buffer.isBuffer(d)) usage = d.error
        else if (!Buffer.isBuffer(b)) usage = b.error
        else this.twowrites(f, d, b)
      }
    } else { // rdwr, writetrunc: FILE DATA
      const f = next()
      if (f === null) usage = 'FILE DATA'
      else {
        const d = unescapeData(rest)
        if (!Buffer.isBuffer(d)) usage = d.error
        else if (op === 'rdwr') this.rdwr(f, d)
        else this.writetrunc(f, d)
      }
    }
    if (usage !== null) this.error(lineno, line, usage)
    return true
  }

  async runLine (rawLine: string, lineno: number): Promise<void> {
    if (rawLine.length === 0 || rawLine[0] === '#') return
    // C strings end at a NUL byte (only oplen still sees the full length)
    const nul = rawLine.indexOf('\0')
    const line = nul >= 0 ? rawLine.slice(0, nul) : rawLine
    const sp = line.indexOf(' ')
    const rest = sp >= 0 ? line.slice(sp + 1) : ''
    const oplen = sp >= 0 ? sp : rawLine.length
    if (oplen >= 32) { this.error(lineno, line, 'unknown op'); return }
    const op = sp >= 0 ? line.slice(0, sp) : line

    if (op === 'write' || op === 'writefile') {
      const sp2 = rest.indexOf(' ')
      const flen = sp2 >= 0 ? sp2 : rest.length
      const data = sp2 >= 0 ? rest.slice(sp2 + 1) : ''
      if (flen === 0 || flen >= 256) { this.error(lineno, line, 'missing/long FILE'); return }
      const file = rest.slice(0, flen)
      if (op === 'write') {
        const d = unescapeData(data)
        if (!Buffer.isBuffer(d)) { this.error(lineno, line, d.error); return }
        this.write(file, d)
      } else {
        this.errno = 0
        const r = cStrtoInt(data, 10, true)
        if (r.erange) this.errno = ERANGE
        if (r.end === 0 || data[r.end] !== ' ' || this.errno !== 0 || r.v > BigInt(64 << 20)) {
          this.error(lineno, line, 'writefile FILE N PATTERN')
          return
        }
        const pat = unescapeData(data.slice(r.end + 1))
        if (!Buffer.isBuffer(pat) || pat.length === 0) {
          this.error(lineno, line, Buffer.isBuffer(pat) ? 'empty PATTERN' : pat.error)
          return
        }
        this.writefile(file, Number(r.v), pat)
      }
    } else if (op === 'read' && rest !== '') {
      this.read(rest)
    } else if (op === 'stat' && rest !== '') {
      this.stat(rest)
    } else if (op === 'ls' && rest === '') {
      this.ls()
    } else if (op === 'sleep' && rest !== '') {
      await this.sleep(rest)
    } else if (op === 'trace' && rest !== '') {
      await this.trace(rest)
    } else if (op === 'drain' && rest === '') {
      this.drain()
    } else if (op === 'note') {
      const t = unescapeData(rest)
      if (!Buffer.isBuffer(t)) { this.error(lineno, line, t.error); return }
      this.note(t)
    } else if (this.extendedOp(op, rest, lineno, line)) {
      /* handled */
    } else {
      this.error(lineno, line, 'unknown op or missing argument')
    }
  }
}

const EXTENDED = new Set(['create', 'unlink', 'mkdir', 'rename', 'chmod', 'truncate',
  'symlink', 'rdwr', 'pwrite', 'twowrites', 'readchunks', 'pread',
  'hold', 'heldwrite', 'heldread', 'release', 'readlink', 'lsdir',
  'writetrunc', 'heldreadn', 'heldpread'])

/**
 * A script's lines as ledprobe's getline() loop sees them: byte strings
 * (code points 0..255), the trailing "\n" removed. A string script is taken
 * as its UTF-8 bytes (what a script file holds).
 */
export function scriptLines (script: string | Buffer): string[] {
  const text = (typeof script === 'string' ? Buffer.from(script, 'utf8') : script).toString('latin1')
  if (text === '') return []
  const lines = text.split('\n')
  if (text.endsWith('\n')) lines.pop()
  return lines
}

/**
 * Run a ledprobe script against DIR (host mode: trace polls DIR/brightness
 * every ~1 ms) and return one record per op, as ledprobe prints them.
 */
export async function runProbe (dir: string, script: string | Buffer, opts: ProbeOptions = {}): Promise<ProbeRecord[]> {
  const p = new Probe(dir, opts)
  try {
    let lineno = 0
    for (const line of scriptLines(script)) {
      lineno++
      await p.runLine(line, lineno)
      await tick()
    }
  } finally {
    p.closeAll()
  }
  return p.out
}

/* `node probe.js DIR < script`: prints the JSON lines like ledprobe. */
if (require.main === module) {
  const dir = process.argv[2]
  if (dir === undefined || process.argv.length !== 3) {
    process.stderr.write('usage: probe DIR < script\n')
    process.exit(2)
  }
  const script = fs.readFileSync(0)
  runProbe(dir, script, { onRecord: (r) => { fs.writeSync(1, toJsonLine(r) + '\n') } })
    .catch((e: unknown) => { process.stderr.write(`probe: ${e instanceof Error ? e.message : String(e)}\n`); process.exit(1) })
}
