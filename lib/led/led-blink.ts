import { KernelError } from '../abi/errno'
import { KernelTimer } from '../kernel-time/timer-wheel'
import type { BlinkDelays } from '../drivers/driver'
import type { LedClassdev } from './led-core'

export type { BlinkDelays }

/** LED_OFF / LED_FULL of enum led_brightness. */
export const LED_OFF = 0
export const LED_FULL = 255

/** 1 Hz: what the core blinks at when asked to blink with both delays 0. */
export const DEFAULT_BLINK_MS = 500n

/** The two blink delays as a caller hands them over (the kernel passes pointers the core may rewrite). */
const ULONG_MASK = 0xffffffffffffffffn

/**
 * The deferred brightness work (set_brightness_work): what cannot be done
 * where led_set_brightness() was called runs a little later in process
 * context. Scheduling while pending does not queue it twice; the value set
 * last wins.
 */
export class BrightnessWork {
  pending = false
  /** delayed_set_value. */
  value = 0
  private handle: { id: number } | undefined

  constructor (private readonly led: LedClassdev) {}

  /** schedule_work(): the worker runs as soon as the current operation is over. */
  schedule (): void {
    if (this.pending) return
    this.pending = true
    const clock = this.led.wheel.clock
    this.handle = clock.schedule(clock.now(), () => this.run())
  }

  /** flush_work(): run it now if it is queued. */
  flush (): void {
    if (this.pending) this.run()
  }

  /** cancel_work_sync(): drop it if it has not run. */
  cancel (): void {
    if (!this.pending) return
    this.pending = false
    if (this.handle !== undefined) this.led.wheel.clock.cancel(this.handle)
    this.handle = undefined
  }

  /** set_brightness_delayed(). */
  private run (): void {
    this.cancel()
    const blink = this.led.blink
    if (blink.disable) {
      blink.disable = false
      this.value = LED_OFF
      ledStopSoftwareBlink(this.led)
    }
    this.led.driver.brightnessSet(this.led, this.value)
  }
}

/**
 * The blink part of struct led_classdev: the delays the timer and oneshot
 * triggers show, the brightness a blink lights the LED with, the work_flags
 * bits about blinking, the blink timer, and the deferred brightness work.
 * It lives on the class device, not on a trigger, so it outlasts triggers
 * as the kernel's does (the blink brightness carries over from one to the next).
 */
export class LedBlinkState {
  /** blink_delay_on / blink_delay_off (unsigned long ms). */
  delayOn = 0n
  delayOff = 0n
  /** The brightness an "on" phase lights; set from the LED's brightness when a blink starts. */
  blinkBrightness = 0
  /** A brightness written while blinking, taken at the next "on" phase (unsigned int, not yet clamped). */
  newBlinkBrightness = 0
  /** LED_BLINK_SW: the core's timer (or a trigger like heartbeat) is blinking the LED. */
  sw = false
  /** LED_BLINK_ONESHOT / LED_BLINK_ONESHOT_STOP / LED_BLINK_INVERT. */
  oneshot = false
  oneshotStop = false
  invert = false
  /** LED_BLINK_BRIGHTNESS_CHANGE: newBlinkBrightness waits for the next "on" phase. */
  brightnessChange = false
  /** LED_BLINK_DISABLE: the brightness work must stop the software blink first. */
  disable = false
  readonly timer: KernelTimer
  readonly work: BrightnessWork

  constructor (led: LedClassdev) {
    this.timer = new KernelTimer(() => blinkTimerFunction(led))
    this.work = new BrightnessWork(led)
  }
}

/** led_timer_function(): one phase of a software blink. */
function blinkTimerFunction (led: LedClassdev): void {
  const b = led.blink
  if (b.delayOn === 0n || b.delayOff === 0n) {
    led.setBrightness(LED_OFF)
    b.sw = false
    return
  }
  if (b.oneshotStop) {
    b.oneshotStop = false
    b.sw = false
    return
  }
  let brightness = led.brightness
  let delay: bigint
  if (brightness === 0) {
    if (b.brightnessChange) {
      b.brightnessChange = false
      brightness = b.newBlinkBrightness
    } else {
      brightness = b.blinkBrightness
    }
    delay = b.delayOn
  } else {
    // Remember what was on, to light it again after the "off" phase.
    b.blinkBrightness = brightness
    brightness = LED_OFF
    delay = b.delayOff
  }
  led.setBrightness(brightness)
  // A oneshot stops after the phase that ends the shot: off, or on when inverted.
  if (b.oneshot && (b.invert ? brightness !== 0 : brightness === 0)) b.oneshotStop = true
  armBlinkTimer(led, delay)
}

/** mod_timer(jiffies + msecs_to_jiffies(delay)): the delay is cut to an unsigned int first. */
function armBlinkTimer (led: LedClassdev, delayMs: bigint): void {
  const wheel = led.wheel
  wheel.modTimer(led.blink.timer, wheel.jiffies + wheel.msToJiffies(Number(delayMs & 0xffffffffn)))
}

/** led_set_software_blink(). */
function setSoftwareBlink (led: LedClassdev, delayOn: bigint, delayOff: bigint): void {
  const b = led.blink
  if (led.brightness !== 0) b.blinkBrightness = led.brightness
  if (b.blinkBrightness === 0) b.blinkBrightness = led.maxBrightness
  b.delayOn = delayOn & ULONG_MASK
  b.delayOff = delayOff & ULONG_MASK
  if (b.delayOn === 0n) {
    // Never on: just off.
    led.setBrightness(LED_OFF)
    return
  }
  if (b.delayOff === 0n) {
    // Never off: just on.
    led.setBrightness(b.blinkBrightness)
    return
  }
  b.sw = true
  const wheel = led.wheel
  wheel.modTimer(b.timer, wheel.jiffies + 1)
}

/**
 * led_blink_setup(): offer the blink to the hardware (not a oneshot), else
 * blink in software; both 0 means 1 Hz. The delays are rewritten in place.
 */
function blinkSetup (led: LedClassdev, delays: BlinkDelays): void {
  const drv = led.driver
  if (!led.blink.oneshot && drv.blinkSet !== undefined) {
    try {
      drv.blinkSet(led, delays)
      return
    } catch (e) {
      // A driver that cannot do these delays leaves it to the software blink.
      if (!(e instanceof KernelError)) throw e
    }
  }
  if (delays.on === 0n && delays.off === 0n) delays.on = delays.off = DEFAULT_BLINK_MS
  setSoftwareBlink(led, delays.on, delays.off)
}

/** led_blink_set(): (re)start a blink; `delays` may come back changed (1 Hz default, hardware rounding). */
export function ledBlinkSet (led: LedClassdev, delays: BlinkDelays): void {
  const b = led.blink
  led.wheel.delTimer(b.timer)
  b.sw = false
  b.oneshot = false
  b.oneshotStop = false
  blinkSetup(led, delays)
}

/**
 * led_blink_set_oneshot(): one on/off blink (off/on when inverted), always
 * in software. Ignored while a oneshot is still running.
 */
export function ledBlinkSetOneshot (led: LedClassdev, delays: BlinkDelays, invert: boolean): void {
  const b = led.blink
  if (b.oneshot && b.timer.pending) return
  b.oneshot = true
  b.oneshotStop = false
  b.invert = invert
  blinkSetup(led, delays)
}

/** led_stop_software_blink(): the timer stops and both delays read 0. */
export function ledStopSoftwareBlink (led: LedClassdev): void {
  const b = led.blink
  led.wheel.delTimer(b.timer)
  b.delayOn = 0n
  b.delayOff = 0n
  b.sw = false
}

/**
 * led_set_brightness(): while a software blink runs, a non-zero value only
 * becomes the next "on" phase's brightness, and 0 stops the blink through
 * the brightness work; otherwise the value is set at once.
 */
export function ledSetBrightness (led: LedClassdev, value: number): void {
  const b = led.blink
  const v = value >>> 0
  if (b.sw) {
    if (v === 0) {
      b.disable = true
      b.work.schedule()
    } else {
      b.brightnessChange = true
      b.newBlinkBrightness = v
    }
    return
  }
  led.setBrightness(v)
}

/** flush_work(&set_brightness_work). */
export function flushBrightnessWork (led: LedClassdev): void {
  led.blink.work.flush()
}

/** cancel_work_sync(&set_brightness_work). */
export function cancelBrightnessWork (led: LedClassdev): void {
  led.blink.work.cancel()
}

/**
 * How a trigger that times the LED's phases itself (heartbeat, activity)
 * starts: the blink brightness, if never set, becomes max_brightness, the
 * first phase is set, and from then on the LED counts as software-blinking,
 * so a brightness write only changes the next lit phase.
 */
export function startTriggerBlink (led: LedClassdev, firstPhase: () => void): void {
  if (led.blink.blinkBrightness === 0) led.blink.blinkBrightness = led.maxBrightness
  firstPhase()
  led.blink.sw = true
}

/** The end of such a trigger: its timer stops and the LED is no longer software-blinking. */
export function stopTriggerBlink (led: LedClassdev, timer: KernelTimer): void {
  led.wheel.delTimer(timer)
  led.blink.sw = false
}
