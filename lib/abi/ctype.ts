/**
 * The kernel's <linux/ctype.h> classes for the bytes its parsers look at.
 * Unlike C's "C" locale, the kernel table treats 0xA0 (Latin-1 no-break
 * space) as white space.
 */
export function isSpace (c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0
}

export function isDigit (c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

/** skip_spaces(): index of the first non-space byte at or after i (NUL stops, as it is not a space). */
export function skipSpaces (buf: Uint8Array, i: number): number {
  while (i < buf.length && isSpace(buf[i])) i++
  return i
}
