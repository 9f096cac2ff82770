import { isDigit, isSpace, skipSpaces } from './ctype'
import { simpleStrntoull } from './kstrtox'

/**
 * The part of the kernel's vsscanf() that sysfs parsers use: white space,
 * literal bytes, and the conversions %u, %d, %i (signed, base from the
 * prefix: 0x hex, 0 octal) and %n with plain int-sized targets. Input is a C string: it ends at the buffer's end or its first NUL.
 *
 * Returns the number of conversions counted (as sscanf returns it; %n does
 * not count) and the value written for each conversion, in format order,
 * `undefined` where sscanf stopped before reaching it.
 */
export interface ScanResult {
  count: number
  values: Array<number | undefined>
}

export function sscanf (input: Uint8Array, start: number, fmt: string): ScanResult {
  const nul = input.indexOf(0, start)
  const end = nul < 0 ? input.length : nul
  const at = (i: number): number => (i < end ? input[i] : 0)
  const values: Array<number | undefined> = []
  let count = 0
  let str = start
  let f = 0

  while (f < fmt.length) {
    if (isSpace(fmt.charCodeAt(f))) {
      while (f < fmt.length && isSpace(fmt.charCodeAt(f))) f++
      str = Math.min(skipSpaces(input, str), Math.max(str, end))
    }
    if (f >= fmt.length) break
    if (fmt[f] !== '%') {
      if (fmt.charCodeAt(f) !== at(str)) break
      f++; str++
      continue
    }
    const conv = fmt[f + 1]
    f += 2
    if (conv === 'n') {
      values.push(str - start)
      continue
    }
    if (at(str) === 0) break
    if (conv !== 'u' && conv !== 'd' && conv !== 'i') throw new Error(`sscanf: unsupported conversion %${conv}`)
    const signed = conv !== 'u'
    // %i lets the digits choose the base; its first byte must still be a decimal digit.
    const base = conv === 'i' ? 0 : 10
    str = Math.min(skipSpaces(input, str), Math.max(str, end))
    let digit = at(str)
    if (signed && digit === 0x2d) digit = at(str + 1)
    if (digit === 0 || !isDigit(digit)) break
    const negative = signed && at(str) === 0x2d
    const { value, end: next } = simpleStrntoull(input.subarray(0, end), negative ? str + 1 : str, 0x7fffffff, base)
    const wrapped = negative ? (-value) & 0xffffffffn : value & 0xffffffffn
    // An int target takes the low 32 bits; reading it back signed or unsigned is the caller's business.
    values.push(signed ? Number(BigInt.asIntN(32, wrapped)) : Number(wrapped))
    count++
    str = next
  }
  return { count, values }
}
