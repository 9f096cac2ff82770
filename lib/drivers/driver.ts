import type { Clock } from '../clock/clock'
import type { McChannels } from './multicolor'

/** One (brightness, duration) tuple of a pattern, as struct led_pattern holds it. */
export interface LedPattern {
  /** Signed 32-bit in the kernel's struct; the 6.1 parser only lets 0..max through. */
  brightness: number
  /** Unsigned 32-bit milliseconds. */
  deltaT: number
}

/**
 * What a driver may see of the LED it drives and call on it: the part of
 * struct led_classdev the kernel's drivers touch, plus the timeline.
 */
export interface LedHost {
  readonly name: string
  readonly maxBrightness: number
  /**
   * led_cdev->brightness, what the brightness file shows. The core sets it
   * before brightnessSet; a driver may set it itself, as the kernel's do in
   * pattern_set and pattern_clear.
   */
  brightness: number
  /** Time now (ms), as the LED's timers see it. */
  now (): number
  /** The clock the LED runs on, for hardware that keeps time by itself. */
  readonly clock: Clock
  /** Put a level the light reached at `time` on the timeline (only changes are kept). */
  recordLevel (value: number, time: number): void
}

/** blink_set's delays: unsigned longs in ms, which a driver may rewrite to what it can do. */
export interface BlinkDelays {
  /** Milliseconds on. */
  on: bigint
  /** Milliseconds off. */
  off: bigint
}

/**
 * The ops a backend provides to an LED, after struct led_classdev's
 * callbacks: brightness_set is required; blink_set offloads blinking;
 * pattern_set and pattern_clear go together and make the pattern trigger
 * offer `hw_pattern`.
 */
export interface LedDriver {
  /** Short name of the backend kind, e.g. "memory". */
  readonly kind: string
  /** The trigger the driver registers its LED with (led_cdev->default_trigger); a configured one wins. */
  readonly defaultTrigger?: string
  /** A max_brightness the driver fixes (no other may be configured); otherwise the LED's is used. */
  readonly maxBrightness?: number
  brightnessSet (led: LedHost, value: number): void
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
  blinkSet? (led: LedHost, delays: BlinkDelays): void
  /**
   * The channels of a multicolor LED: a driver that has them registers its
   * LED with the multicolor class (multi_index, multi_intensity), and its
   * brightnessSet computes the channel levels from them.
   */
  readonly channels?: McChannels
  /** May rewrite the tuples (as a driver aligns durations); throws a KernelError to refuse. */
  patternSet? (led: LedHost, pattern: LedPattern[], repeat: number): void
  patternClear? (led: LedHost): void
  /** The backend's own state for people and tests to look at (registers, target, errors). */
  inspect? (): Record<string, unknown>
  /** Release what the backend holds (restore a real LED, close files). */
  dispose? (): void
}
