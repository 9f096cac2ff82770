import { MinHeap } from '../util/min-heap'
import type { Clock, ClockHandle } from './clock'

interface Entry { at: number, id: number, fn: () => void }

/** runAll() gives up after this many wake-ups: an indefinite pattern never runs out. */
export const RUN_ALL_LIMIT = 1000

/**
 * Time that stands still until advanced (the model is @sinonjs/fake-timers'
 * tick(), next() and runAll()). advance() runs every wake-up due in the span
 * in time order, each with now() equal to its own deadline, exactly as real
 * time would have.
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const
  private time: number
  private nextId = 0
  private readonly queue = new MinHeap<Entry>((a, b) => a.at < b.at || (a.at === b.at && a.id < b.id))
  private readonly live = new Set<number>()

  constructor (start = 0) {
    this.time = start
  }

  now (): number { return this.time }

  schedule (at: number, fn: () => void): ClockHandle {
    const id = ++this.nextId
    this.queue.push({ at: Math.max(at, this.time), id, fn })
    this.live.add(id)
    return { id }
  }

  cancel (handle: ClockHandle): void {
    this.live.delete(handle.id)
  }

  /** Move time forward by `ms`, running everything due up to and including the new time. Returns wake-ups run. */
  advance (ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance: ms must be a finite number >= 0, got ${ms}`)
    return this.advanceTo(this.time + ms)
  }

  /** Move time forward to `t` (no-op if t is in the past). Returns the number of wake-ups run. */
  advanceTo (t: number): number {
    let ran = 0
    for (;;) {
      const top = this.nextLive()
      if (top === undefined || top.at > t) break
      this.runEntry(top)
      ran++
    }
    if (t > this.time) this.time = t
    return ran
  }

  /** Move time to the earliest pending wake-up and run it (and nothing else). Returns the new time. */
  next (): number {
    const top = this.nextLive()
    if (top !== undefined) this.runEntry(top)
    return this.time
  }

  /**
   * Run wake-ups, including those they schedule, until none is left; time
   * ends at the last one. Throws after `limit` wake-ups, as something that
   * reschedules itself forever (a pattern repeating indefinitely) never ends.
   * Returns the new time.
   */
  runAll (limit = RUN_ALL_LIMIT): number {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`runAll: limit must be a positive integer, got ${limit}`)
    for (let ran = 0; ; ran++) {
      const top = this.nextLive()
      if (top === undefined) return this.time
      if (ran === limit) throw new Error(`runAll: still wake-ups pending after running ${limit} (at ${this.time} ms); something reschedules itself forever`)
      this.runEntry(top)
    }
  }

  /** Drop every pending wake-up; time stays where it is. */
  dispose (): void {
    this.live.clear()
    this.queue.clear()
  }

  /** Time of the next pending wake-up, or undefined. */
  nextAt (): number | undefined {
    return this.nextLive()?.at
  }

  /** Run the entry at the top of the queue, with now() at its deadline. */
  private runEntry (top: Entry): void {
    this.queue.pop()
    this.live.delete(top.id)
    this.time = top.at
    top.fn()
  }

  private nextLive (): Entry | undefined {
    let top = this.queue.peek()
    while (top !== undefined && !this.live.has(top.id)) {
      this.queue.pop()
      top = this.queue.peek()
    }
    return top
  }
}
