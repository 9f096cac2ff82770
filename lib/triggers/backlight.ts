import { KernelError } from '../abi/errno'
import { kstrtoul } from '../abi/kstrtox'
import type { LedClassdev } from '../led/led-core'
import { triggerState, type LedTrigger } from '../led/led-triggers'
import { textAttr, type SysfsNode } from '../sysfs/nodes'

/** Per-LED state of the backlight trigger. */
class BacklightState {
  /** The brightness to come back to on unblank: taken at activation and on each blank. */
  brightness: number
  blanked = false
  invert = false
  constructor (led: LedClassdev) {
    this.brightness = led.brightness
  }
}

/**
 * `backlight`: the LED follows framebuffer blanking (fb notifier). On a
 * blank it saves the brightness and goes off, on an unblank it gets the saved
 * value back; `inverted` swaps the two. Activation sets nothing: the LED
 * keeps the brightness it had. The emulated machine has no framebuffer that
 * blanks unless blank() is called.
 */
export class BacklightTrigger implements LedTrigger {
  readonly name = 'backlight'
  private readonly leds = new Set<LedClassdev>()

  private state (led: LedClassdev): BacklightState {
    return triggerState(led, BacklightState, 'backlight')
  }

  activate (led: LedClassdev): void {
    led.triggerData = new BacklightState(led)
    this.leds.add(led)
  }

  deactivate (led: LedClassdev): void {
    this.leds.delete(led)
  }

  /** A framebuffer blank (true) or unblank (false) event, for every LED on the trigger. */
  blank (blanked: boolean): void {
    for (const led of this.leds) {
      const n = this.state(led)
      if (n.blanked === blanked) continue
      // Going dark (or lighting up, when inverted): save what the LED shows, then off.
      if (!n.blanked !== n.invert) {
        n.brightness = led.brightness
        led.setBrightness(0)
      } else {
        led.setBrightness(n.brightness)
      }
      n.blanked = blanked
    }
  }

  private storeInverted (led: LedClassdev, buf: Buffer): number {
    const v = kstrtoul(buf, 10)
    if (v > 1n) throw new KernelError('EINVAL', 'inverted must be 0 or 1')
    const n = this.state(led)
    n.invert = v === 1n
    // The LED is updated at once to what the current blank state means now.
    led.setBrightness(n.blanked !== n.invert ? 0 : n.brightness)
    return buf.length
  }

  attributes (led: LedClassdev): SysfsNode[] {
    return [
      textAttr('inverted', 0o644, {
        show: () => `${this.state(led).invert ? 1 : 0}\n`,
        store: (b) => this.storeInverted(led, b)
      })
    ]
  }
}
