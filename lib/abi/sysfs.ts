/** Size of a sysfs page: the store() input cap and the show() output cap. */
export const PAGE_SIZE = 4096

/**
 * sysfs_streq(): equal, ignoring one trailing newline on either side.
 * The left side is a store() buffer (a C string: stops at its first NUL).
 */
export function sysfsStreq (buf: Uint8Array, name: string): boolean {
  const nul = buf.indexOf(0)
  let a = nul < 0 ? buf : buf.subarray(0, nul)
  if (a.length > 0 && a[a.length - 1] === 0x0a) a = a.subarray(0, a.length - 1)
  let b = name
  if (b.endsWith('\n')) b = b.slice(0, -1)
  return Buffer.from(a).equals(Buffer.from(b, 'latin1'))
}

/**
 * A show() output buffer of one page, filled the way scnprintf() fills it:
 * each append writes what still fits, always leaving room for the
 * terminating NUL, so the text never exceeds PAGE_SIZE - 1 bytes.
 */
export class PageWriter {
  private readonly chunks: string[] = []
  private len = 0

  append (text: string): number {
    const room = PAGE_SIZE - 1 - this.len
    if (room <= 0) return 0
    const part = text.length > room ? text.slice(0, room) : text
    this.chunks.push(part)
    this.len += part.length
    return part.length
  }

  get length (): number { return this.len }

  /** Replace the last byte written (as show() functions do with buf[count - 1] = '\n'). */
  replaceLast (ch: string): void {
    if (this.len === 0) return
    const last = this.chunks.length - 1
    const s = this.chunks[last]
    this.chunks[last] = s.slice(0, -1) + ch
  }

  toBuffer (): Buffer {
    return Buffer.from(this.chunks.join(''), 'latin1')
  }
}

/** The active trigger in a `trigger` file's text (the one shown in brackets), or undefined when none is marked. */
export function activeTrigger (text: string): string | undefined {
  return /\[([^\]]+)\]/.exec(text)?.[1]
}
