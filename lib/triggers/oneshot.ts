import { kstrtoul } from '../abi/kstrtox'
import { ledBlinkSetOneshot, ledSetBrightness, LED_FULL, LED_OFF } from '../led/led-blink'
import type { LedClassdev } from '../led/led-core'
import type { LedTrigger } from '../led/led-triggers'
import { textAttr, type SysfsNode } from '../sysfs/nodes'
import { defaultDelays, delayAttr } from './blink-files'

/** The delays a oneshot LED with a default trigger starts with when it has no led-pattern. */
export const ONESHOT_DEFAULT_DELAY = 100n

class OneshotData {
  invert = false
}

/**
 * The `oneshot` trigger (ledtrig-oneshot.c): each write to `shot` blinks
 * once, on for delay_on then off for delay_off (the other way round with
 * invert), unless a shot is still running. The delays are the LED core's
 * blink delays, only stored here (parsed with base 0); `shot` ignores what
 * is written.
 */
export class OneshotTrigger implements LedTrigger {
  readonly name = 'oneshot'

  constructor (private readonly warn: (led: LedClassdev, msg: string) => void = () => {}) {}

  activate (led: LedClassdev): void {
    led.triggerData = new OneshotData()
    if (led.initDefaultTrigger) {
      led.initDefaultTrigger = false
      const d = defaultDelays(led, this.warn) ?? { on: ONESHOT_DEFAULT_DELAY, off: ONESHOT_DEFAULT_DELAY }
      led.blink.delayOn = d.on
      led.blink.delayOff = d.off
    }
  }

  deactivate (led: LedClassdev): void {
    ledSetBrightness(led, LED_OFF)
  }

  attributes (led: LedClassdev): SysfsNode[] {
    const data = led.triggerData as OneshotData
    return [
      delayAttr(led, 'on', 0, (v) => { led.blink.delayOn = v }),
      delayAttr(led, 'off', 0, (v) => { led.blink.delayOff = v }),
      textAttr('invert', 0o644, {
        show: () => `${data.invert ? 1 : 0}\n`,
        store: (buf) => {
          data.invert = kstrtoul(buf, 0) !== 0n
          // The resting level: on when inverted.
          led.setBrightness(data.invert ? LED_FULL : LED_OFF)
          return buf.length
        }
      }),
      textAttr('shot', 0o200, {
        store: (buf) => {
          const d = { on: led.blink.delayOn, off: led.blink.delayOff }
          ledBlinkSetOneshot(led, d, data.invert)
          led.blink.delayOn = d.on
          led.blink.delayOff = d.off
          return buf.length
        }
      })
    ]
  }
}
