import type { TimelineEvent } from '../timeline/timeline'

/**
 * The chart maths the terminal and SVG renderers share: which events, what
 * time range and brightness scale, where the time ticks go and how they read.
 */

/** What part of a timeline a chart shows (shared by the terminal and SVG renderers). */
export interface ChartSelection {
  /** Chart only this LED; by default every LED in the events is drawn. */
  led?: string
  /** Time range in ms; defaults to first..last event. */
  from?: number
  to?: number
}

/** The events sorted by time (stable, so same-time events keep their order). */
export function sortedEvents (events: TimelineEvent[]): TimelineEvent[] {
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i).map(x => x.e)
}

/** LED names in order of first appearance. */
export function ledNames (events: TimelineEvent[]): string[] {
  const seen = new Set<string>()
  for (const e of events) seen.add(e.led)
  return [...seen]
}

/** The time range to draw: the options, else first..last event (a small range around a lone instant). */
export function timeRange (events: TimelineEvent[], opts: { from?: number, to?: number }): { from: number, to: number } {
  let first = Infinity
  let last = -Infinity
  for (const e of events) {
    if (e.t < first) first = e.t
    if (e.t > last) last = e.t
  }
  if (first === Infinity) { first = 0; last = 0 }
  if (last === first) {
    // One instant: show a little before and after it (not before 0 unless the event is).
    first = first >= 50 || first < 0 ? first - 50 : 0
    last = first + 100
  }
  const from = opts.from ?? first
  const to = opts.to ?? last
  if (!(Number.isFinite(from) && Number.isFinite(to))) throw new RangeError('plot: time range must be finite numbers')
  if (from >= to) throw new RangeError(`plot: the start of the time range (${from} ms) must be before its end (${to} ms)`)
  return { from, to }
}

/** The y-axis top for one LED's events. */
export function maxOf (events: TimelineEvent[], given?: number): number {
  if (given !== undefined) {
    if (!(Number.isFinite(given) && given > 0)) throw new RangeError(`plot: maxBrightness must be a positive number (got ${given})`)
    return given
  }
  let m = 0
  for (const e of events) if (e.brightness > m) m = e.brightness
  return m > 0 ? m : 1
}

/** Format a time (ms) with as many decimals as the tick step needs. */
export function formatMs (t: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9))
  const s = t.toFixed(decimals)
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s
}

/** 1, 2, 5 times a power of ten: the candidate tick steps from `min` up. */
export function niceSteps (min: number): number[] {
  const out: number[] = []
  let p = Math.pow(10, Math.floor(Math.log10(min > 0 ? min : 1e-6)))
  while (out.length < 40) {
    for (const m of [1, 2, 5]) if (m * p >= min * (1 - 1e-12)) out.push(m * p)
    p *= 10
  }
  return out
}

/** The multiples of `step` in [from, to]. */
export function ticksOf (from: number, to: number, step: number): number[] {
  const out: number[] = []
  const first = Math.ceil(from / step - 1e-9)
  for (let k = first; k * step <= to + step * 1e-9 && out.length < 1000; k++) out.push(k * step === 0 ? 0 : k * step)
  return out
}
