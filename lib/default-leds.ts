import type { LedSpec } from './system'

/** The LEDs a mount gets when none are named: names in the kernel's devicename:color:function style. */
export function defaultLeds (): LedSpec[] {
  return [
    { name: 'ledfs:green:status', maxBrightness: 255 },
    { name: 'ledfs:red:power', maxBrightness: 1 }
  ]
}
