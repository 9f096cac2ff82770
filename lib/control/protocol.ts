import { createHash } from 'node:crypto'
import { resolve } from 'node:path'

/**
 * A running mount answers requests on an abstract unix socket (no file
 * anywhere, gone when the process is) named after its directory, so the
 * emulated tree itself stays exactly sysfs. `ledfs run` names its own and
 * hands it to the command in LEDFS_CONTROL. One JSON object per line each way.
 */
export function controlSocketPath (mountDir: string): string {
  const fromEnv = process.env.LEDFS_CONTROL
  if (fromEnv !== undefined && fromEnv !== '') return `\0${fromEnv}`
  const id = createHash('sha256').update(resolve(mountDir)).digest('hex').slice(0, 16)
  return `\0ledfs-${id}`
}

export type ControlRequest =
  | { cmd: 'info' }
  | { cmd: 'now' }
  | { cmd: 'advance', ms: number }
  | { cmd: 'timeline', led?: string, clear?: boolean }
  | { cmd: 'inspect', led: string }
  /** Change a virtual machine's network interface (created if missing); see NetdevUpdate. */
  | { cmd: 'netdev', name: string, present?: boolean, link?: boolean, rx?: number, tx?: number, rxErrors?: number, txErrors?: number }
  /** Set a virtual machine's CPU load (0..1 of every CPU) and optionally its CPU count. */
  | { cmd: 'cpu-load', load: number, cpus?: number }

export type ControlResponse = { ok: true, [k: string]: unknown } | { ok: false, error: string }
