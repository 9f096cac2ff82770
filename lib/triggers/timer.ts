import { ledBlinkSet, ledSetBrightness, LED_OFF, type BlinkDelays } from '../led/led-blink'
import type { LedClassdev } from '../led/led-core'
import type { LedTrigger } from '../led/led-triggers'
import type { SysfsNode } from '../sysfs/nodes'
import { defaultDelays, delayAttr } from './blink-files'

/**
 * The `timer` trigger (ledtrig-timer.c): a blink run by the LED core (or
 * offloaded to the driver's blink_set), with its delays in delay_on and
 * delay_off. Every accepted write restarts the blink from the "on" phase.
 */
export class TimerTrigger implements LedTrigger {
  readonly name = 'timer'

  constructor (private readonly warn: (led: LedClassdev, msg: string) => void = () => {}) {}

  /** led_blink_set() on the class device's own delays, as the trigger passes pointers to them. */
  private blink (led: LedClassdev, delays: BlinkDelays): void {
    ledBlinkSet(led, delays)
    led.blink.delayOn = delays.on
    led.blink.delayOff = delays.off
  }

  activate (led: LedClassdev): void {
    if (led.initDefaultTrigger) {
      // Done once, even when the property is malformed: it would fail the same way again.
      led.initDefaultTrigger = false
      const d = defaultDelays(led, this.warn)
      if (d !== undefined) {
        led.blink.delayOn = d.on
        led.blink.delayOff = d.off
      }
    }
    this.blink(led, { on: led.blink.delayOn, off: led.blink.delayOff })
  }

  deactivate (led: LedClassdev): void {
    ledSetBrightness(led, LED_OFF)
  }

  attributes (led: LedClassdev): SysfsNode[] {
    return [
      delayAttr(led, 'on', 10, (v) => this.blink(led, { on: v, off: led.blink.delayOff })),
      delayAttr(led, 'off', 10, (v) => this.blink(led, { on: led.blink.delayOn, off: v }))
    ]
  }
}
