import { performance } from 'node:perf_hooks'
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

/**
 * Real time from the monotonic clock. Wake-ups are armed for an absolute
 * time, so a late wake-up never pushes later deadlines back (no drift).
 *
 * It sleeps until each deadline, never polls. Node's timers fire on the
 * event loop's millisecond clock: a timer set for d ms runs once the loop's
 * whole-millisecond time has moved d past its value when armed, that is at
 * the first millisecond boundary of the monotonic clock at or after the
 * target. So this clock's 0 is put on such a boundary: then every deadline
 * on a whole-millisecond grid (the jiffy grid at HZ 100, 250 and 1000) is a
 * boundary too, and the timer armed for it fires as the deadline passes,
 * late only by the kernel's wake-up (tens of microseconds on a quiet
 * machine). Other deadlines are woken at the next boundary (< 1 ms late).
 * A wake-up that still comes early (a boundary crossed while arming) is
 * re-armed, so a callback never runs before its time.
 */
export class RealClock implements Clock {
  readonly kind = 'real' as const
  /** performance.now() at this clock's 0. */
  private readonly origin: number
  /** This clock's 0 on the monotonic clock, in ms: a whole number. */
  private readonly originMono: number
  private readonly timers = new Map<number, Pending>()
  private nextId = 1

  constructor () {
    const offset = monotonicOffset()
    this.originMono = Math.floor(performance.now() + offset)
    this.origin = this.originMono - offset
  }

  now (): number {
    return performance.now() - this.origin
  }

  schedule (at: number, fn: () => void): ClockHandle {
    const id = this.nextId++
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

  cancel (handle: ClockHandle): void {
    const t = this.timers.get(handle.id)
    if (t !== undefined) clear(t)
    this.timers.delete(handle.id)
  }

  dispose (): void {
    for (const t of this.timers.values()) clear(t)
    this.timers.clear()
  }
}
