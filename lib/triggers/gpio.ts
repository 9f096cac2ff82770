import { KernelError } from '../abi/errno'
import { kstrtoul } from '../abi/kstrtox'
import { sscanf } from '../abi/scanf'
import type { LedClassdev } from '../led/led-core'
import { triggerState, type LedTrigger } from '../led/led-triggers'
import { textAttr, type SysfsNode } from '../sysfs/nodes'

/** GPIO numbers gpio_is_valid() accepts on x86-64 (ARCH_NR_GPIOS). */
export const ARCH_NR_GPIOS = 1024
/** What the gpio file holds before a number is written: -ENOENT as an unsigned int. */
const NO_GPIO = (-2) >>> 0

/** Per-LED state of the gpio trigger. */
class GpioState {
  desiredBrightness = 0
  inverted = false
  gpio = NO_GPIO
}

function gpioIsValid (gpio: number): boolean {
  return (gpio | 0) >= 0 && (gpio | 0) < ARCH_NR_GPIOS
}

/**
 * `gpio`: the LED follows a GPIO line's level (its interrupt). Linux 6.1
 * takes the line's global number from the `gpio` file; the emulated machine,
 * like the kernel oracle's, has no GPIO chip, so every valid number (0 to
 * 1023) fails to get its interrupt (EINVAL, the old number stays) and a
 * number beyond is stored and ignored. Linux 6.12 takes the line from the
 * LED's firmware node ("trigger-sources"), which no emulated LED has: there
 * activation fails with EINVAL and leaves the LED with no trigger.
 */
export class GpioTrigger implements LedTrigger {
  readonly name = 'gpio'

  constructor (private readonly fromFirmware: boolean) {}

  private state (led: LedClassdev): GpioState {
    return triggerState(led, GpioState, 'gpio')
  }

  activate (led: LedClassdev): void {
    if (this.fromFirmware) throw new KernelError('EINVAL', 'no valid GPIO for the trigger (the LED has no trigger-sources)')
    led.triggerData = new GpioState()
  }

  deactivate (): void {}

  /** sscanf("%u"), then at most 255. */
  private storeDesired (led: LedClassdev, buf: Buffer): number {
    const r = sscanf(buf, 0, '%u')
    const v = (r.values[0] ?? 0) >>> 0
    if (r.count < 1 || v > 255) throw new KernelError('EINVAL', 'desired_brightness must be a number from 0 to 255')
    this.state(led).desiredBrightness = v
    return buf.length
  }

  /** kstrtoul base 10, at most 1; would re-read the line if one were attached. */
  private storeInverted (led: LedClassdev, buf: Buffer): number {
    const v = kstrtoul(buf, 10)
    if (v > 1n) throw new KernelError('EINVAL', 'inverted must be 0 or 1')
    this.state(led).inverted = v === 1n
    return buf.length
  }

  private storeGpio (led: LedClassdev, buf: Buffer): number {
    const r = sscanf(buf, 0, '%u')
    if (r.count < 1) throw new KernelError('EINVAL', 'gpio must be a GPIO number')
    const gpio = (r.values[0] ?? 0) >>> 0
    const s = this.state(led)
    if (s.gpio === gpio) return buf.length
    if (!gpioIsValid(gpio)) {
      s.gpio = gpio
      return buf.length
    }
    // A valid number, but no GPIO chip provides it: its interrupt cannot be requested.
    throw new KernelError('EINVAL', `no GPIO chip provides GPIO ${gpio}`)
  }

  attributes (led: LedClassdev): SysfsNode[] {
    const s = this.state(led)
    return [
      textAttr('desired_brightness', 0o644, { show: () => `${s.desiredBrightness}\n`, store: (b) => this.storeDesired(led, b) }),
      textAttr('inverted', 0o644, { show: () => `${s.inverted ? 1 : 0}\n`, store: (b) => this.storeInverted(led, b) }),
      textAttr('gpio', 0o644, { show: () => `${s.gpio}\n`, store: (b) => this.storeGpio(led, b) })
    ]
  }
}
