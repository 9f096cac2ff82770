import type { Clock } from '../clock/clock'
import type { LedDriver, LedHost } from '../drivers/driver'
import type { TimerWheel } from '../kernel-time/timer-wheel'
import type { KernelProfile } from '../profiles'
import type { SysfsNode } from '../sysfs/nodes'
import { LedBlinkState } from './led-blink'
import type { LedTrigger } from './led-triggers'

export interface LedOptions {
  name: string
  maxBrightness: number
  driver: LedDriver
  /** Trigger to select when the LED is registered (the linux,default-trigger property). */
  defaultTrigger?: string
  /** Tuples applied when the pattern trigger is first activated (the led-pattern property). */
  defaultPattern?: number[]
}

/** A change of the light: its level and, for a multicolor LED, each channel's. */
export type BrightnessListener = (led: LedClassdev, value: number, time: number, channels?: readonly number[]) => void

/**
 * The LED class device: state and the brightness path of led-core.c. The
 * files it shows live in led-class.ts, trigger bookkeeping in led-triggers.ts.
 * Its driver sees it through the LedHost interface.
 */
export class LedClassdev implements LedHost {
  readonly name: string
  readonly maxBrightness: number
  readonly driver: LedDriver
  readonly defaultTrigger: string | undefined
  readonly defaultPattern: number[] | undefined
  /** led_cdev->brightness: what the brightness file shows. */
  brightness = 0
  /** The level last put on the timeline: what the light does, which a hardware pattern moves by itself. */
  private recorded = 0
  /** The channel levels last put on the timeline (multicolor LEDs), as text. */
  private recordedChannels: string | undefined
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
   * brightness work when the driver may sleep; the light now shows it, which
   * the timeline records if it is a change. It bypasses a running software
   * blink (led_set_brightness() is ledSetBrightness in led-blink.ts).
   */
  setBrightness (value: number): void {
    const v = Math.min(value >>> 0, this.maxBrightness)
    this.brightness = v
    if (this.driver.blocking === true) {
      this.blink.work.value = v
      this.blink.work.schedule()
    } else {
      this.driver.brightnessSet(this, v)
    }
    this.recordLevel(v, this.wheel.now())
  }

  recordLevel (value: number, time: number): void {
    const ch = this.driver.channels
    if (ch === undefined) {
      if (value === this.recorded) return
      this.recorded = value
      this.listener?.(this, value, time)
      return
    }
    // A multicolor LED changes when any channel does (an intensity write at the same brightness).
    const levels = ch.levels(value, this.maxBrightness)
    const key = levels.join(' ')
    if (value === this.recorded && key === this.recordedChannels) return
    this.recorded = value
    this.recordedChannels = key
    this.listener?.(this, value, time, levels)
  }

  /** The level last put on the timeline. */
  get recordedLevel (): number {
    return this.recorded
  }

  now (): number {
    return this.wheel.now()
  }

  get clock (): Clock {
    return this.wheel.clock
  }

  get hasHwPattern (): boolean {
    return this.driver.patternSet !== undefined && this.driver.patternClear !== undefined
  }
}
