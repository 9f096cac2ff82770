import type { LedDriver } from '../drivers/driver'
import type { TimerWheel } from '../kernel-time/timer-wheel'
import type { KernelProfile } from '../profiles'
import type { SysfsNode } from '../sysfs/nodes'
import { LedBlinkState } from './led-blink'
import type { LedTrigger } from './led-triggers'

/** One (brightness, duration) tuple of a pattern, as struct led_pattern holds it. */
export interface LedPattern {
  /** Signed 32-bit in the kernel's struct; the 6.1 parser only lets 0..max through. */
  brightness: number
  /** Unsigned 32-bit milliseconds. */
  deltaT: number
}

export interface LedOptions {
  name: string
  maxBrightness: number
  driver: LedDriver
  /** Trigger to select when the LED is registered (the linux,default-trigger property). */
  defaultTrigger?: string
  /** Tuples applied when the pattern trigger is first activated (the led-pattern property). */
  defaultPattern?: number[]
}

export type BrightnessListener = (led: LedClassdev, value: number, time: number) => void

/**
 * The LED class device: state and the brightness path of led-core.c. The
 * files it shows live in led-class.ts, trigger bookkeeping in led-triggers.ts.
 */
export class LedClassdev {
  readonly name: string
  readonly maxBrightness: number
  readonly driver: LedDriver
  readonly defaultTrigger: string | undefined
  readonly defaultPattern: number[] | undefined
  brightness = 0
  trigger: LedTrigger | null = null
  /** Per-trigger state, owned by the active trigger. */
  triggerData: unknown = null
  /** Files the active trigger added to the device directory. */
  triggerNodes: SysfsNode[] = []
  /** LED_INIT_DEFAULT_TRIGGER: the default pattern has not been applied yet. */
  initDefaultTrigger = false
  /** Blink delays, blink brightness and flags, blink timer, deferred brightness work (led-blink.ts). */
  readonly blink: LedBlinkState = new LedBlinkState(this)

  constructor (opts: LedOptions, readonly wheel: TimerWheel, readonly profile: KernelProfile, private readonly listener?: BrightnessListener) {
    this.name = opts.name
    this.maxBrightness = opts.maxBrightness
    this.driver = opts.driver
    this.defaultTrigger = opts.defaultTrigger
    this.defaultPattern = opts.defaultPattern
  }

  /**
   * led_set_brightness_nosleep(): the value is taken as an unsigned int and
   * clamped to max_brightness, then handed to the driver, or to the
   * brightness work when the driver may sleep. It bypasses a running
   * software blink (led_set_brightness() is ledSetBrightness in led-blink.ts).
   * Changes are reported to the listener (the timeline) with the time of the event.
   */
  setBrightness (value: number): void {
    const v = Math.min(value >>> 0, this.maxBrightness)
    const old = this.brightness
    this.brightness = v
    if (this.driver.blocking === true) {
      this.blink.work.value = v
      this.blink.work.schedule()
    } else {
      this.driver.brightnessSet(this, v)
    }
    if (v !== old) this.listener?.(this, v, this.wheel.now())
  }

  /** Record a brightness the hardware reached by itself (a hardware pattern's waveform). */
  reportHardwareBrightness (value: number, time: number): void {
    if (value === this.brightness) return
    this.brightness = value
    this.listener?.(this, value, time)
  }

  /** led_update_brightness(): ask the driver when it can tell. */
  updateBrightness (): number {
    if (this.driver.brightnessGet !== undefined) this.brightness = this.driver.brightnessGet(this)
    return this.brightness
  }

  get hasHwPattern (): boolean {
    return this.driver.patternSet !== undefined && this.driver.patternClear !== undefined
  }
}
