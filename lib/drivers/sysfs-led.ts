import { closeSync, constants, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { activeTrigger } from '../abi/sysfs'
import type { LedDriver, LedHost } from './driver'
import { McChannels } from './multicolor'

/** A target that cannot be used; the message names the LED directory and the fix. */
export class SysfsTargetError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'SysfsTargetError'
  }
}

/** One open + one write(2) + close, as `echo > file` does (O_TRUNC: sysfs ignores it, plain files need it). */
function writeOnce (path: string, text: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC)
  try {
    writeSync(fd, Buffer.from(text, 'latin1'))
  } finally {
    closeSync(fd)
  }
}

/**
 * Drives a real LED through its sysfs directory (for kernels without the
 * pattern trigger, or to see a pattern on real hardware): every brightness
 * the engine sets is written to DIR/brightness. At start the LED's trigger
 * and brightness are remembered and its trigger set to none; dispose()
 * puts both back.
 */
export class SysfsLedDriver implements LedDriver {
  readonly kind = 'sysfs'
  readonly dir: string
  readonly maxBrightness: number
  private readonly savedTrigger: string
  private readonly savedBrightness: string
  /**
   * A multicolor target (it has multi_index and multi_intensity): the
   * emulated LED gets its channels, and their intensities are written to the
   * target before each brightness, when they changed.
   */
  readonly channels?: McChannels
  private readonly savedIntensity?: string
  private writtenIntensity?: string
  private failed = false
  private restored = false

  constructor (dir: string, private readonly warn: (msg: string) => void = (m) => { console.error(`ledfs: ${m}`) }) {
    this.dir = resolve(dir)
    const fail = (why: string): never => { throw new SysfsTargetError(`sysfs LED ${this.dir}: ${why}`) }
    try {
      if (!statSync(this.dir).isDirectory()) fail('is not a directory (give an LED directory such as /sys/class/leds/NAME)')
    } catch (e) {
      if (e instanceof SysfsTargetError) throw e
      fail('does not exist (list the LEDs with `ls /sys/class/leds`)')
    }
    let max = NaN
    try { max = Number(readFileSync(join(this.dir, 'max_brightness'), 'latin1').trim()) } catch { fail('has no readable max_brightness file: is it an LED directory?') }
    if (!Number.isInteger(max) || max < 1) fail('max_brightness does not hold a positive number')
    this.maxBrightness = max
    let saved = ''
    try { saved = readFileSync(join(this.dir, 'brightness'), 'latin1').trim() } catch { fail('has no readable brightness file') }
    this.savedBrightness = saved
    let index: string | undefined
    try { index = readFileSync(join(this.dir, 'multi_index'), 'latin1').trim() } catch { /* a single-colour LED */ }
    if (index !== undefined) {
      let intensity = ''
      try { intensity = readFileSync(join(this.dir, 'multi_intensity'), 'latin1').trim() } catch { fail('has multi_index but no readable multi_intensity') }
      const colors = index.split(' ')
      const values = intensity.split(' ')
      if (index === '' || values.length !== colors.length || !values.every(v => /^-?[0-9]+$/.test(v))) fail(`has a multi_index ("${index}") and multi_intensity ("${intensity}") that do not match`)
      this.channels = new McChannels(colors)
      this.channels.intensity.set(values.map(v => Number(v) >>> 0))
      this.savedIntensity = this.writtenIntensity = intensity
    }
    let trig = ''
    try { trig = readFileSync(join(this.dir, 'trigger'), 'latin1') } catch { /* an LED class without triggers */ }
    this.savedTrigger = activeTrigger(trig) ?? 'none'
    try {
      if (trig !== '') writeOnce(join(this.dir, 'trigger'), 'none\n')
      writeOnce(join(this.dir, 'brightness'), '0\n')
    } catch (e) {
      fail(`cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)}): run as root or give the user write access to its brightness and trigger files`)
    }
  }

  brightnessSet (_led: LedHost, value: number): void {
    try {
      if (this.channels !== undefined) {
        const text = this.channels.showIntensity().trim()
        if (text !== this.writtenIntensity) {
          writeOnce(join(this.dir, 'multi_intensity'), `${text}\n`)
          this.writtenIntensity = text
        }
      }
      writeOnce(join(this.dir, 'brightness'), `${Math.min(value, this.maxBrightness)}\n`)
      if (this.failed) {
        this.failed = false
        this.warn(`sysfs LED ${this.dir}: writable again`)
      }
    } catch (e) {
      // Reported once per outage; the emulated LED keeps working.
      if (!this.failed) this.warn(`sysfs LED ${this.dir}: writing brightness failed (${(e as NodeJS.ErrnoException).code ?? String(e)}); the emulated LED carries on`)
      this.failed = true
    }
  }

  inspect (): Record<string, unknown> {
    return { target: this.dir, maxBrightness: this.maxBrightness, savedTrigger: this.savedTrigger, savedBrightness: this.savedBrightness, writeFailing: this.failed, ...(this.channels !== undefined ? { colors: [...this.channels.colors], intensity: Array.from(this.channels.intensity) } : {}) }
  }

  /** Put the real LED back as it was found. Safe to call more than once. */
  dispose (): void {
    if (this.restored) return
    this.restored = true
    try {
      if (this.savedIntensity !== undefined && this.savedIntensity !== this.writtenIntensity) writeOnce(join(this.dir, 'multi_intensity'), `${this.savedIntensity}\n`)
      if (this.savedTrigger !== 'none') {
        writeOnce(join(this.dir, 'trigger'), `${this.savedTrigger}\n`)
      } else {
        writeOnce(join(this.dir, 'brightness'), `${this.savedBrightness}\n`)
      }
    } catch (e) {
      this.warn(`sysfs LED ${this.dir}: could not restore its trigger/brightness (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
    }
  }
}
