import type { TimelineEvent } from '../timeline/timeline'
import { formatMs, ledNames, maxOf, niceSteps, sortedEvents, ticksOf, timeRange, type ChartSelection } from './axis'

/**
 * Terminal charts of a brightness timeline, drawn like the diagrams of the
 * kernel's pattern trigger documentation (leds-trigger-pattern.txt):
 *
 *   LED brightness: led0
 *       ^
 *   255-|        +---------+    +---------+
 *       |        |         |    |         |
 *     0-|   -----+         +----+         +----
 *       +0--------100-------200-------300------> time (ms)
 *
 * Brightness is a step function: each value holds until the next event.
 * Output depends only on the events and options (no colours, no terminal
 * queries), so it can be compared byte for byte.
 */

export interface PlotOptions extends ChartSelection {
  /** ASCII: characters per line, labels included (default 72). */
  width?: number
  /** ASCII: rows of the plot area (default 12). */
  height?: number
  /** Brightness at the top of the y axis; defaults to the largest value in the events of the LED (at least 1). */
  maxBrightness?: number
}

export const DEFAULT_WIDTH = 72
export const DEFAULT_HEIGHT = 12
const X_SUFFIX = '> time (ms)'

/** A name made safe to print on a terminal (control characters become '?'). */
export function printable (s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, '?')
}

/** Brightness of an LED just before `t` (undefined before its first event). `events` sorted, one LED. */
function valueBefore (events: TimelineEvent[], t: number): number | undefined {
  let v: number | undefined
  for (const e of events) {
    if (e.t >= t) break
    v = e.brightness
  }
  return v
}

function maxLabel (max: number): string {
  return String(Number.isInteger(max) ? max : Number(max.toFixed(3)))
}

/** Rendering of one LED's chart (events sorted, of that LED only). */
function chart (name: string, events: TimelineEvent[], from: number, to: number, width: number, height: number, max: number, labelWidth: number): string[] {
  const top = maxLabel(max)
  const lw = Math.max(top.length, labelWidth, 1)
  const plotW = width - (lw + 2) - X_SUFFIX.length
  if (plotW < 10) throw new RangeError(`plot: width ${width} is too narrow (need at least ${lw + 2 + X_SUFFIX.length + 10})`)
  const H = height
  const scale = (to - from) / (plotW - 1)

  const level = (v: number): number => {
    let l = Math.round(Math.min(Math.max(v / max, 0), 1) * (H - 1))
    // Keep "dim" apart from "off" and "almost full" apart from "full".
    if (H >= 3 && v > 0 && l === 0) l = 1
    if (H >= 3 && v < max && l === H - 1) l = H - 2
    return l
  }

  const grid: string[][] = Array.from({ length: H }, () => Array<string>(plotW).fill(' '))
  const put = (col: number, l: number, ch: string): void => { grid[H - 1 - l][col] = ch }

  // Column c stands for the times [from + (c - 1/2) scale, from + (c + 1/2) scale).
  let i = 0
  while (i < events.length && events[i].t < from - scale / 2) i++
  let cur = valueBefore(events, from - scale / 2)
  for (let c = 0; c < plotW; c++) {
    const end = from + (c + 0.5) * scale
    const start = cur === undefined ? undefined : level(cur)
    const seen: number[] = start === undefined ? [] : [start]
    while (i < events.length && (events[i].t < end || (c === plotW - 1 && events[i].t <= to))) {
      cur = events[i].brightness
      seen.push(level(cur))
      i++
    }
    if (seen.length === 0) continue
    const last = seen[seen.length - 1]
    const lo = Math.min(...seen)
    const hi = Math.max(...seen)
    if (lo === hi) { put(c, lo, '-'); continue }
    for (let l = lo + 1; l < hi; l++) put(c, l, '|')
    for (const l of [lo, hi, seen[0], last]) put(c, l, '+')
  }

  // x axis: tick labels written into the axis line at their column, as in the kernel's diagrams.
  const axis = Array<string>(plotW).fill('-')
  const colOf = (t: number): number => Math.round((t - from) / scale)
  for (const step of niceSteps((to - from) / 12)) {
    const ticks = ticksOf(from, to, step)
    const labels = ticks.map(t => formatMs(t, step))
    const cols = ticks.map(colOf)
    const longest = Math.max(0, ...labels.map(l => l.length))
    let fits = ticks.length <= 8
    for (let k = 1; fits && k < ticks.length; k++) {
      if (cols[k] - cols[k - 1] < longest + 3) fits = false
    }
    if (!fits && ticks.length > 1) continue
    ticks.forEach((_, k) => {
      if (cols[k] + labels[k].length > plotW) return // would run into the arrow
      for (let j = 0; j < labels[k].length; j++) axis[cols[k] + j] = labels[k][j]
    })
    break
  }

  const pad = ' '.repeat(lw)
  const lines = [`LED brightness: ${printable(name)}`, `${pad} ^`]
  for (let r = 0; r < H; r++) {
    const label = r === 0 ? top.padStart(lw) + '-|' : r === H - 1 ? '0'.padStart(lw) + '-|' : pad + ' |'
    lines.push((label + grid[r].join('')).replace(/ +$/, ''))
  }
  lines.push(`${pad} +${axis.join('')}${X_SUFFIX}`)
  return lines
}

/**
 * An ASCII chart of brightness over time: of `opts.led`, or one chart per LED
 * (each titled with its name, all over the same time range). Returns the
 * text, ending with a newline.
 */
export function renderAscii (events: TimelineEvent[], opts: PlotOptions = {}): string {
  const width = opts.width ?? DEFAULT_WIDTH
  const height = opts.height ?? DEFAULT_HEIGHT
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`plot: width must be a positive integer (got ${width})`)
  if (!Number.isInteger(height) || height < 2) throw new RangeError(`plot: height must be an integer of at least 2 (got ${height})`)
  const all = sortedEvents(events)
  const names = opts.led !== undefined ? [opts.led] : ledNames(all)
  if (names.length === 0) return 'no events\n'
  const { from, to } = timeRange(opts.led !== undefined ? all.filter(e => e.led === opts.led) : all, opts)
  const per = names.map(name => all.filter(e => e.led === name))
  const maxes = per.map(mine => maxOf(mine, opts.maxBrightness))
  // One label width for all charts, so their time axes line up.
  const labelWidth = Math.max(...maxes.map(m => maxLabel(m).length))
  const charts = names.map((name, k) => per[k].length === 0
    ? `LED brightness: ${printable(name)}\n(no events)\n`
    : chart(name, per[k], from, to, width, height, maxes[k], labelWidth).join('\n') + '\n')
  return charts.join('\n')
}
