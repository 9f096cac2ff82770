import { performance } from 'node:perf_hooks'
import { loadAddon, type NativeAddon } from '../native/addon'
import { MinHeap } from '../util/min-heap'
import type { Clock, ClockHandle } from './clock'

type Pending = { kind: 'timeout', h: NodeJS.Timeout } | { kind: 'immediate', h: NodeJS.Immediate }

function clear (p: Pending): void {
  if (p.kind === 'timeout') clearTimeout(p.h)
  else clearImmediate(p.h)
}

/** The longest delay Node's timers take. */
const TIMEOUT_MAX = 2 ** 31 - 1

/**
 * Where performance.now() lies on the monotonic clock the event loop's
 * timers count in (process.hrtime, in ms): the reading with the shortest
 * bracket of a few, so the error is well under a microsecond.
 */
function monotonicOffset (): number {
  let best = Infinity
  let offset = 0
  for (let i = 0; i < 8; i++) {
    const before = performance.now()
    const mono = Number(process.hrtime.bigint()) / 1e6
    const after = performance.now()
    if (after - before < best) {
      best = after - before
      offset = mono - (before + after) / 2
    }
  }
  return offset
}

/** A wake-up waiting on the timerfd. */
interface Precise { at: number, id: number, fn: () => void }

export interface RealClockOptions {
  /**
   * Sleep on the native addon's timerfd when it is built (default): wake-ups
   * come within the kernel's wake-up latency of their time, where Node's
   * millisecond timers are up to a millisecond late. false: Node's timers.
   */
  precise?: boolean
}

/**
 * Real time from the monotonic clock. Wake-ups are armed for an absolute
 * time, so a late wake-up never pushes later deadlines back (no drift).
 *
 * It sleeps until each deadline, never polls. With the native addon it keeps
 * its wake-ups in a heap and arms one timerfd (CLOCK_MONOTONIC, absolute)
 * for the earliest, watched by the event loop: late only by the kernel's
 * wake-up. Without it, one Node timer per wake-up; those fire on the event
 * loop's millisecond clock, so this clock's 0 is put on a whole millisecond
 * of the monotonic clock (then every jiffy at HZ 100, 250 and 1000 is one),
 * and a wake-up still comes up to 1 ms late: libuv counts the wait from its
 * millisecond-truncated time. A wake-up that comes early (a boundary crossed
 * while arming) is re-armed, so a callback never runs before its time.
 */
export class RealClock implements Clock {
  readonly kind = 'real' as const
  /** performance.now() at this clock's 0. */
  private readonly origin: number
  /** This clock's 0 on the monotonic clock, in ms: a whole number. */
  private readonly originMono: number
  private readonly timers = new Map<number, Pending>()
  private nextId = 1
  /** The timerfd path: the addon, its timer, the wake-ups by time, and the time it is armed for. */
  private native: { addon: NativeAddon, timer: object } | undefined
  private readonly heap = new MinHeap<Precise>((a, b) => a.at < b.at || (a.at === b.at && a.id < b.id))
  private readonly waiting = new Map<number, Precise>()
  private armedAt = Infinity

  constructor (opts: RealClockOptions = {}) {
    const offset = monotonicOffset()
    this.originMono = Math.floor(performance.now() + offset)
    this.origin = this.originMono - offset
    const addon = opts.precise === false ? undefined : loadAddon()
    if (addon !== undefined && !(addon instanceof Error)) this.native = { addon, timer: addon.timerCreate(() => this.fire()) }
  }

  /** Whether wake-ups come from the timerfd (else from Node's timers). */
  get precise (): boolean {
    return this.native !== undefined
  }

  now (): number {
    return performance.now() - this.origin
  }

  schedule (at: number, fn: () => void): ClockHandle {
    const id = this.nextId++
    if (this.native !== undefined && at > this.now()) {
      const w = { at, id, fn }
      this.heap.push(w)
      this.waiting.set(id, w)
      if (at < this.armedAt) this.arm()
      return { id }
    }
    const wake = (): void => {
      const now = this.now()
      if (now >= at) {
        this.timers.delete(id)
        fn()
      } else {
        this.timers.set(id, { kind: 'timeout', h: setTimeout(wake, this.delayTo(at, now)) })
      }
    }
    // Already due: run on the next turn of the event loop, never inside the caller.
    if (at <= this.now()) this.timers.set(id, { kind: 'immediate', h: setImmediate(wake) })
    else wake()
    return { id }
  }

  /**
   * The timer delay (whole ms, >= 1) that fires at the first millisecond
   * boundary of the monotonic clock at or after `at`, armed at `now` < `at`.
   */
  private delayTo (at: number, now: number): number {
    // Node turns a delay past 2^31-1 ms (24.8 days; a long pattern hold on the
    // wheel's last level is ~49 days) into 1 ms: wake up then and re-arm instead.
    return Math.min(TIMEOUT_MAX, Math.ceil(at + this.originMono) - Math.floor(now + this.originMono))
  }

  /** The timerfd fired: run what is due, in time order, then sleep until the next. */
  private fire (): void {
    this.armedAt = Infinity
    const now = this.now()
    for (;;) {
      const w = this.heap.peek()
      if (w === undefined || w.at > now) break
      this.heap.pop()
      if (this.waiting.delete(w.id)) w.fn()
    }
    this.arm()
  }

  /** Arm the timerfd for the earliest wake-up still waiting (cancelled ones are dropped here). */
  private arm (): void {
    const native = this.native
    if (native === undefined) return
    let w = this.heap.peek()
    while (w !== undefined && !this.waiting.has(w.id)) {
      this.heap.pop()
      w = this.heap.peek()
    }
    const at = w?.at ?? Infinity
    if (at === this.armedAt) return
    this.armedAt = at
    native.addon.timerArm(native.timer, at === Infinity ? -1 : at + this.originMono)
  }

  cancel (handle: ClockHandle): void {
    const t = this.timers.get(handle.id)
    if (t !== undefined) clear(t)
    this.timers.delete(handle.id)
    const w = this.waiting.get(handle.id)
    if (w !== undefined) {
      this.waiting.delete(handle.id)
      // The timerfd was armed for it: re-arm for the next, rather than wake for nothing.
      if (w.at <= this.armedAt) this.arm()
    }
  }

  dispose (): void {
    for (const t of this.timers.values()) clear(t)
    this.timers.clear()
    this.waiting.clear()
    this.heap.clear()
    if (this.native !== undefined) {
      this.armedAt = Infinity
      this.native.addon.timerClose(this.native.timer)
      this.native = undefined
    }
  }
}
