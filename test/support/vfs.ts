import { KernelError } from '../../lib/abi/errno'
import { VirtualClock } from '../../lib/clock/virtual-clock'
import type { ProfileName, TriggerSet } from '../../lib/profiles'
import { LedSystem, type LedSpec } from '../../lib/system'
import { TRIGGER_FACTORIES } from '../../lib/triggers/catalog'

/** Result of one write(2) as a script would see it: bytes written or the errno name. */
export type WriteResult = number | string

/**
 * A system on a virtual clock with helpers that go through the same kernfs
 * calls the FUSE adapter makes (open, one write, read to EOF, close).
 */
/**
 * `register` adds triggers of the catalog by name after the set's own
 * (for triggers not in the default set).
 */
export function virtualSystem (opts: { leds?: LedSpec[], kernel?: ProfileName, hz?: number, triggers?: TriggerSet, loadavg?: number, register?: string[] } = {}): {
  sys: LedSystem
  clock: VirtualClock
  write: (path: string, data: string | Buffer) => WriteResult
  read: (path: string) => string
} {
  const clock = new VirtualClock()
  const sys = new LedSystem({ leds: opts.leds ?? [{ name: 'oracle' }], clock, kernel: opts.kernel, hz: opts.hz, triggers: opts.triggers ?? (opts.register !== undefined ? 'pattern' : undefined), loadavg: opts.loadavg, warn: () => {} })
  for (const name of opts.register ?? []) {
    sys.registry.register(TRIGGER_FACTORIES[name]({ wheel: sys.wheel, profile: sys.profile, machine: sys.machine, loadavg: () => 0, warn: () => {} }))
  }
  const write = (path: string, data: string | Buffer): WriteResult => {
    try {
      const of = sys.kernfs.open(sys.kernfs.lookup(path), { read: false, write: true })
      return sys.kernfs.write(of, typeof data === 'string' ? Buffer.from(data, 'latin1') : data, 0)
    } catch (e) {
      if (e instanceof KernelError) return e.code
      throw e
    }
  }
  const read = (path: string): string => {
    try {
      const of = sys.kernfs.open(sys.kernfs.lookup(path), { read: true, write: false })
      let out = ''
      let pos = 0
      for (;;) {
        const b = sys.kernfs.read(of, pos, 65536)
        if (b.length === 0) break
        out += b.toString('latin1')
        pos += b.length
      }
      return out
    } catch (e) {
      if (e instanceof KernelError) return e.code
      throw e
    }
  }
  return { sys, clock, write, read }
}
