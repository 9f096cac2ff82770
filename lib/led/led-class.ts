import { KernelError } from '../abi/errno'
import { kstrtoul } from '../abi/kstrtox'
import { parseIntensities, type McChannels } from '../drivers/multicolor'
import { powerDir, ueventAttr } from '../sysfs/device-model'
import { dirNode, symlinkNode, textAttr, type BinaryAttribute, type DirNode, type SysfsNode } from '../sysfs/nodes'
import { flushBrightnessWork, ledSetBrightness } from './led-blink'
import type { LedClassdev } from './led-core'
import type { TriggerRegistry } from './led-triggers'

/** The texts of an LED's driver-model links; without a parent device there is no `device` link. */
export interface LedLinks { device?: string, subsystem: string }

/** A uleds LED's links (its parent is the uleds misc device). */
export const ULEDS_LINKS: LedLinks = { device: '../../uleds', subsystem: '../../../../../class/leds' }

/**
 * The files of an LED class device directory (led-class.c), shaped like a
 * uleds LED: brightness, max_brightness and trigger, plus the driver-model
 * files every device has (device, power, subsystem, uevent), plus whatever
 * the active trigger adds.
 */
export class LedClassDir {
  readonly node: DirNode
  private readonly fixed: SysfsNode[]

  constructor (readonly led: LedClassdev, private readonly registry: TriggerRegistry, links: LedLinks = ULEDS_LINKS) {
    const trigger: BinaryAttribute = {
      kind: 'binary',
      name: 'trigger',
      mode: 0o644,
      size: 0,
      active: true,
      read: (pos, count) => registry.read(led, pos, count),
      write: (buf) => registry.write(led, buf)
    }
    this.fixed = [
      textAttr('brightness', 0o644, { show: () => `${led.brightness}\n`, store: (b) => this.storeBrightness(b) }),
      ...(links.device !== undefined ? [symlinkNode('device', links.device)] : []),
      textAttr('max_brightness', 0o444, { show: () => `${led.maxBrightness}\n` }),
      powerDir(),
      symlinkNode('subsystem', links.subsystem),
      trigger,
      ueventAttr(),
      ...(led.driver.channels !== undefined ? this.multicolorAttrs(led.driver.channels) : [])
    ]
    this.node = dirNode(led.name, () => this.entries())
  }

  private entries (): SysfsNode[] {
    return this.led.triggerNodes.length === 0 ? this.fixed : [...this.fixed, ...this.led.triggerNodes]
  }

  /**
   * led-class-multicolor's files: multi_index (the channel colours) and
   * multi_intensity. A good intensity write sets the class brightness again,
   * so the channel levels follow, except while software blink owns the LED.
   */
  private multicolorAttrs (ch: McChannels): SysfsNode[] {
    return [
      textAttr('multi_index', 0o444, { show: () => ch.showIndex() }),
      textAttr('multi_intensity', 0o644, {
        show: () => ch.showIntensity(),
        store: (buf) => {
          const values = parseIntensities(buf, ch.intensity.length)
          if (values === undefined) throw new KernelError('EINVAL', 'multi_intensity needs one integer per channel')
          ch.intensity.set(values)
          if (!this.led.blink.sw) {
            ledSetBrightness(this.led, this.led.brightness)
            flushBrightnessWork(this.led)
          }
          return buf.length
        }
      })
    ]
  }

  /**
   * brightness_store(): 0 removes the trigger; the value is cut to an
   * unsigned int (so 2^32 stops a blink but keeps the trigger), then set
   * through led_set_brightness (a blink takes it as its new brightness), and
   * the brightness work is waited for.
   */
  private storeBrightness (buf: Buffer): number {
    const state = kstrtoul(buf, 10)
    if (state === 0n) this.registry.remove(this.led)
    ledSetBrightness(this.led, Number(state & 0xffffffffn))
    flushBrightnessWork(this.led)
    return buf.length
  }
}
