import type { LedPattern } from '../led/led-core'
import type { LedClassdev } from '../led/led-core'

/**
 * The ops a backend provides to an LED, after struct led_classdev's
 * callbacks: brightness_set is required; pattern_set and pattern_clear go
 * together and make the pattern trigger offer `hw_pattern`.
 */
export interface LedDriver {
  /** Short name of the backend kind, e.g. "memory". */
  readonly kind: string
  brightnessSet (led: LedClassdev, value: number): void
  /** Read back the hardware brightness (led_update_brightness); optional. */
  brightnessGet? (led: LedClassdev): number
  /** May rewrite the tuples (as a driver aligns durations); throws a KernelError to refuse. */
  patternSet? (led: LedClassdev, pattern: LedPattern[], repeat: number): void
  patternClear? (led: LedClassdev): void
  /** The backend's own state for people and tests to look at (registers, target, errors). */
  inspect? (): Record<string, unknown>
  /** Release what the backend holds (restore a real LED, close files). */
  dispose? (): void
}
