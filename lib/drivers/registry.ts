import type { DriverContext, DriverKind } from './kind'
import { memoryKind } from './kinds/memory'
import { sc27xxKind } from './kinds/sc27xx'
import { sysfsKind } from './kinds/sysfs'

/** Every driver ledfs has; adding one is its file in kinds/ and one line here. */
const KINDS: Readonly<Record<string, DriverKind<any>>> = Object.fromEntries([
  memoryKind,
  sc27xxKind,
  sysfsKind
].map(k => [k.kind, k]))

/** The drivers by name, in registration order. */
export function driverKinds (): Array<DriverKind<unknown>> {
  return Object.values(KINDS)
}

export function driverKind (kind: string): DriverKind<unknown> | undefined {
  return Object.prototype.hasOwnProperty.call(KINDS, kind) ? KINDS[kind] : undefined
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
