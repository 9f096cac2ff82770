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
  readonly kind: 'real' | 'virtual'
}

export interface ClockHandle { readonly id: number }
