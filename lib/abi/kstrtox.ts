import { KernelError } from './errno'

/**
 * Integer parsing as lib/kstrtox.c does it for sysfs stores. The input is the
 * store() buffer: bytes up to the first NUL count (the kernel terminates the
 * copied buffer with one, and C strings stop at an embedded one).
 */

const U64_MASK = (1n << 64n) - 1n
const KSTRTOX_OVERFLOW = 1 << 30 // a flag bit above any realistic digit count

function cstr (buf: Uint8Array): Uint8Array {
  const nul = buf.indexOf(0)
  return nul < 0 ? buf : buf.subarray(0, nul)
}

/**
 * _parse_integer_limit(): digits of `base` from s[i], at most maxChars.
 * Returns the digit count (with an overflow flag) and the value modulo 2^64.
 */
export function parseIntegerLimit (s: Uint8Array, i: number, base: number, maxChars: number): { rv: number, value: bigint } {
  let res = 0n
  let rv = 0
  const b = BigInt(base)
  while (maxChars-- > 0 && i < s.length) {
    const c = s[i]
    const lc = c | 0x20
    let val: number
    if (c >= 0x30 && c <= 0x39) val = c - 0x30
    else if (lc >= 0x61 && lc <= 0x66) val = lc - 0x61 + 10
    else break
    if (val >= base) break
    const next = res * b + BigInt(val)
    if (next > U64_MASK) rv |= KSTRTOX_OVERFLOW
    res = next & U64_MASK
    rv++
    i++
  }
  return { rv, value: res }
}

function digitCount (rv: number): number {
  return rv & ~KSTRTOX_OVERFLOW
}

/** _parse_integer_fixup_radix() for the bases sysfs code uses (0, 8, 10, 16). */
function fixupRadix (s: Uint8Array, i: number, base: number): { i: number, base: number } {
  if (base === 0) {
    if (s[i] === 0x30) {
      const x = (s[i + 1] ?? 0) | 0x20
      const d = s[i + 2] ?? 0
      const isx = (d >= 0x30 && d <= 0x39) || ((d | 0x20) >= 0x61 && (d | 0x20) <= 0x66)
      base = x === 0x78 && isx ? 16 : 8
    } else {
      base = 10
    }
  }
  if (base === 16 && s[i] === 0x30 && ((s[i + 1] ?? 0) | 0x20) === 0x78) i += 2
  return { i, base }
}

/** _kstrtoull(): whole string, one optional trailing newline. */
function kstrtoullNoSign (s: Uint8Array, i: number, base: number): bigint {
  const fixed = fixupRadix(s, i, base)
  const { rv, value } = parseIntegerLimit(s, fixed.i, fixed.base, Number.MAX_SAFE_INTEGER)
  if (rv & KSTRTOX_OVERFLOW) throw new KernelError('ERANGE')
  if (rv === 0) throw new KernelError('EINVAL')
  let j = fixed.i + rv
  if (s[j] === 0x0a) j++
  if (j < s.length) throw new KernelError('EINVAL')
  return value
}

/** kstrtoull() (and kstrtoul() on a 64-bit kernel): optional '+', no '-'. */
export function kstrtoull (buf: Uint8Array, base = 10): bigint {
  const s = cstr(buf)
  return kstrtoullNoSign(s, s[0] === 0x2b ? 1 : 0, base)
}

export const kstrtoul = kstrtoull

/** kstrtoll(): optional '+' or '-', range of a signed 64-bit integer. */
export function kstrtoll (buf: Uint8Array, base = 10): bigint {
  const s = cstr(buf)
  if (s[0] === 0x2d) {
    const tmp = kstrtoullNoSign(s, 1, base)
    if (tmp > (1n << 63n)) throw new KernelError('ERANGE')
    return -tmp
  }
  const tmp = kstrtoullNoSign(s, s[0] === 0x2b ? 1 : 0, base)
  if (tmp >= (1n << 63n)) throw new KernelError('ERANGE')
  return tmp
}

/** kstrtoint() / kstrtos32(). */
export function kstrtoint (buf: Uint8Array, base = 10): number {
  const v = kstrtoll(buf, base)
  if (v < -(1n << 31n) || v >= (1n << 31n)) throw new KernelError('ERANGE')
  return Number(v)
}

export const kstrtos32 = kstrtoint

/** simple_strntoull(): never fails; value modulo 2^64 and the index after the digits. */
export function simpleStrntoull (s: Uint8Array, i: number, maxChars: number, base: number): { value: bigint, end: number } {
  const start = i
  const fixed = fixupRadix(s, i, base)
  const prefix = fixed.i - start
  if (prefix < maxChars) {
    const { rv, value } = parseIntegerLimit(s, fixed.i, fixed.base, maxChars - prefix)
    return { value, end: fixed.i + digitCount(rv) }
  }
  return { value: 0n, end: start + maxChars }
}
