import { appendFileSync } from 'node:fs'

/** One brightness change: time in ms on the mount's clock, LED name, new value. */
export interface TimelineEvent {
  t: number
  led: string
  brightness: number
  /** A multicolor LED's channel levels (led_mc_calc_color_components), in multi_index order. */
  channels?: number[]
}

export type TimelineSink = (e: TimelineEvent) => void

/**
 * How many events a timeline keeps in memory unless told otherwise. At 16
 * bytes an event that is at most 1.6 MB: a mount driving LEDs for days stays
 * small, while an hour of one LED dimming (18 changes a second), or a test's
 * whole run, is still there to list. Sinks (the trace file) see every event
 * whatever the cap.
 */
export const DEFAULT_TIMELINE_EVENTS = 100_000

/** The first allocation; the store doubles from here up to the cap, so a quiet mount stays small. */
const INITIAL_CAPACITY = 1024

/**
 * The brightness timeline of every LED. Events are kept in memory (up to a
 * cap, oldest dropped first and counted) and passed to sinks as they happen.
 * The store is a ring of typed arrays (time, LED number, brightness: 16
 * bytes an event, no object per event), so neither memory nor the garbage
 * collector grows with the hours a mount runs.
 */
export class Timeline {
  readonly maxEvents: number
  private times = new Float64Array(0)
  private ledIds = new Uint32Array(0)
  private values = new Uint32Array(0)
  /** Index of the oldest event and how many are stored. */
  private head = 0
  private size = 0
  /** LED names by number, and back. */
  private readonly names: string[] = []
  private readonly ids = new Map<string, number>()
  private readonly sinks: TimelineSink[] = []
  /** Channel levels of multicolor LEDs' events, by ring slot. */
  private channelsAt = new Map<number, number[]>()
  /** Events that fell out of memory since the last clear() (the sinks had them). */
  dropped = 0

  /** maxEvents 0 keeps nothing in memory and only feeds the sinks. */
  constructor (maxEvents = DEFAULT_TIMELINE_EVENTS) {
    if (!Number.isSafeInteger(maxEvents) || maxEvents < 0 || maxEvents > 0xffffffff) {
      throw new RangeError(`the number of timeline events kept in memory must be an integer from 0 to 4294967295 (got ${String(maxEvents)})`)
    }
    this.maxEvents = maxEvents
  }

  /** One change: `brightness` is an LED's value, an unsigned 32-bit integer; `channels` a multicolor LED's levels. */
  record (led: string, brightness: number, t: number, channels?: readonly number[]): void {
    if (brightness !== brightness >>> 0) throw new RangeError(`timeline: brightness of "${led}" must be an unsigned 32-bit integer (got ${brightness})`)
    if (this.maxEvents > 0) this.store(led, brightness, t, channels)
    if (this.sinks.length > 0) {
      const e: TimelineEvent = channels === undefined ? { t, led, brightness } : { t, led, brightness, channels: [...channels] }
      for (const s of this.sinks) s(e)
    }
  }

  private store (led: string, brightness: number, t: number, channels?: readonly number[]): void {
    let id = this.ids.get(led)
    if (id === undefined) {
      id = this.names.length
      this.names.push(led)
      this.ids.set(led, id)
    }
    let cap = this.times.length
    if (this.size === cap) {
      if (cap < this.maxEvents) {
        this.grow(Math.min(this.maxEvents, Math.max(INITIAL_CAPACITY, cap * 2)))
        cap = this.times.length
      } else { // full: the oldest goes
        this.channelsAt.delete(this.head)
        this.head = this.head + 1 === cap ? 0 : this.head + 1
        this.size--
        this.dropped++
      }
    }
    let i = this.head + this.size
    if (i >= cap) i -= cap
    this.times[i] = t
    this.ledIds[i] = id
    this.values[i] = brightness
    // Only multicolor LEDs have channels: kept by ring slot beside the typed arrays.
    if (channels !== undefined) this.channelsAt.set(i, [...channels])
    else if (this.channelsAt.size > 0) this.channelsAt.delete(i)
    this.size++
  }

  /** Move the stored events, oldest first, into arrays of `cap`. */
  private grow (cap: number): void {
    const times = new Float64Array(cap)
    const ledIds = new Uint32Array(cap)
    const values = new Uint32Array(cap)
    const first = Math.min(this.size, this.times.length - this.head) // up to the end of the ring
    times.set(this.times.subarray(this.head, this.head + first))
    ledIds.set(this.ledIds.subarray(this.head, this.head + first))
    values.set(this.values.subarray(this.head, this.head + first))
    const rest = this.size - first // wrapped to the start
    times.set(this.times.subarray(0, rest), first)
    ledIds.set(this.ledIds.subarray(0, rest), first)
    values.set(this.values.subarray(0, rest), first)
    if (this.channelsAt.size > 0) {
      const old = this.channelsAt
      this.channelsAt = new Map()
      for (const [slot, ch] of old) this.channelsAt.set(slot >= this.head ? slot - this.head : slot + first, ch)
    }
    this.times = times
    this.ledIds = ledIds
    this.values = values
    this.head = 0
  }

  /** Events in memory now. */
  get length (): number {
    return this.size
  }

  /** Events so far (the newest maxEvents), oldest first, optionally of one LED. */
  list (led?: string): TimelineEvent[] {
    const out: TimelineEvent[] = []
    const only = led === undefined ? -1 : this.ids.get(led)
    if (only === undefined) return out // an LED that never changed
    const cap = this.times.length
    for (let k = 0, i = this.head; k < this.size; k++, i = i + 1 === cap ? 0 : i + 1) {
      const id = this.ledIds[i]
      if (only >= 0 && id !== only) continue
      const ch = this.channelsAt.get(i)
      out.push(ch === undefined ? { t: this.times[i], led: this.names[id], brightness: this.values[i] } : { t: this.times[i], led: this.names[id], brightness: this.values[i], channels: [...ch] })
    }
    return out
  }

  /** Forget every event in memory (and the count of dropped ones); the store shrinks back. */
  clear (): void {
    this.times = new Float64Array(0)
    this.ledIds = new Uint32Array(0)
    this.values = new Uint32Array(0)
    this.channelsAt = new Map()
    this.head = 0
    this.size = 0
    this.dropped = 0
  }

  addSink (sink: TimelineSink): void {
    this.sinks.push(sink)
  }
}

/** Format of one JSON line of a trace file. */
export function eventToJson (e: TimelineEvent): string {
  const t = Math.round(e.t * 1000) / 1000
  return JSON.stringify(e.channels === undefined ? { t, led: e.led, brightness: e.brightness } : { t, led: e.led, brightness: e.brightness, channels: e.channels })
}

/** A sink that appends each event to FILE as a JSON line (synchronously, so a crash loses nothing). */
export function jsonlFileSink (file: string): TimelineSink {
  return (e) => appendFileSync(file, eventToJson(e) + '\n')
}
