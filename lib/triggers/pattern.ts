import { KernelError } from '../abi/errno'
import { kstrtos32 } from '../abi/kstrtox'
import { sscanf } from '../abi/scanf'
import { PageWriter } from '../abi/sysfs'
import { HrTimer } from '../kernel-time/hrtimer'
import { KernelTimer } from '../kernel-time/timer-wheel'
import type { LedPattern } from '../drivers/driver'
import type { LedClassdev } from '../led/led-core'
import { triggerState, type LedTrigger } from '../led/led-triggers'
import { textAttr, type SysfsNode } from '../sysfs/nodes'

/** Most tuples a pattern holds; more are ignored. */
export const MAX_PATTERNS = 1024
/** Gradual dimming updates the brightness this often (ms). */
export const UPDATE_INTERVAL = 50

/** Which file the stored tuples came from, and so who runs them. */
export type PatternKind = 'sw' | 'hw' | 'hr'

/** Per-LED state of the pattern trigger. */
export class PatternState {
  patterns: LedPattern[] = []
  curr = 0
  next = 0
  repeat = -1
  lastRepeat = -1
  /** Time spent dimming within the current tuple (a C int). */
  deltaT = 0
  isIndefinite = true
  kind: PatternKind = 'sw'
  readonly timer: KernelTimer
  readonly hrtimer: HrTimer

  constructor (readonly led: LedClassdev) {
    this.timer = new KernelTimer(() => this.onTimer())
    this.hrtimer = new HrTimer(led.wheel, () => {
      this.onTimer()
      return this.isIndefinite || this.repeat !== 0
    })
  }

  stopTimers (): void {
    this.led.wheel.delTimer(this.timer)
    this.hrtimer.cancel()
  }

  private restartAfter (ms: number): void {
    if (this.kind === 'hr') {
      this.hrtimer.forward(ms)
    } else {
      const wheel = this.led.wheel
      wheel.modTimer(this.timer, wheel.jiffies + wheel.msToJiffies(ms))
    }
  }

  startTimer (): void {
    if (this.kind === 'hr') {
      this.hrtimer.start(0)
    } else {
      this.timer.expires = this.led.wheel.jiffies
      this.led.wheel.addTimer(this.timer)
    }
  }

  /** Move to the next tuple, counting a repeat each time the first tuple comes round again. */
  private advance (): void {
    this.curr = this.next
    if (!this.isIndefinite && this.curr === 0) this.repeat = (this.repeat - 1) | 0
    this.next = this.next === this.patterns.length - 1 ? 0 : this.next + 1
    this.deltaT = 0
  }

  /** Brightness of a dimming step, with the kernel's 32-bit integer arithmetic. */
  private dimmedBrightness (): number {
    const cur = this.patterns[this.curr]
    const nxt = this.patterns[this.next]
    if (this.deltaT === 0 || cur.deltaT < UPDATE_INTERVAL) return cur.brightness
    const span = Math.abs((nxt.brightness - cur.brightness) | 0) | 0
    // int * int, then divided by the u32 duration: the product is taken as unsigned.
    const step = Math.floor((Math.imul(this.deltaT, span) >>> 0) / cur.deltaT) | 0
    return nxt.brightness > cur.brightness ? (cur.brightness + step) | 0 : (cur.brightness - step) | 0
  }

  private onTimer (): void {
    const skipAlways = this.led.profile.pattern.stepAlwaysSkipsNext
    for (;;) {
      if (!this.isIndefinite && this.repeat === 0) break
      const cur = this.patterns[this.curr]
      const nxt = this.patterns[this.next]
      if (cur.brightness === nxt.brightness) {
        // A step: hold this brightness for the whole tuple.
        this.led.setBrightness(cur.brightness)
        this.restartAfter(cur.deltaT)
        if (skipAlways || nxt.deltaT === 0) this.advance()
        this.advance()
      } else {
        // Dimming: past the end of this tuple, move on and look again.
        if ((this.deltaT >>> 0) > cur.deltaT) {
          this.advance()
          continue
        }
        this.led.setBrightness(this.dimmedBrightness())
        this.restartAfter(UPDATE_INTERVAL)
        this.deltaT = (this.deltaT + UPDATE_INTERVAL) | 0
      }
      break
    }
  }

  /** pattern_trig_start_pattern(). */
  start (): void {
    if (this.patterns.length === 0) return
    if (this.kind === 'hw') {
      this.led.driver.patternSet?.(this.led, this.patterns, this.repeat)
      return
    }
    if (this.patterns.length < 2) throw new KernelError('EINVAL', 'a software pattern needs at least 2 tuples')
    this.deltaT = 0
    this.curr = 0
    this.next = 1
    this.startTimer()
  }

  /** Stop whatever runs the current pattern (timer, hardware). */
  halt (): void {
    this.stopTimers()
    if (this.kind === 'hw') this.led.driver.patternClear?.(this.led)
  }

  /** Parse tuples from a store() buffer into this.patterns; EINVAL leaves none. */
  parse (buf: Buffer): void {
    const conv = this.led.profile.pattern.brightnessConversion
    const rejectAboveMax = this.led.profile.pattern.rejectAboveMax
    const fmt = `%${conv} %u %n`
    const count = buf.length
    let offset = 0
    while (offset < count - 1 && this.patterns.length < MAX_PATTERNS) {
      const r = sscanf(buf, offset, fmt)
      const brightness = (r.values[0] ?? 0) | 0
      if (r.count !== 2 || (rejectAboveMax && (brightness >>> 0) > this.led.maxBrightness)) {
        this.patterns = []
        throw new KernelError('EINVAL', 'malformed pattern')
      }
      this.patterns.push({ brightness, deltaT: (r.values[1] ?? 0) >>> 0 })
      offset += r.values[2] ?? 0
    }
  }

  /**
   * pattern_trig_store_patterns(): stop what runs, take new tuples of `kind`
   * from `fill` (which may throw EINVAL), start them; any failure leaves none.
   */
  private replace (kind: PatternKind, fill: () => void): void {
    this.halt()
    this.kind = kind
    this.patterns = []
    fill()
    try {
      this.start()
    } catch (e) {
      this.patterns = []
      throw e
    }
  }

  /** A write to pattern, hw_pattern or hr_pattern. */
  storePatterns (buf: Buffer, kind: PatternKind): number {
    this.replace(kind, () => this.parse(buf))
    return buf.length
  }

  /** The device-tree led-pattern property: tuples taken as they are, no checks. */
  storeDefault (values: number[]): void {
    this.replace('sw', () => {
      for (let i = 0; i + 1 < values.length; i += 2) {
        this.patterns.push({ brightness: values[i] | 0, deltaT: values[i + 1] >>> 0 })
      }
    })
  }

  showPatterns (kind: PatternKind): Buffer {
    if (this.patterns.length === 0 || this.kind !== kind) return Buffer.alloc(0)
    const out = new PageWriter()
    for (const p of this.patterns) out.append(`${p.brightness | 0} ${p.deltaT >>> 0} `)
    out.replaceLast('\n')
    return out.toBuffer()
  }

  storeRepeat (buf: Buffer): number {
    const res = kstrtos32(buf, 10)
    if (res < -1 || res === 0) throw new KernelError('EINVAL', 'repeat must be -1 or a positive count')
    this.halt()
    this.lastRepeat = this.repeat = res
    this.isIndefinite = res === -1
    this.start()
    return buf.length
  }

  nodes (): SysfsNode[] {
    const nodes: SysfsNode[] = [
      textAttr('pattern', 0o644, { show: () => this.showPatterns('sw'), store: (b) => this.storePatterns(b, 'sw') })
    ]
    if (this.led.hasHwPattern) {
      nodes.push(textAttr('hw_pattern', 0o644, { show: () => this.showPatterns('hw'), store: (b) => this.storePatterns(b, 'hw') }))
    }
    if (this.led.profile.pattern.hrPattern) {
      nodes.push(textAttr('hr_pattern', 0o644, { show: () => this.showPatterns('hr'), store: (b) => this.storePatterns(b, 'hr') }))
    }
    nodes.push(textAttr('repeat', 0o644, { show: () => `${this.lastRepeat}\n`, store: (b) => this.storeRepeat(b) }))
    return nodes
  }
}

/** The `pattern` trigger: software-timed tuples, or a driver's hardware pattern. */
export class PatternTrigger implements LedTrigger {
  readonly name = 'pattern'

  /** Called when a default pattern cannot be applied (the kernel logs a warning). */
  constructor (private readonly warn: (led: LedClassdev, msg: string) => void = () => {}) {}

  state (led: LedClassdev): PatternState {
    return triggerState(led, PatternState, 'pattern')
  }

  activate (led: LedClassdev): void {
    const state = new PatternState(led)
    led.triggerData = state
    if (led.initDefaultTrigger) {
      led.initDefaultTrigger = false
      const values = led.defaultPattern
      if (values !== undefined) {
        if (values.length % 2 !== 0) {
          this.warn(led, 'Expected pattern of tuples')
        } else {
          try {
            state.storeDefault(values)
          } catch (e) {
            this.warn(led, `Pattern initialization failed with error ${e instanceof KernelError ? e.code : String(e)}`)
          }
        }
      }
    }
  }

  deactivate (led: LedClassdev): void {
    const state = this.state(led)
    if (led.hasHwPattern) led.driver.patternClear?.(led)
    state.stopTimers()
    led.setBrightness(0)
  }

  attributes (led: LedClassdev): SysfsNode[] {
    return this.state(led).nodes()
  }
}
