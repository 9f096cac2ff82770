import { performance } from 'node:perf_hooks'
import type { Clock, ClockHandle } from './clock'

/**
 * Real time from the monotonic clock. Wake-ups are armed for an absolute
 * time, so a late wake-up never pushes later deadlines back (no drift).
 */
export class RealClock implements Clock {
  readonly kind = 'real' as const
  private readonly origin = performance.now()
  private readonly timers = new Map<number, NodeJS.Timeout>()
  private nextId = 1

  now (): number {
    return performance.now() - this.origin
  }

  schedule (at: number, fn: () => void): ClockHandle {
    const id = this.nextId++
    const arm = (): void => {
      const delay = at - this.now()
      // setTimeout may fire up to ~1 ms early; re-arm until the deadline has passed.
      if (delay > 0) {
        this.timers.set(id, setTimeout(arm, Math.max(1, Math.ceil(delay))))
        return
      }
      this.timers.delete(id)
      fn()
    }
    const delay = at - this.now()
    this.timers.set(id, setTimeout(arm, Math.max(0, Math.ceil(delay))))
    return { id }
  }

  cancel (handle: ClockHandle): void {
    const t = this.timers.get(handle.id)
    if (t !== undefined) clearTimeout(t)
    this.timers.delete(handle.id)
  }

  /** Cancel everything (at shutdown, so the process can exit). */
  dispose (): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }
}
