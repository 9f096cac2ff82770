import { KernelError } from '../abi/errno'
import { sysfsStreq } from '../abi/sysfs'
import { dirNode, textAttr, type DirNode, type SysfsNode, type TextAttribute } from './nodes'

/** The actions a device's uevent file accepts, in the kernel's order. */
const UEVENT_ACTIONS = ['add', 'remove', 'change', 'move', 'online', 'offline', 'bind', 'unbind']

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/

function isAlnum (c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)
}

/** Strip one trailing newline or NUL, as the uevent parser does. */
function trimOne (b: Buffer): Buffer {
  const n = b.length
  return n > 0 && (b[n - 1] === 0x0a || b[n - 1] === 0x00) ? b.subarray(0, n - 1) : b
}

/** End of a word of letters and digits up to `delim`; -1 when the word is empty or has another byte. */
function wordEnd (b: Buffer, i: number, end: number, delim: number): number {
  let j = i
  while (j <= end && b[j] !== delim) {
    if (!isAlnum(b[j])) return -1
    j++
  }
  return j === i ? -1 : j
}

/** "UUID [KEY=value ...]" after the action word; throws EINVAL when malformed. */
function checkUeventArgs (args: Buffer): void {
  const b = trimOne(args)
  if (b.length === 0 || b.length < 36 || !UUID_RE.test(b.subarray(0, 36).toString('latin1'))) throw new KernelError('EINVAL', 'bad uevent UUID')
  const end = b.length - 1
  let next = 36
  while (next <= end) {
    if (b[next] !== 0x20) throw new KernelError('EINVAL')
    const key = ++next
    if (key > end) throw new KernelError('EINVAL')
    next = wordEnd(b, key, end, 0x3d)
    if (next < 0 || next > end || b[next] !== 0x3d) throw new KernelError('EINVAL')
    if (++next > end) throw new KernelError('EINVAL')
    next = wordEnd(b, next, end, 0x20)
    if (next < 0) throw new KernelError('EINVAL')
  }
}

/**
 * Store of a device's uevent file: an action word, optionally a UUID and
 * KEY=value pairs. A valid request would make the kernel emit a synthetic
 * event; here there is nobody to receive it, so it is only validated.
 */
export function storeUevent (buf: Buffer): number {
  const nul = buf.indexOf(0)
  const s = trimOne(buf)
  // The action word is compared as bytes up to the first space; a NUL inside it never matches.
  const sp = s.indexOf(0x20)
  const word = (sp < 0 ? s : s.subarray(0, sp)).toString('latin1')
  if (s.length === 0 || !UEVENT_ACTIONS.includes(word) || (nul >= 0 && nul < word.length)) throw new KernelError('EINVAL', 'unknown uevent action')
  if (sp >= 0) checkUeventArgs(buf.subarray(sp + 1))
  return buf.length
}

export function ueventAttr (): TextAttribute {
  // Nothing to report: an LED class device has no device number, driver or type.
  return textAttr('uevent', 0o644, { show: () => '', store: storeUevent })
}

/** A choice between fixed words, compared as sysfs_streq does. */
function choiceAttr (name: string, choices: string[], initial: string): SysfsNode {
  let value = initial
  return textAttr(name, 0o644, {
    show: () => `${value}\n`,
    store: (b) => {
      const hit = choices.find(c => sysfsStreq(b, c))
      if (hit === undefined) throw new KernelError('EINVAL')
      value = hit
      return b.length
    }
  })
}

/** The power/ directory of a device that does not use runtime PM; its two switches keep what is written. */
export function powerDir (): DirNode {
  const ro = (name: string, text: string): SysfsNode => textAttr(name, 0o444, { show: () => text })
  const entries: SysfsNode[] = [
    choiceAttr('async', ['enabled', 'disabled'], 'disabled'),
    textAttr('autosuspend_delay_ms', 0o644, {
      show: () => { throw new KernelError('EIO') },
      store: () => { throw new KernelError('EIO') }
    }),
    choiceAttr('control', ['auto', 'on'], 'auto'),
    ro('runtime_active_kids', '0\n'),
    ro('runtime_active_time', '0\n'),
    ro('runtime_enabled', 'disabled\n'),
    ro('runtime_status', 'unsupported\n'),
    ro('runtime_suspended_time', '0\n'),
    ro('runtime_usage', '0\n')
  ]
  return dirNode('power', () => entries)
}
