import { KernelError } from '../abi/errno'
import { kstrtoul } from '../abi/kstrtox'
import { KernelTimer } from '../kernel-time/timer-wheel'
import { LED_FULL, LED_OFF } from '../led/led-blink'
import type { LedClassdev } from '../led/led-core'
import type { LedTrigger } from '../led/led-triggers'
import { textAttr, type SysfsNode } from '../sysfs/nodes'

class TransientData {
  /** 1 while the timer runs (a C int). */
  activate = 0
  /** LED_FULL or LED_OFF: the level held for `duration`. */
  state = LED_OFF
  /** The level set when the time is up, cancelled, or the trigger goes. */
  restoreState = LED_OFF
  /** ms, an unsigned long. */
  duration = 0n
  readonly timer: KernelTimer
  constructor (readonly led: LedClassdev) {
    this.timer = new KernelTimer(() => {
      this.activate = 0
      this.led.setBrightness(this.restoreState)
    })
  }
}

/** kstrtoul base 10, then only 0 or 1. */
function parseBool (buf: Buffer, what: string): 0 | 1 {
  const v = kstrtoul(buf, 10)
  if (v !== 0n && v !== 1n) throw new KernelError('EINVAL', `${what} must be 0 or 1`)
  return v === 1n ? 1 : 0
}

/**
 * The `transient` trigger (ledtrig-transient.c): writing 1 to `activate`
 * holds `state` for `duration` ms, then sets the opposite level. A zero
 * duration or a running timer makes the write do nothing; 0 cancels.
 */
export class TransientTrigger implements LedTrigger {
  readonly name = 'transient'

  private data (led: LedClassdev): TransientData {
    return led.triggerData as TransientData
  }

  activate (led: LedClassdev): void {
    led.triggerData = new TransientData(led)
  }

  deactivate (led: LedClassdev): void {
    const d = this.data(led)
    led.wheel.delTimer(d.timer)
    led.setBrightness(d.restoreState)
  }

  private storeActivate (d: TransientData, buf: Buffer): number {
    const state = parseBool(buf, 'activate')
    const led = d.led
    if (state === 0 && d.activate === 1) {
      led.wheel.delTimer(d.timer)
      d.activate = 0
      led.setBrightness(d.restoreState)
    } else if (state === 1 && d.activate === 0 && d.duration !== 0n) {
      d.activate = 1
      led.setBrightness(d.state)
      d.restoreState = d.state === LED_FULL ? LED_OFF : LED_FULL
      const wheel = led.wheel
      // msecs_to_jiffies() takes an unsigned int: the duration is cut to 32 bits.
      wheel.modTimer(d.timer, wheel.jiffies + wheel.msToJiffies(Number(d.duration & 0xffffffffn)))
    }
    return buf.length
  }

  attributes (led: LedClassdev): SysfsNode[] {
    const d = this.data(led)
    return [
      textAttr('activate', 0o644, { show: () => `${d.activate}\n`, store: (buf) => this.storeActivate(d, buf) }),
      textAttr('duration', 0o644, {
        show: () => `${d.duration}\n`,
        store: (buf) => {
          d.duration = kstrtoul(buf, 10)
          return buf.length
        }
      }),
      textAttr('state', 0o644, {
        show: () => `${d.state === LED_FULL ? 1 : 0}\n`,
        store: (buf) => {
          d.state = parseBool(buf, 'state') === 1 ? LED_FULL : LED_OFF
          return buf.length
        }
      })
    ]
  }
}
