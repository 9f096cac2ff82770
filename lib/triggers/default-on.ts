import type { LedClassdev } from '../led/led-core'
import type { LedTrigger } from '../led/led-triggers'

/**
 * The `default-on` trigger (ledtrig-default-on.c): selecting it sets the
 * LED to max_brightness, past any blink; it has no files and nothing to undo.
 */
export class DefaultOnTrigger implements LedTrigger {
  readonly name = 'default-on'

  activate (led: LedClassdev): void {
    led.setBrightness(led.maxBrightness)
  }

  deactivate (_led: LedClassdev): void {}
}
