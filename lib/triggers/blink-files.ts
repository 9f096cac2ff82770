import { kstrtoul } from '../abi/kstrtox'
import type { LedClassdev } from '../led/led-core'
import { textAttr, type TextAttribute } from '../sysfs/nodes'

/**
 * A delay_on / delay_off file showing the LED core's blink delay ("%lu").
 * `store` gets the value kstrtoul() parsed with `base`; a malformed write
 * fails with its errno before anything changes.
 */
export function delayAttr (led: LedClassdev, which: 'on' | 'off', base: number, store: (value: bigint) => void): TextAttribute {
  return textAttr(which === 'on' ? 'delay_on' : 'delay_off', 0o644, {
    show: () => `${which === 'on' ? led.blink.delayOn : led.blink.delayOff}\n`,
    store: (buf) => {
      store(kstrtoul(buf, base))
      return buf.length
    }
  })
}

/**
 * The led-pattern property as the timer and oneshot triggers read it: two
 * u32 values, delay on and delay off. Anything else is warned about and
 * yields undefined.
 */
export function defaultDelays (led: LedClassdev, warn: (led: LedClassdev, msg: string) => void): { on: bigint, off: bigint } | undefined {
  const values = led.defaultPattern
  if (values === undefined) return undefined
  if (values.length !== 2) {
    warn(led, `Expected 2 but got ${values.length} values for delays pattern`)
    return undefined
  }
  return { on: BigInt(values[0] >>> 0), off: BigInt(values[1] >>> 0) }
}
