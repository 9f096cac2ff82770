import type { ClockHandle } from '../clock/clock'
import type { LedHost } from './driver'

/**
 * Helpers for a mock of LED hardware that changes its light by itself (a
 * breathing or blinking controller): a periodic waveform made of linear
 * stages, and a sampler that puts its levels on the LED's timeline.
 */

/** One stage of a cycle: a linear move from `from` to `to` over `ms` (flat when they are equal). */
export interface Stage {
  ms: number
  from: number
  to: number
}

/** A light that changes by itself over time. */
export interface Waveform {
  /** The level at `time` (ms on the LED's clock). */
  levelAt (time: number): number
  /** The next time after `time` at which the level may differ; undefined if it never changes. */
  nextChangeAfter (time: number): number | undefined
}

/**
 * A cycle of stages repeating from `start`. A stage of zero length is
 * skipped; a ramp's level is rounded to the nearest integer.
 */
export class StageCycle {
  readonly period: number

  constructor (readonly stages: readonly Stage[], readonly start: number) {
    this.period = stages.reduce((sum, s) => sum + s.ms, 0)
  }

  /** The level at `time`; a cycle of zero length has none (the caller decides what it shows). */
  levelAt (time: number): number {
    if (this.period === 0) throw new RangeError('a cycle of zero length has no level')
    let x = (time - this.start) % this.period
    for (const s of this.stages) {
      if (x < s.ms) return s.from === s.to ? s.from : Math.round((s.from * (s.ms - x) + s.to * x) / s.ms)
      x -= s.ms
    }
    return this.stages[this.stages.length - 1].to
  }

  /**
   * When the level can next change after `time`: inside a ramp, the next
   * point of a `sampleMs` grid counted from the start (or the ramp's end,
   * if sooner); inside a flat stage, its end. Nothing changes in a cycle of
   * zero length.
   */
  nextSampleAfter (time: number, sampleMs: number): number | undefined {
    if (this.period === 0) return undefined
    const gridNext = this.start + (Math.floor((time - this.start) / sampleMs) + 1) * sampleMs
    const cycleStart = this.start + Math.floor((time - this.start) / this.period) * this.period
    let end = cycleStart
    for (const s of this.stages) {
      end += s.ms
      if (time < end) return s.from === s.to ? end : Math.min(gridNext, end)
    }
    return gridNext
  }
}

/**
 * Samples a waveform while it runs and records each level on the LED's
 * timeline (which keeps only changes). A late real-time wake-up skips the
 * samples it missed rather than replaying them.
 */
export class WaveformSampler {
  private handle: ClockHandle | undefined
  private host: LedHost | undefined

  constructor (private readonly wave: Waveform) {}

  get running (): boolean {
    return this.handle !== undefined
  }

  /** Sample from `after` on (the first sample is the waveform's next change after it). */
  start (host: LedHost, after: number): void {
    this.stop()
    this.host = host
    const at = this.wave.nextChangeAfter(Math.max(after, host.clock.now()))
    if (at === undefined) return
    this.handle = host.clock.schedule(at, () => {
      this.handle = undefined
      host.recordLevel(this.wave.levelAt(at), at)
      this.start(host, at)
    })
  }

  stop (): void {
    if (this.handle === undefined) return
    this.host?.clock.cancel(this.handle)
    this.handle = undefined
  }
}
