import type { Clock, ClockHandle } from '../clock/clock'
import { MinHeap } from '../util/min-heap'
import { msecsToJiffies, tickMs } from './jiffies'

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

/** Level boundaries of the wheel (LVL_START) and granularities, per depth. */
const LEVELS = new Map<number, { starts: number[], grans: number[], cutoff: number, wheelMax: number }>()
function levels (depth: number): { starts: number[], grans: number[], cutoff: number, wheelMax: number } {
  let l = LEVELS.get(depth)
  if (l === undefined) {
    const starts = Array.from({ length: depth }, (_, lvl) => lvlStart(lvl + 1))
    const grans = Array.from({ length: depth }, (_, lvl) => 2 ** (lvl * LVL_CLK_SHIFT))
    const cutoff = lvlStart(depth)
    l = { starts, grans, cutoff, wheelMax: cutoff - grans[depth - 1] }
    LEVELS.set(depth, l)
  }
  return l
}

/** The jiffy at which a timer armed for `expires` fires, given the wheel clock `clk`. */
export function bucketExpiry (expires: number, clk: number, hz: number): number {
  const depth = hz > 100 ? 9 : 8
  const delta = expires - clk
  if (delta < 0) return clk // already due: the current bucket
  // The first level, by far the most common case: one jiffy after the expiry.
  if (delta < LVL_SIZE - 1) return expires + 1
  const { starts, grans, cutoff, wheelMax } = levels(depth)
  for (let lvl = 1; lvl < depth - 1; lvl++) {
    if (delta < starts[lvl]) return (Math.floor(expires / grans[lvl]) + 1) * grans[lvl]
  }
  const e = delta >= cutoff ? clk + wheelMax : expires
  const g = grans[depth - 1]
  return (Math.floor(e / g) + 1) * g
}

export class KernelTimer {
  /** Jiffy the timer was armed for (timer->expires). */
  expires = 0
  /** Jiffy it will actually fire at, or -1 when not pending. */
  bucket = -1
  constructor (readonly fn: () => void) {}
  get pending (): boolean { return this.bucket >= 0 }
}

export class TimerWheel {
  readonly hz: number
  readonly tick: number
  /** Timers by the jiffy they fire at (entries may be stale: re-armed or deleted since). */
  private readonly buckets = new Map<number, KernelTimer[]>()
  /** The jiffies that have a bucket, earliest first. */
  private readonly due = new MinHeap<number>((a, b) => a < b)

  /** Jiffy whose timers are running now, or -1 outside a timer run. */
  private running = -1
  /** Time of the high-resolution timer running now, or -1. */
  private hrRunning = -1
  /** Where a timer callback's exception goes (the timer itself keeps its state). */
  onError: (err: unknown) => void = (err) => { console.error('ledfs: timer callback failed:', err) }
  private wakeAt = Infinity
  private wake: ClockHandle | undefined

  private readonly msCache = new Map<number, number>()

  constructor (readonly clock: Clock, hz: number) {
    this.hz = hz
    this.tick = tickMs(hz)
  }

  /** msecs_to_jiffies() at this wheel's HZ (memoised: patterns reuse a few durations). */
  msToJiffies (ms: number): number {
    let j = this.msCache.get(ms)
    if (j === undefined) {
      j = msecsToJiffies(ms, this.hz)
      if (this.msCache.size < 4096) this.msCache.set(ms, j)
    }
    return j
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
    const b = bucketExpiry(expires, this.clk, this.hz)
    timer.bucket = b
    const list = this.buckets.get(b)
    if (list === undefined) {
      this.buckets.set(b, [timer])
      this.due.push(b)
    } else {
      list.push(timer)
    }
    this.arm(b)
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


  private arm (bucket: number): void {
    if (this.running >= 0) return // the run loop re-arms when it finishes
    if (bucket >= this.wakeAt) return
    if (this.wake !== undefined) this.clock.cancel(this.wake)
    this.wakeAt = bucket
    this.wake = this.clock.schedule(bucket * this.tick, () => this.run())
  }

  /** The earliest bucket that still has a timer armed for it. */
  private nextBucket (): number | undefined {
    for (;;) {
      const b = this.due.peek()
      if (b === undefined) return undefined
      const list = this.buckets.get(b)
      if (list !== undefined && list.some(t => t.bucket === b)) return b
      this.due.pop()
      this.buckets.delete(b)
    }
  }

  /** Run every timer already due by the clock (also called ahead of a late wake-up). */
  runDue (): void {
    if (this.running >= 0 || this.hrRunning >= 0) return
    const b = this.nextBucket()
    if (b === undefined || b * this.tick > this.clock.now()) return
    if (this.wake !== undefined) this.clock.cancel(this.wake)
    this.run()
  }

  private run (): void {
    this.wake = undefined
    this.wakeAt = Infinity
    const nowJiffy = Math.floor(this.clock.now() / this.tick + 1e-9)
    try {
      for (;;) {
        const b = this.nextBucket()
        if (b === undefined || b > nowJiffy) break
        this.due.pop()
        const list = this.buckets.get(b) ?? []
        this.buckets.delete(b)
        // Each timer runs at its own bucket's jiffy, even if the wake-up came late.
        this.running = b
        for (const timer of list) {
          if (timer.bucket !== b) continue // deleted, re-armed elsewhere, or a duplicate entry
          timer.bucket = -1
          try {
            timer.fn()
          } catch (err) {
            this.onError(err)
          }
        }
      }
    } finally {
      this.running = -1
      const next = this.nextBucket()
      if (next !== undefined) this.arm(next)
    }
  }
}
