/**
 * Lateness samples in fixed memory: 10 µs bins from -10 ms to +200 ms
 * (values outside land in the end bins), so a run of hours costs the same
 * as a run of seconds and the histogram does not grow the RSS it measures.
 */
const BIN_MS = 0.01
const MIN_MS = -10
const BINS = Math.round((200 - MIN_MS) / BIN_MS) + 1

export class Histogram {
  private readonly bins = new Uint32Array(BINS)
  count = 0
  max = -Infinity

  record (ms: number): void {
    let i = Math.round((ms - MIN_MS) / BIN_MS)
    if (i < 0) i = 0
    else if (i >= BINS) i = BINS - 1
    this.bins[i]++
    this.count++
    if (ms > this.max) this.max = ms
  }

  reset (): void {
    this.bins.fill(0)
    this.count = 0
    this.max = -Infinity
  }

  /** The p-quantile (0..1), to the bin's 10 µs. */
  quantile (p: number): number {
    if (this.count === 0) return NaN
    const rank = Math.min(this.count - 1, Math.floor(p * this.count))
    let seen = 0
    for (let i = 0; i < BINS; i++) {
      seen += this.bins[i]
      if (seen > rank) return MIN_MS + i * BIN_MS
    }
    return NaN
  }

  summary (): { n: number, median: number, p99: number, max: number } {
    return { n: this.count, median: this.quantile(0.5), p99: this.quantile(0.99), max: this.max }
  }
}
