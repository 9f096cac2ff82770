import type { LedTrigger } from '../led/led-triggers'
import { SimpleTrigger } from './simple'

/** LED_FULL: what an event trigger reports for "on". */
const LED_FULL = 255

/**
 * The triggers Debian's 6.1 kernel has built in, in registration order, so
 * that the `trigger` file reads back byte for byte as on that kernel (one
 * CPU, as the conformance machine has). None of their events happen in an
 * emulated machine: the keyboard locks stay off, no disk is busy, no panic.
 * The CPU triggers start "active", so selecting them lights the LED.
 */
export function debianBuiltinTriggers (): LedTrigger[] {
  const kbd = ['scrolllock', 'numlock', 'capslock', 'kanalock', 'shiftlock', 'altgrlock', 'ctrllock',
    'altlock', 'shiftllock', 'shiftrlock', 'ctrlllock', 'ctrlrlock'].map(n => new SimpleTrigger(`kbd-${n}`))
  const disk = ['disk-activity', 'disk-read', 'disk-write', 'ide-disk', 'mtd', 'nand-disk'].map(n => new SimpleTrigger(n))
  return [...kbd, ...disk, new SimpleTrigger('cpu', LED_FULL), new SimpleTrigger('cpu0', LED_FULL), new SimpleTrigger('panic')]
}
