import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Teardown { teardown: (fn: () => void | Promise<void>) => void }

/** A fresh directory under the temp folder, removed when test `t` ends. */
export function tempDir (t: Teardown, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ledfs-${prefix}-`))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}
