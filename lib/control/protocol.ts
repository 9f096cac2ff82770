import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * A running mount answers requests on a unix socket named after its
 * directory (outside the mount, so the emulated tree stays exactly sysfs).
 * One JSON object per line each way.
 */
export function controlSocketPath (mountDir: string): string {
  const id = createHash('sha256').update(resolve(mountDir)).digest('hex').slice(0, 16)
  return join(process.env.LEDFS_RUNTIME_DIR ?? tmpdir(), `ledfs-${id}.sock`)
}

export type ControlRequest =
  | { cmd: 'info' }
  | { cmd: 'now' }
  | { cmd: 'advance', ms: number }
  | { cmd: 'timeline', led?: string, clear?: boolean }
  | { cmd: 'inspect', led: string }

export type ControlResponse = { ok: true, [k: string]: unknown } | { ok: false, error: string }
