import type { Clock, ClockHandle } from '../clock/clock'
import { MinHeap } from '../util/min-heap'
import { tickMs } from './jiffies'

/**
 * A model of the kernel's jiffy timer wheel (kernel/time/timer.c): what it
 * changes is *when* a timer fires. A timer armed for jiffy E is put in a
 * bucket that expires after E: one jiffy later on the first level, and on a
 * coarser grid (8, 64, … jiffies) the further away E is from the wheel's
 * clock. All timers due at a jiffy run together at that jiffy's tick, and
 * their deadlines come from the jiffy timeline, never from "now + delay",
 * so a real-time run does not drift.
 */

const LVL_CLK_SHIFT = 3
const LVL_BITS = 6
const LVL_SIZE = 2 ** LVL_BITS

function lvlStart (n: number): number {
  return (LVL_SIZE - 1) * 2 ** ((n - 1) * LVL_CLK_SHIFT)
}

/** The jiffy at which a timer armed for `expires` fires, given the wheel clock `clk`. */
export function bucketExpiry (expires: number, clk: number, hz: number): number {
  const depth = hz > 100 ? 9 : 8
  const delta = expires - clk
  if (delta < 0) return clk // already due: the current bucket
  for (let lvl = 0; lvl < depth - 1; lvl++) {
    if (delta < lvlStart(lvl + 1)) return roundUp(expires, lvl)
  }
  const cutoff = lvlStart(depth)
  const wheelMax = cutoff - 2 ** ((depth - 1) * LVL_CLK_SHIFT)
  return roundUp(delta >= cutoff ? clk + wheelMax : expires, depth - 1)
}

function roundUp (expires: number, lvl: number): number {
  const gran = 2 ** (lvl * LVL_CLK_SHIFT)
  return (Math.floor(expires / gran) + 1) * gran
}

export class KernelTimer {
  /** Jiffy the timer was armed for (timer->expires). */
  expires = 0
  /** Jiffy it will actually fire at, or -1 when not pending. */
  bucket = -1
  seq = 0
  constructor (readonly fn: () => void) {}
  get pending (): boolean { return this.bucket >= 0 }
}

export class TimerWheel {
  readonly hz: number
  readonly tick: number
  private readonly heap = new MinHeap<{ bucket: number, seq: number, timer: KernelTimer }>(
    (a, b) => a.bucket < b.bucket || (a.bucket === b.bucket && a.seq < b.seq))

  private seq = 0
  /** Jiffy whose timers are running now, or -1 outside a timer run. */
  private running = -1
  /** Time of the high-resolution timer running now, or -1. */
  private hrRunning = -1
  /** Where a timer callback's exception goes (the timer itself keeps its state). */
  onError: (err: unknown) => void = (err) => { console.error('ledfs: timer callback failed:', err) }
  private wakeAt = Infinity
  private wake: ClockHandle | undefined

  constructor (readonly clock: Clock, hz: number) {
    this.hz = hz
    this.tick = tickMs(hz)
  }

  /** The jiffies counter. Inside a timer run it is the jiffy being run. */
  get jiffies (): number {
    return this.running >= 0 ? this.running : Math.floor(this.clock.now() / this.tick + 1e-9)
  }

  /**
   * The wheel's clock: while timers run it is one ahead of jiffies (as the
   * kernel increments it before calling them); otherwise it is forwarded to jiffies.
   */
  private get clk (): number {
    return this.running >= 0 ? this.running + 1 : this.jiffies
  }

  /** Time of the current event: the jiffy's tick or the hrtimer's expiry inside a timer, else the clock. */
  now (): number {
    if (this.hrRunning >= 0) return this.hrRunning
    return this.running >= 0 ? this.running * this.tick : this.clock.now()
  }

  /** Run an hrtimer callback with now() reading its expiry time. */
  runHr (expiry: number, fn: () => void): void {
    this.hrRunning = expiry
    try {
      fn()
    } catch (err) {
      this.onError(err)
    } finally {
      this.hrRunning = -1
    }
  }

  /** mod_timer(): (re)arm for jiffy `expires`. */
  modTimer (timer: KernelTimer, expires: number): void {
    timer.expires = expires
    timer.bucket = bucketExpiry(expires, this.clk, this.hz)
    timer.seq = ++this.seq
    this.heap.push({ bucket: timer.bucket, seq: timer.seq, timer })
    this.arm(timer.bucket)
  }

  /** add_timer(): arm with the expiry already in timer.expires. */
  addTimer (timer: KernelTimer): void {
    this.modTimer(timer, timer.expires)
  }

  /** del_timer_sync(): the callback cannot be running concurrently here (one thread). */
  delTimer (timer: KernelTimer): boolean {
    const was = timer.pending
    timer.bucket = -1
    return was
  }

  /** Number of heap entries, live or stale (for tests of clean-up). */
  get queued (): number { return this.heap.size }

  private arm (bucket: number): void {
    if (this.running >= 0) return // the run loop re-arms when it finishes
    if (bucket >= this.wakeAt) return
    if (this.wake !== undefined) this.clock.cancel(this.wake)
    this.wakeAt = bucket
    this.wake = this.clock.schedule(bucket * this.tick, () => this.run())
  }

  private nextLive (): { bucket: number, seq: number, timer: KernelTimer } | undefined {
    let top = this.heap.peek()
    while (top !== undefined && (top.timer.seq !== top.seq || !top.timer.pending)) {
      this.heap.pop()
      top = this.heap.peek()
    }
    return top
  }

  /** Run every timer already due by the clock (also called ahead of a late wake-up). */
  runDue (): void {
    if (this.running >= 0 || this.hrRunning >= 0) return
    const top = this.nextLive()
    if (top === undefined || top.bucket * this.tick > this.clock.now()) return
    if (this.wake !== undefined) this.clock.cancel(this.wake)
    this.run()
  }

  private run (): void {
    this.wake = undefined
    this.wakeAt = Infinity
    const nowJiffy = Math.floor(this.clock.now() / this.tick + 1e-9)
    try {
      for (;;) {
        const top = this.nextLive()
        if (top === undefined || top.bucket > nowJiffy) break
        this.heap.pop()
        // Each timer runs at its own bucket's jiffy, even if the wake-up came late.
        this.running = top.bucket
        top.timer.bucket = -1
        try {
          top.timer.fn()
        } catch (err) {
          this.onError(err)
        }
      }
    } finally {
      this.running = -1
      const next = this.nextLive()
      if (next !== undefined) this.arm(next.bucket)
    }
  }
}
