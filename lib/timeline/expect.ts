import type { TimelineEvent } from './timeline'

export interface TimelineDiff {
  ok: boolean
  /** Human-readable lines, one per difference. */
  lines: string[]
}

/**
 * Compare a recorded timeline with an expected one, LED by LED: the
 * brightness sequences must be equal (and, where an expected event gives
 * "channels", a multicolor LED's channel levels too), and each event's time, measured from
 * that LED's first event, must be within `toleranceMs` of the expected one
 * (0 for a virtual clock, where times are exact).
 */
export function compareTimelines (expected: TimelineEvent[], actual: TimelineEvent[], toleranceMs: number): TimelineDiff {
  const lines: string[] = []
  const leds = [...new Set([...expected.map(e => e.led), ...actual.map(e => e.led)])].sort()
  for (const led of leds) {
    const exp = expected.filter(e => e.led === led)
    const act = actual.filter(e => e.led === led)
    const n = Math.max(exp.length, act.length)
    const t0e = exp[0]?.t ?? 0
    const t0a = act[0]?.t ?? 0
    for (let i = 0; i < n; i++) {
      const e = exp[i]
      const a = act[i]
      const fmt = (x: TimelineEvent | undefined, t0: number): string => x === undefined ? '(nothing)' : `${x.brightness}${x.channels !== undefined && e?.channels !== undefined ? ` (channels ${x.channels.join(' ')})` : ''} at +${round(x.t - t0)} ms`
      const channelsDiffer = e?.channels !== undefined && (a?.channels ?? []).join(' ') !== e.channels.join(' ')
      if (e === undefined || a === undefined || e.brightness !== a.brightness || channelsDiffer) {
        lines.push(`${led} #${i + 1}: expected ${fmt(e, t0e)}, got ${fmt(a, t0a)}`)
        if (e === undefined || a === undefined) continue
        continue
      }
      const de = e.t - t0e
      const da = a.t - t0a
      if (Math.abs(de - da) > toleranceMs + 1e-9) lines.push(`${led} #${i + 1}: brightness ${e.brightness} expected at +${round(de)} ms, came at +${round(da)} ms (tolerance ${toleranceMs} ms)`)
    }
  }
  return { ok: lines.length === 0, lines }
}

function round (x: number): number {
  return Math.round(x * 1000) / 1000
}
