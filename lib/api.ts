import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { controlRequest } from './control/client'
import type { ControlRequest } from './control/protocol'
import { checkMount } from './decl/schema'
import { fromApi, toConfigJson, type ApiLed } from './decl/sources'
import type { ProfileName, TriggerSet } from './profiles'
import type { TimelineEvent } from './timeline/timeline'
import { readTraceFile } from './timeline/trace'

export type { ApiLed } from './decl/sources'

/**
 * A mount for a test. The declaration fields are those of a config file in
 * camelCase (docs/config.md), checked before anything starts, with the same
 * error text as the command line and the config file.
 */
export interface LedfsOptions {
  /** Default: one memory LED, "led0". */
  leds?: ApiLed[]
  kernel?: ProfileName
  /** Which triggers are registered (see `ledfs mount --triggers`). */
  triggers?: TriggerSet
  /** Default "real". */
  clock?: 'real' | 'virtual'
  hz?: 100 | 250 | 300 | 1000
  /** Append every brightness change to this file (see `ledfs mount --trace`). */
  trace?: string
  /** The 1-minute load average the heartbeat trigger sees (default: the machine's; 0 with a virtual clock). */
  loadavg?: number
  /** How many brightness events the in-memory timeline keeps. */
  timelineEvents?: number
  /**
   * Where netdev's interfaces and activity's CPU counters come from (see
   * `ledfs mount --machine`): default virtual with clock "virtual", else host.
   */
  machine?: 'host' | 'virtual'
  /** How FUSE requests reach the mount (see `ledfs mount --transport`): default $LEDFS_TRANSPORT, else auto. */
  transport?: 'auto' | 'fuse3' | 'fuse-native'
  /** Mount here instead of a fresh temporary directory. */
  dir?: string
}

export interface Ledfs {
  /** The mount: the emulated /sys/class/leds. */
  readonly dir: string
  /** DIR/NAME, an LED's directory. */
  ledPath: (name: string) => string
  /** The brightness timeline so far (optionally of one LED). */
  timeline: (led?: string) => Promise<TimelineEvent[]>
  clearTimeline: () => Promise<void>
  /** With clock "virtual": run every timer due in the next `ms` and return the new time. */
  advance: (ms: number) => Promise<number>
  /** The mount's clock in ms. */
  now: () => Promise<number>
  /** A backend's state, e.g. SC27xx registers. */
  inspect: (led: string) => Promise<Record<string, unknown>>
  /**
   * With a virtual machine: change network interface `name` (created if
   * missing, removed with present: false): carrier (`link`) and the packet
   * (`rx`, `tx`) and error counters. Returns its state, or null once removed.
   */
  setNetdev: (name: string, update: { present?: boolean, link?: boolean, rx?: number, tx?: number, rxErrors?: number, txErrors?: number }) => Promise<Record<string, unknown> | null>
  /** With a virtual machine: the share of every CPU busy from now on (0..1), and optionally the CPU count. */
  setCpuLoad: (load: number, cpus?: number) => Promise<void>
  /** Unmount and stop; safe to call twice. */
  stop: () => Promise<void>
}

/** The package folder (holding bin/ledfs), from either lib/ or dist/lib/. */
function packageRoot (): string {
  let d = __dirname
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d)
    if (up === d) throw new Error('ledfs: cannot find the package folder')
    d = up
  }
  return d
}

const CLI = join(packageRoot(), 'bin', 'ledfs')
const live = new Set<ChildProcess>()
let exitHook = false

export interface SpawnedMount {
  child: ChildProcess
  /** Everything the process printed so far. */
  output: () => string
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>
}

/**
 * Run `ledfs mount ARGS...` in a child process and wait for its ready line
 * (rejects with its output if it exits first or is not ready within 20 s).
 * The child is killed when this process exits.
 */
export async function spawnMount (args: string[], env?: NodeJS.ProcessEnv): Promise<SpawnedMount> {
  // The child keeps reading our end of a pipe on its stdin; if this process dies
  // without stopping it (a test runner's timeout kills it), the pipe closes and
  // the mount stops by itself.
  const child = spawn(process.execPath, [CLI, 'mount', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...(env ?? process.env), LEDFS_STOP_WITH_STDIN: '1' } })
  live.add(child)
  if (!exitHook) {
    exitHook = true
    // A test process that exits without stopping its mounts must not leave them behind.
    process.on('exit', () => { for (const c of live) c.kill('SIGTERM') })
  }
  let output = ''
  child.stdout?.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { output += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { live.delete(child); resolve(code) }))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ledfs did not become ready in 20 s: ${output}`)), 20000)
      const check = (): void => { if (output.includes('ledfs: mounted')) { clearTimeout(timer); resolve() } }
      child.stdout?.on('data', check)
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`ledfs exited (${String(code)}): ${output.trim()}`)) })
    })
  } catch (e) {
    child.kill('SIGTERM')
    await exited
    throw e
  }
  return { child, output: () => output, exited }
}

/**
 * Start an ledfs mount for a test. The filesystem is served by a child
 * process: a FUSE mount answers on the event loop of the process that serves
 * it, so serving it from the test's own process would deadlock on the first
 * synchronous file call the test (or its code under test) makes.
 */
export async function startLedfs (opts: LedfsOptions = {}): Promise<Ledfs> {
  // Checked here, so a mistake rejects with the same text the command line gives.
  const { dir: given, ...decl } = opts
  const input = fromApi({ ...decl, leds: opts.leds ?? ['led0'] })
  checkMount(input)
  const own = given === undefined
  const dir = given ?? mkdtempSync(join(tmpdir(), 'ledfs-'))
  const cfgDir = mkdtempSync(join(tmpdir(), 'ledfs-cfg-'))
  const config = join(cfgDir, 'leds.json')
  writeFileSync(config, toConfigJson(input))
  const args = [dir, '--config', config]
  const cleanup = (): void => {
    rmSync(cfgDir, { recursive: true, force: true })
    if (own) rmSync(dir, { recursive: true, force: true })
  }
  let spawned: SpawnedMount
  try {
    spawned = await spawnMount(args)
  } catch (e) {
    cleanup()
    throw e
  }
  const { child, exited } = spawned
  const ask = async (req: ControlRequest): Promise<Record<string, unknown>> => {
    const res = await controlRequest(dir, req)
    if (!res.ok) throw new Error(res.error)
    return res
  }
  let stopping: Promise<void> | undefined
  return {
    dir,
    ledPath: (name) => join(dir, name),
    timeline: async (led) => (await ask({ cmd: 'timeline', led })).events as TimelineEvent[],
    clearTimeline: async () => { await ask({ cmd: 'timeline', clear: true }) },
    advance: async (ms) => (await ask({ cmd: 'advance', ms })).now as number,
    now: async () => (await ask({ cmd: 'now' })).now as number,
    inspect: async (led) => await ask({ cmd: 'inspect', led }),
    setNetdev: async (name, update) => (await ask({ cmd: 'netdev', name, ...update })).state as Record<string, unknown> | null,
    setCpuLoad: async (load, cpus) => { await ask({ cmd: 'cpu-load', load, cpus }) },
    stop: async () => {
      stopping ??= (async () => {
        if (child.exitCode === null) child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000)
        await exited
        clearTimeout(timer)
        cleanup()
      })()
      await stopping
    }
  }
}

/** Run `fn` with a fresh mount; it is stopped afterwards, also when `fn` throws. */
export async function withLedfs<T> (opts: LedfsOptions, fn: (fs: Ledfs) => Promise<T>): Promise<T> {
  const fs = await startLedfs(opts)
  try {
    return await fn(fs)
  } finally {
    await fs.stop()
  }
}

/** Read a trace file written by --trace (throws a TraceError naming the file and line). */
export const readTrace = readTraceFile
