import type { LedClassdev } from '../led/led-core'
import type { LedTrigger } from '../led/led-triggers'

/** LED_FULL: what an event trigger reports for "on". */
export const LED_FULL = 255

/**
 * A trigger driven by events from elsewhere in the kernel (keyboard lock
 * state, disk activity, CPU activity, panic): it has no files and no timer.
 * Selecting it sets the LED to the trigger's last event brightness;
 * event() sets every LED on the trigger (led_trigger_event). None of their
 * events happen in an emulated machine: the keyboard locks stay off, no disk
 * is busy, no panic.
 */
export class SimpleTrigger implements LedTrigger {
  private readonly leds = new Set<LedClassdev>()
  constructor (readonly name: string, private brightness = 0) {}

  activate (led: LedClassdev): void {
    this.leds.add(led)
    led.setBrightness(this.brightness)
  }

  deactivate (led: LedClassdev): void {
    this.leds.delete(led)
  }

  event (brightness: number): void {
    this.brightness = brightness
    for (const led of this.leds) led.setBrightness(brightness)
  }
}
