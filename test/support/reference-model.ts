/**
 * An independent reference model of one LED under Linux 6.1 (a uleds LED,
 * max_brightness 255), written from the kernel C sources, NOT from ledfs:
 *
 *   kernfs/sysfs   fs/kernfs/file.c, fs/sysfs/file.c: a write(2) reaches
 *                  store() with at most PAGE_SIZE bytes, NUL-terminated; an
 *                  empty write never reaches it; show() output is at most
 *                  PAGE_SIZE - 1 bytes
 *   brightness     drivers/leds/led-class.c brightness_store/show + kstrtoul
 *   trigger        drivers/leds/led-triggers.c led_trigger_write/read/set,
 *                  lib/string.c sysfs_streq
 *   pattern/repeat drivers/leds/trigger/ledtrig-pattern.c, lib/vsprintf.c
 *                  vsscanf("%u %u %n"), lib/kstrtox.c kstrtos32
 *
 * Nothing here imports ledfs (lib/): numbers are BigInt, parsing is plain
 * byte loops, so a bug shared with the production parser is unlikely.
 *
 * Time is not modelled. Once the pattern timer may have run, the brightness
 * is whatever the timer last set, so a brightness read answers
 * `{ unpredictable }` until something sets it without a timer (a trigger
 * change, `0` to brightness, or a brightness write after the timer was
 * stopped by a failed/empty pattern write). pattern, repeat and trigger never
 * depend on time: the timer only changes the brightness and its own counter.
 */

export type RefFile = 'trigger' | 'brightness' | 'max_brightness' | 'pattern' | 'repeat'
export const REF_FILES: RefFile[] = ['trigger', 'brightness', 'max_brightness', 'pattern', 'repeat']

export type RefWrite = { ret: number } | { errno: string }
export type RefRead = { data: Buffer } | { errno: string } | { unpredictable: string }

/**
 * The triggers Debian's 6.1 kernel registers, in list order (trigger.jsonl);
 * `none` is not a trigger, led_trigger_write checks it first.
 */
export const REF_TRIGGERS = [
  'kbd-scrolllock', 'kbd-numlock', 'kbd-capslock', 'kbd-kanalock', 'kbd-shiftlock',
  'kbd-altgrlock', 'kbd-ctrllock', 'kbd-altlock', 'kbd-shiftllock', 'kbd-shiftrlock',
  'kbd-ctrlllock', 'kbd-ctrlrlock', 'disk-activity', 'disk-read', 'disk-write',
  'ide-disk', 'mtd', 'nand-disk', 'cpu', 'cpu0', 'panic', 'pattern'
]

const PAGE_SIZE = 4096
const MAX_PATTERNS = 1024
const U64 = 1n << 64n
const U32 = 1n << 32n

const NL = 0x0a
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
/** the kernel's _ctype table: \t \n \v \f \r, space and 0xA0 (NBSP) have _S */
const isSpace = (c: number): boolean => (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0

/**
 * The C string store() sees: the first PAGE_SIZE bytes, NUL-terminated by
 * kernfs. `at(i)` is 0 past the end, like the terminator.
 */
class CStr {
  constructor (readonly bytes: Buffer) {}
  at (i: number): number { return i < this.bytes.length ? this.bytes[i] : 0 }
}

type Parsed = { value: bigint } | { errno: 'EINVAL' | 'ERANGE' }

/** _kstrtoull(s, 10): digits, one optional "\n", then the end of the string. */
function kstrtoullNoSign (s: CStr, start: number): Parsed {
  let i = start
  let v = 0n
  let digits = 0
  while (isDigit(s.at(i))) {
    v = v * 10n + BigInt(s.at(i) - 0x30)
    digits++
    i++
  }
  // _parse_integer flags overflow (ERANGE) before anything else is checked
  if (v >= U64) return { errno: 'ERANGE' }
  if (digits === 0) return { errno: 'EINVAL' }
  if (s.at(i) === NL) i++
  if (s.at(i) !== 0) return { errno: 'EINVAL' }
  return { value: v }
}

/** kstrtoul (unsigned long is 64 bits): an optional '+', never '-'. */
export function kstrtoul (s: CStr): Parsed {
  return kstrtoullNoSign(s, s.at(0) === 0x2b ? 1 : 0)
}

/** kstrtos32 = kstrtoint: kstrtoll, then the value must fit in 32 bits. */
export function kstrtos32 (s: CStr): Parsed {
  let v: bigint
  if (s.at(0) === 0x2d) {
    const r = kstrtoullNoSign(s, 1)
    if (!('value' in r)) return r
    if (r.value > 1n << 63n) return { errno: 'ERANGE' } // (long long)-tmp > 0
    v = -r.value
  } else {
    const r = kstrtoul(s)
    if (!('value' in r)) return r
    if (r.value >= 1n << 63n) return { errno: 'ERANGE' } // (long long)tmp < 0
    v = r.value
  }
  if (v < -(1n << 31n) || v > (1n << 31n) - 1n) return { errno: 'ERANGE' }
  return { value: v }
}

/** lib/string.c sysfs_streq: equal, or equal but for one trailing "\n" on either side. */
function sysfsStreq (s: CStr, name: string): boolean {
  const n = Buffer.from(name, 'latin1')
  const nAt = (i: number): number => i < n.length ? n[i] : 0
  let i = 0
  while (s.at(i) !== 0 && s.at(i) === nAt(i)) i++
  if (s.at(i) === nAt(i)) return true
  if (s.at(i) === 0 && nAt(i) === NL && nAt(i + 1) === 0) return true
  if (s.at(i) === NL && s.at(i + 1) === 0 && nAt(i) === 0) return true
  return false
}

/**
 * vsscanf(buf + pos, "%u %u %n"): the two values (each kept modulo 2^64 by
 * the parse loop, then stored in a u32) and %n, or null when fewer than two
 * conversions happen. %u takes no sign; every conversion first checks for
 * the end of the string, then skips white space, then needs a digit.
 */
function scanTuple (s: CStr, pos: number): { a: number, b: number, n: number } | null {
  let p = pos
  const conv = (): number | null => {
    if (s.at(p) === 0) return null
    while (isSpace(s.at(p))) p++
    if (!isDigit(s.at(p))) return null
    let v = 0n
    while (isDigit(s.at(p))) {
      v = (v * 10n + BigInt(s.at(p) - 0x30)) % U64
      p++
    }
    return Number(v % U32)
  }
  const a = conv()
  if (a === null) return null
  while (isSpace(s.at(p))) p++ // ' ' in the format
  const b = conv()
  if (b === null) return null
  while (isSpace(s.at(p))) p++ // ' ' in the format
  return { a, b, n: p - pos } // %n
}

export class RefLed {
  readonly maxBrightness = 255
  /** the active trigger's name, null for none */
  trigger: string | null = null
  /** null: a pattern timer may have set it (see the file comment) */
  brightness: number | null = 0
  /** pattern_trig_data: the tuples, last_repeat, and whether the timer may be armed */
  patterns: Array<[number, number]> = []
  lastRepeat = -1
  timerMayRun = false

  exists (file: RefFile): boolean {
    return file === 'pattern' || file === 'repeat' ? this.trigger === 'pattern' : REF_FILES.includes(file)
  }

  /** One open + one write(2) + close. */
  write (file: RefFile, bytes: Buffer): RefWrite {
    if (!this.exists(file)) return { errno: 'ENOENT' }
    if (file === 'max_brightness') return { errno: 'EACCES' } // 0444: open fails, even for root
    if (bytes.length === 0) return { ret: 0 } // never reaches store()
    const count = Math.min(bytes.length, PAGE_SIZE)
    const buf = bytes.subarray(0, count)
    const s = new CStr(buf)
    const r = file === 'brightness'
      ? this.storeBrightness(s)
      : file === 'trigger'
        ? this.storeTrigger(s)
        : file === 'pattern'
          ? this.storePattern(s, count)
          : this.storeRepeat(s)
    return r === null ? { ret: count } : { errno: r }
  }

  /** One open + reads to EOF + close. */
  read (file: RefFile): RefRead {
    if (!this.exists(file)) return { errno: 'ENOENT' }
    const text = (t: string): RefRead => ({ data: Buffer.from(t, 'latin1') })
    switch (file) {
      case 'brightness':
        return this.brightness === null ? { unpredictable: 'the pattern timer may have set it' } : text(`${this.brightness}\n`)
      case 'max_brightness':
        return text(`${this.maxBrightness}\n`)
      case 'trigger': {
        let out = this.trigger === null ? '[none]' : 'none'
        for (const t of REF_TRIGGERS) out += this.trigger === t ? ` [${t}]` : ` ${t}`
        return text(out + '\n')
      }
      case 'repeat':
        return text(`${this.lastRepeat}\n`)
      case 'pattern': {
        if (this.patterns.length === 0) return text('')
        let out = ''
        for (const [b, d] of this.patterns) out += `${b} ${d} `
        // scnprintf into one page keeps at most PAGE_SIZE - 1 bytes; then buf[count - 1] = '\n'
        out = out.slice(0, PAGE_SIZE - 1)
        return text(out.slice(0, -1) + '\n')
      }
    }
  }

  // --- brightness path (led-core.c / led-triggers.c) -----------------------

  private setBrightness (v: number): void {
    // led_set_brightness_nosleep: min(value, max_brightness)
    this.brightness = Math.min(v, this.maxBrightness)
  }

  /** led_trigger_set(led, NULL) / the removal half of led_trigger_set */
  private removeTrigger (): void {
    if (this.trigger === null) return
    // pattern deactivate: del_timer_sync, set LED_OFF, free the data
    this.timerMayRun = false
    this.patterns = []
    this.lastRepeat = -1
    this.trigger = null
    this.setBrightness(0)
  }

  private setTrigger (name: string): void {
    this.removeTrigger()
    this.trigger = name
    if (name === 'pattern') {
      // pattern_trig_activate: fresh data, repeat -1 (indefinite), no tuples, brightness untouched
      this.patterns = []
      this.lastRepeat = -1
      this.timerMayRun = false
    } else if (name === 'cpu' || name === 'cpu0') {
      this.setBrightness(255) // simple trigger: its last event was LED_FULL (CPU online)
    } else {
      this.setBrightness(0) // keyboard locks (activate: LED_OFF), disks, mtd, panic: no event yet
    }
  }

  private storeBrightness (s: CStr): string | null {
    const r = kstrtoul(s)
    if (!('value' in r)) return r.errno
    if (r.value === 0n) this.removeTrigger() // LED_OFF is tested on the full unsigned long
    this.setBrightness(Number(r.value % U32)) // led_set_brightness takes an unsigned int
    if (this.timerMayRun) this.brightness = null // the next tick overwrites it
    return null
  }

  private storeTrigger (s: CStr): string | null {
    if (sysfsStreq(s, 'none')) {
      this.removeTrigger()
      return null
    }
    for (const t of REF_TRIGGERS) {
      if (sysfsStreq(s, t)) {
        this.setTrigger(t)
        return null
      }
    }
    return 'EINVAL'
  }

  // --- pattern trigger (ledtrig-pattern.c) ----------------------------------

  private startPattern (): string | null {
    if (this.patterns.length === 0) return null
    if (this.patterns.length < 2) return 'EINVAL'
    this.timerMayRun = true
    this.brightness = null
    return null
  }

  private storePattern (s: CStr, count: number): string | null {
    this.timerMayRun = false // del_timer_sync; the LED keeps what the timer last set
    this.patterns = []
    const tuples: Array<[number, number]> = []
    let offset = 0
    while (offset < count - 1 && tuples.length < MAX_PATTERNS) {
      const t = scanTuple(s, offset)
      if (t === null || t.a > this.maxBrightness) return 'EINVAL'
      offset += t.n
      tuples.push([t.a, t.b])
    }
    this.patterns = tuples
    const err = this.startPattern()
    if (err !== null) this.patterns = []
    return err
  }

  private storeRepeat (s: CStr): string | null {
    const r = kstrtos32(s)
    if (!('value' in r)) return r.errno
    const v = Number(r.value)
    if (v < -1 || v === 0) return 'EINVAL'
    this.timerMayRun = false
    this.lastRepeat = v
    return this.startPattern()
  }
}

/** For tests: the model's kstrtox on a plain buffer (the first NUL ends it). */
export const refKstrtoul = (b: Buffer): Parsed => kstrtoul(new CStr(b))
export const refKstrtos32 = (b: Buffer): Parsed => kstrtos32(new CStr(b))
