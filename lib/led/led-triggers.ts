import { KernelError } from '../abi/errno'
import { PAGE_SIZE, sysfsStreq } from '../abi/sysfs'
import { removeNodes, type SysfsNode } from '../sysfs/nodes'
import { cancelBrightnessWork, flushBrightnessWork, ledSetBrightness, ledStopSoftwareBlink, LED_OFF } from './led-blink'
import type { LedClassdev } from './led-core'

/** A trigger's ops, after struct led_trigger. */
export interface LedTrigger {
  readonly name: string
  /** Set up per-LED state; may throw a KernelError to refuse. */
  activate (led: LedClassdev): void
  deactivate (led: LedClassdev): void
  /** Files the trigger adds to the LED directory while active (its visible attribute groups). */
  attributes? (led: LedClassdev): SysfsNode[]
}

/** The trigger list and the trigger-selection logic of led-triggers.c. */
export class TriggerRegistry {
  private readonly triggers: LedTrigger[] = []

  register (trigger: LedTrigger): void {
    if (this.find(trigger.name) !== undefined) throw new Error(`trigger ${trigger.name} is already registered`)
    this.triggers.push(trigger)
  }

  find (name: string): LedTrigger | undefined {
    return this.triggers.find(t => t.name === name)
  }

  names (): string[] {
    return this.triggers.map(t => t.name)
  }

  /** The `trigger` file's text: none and every trigger, the active one in brackets. */
  format (led: LedClassdev): string {
    let s = led.trigger !== null ? 'none' : '[none]'
    for (const t of this.triggers) s += led.trigger === t ? ` [${t.name}]` : ` ${t.name}`
    return s + '\n'
  }

  /**
   * led_trigger_set(): tear the old trigger down, bring the new one up.
   * A trigger whose activation fails leaves the LED with no trigger; the
   * error is returned, as the kernel's caller (the trigger file) ignores it.
   */
  set (led: LedClassdev, trigger: LedTrigger | null): Error | undefined {
    if (led.trigger === null && trigger === null) return undefined
    if (led.trigger !== null) {
      // A pending brightness work and any software blink go before the trigger does.
      cancelBrightnessWork(led)
      ledStopSoftwareBlink(led)
      removeNodes(led.triggerNodes)
      led.triggerNodes = []
      led.trigger.deactivate(led)
      led.trigger = null
      led.triggerData = null
      if (led.profile.core.removalClearsInitDefault) led.initDefaultTrigger = false
      ledSetBrightness(led, LED_OFF)
    }
    if (trigger !== null) {
      led.trigger = trigger
      // A queued "off" must not land after the new trigger has set the LED.
      flushBrightnessWork(led)
      try {
        trigger.activate(led)
      } catch (e) {
        led.trigger = null
        led.triggerData = null
        ledSetBrightness(led, LED_OFF)
        return e instanceof Error ? e : new Error(String(e))
      }
      led.triggerNodes = trigger.attributes?.(led) ?? []
    }
    return undefined
  }

  remove (led: LedClassdev): void {
    this.set(led, null)
  }

  /** Store of the `trigger` file: `none`, a registered name, or EINVAL. */
  write (led: LedClassdev, buf: Buffer): number {
    if (sysfsStreq(buf, 'none')) {
      this.remove(led)
      return buf.length
    }
    for (const t of this.triggers) {
      if (sysfsStreq(buf, t.name)) {
        this.set(led, t)
        return buf.length
      }
    }
    throw new KernelError('EINVAL', 'no such trigger')
  }

  /** Read of the `trigger` file at an offset: the list is made anew on every call. */
  read (led: LedClassdev, pos: number, count: number): Buffer {
    const data = Buffer.from(this.format(led), 'latin1')
    if (pos >= data.length) return Buffer.alloc(0)
    return data.subarray(pos, pos + Math.min(count, PAGE_SIZE))
  }
}

/**
 * The active trigger's per-LED state, checked to be of the trigger's own
 * type: a store that outlived its trigger finds none (ENODEV, as kernfs
 * answers a file whose attribute is gone).
 */
export function triggerState<T> (led: LedClassdev, type: abstract new (...args: never[]) => T, trigger: string): T {
  const s = led.triggerData
  if (!(s instanceof type)) throw new KernelError('ENODEV', `${trigger} trigger is not active`)
  return s
}
