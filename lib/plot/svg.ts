import type { TimelineEvent } from '../timeline/timeline'
import { formatMs, ledNames, maxOf, niceSteps, sortedEvents, ticksOf, timeRange, type ChartSelection } from './axis'

/**
 * A standalone SVG chart of a brightness timeline: every LED (or the one
 * chosen) drawn as one step-function <path> over the same axes, each in its
 * own colour, named by a <title> inside the path and by a legend entry.
 */

export interface SvgOptions extends ChartSelection {
  /** Document width in px (default 800). */
  width?: number
  /** Document height in px (default 360, plus 18 per legend line). */
  height?: number
  /**
   * Brightness at the top of the y axis. By default each LED's largest value
   * (at least 1); if those differ, each LED is drawn against its own and the
   * axis is in percent.
   */
  maxBrightness?: number
}

/** Escape text for XML content and attribute values. */
export function xmlEscape (s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Characters XML 1.0 does not allow at all (e.g. from a hand-edited trace).
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '\ufffd')
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f']

/** A distinct stroke colour for the i-th LED. */
export function ledColour (i: number): string {
  if (i < PALETTE.length) return PALETTE[i]
  const hue = Math.round(((i - PALETTE.length) * 137.508 + 20) % 360)
  return `hsl(${hue}, 65%, 40%)`
}

/** A number with at most two decimals and no "-0". */
function n (x: number): string {
  const r = Math.round(x * 100) / 100
  return String(r === 0 ? 0 : r)
}

/** The SVG document (XML declaration included), ending with a newline. */
export function renderSvg (events: TimelineEvent[], opts: SvgOptions = {}): string {
  const all = sortedEvents(events)
  const names = opts.led !== undefined ? [opts.led] : ledNames(all)
  const mine = opts.led !== undefined ? all.filter(e => e.led === opts.led) : all
  const { from, to } = timeRange(mine, opts)
  // One brightness scale if the LEDs share a top value (or --max gives one);
  // otherwise each LED is drawn against its own top, in percent.
  const maxes = names.map(name => maxOf(mine.filter(e => e.led === name), opts.maxBrightness))
  const shared = maxes.every(m => m === maxes[0])
  const max = shared ? (maxes[0] ?? 1) : 100

  const W = opts.width ?? 800
  const legendH = 18 * names.length
  const H = opts.height ?? 360 + legendH
  if (!(Number.isFinite(W) && W > 0 && Number.isFinite(H) && H > 0)) throw new RangeError('plot: SVG width and height must be positive numbers')
  const left = 60
  const right = 20
  const top = 20
  const bottom = 50 + legendH
  const pw = Math.max(W - left - right, 50)
  const ph = Math.max(H - top - bottom, 50)
  const x = (t: number): number => left + (t - from) / (to - from) * pw
  const y = (v: number, ledMax = max): number => top + ph - Math.min(Math.max(v / ledMax, 0), 1) * ph

  const out: string[] = []
  out.push('<?xml version="1.0" encoding="UTF-8" standalone="no"?>')
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${n(W)}" height="${n(H)}" viewBox="0 0 ${n(W)} ${n(H)}" font-family="sans-serif" font-size="12">`)
  out.push(`<title>LED brightness, ${n(from)} to ${n(to)} ms</title>`)
  out.push('<rect x="0" y="0" width="100%" height="100%" fill="white"/>')

  // Axes, grid and tick labels.
  // (Lines, not paths: the only <path> elements are the LEDs' curves.)
  out.push('<g class="axes" stroke="#444" stroke-width="1">')
  out.push(`<line x1="${n(left)}" y1="${n(top)}" x2="${n(left)}" y2="${n(top + ph)}"/>`)
  out.push(`<line x1="${n(left)}" y1="${n(top + ph)}" x2="${n(left + pw)}" y2="${n(top + ph)}"/>`)
  out.push('</g>')
  const step = niceSteps((to - from) / 10).find(s => ticksOf(from, to, s).length <= 10) ?? (to - from)
  const xt = ticksOf(from, to, step)
  const yt = [0, 0.25, 0.5, 0.75, 1].map(f => Number.isInteger(max) && max >= 4 ? Math.round(f * max) : Math.round(f * max * 1000) / 1000)
  out.push('<g class="grid" stroke="#ddd" stroke-width="1">')
  for (const t of xt) out.push(`<line x1="${n(x(t))}" y1="${n(top)}" x2="${n(x(t))}" y2="${n(top + ph)}"/>`)
  for (const v of yt) out.push(`<line x1="${n(left)}" y1="${n(y(v))}" x2="${n(left + pw)}" y2="${n(y(v))}"/>`)
  out.push('</g>')
  out.push('<g class="ticks" fill="#222">')
  for (const t of xt) out.push(`<text x="${n(x(t))}" y="${n(top + ph + 16)}" text-anchor="middle">${xmlEscape(formatMs(t, step))}</text>`)
  for (const v of yt) out.push(`<text x="${n(left - 6)}" y="${n(y(v) + 4)}" text-anchor="end">${xmlEscape(String(v))}${shared ? '' : '%'}</text>`)
  out.push(`<text x="${n(left + pw / 2)}" y="${n(top + ph + 34)}" text-anchor="middle">time (ms)</text>`)
  out.push(`<text x="14" y="${n(top + ph / 2)}" text-anchor="middle" transform="rotate(-90 14 ${n(top + ph / 2)})">${shared ? 'brightness' : 'brightness (% of max)'}</text>`)
  out.push('</g>')

  // One step-function path per LED.
  out.push('<g class="leds" fill="none" stroke-width="1.5" stroke-linejoin="miter">')
  names.forEach((name, i) => {
    const evs = all.filter(e => e.led === name)
    const yl = (v: number): number => y(v, shared ? max : maxes[i])
    let d = ''
    let cur: number | undefined
    let k = 0
    for (; k < evs.length && evs[k].t <= from; k++) cur = evs[k].brightness
    if (cur !== undefined) d = `M${n(x(from))} ${n(yl(cur))}`
    for (; k < evs.length && evs[k].t <= to; k++) {
      const e = evs[k]
      if (cur === undefined) d = `M${n(x(e.t))} ${n(yl(e.brightness))}`
      else d += ` H${n(x(e.t))} V${n(yl(e.brightness))}`
      cur = e.brightness
    }
    if (cur !== undefined) d += ` H${n(x(to))}`
    else d = `M${n(x(from))} ${n(yl(0))}` // no value in the range: an empty path
    out.push(`<path class="led" data-led="${xmlEscape(name)}" stroke="${ledColour(i)}" d="${d}"><title>${xmlEscape(name)}</title></path>`)
  })
  out.push('</g>')

  // A multicolor LED also gets a strip along the top of the plot in the light's
  // colour over time: channels 1-3 taken as red, green and blue, scaled to its top level.
  out.push('<g class="colours" stroke="none">')
  names.forEach((name, i) => {
    const evs = all.filter(e => e.led === name && e.channels !== undefined && e.t <= to)
    if (evs.length === 0) return
    const top3 = Math.max(1, ...evs.flatMap(e => (e.channels ?? []).slice(0, 3)))
    const fill = (ch: number[]): string => `rgb(${[0, 1, 2].map(k => Math.round(Math.min((ch[k] ?? 0) / top3, 1) * 255)).join(',')})`
    evs.forEach((e, k) => {
      const x0 = x(Math.max(e.t, from))
      const x1 = x(Math.min(evs[k + 1]?.t ?? to, to))
      if (x1 <= x0) return
      out.push(`<rect class="colour" data-led="${xmlEscape(name)}" x="${n(x0)}" y="${n(top + 6 * i)}" width="${n(x1 - x0)}" height="5" fill="${fill(e.channels ?? [])}"/>`)
    })
  })
  out.push('</g>')

  // Legend, one line per LED, under the time axis label.
  out.push('<g class="legend" fill="#222">')
  names.forEach((name, i) => {
    const ly = top + ph + 50 + 18 * i
    out.push(`<line x1="${n(left)}" y1="${n(ly - 4)}" x2="${n(left + 24)}" y2="${n(ly - 4)}" stroke="${ledColour(i)}" stroke-width="3"/>`)
    out.push(`<text x="${n(left + 30)}" y="${n(ly)}">${xmlEscape(name)}${shared ? '' : ` (max ${n(maxes[i])})`}</text>`)
  })
  out.push('</g>')
  out.push('</svg>')
  return out.join('\n') + '\n'
}
