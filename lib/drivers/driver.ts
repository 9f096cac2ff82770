import type { BlinkDelays } from '../led/led-blink'
import type { LedPattern } from '../led/led-core'
import type { LedClassdev } from '../led/led-core'

/**
 * The ops a backend provides to an LED, after struct led_classdev's
 * callbacks: brightness_set is required; blink_set offloads blinking;
 * pattern_set and pattern_clear go together and make the pattern trigger
 * offer `hw_pattern`.
 */
export interface LedDriver {
  /** Short name of the backend kind, e.g. "memory". */
  readonly kind: string
  brightnessSet (led: LedClassdev, value: number): void
  /**
   * brightnessSet may sleep (brightness_set_blocking rather than
   * brightness_set): the core never calls it from a timer but through the
   * deferred brightness work.
   */
  readonly blocking?: boolean
  /**
   * blink_set: blink in hardware. May rewrite the delays (both 0 means "pick
   * a rate"; a driver rounds to what it can do); throws a KernelError when it
   * cannot, and the core blinks in software instead. Any brightnessSet ends it.
   */
  blinkSet? (led: LedClassdev, delays: BlinkDelays): void
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
