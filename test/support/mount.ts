import { type ChildProcess, execFileSync } from 'node:child_process'
import { spawnMount } from '../../lib/api'
import { mkdtempSync, rmSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '..', '..')
export const CLI = join(ROOT, 'bin', 'ledfs')

export interface StartedMount {
  dir: string
  child: ChildProcess
  /** Everything the process printed so far. */
  output: () => string
  ledDir: (name: string) => string
  /** SIGTERM, wait for exit, remove the temp dir; returns the exit code. */
  stop: () => Promise<number | null>
}

function isMounted (dir: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some(l => l.split(' ')[4] === dir)
}

/**
 * Run `ledfs mount` in a child process on a fresh temp dir and wait for its
 * ready line. The mount must live in another process: this process's
 * synchronous file calls would otherwise wait on its own event loop.
 */
export async function startMount (args: string[] = ['--led', 'oracle'], opts: { dir?: string, env?: NodeJS.ProcessEnv } = {}): Promise<StartedMount> {
  const base = opts.dir ?? mkdtempSync(join(tmpdir(), 'ledfs-test-'))
  let spawned: Awaited<ReturnType<typeof spawnMount>>
  try {
    spawned = await spawnMount([base, ...args], opts.env)
  } catch (e) {
    // A mount that never came up leaves no folder behind either.
    if (opts.dir === undefined) rmSync(base, { recursive: true, force: true })
    throw e
  }
  const { child, output, exited } = spawned
  return {
    dir: base,
    child,
    output,
    ledDir: (name) => join(base, name),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10000)
      const code = await exited
      clearTimeout(timeout)
      if (isMounted(base)) {
        try { execFileSync('fusermount', ['-uz', base]) } catch {}
      }
      if (opts.dir === undefined) rmSync(base, { recursive: true, force: true })
      return code
    }
  }
}
