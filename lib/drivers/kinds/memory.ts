import { MemoryDriver } from '../memory'
import { DriverOptionError, type DriverKind } from '../kind'

/** `memory`: nothing behind the LED; it takes no options. */
export const memoryKind: DriverKind<Record<string, never>> = {
  kind: 'memory',
  spelling: 'memory',
  summary: 'nothing behind it, like a uleds LED (the default)',
  fields: [],
  fromText: (rest) => {
    if (rest !== undefined) throw new DriverOptionError(`the memory driver takes no options (got "memory:${rest}")`)
    return {}
  },
  check: () => ({}),
  create: () => ({ driver: new MemoryDriver() })
}
