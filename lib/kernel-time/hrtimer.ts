import type { ClockHandle } from '../clock/clock'
import type { TimerWheel } from './timer-wheel'

/**
 * A high-resolution timer: fires at its exact expiry, no jiffy rounding.
 * The callback returns true to restart; forward() moves the expiry on by an
 * interval from the previous expiry (hrtimer_forward_now), so a periodic
 * timer keeps its own grid.
 */
export class HrTimer {
  private expiry = -1
  /** The current arming; a callback of any other (cancelled, replaced) arming does nothing. */
  private armed: object | undefined
  private handle: ClockHandle | undefined

  constructor (private readonly base: TimerWheel, private readonly fn: () => boolean) {}

  get pending (): boolean { return this.armed !== undefined }

  /** hrtimer_start() relative to now. */
  start (relMs: number): void {
    this.cancel()
    this.arm(this.base.now() + relMs)
  }

  /** hrtimer_forward_now(): next expiry = previous expiry + interval, past now. */
  forward (intervalMs: number): void {
    // The kernel never forwards by less than its resolution (1 ns).
    const step = Math.max(intervalMs, 1e-6)
    const now = this.base.now()
    let next = this.expiry + step
    if (next <= now) next += Math.ceil((now - next) / step + 1e-9) * step
    this.expiry = next
  }

  cancel (): void {
    if (this.handle !== undefined) this.base.clock.cancel(this.handle)
    this.handle = undefined
    this.armed = undefined
  }

  private arm (at: number): void {
    this.expiry = at
    const token = {}
    this.armed = token
    const handle = this.base.clock.schedule(at, () => {
      if (this.armed !== token) return
      this.armed = undefined
      this.handle = undefined
      let restart = false
      this.base.runHr(this.expiry, () => { restart = this.fn() })
      if (restart && this.armed === undefined) this.arm(this.expiry)
    })
    // A clock may run a callback that is already due inside schedule() (the
    // real clock does): then this arming is over, and the handle is stale.
    if (this.armed === token) this.handle = handle
  }
}
