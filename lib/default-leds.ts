import type { LedDecl } from './config'

/**
 * The LEDs a mount gets when none are named, one of each kind that works on
 * any machine: a plain memory LED and a mock SC27xx breathing light (which
 * comes up with the pattern trigger and so hw_pattern, as its driver
 * registers it). Names follow the kernel's devicename:color:function style.
 */
export function defaultLeds (): LedDecl[] {
  return [
    { name: 'ledfs:green:status', maxBrightness: 255, driver: { kind: 'memory' } },
    { name: 'sc27xx:white:breath', maxBrightness: 255, driver: { kind: 'sc27xx' } }
  ]
}
