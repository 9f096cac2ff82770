/**
 * A source of time and wake-ups. Times are milliseconds on the clock's own
 * monotonic axis (0 = when the clock was made). The engine never reads the
 * wall clock directly, so the same code runs in real time and in virtual time.
 */
export interface Clock {
  /** Current time in ms. */
  now (): number
  /** Call `fn` once the clock reaches `at` (ms). Returns a handle for cancel(). */
  schedule (at: number, fn: () => void): ClockHandle
  cancel (handle: ClockHandle): void
  /** Drop every pending wake-up (at shutdown, so nothing runs after and the process can exit). */
  dispose (): void
  /**
   * Move time on by `ms`, running what falls due; only a clock whose time
   * moves when told (virtual) has it. Returns the wake-ups run.
   */
  advance? (ms: number): number
  readonly kind: 'real' | 'virtual'
}

export interface ClockHandle { readonly id: number }
