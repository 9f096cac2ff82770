import { performance } from 'node:perf_hooks'
import type { Clock, ClockHandle } from './clock'

type Pending = { kind: 'timeout', h: NodeJS.Timeout } | { kind: 'immediate', h: NodeJS.Immediate }

function clear (p: Pending): void {
  if (p.kind === 'timeout') clearTimeout(p.h)
  else clearImmediate(p.h)
}

/**
 * Real time from the monotonic clock. Wake-ups are armed for an absolute
 * time, so a late wake-up never pushes later deadlines back (no drift).
 */
export class RealClock implements Clock {
  readonly kind = 'real' as const
  private readonly origin = performance.now()
  private readonly timers = new Map<number, Pending>()
  private nextId = 1

  now (): number {
    return performance.now() - this.origin
  }

  /**
   * Node's timers have whole-millisecond resolution, so waking on one would
   * make every deadline up to 1 ms late. Instead wake a little early with a
   * timer and cover the last fraction of a millisecond by polling the clock
   * from the event loop (setImmediate), which still serves I/O in between.
   */
  schedule (at: number, fn: () => void): ClockHandle {
    const id = this.nextId++
    const arm = (): void => {
      const delay = at - this.now()
      if (delay <= 0) {
        this.timers.delete(id)
        fn()
      } else if (delay > 1.5) {
        this.timers.set(id, { kind: 'timeout', h: setTimeout(arm, Math.floor(delay - 1)) })
      } else {
        this.timers.set(id, { kind: 'immediate', h: setImmediate(arm) })
      }
    }
    arm()
    return { id }
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
