import type { DriverContext, DriverKind } from './kind'
import { memoryKind } from './kinds/memory'
import { rgbKind } from './kinds/rgb'
import { sc27xxKind } from './kinds/sc27xx'
import { sysfsKind } from './kinds/sysfs'

const KINDS = new Map<string, DriverKind<any>>()

/** Make a driver kind known by its name (once). */
export function registerDriverKind (kind: DriverKind<any>): void {
  if (KINDS.has(kind.kind)) throw new Error(`driver "${kind.kind}" is already registered`)
  KINDS.set(kind.kind, kind)
}

// Every driver ledfs has; adding one is its file in kinds/ and one line here.
registerDriverKind(memoryKind)
registerDriverKind(sc27xxKind)
registerDriverKind(sysfsKind)
registerDriverKind(rgbKind)

/** The drivers, in registration order. */
export function driverKinds (): Array<DriverKind<unknown>> {
  return [...KINDS.values()]
}

export function driverKind (kind: string): DriverKind<unknown> | undefined {
  return KINDS.get(kind)
}

/** The driver of an LED that names none. */
export const DEFAULT_DRIVER = memoryKind.kind

/** A fresh per-mount context. */
export function driverContext (warn: (msg: string) => void): DriverContext {
  const shared = new Map<string, unknown>()
  return {
    warn,
    shared: <T>(key: string, make: () => T): T => {
      if (!shared.has(key)) shared.set(key, make())
      return shared.get(key) as T
    }
  }
}
