import { appendFileSync } from 'node:fs'

/** One brightness change: time in ms on the mount's clock, LED name, new value. */
export interface TimelineEvent {
  t: number
  led: string
  brightness: number
}

export type TimelineSink = (e: TimelineEvent) => void

/**
 * The brightness timeline of every LED. Events are kept in memory (up to a
 * cap, oldest dropped first and counted) and passed to sinks as they happen.
 */
export class Timeline {
  private events: TimelineEvent[] = []
  private readonly sinks: TimelineSink[] = []
  dropped = 0

  /** maxEvents 0 keeps nothing in memory and only feeds the sinks. */
  constructor (readonly maxEvents = 1_000_000) {}

  record (led: string, brightness: number, t: number): void {
    const e = { t, led, brightness }
    if (this.maxEvents === 0) { // sinks only (long simulations)
      for (const s of this.sinks) s(e)
      return
    }
    this.events.push(e)
    // Trim in chunks (a quarter of the cap at a time) so a full timeline costs O(1) per event.
    if (this.events.length > this.maxEvents + Math.max(1, this.maxEvents >> 2)) this.trim()
    for (const s of this.sinks) s(e)
  }

  private trim (): void {
    const cut = this.events.length - this.maxEvents
    if (cut <= 0) return
    this.events.splice(0, cut)
    this.dropped += cut
  }

  /** Events so far (the newest maxEvents), optionally of one LED. */
  list (led?: string): TimelineEvent[] {
    this.trim()
    return led === undefined ? [...this.events] : this.events.filter(e => e.led === led)
  }

  clear (): void {
    this.events = []
    this.dropped = 0
  }

  addSink (sink: TimelineSink): void {
    this.sinks.push(sink)
  }
}

/** Format of one JSON line of a trace file. */
export function eventToJson (e: TimelineEvent): string {
  return JSON.stringify({ t: Math.round(e.t * 1000) / 1000, led: e.led, brightness: e.brightness })
}

/** A sink that appends each event to FILE as a JSON line (synchronously, so a crash loses nothing). */
export function jsonlFileSink (file: string): TimelineSink {
  return (e) => appendFileSync(file, eventToJson(e) + '\n')
}
