import { DriverOptionError, type DriverKind } from '../kind'
import { SysfsLedDriver } from '../sysfs-led'

/** `sysfs:PATH`: a real LED directory, driven by writing its brightness file. */
export const sysfsKind: DriverKind<{ target: string }> = {
  kind: 'sysfs',
  spelling: 'sysfs:PATH',
  summary: 'drive the real LED directory PATH (e.g. sysfs:/sys/class/leds/input0::capslock); its trigger and brightness are restored on exit',
  fields: ['target'],
  fromText: (rest) => ({ target: rest }),
  check: (f) => {
    if (typeof f.target !== 'string' || f.target === '') throw new DriverOptionError('"driver": "sysfs" needs "target", the real LED\'s directory (e.g. "/sys/class/leds/input0::capslock"; on the command line sysfs:PATH)')
    return { target: f.target }
  },
  maxBrightness: { from: 'the sysfs target' },
  create: (o, ctx) => {
    const d = new SysfsLedDriver(o.target, ctx.warn)
    return { driver: d, maxBrightness: d.maxBrightness }
  }
}
