/**
 * A test-only mount for the transcripts of a trigger set ledfs does not have
 * complete yet: the `pattern` set plus every trigger of the profile's `all`
 * set that the catalog already has. `ledfs mount --triggers all` refuses an
 * incomplete set (as it should); this lets the recorded cases of the triggers
 * that exist be replayed meanwhile. Run as a child process (a FUSE server
 * cannot serve its own process): `node <loader> partial-mount.ts DIR`; the
 * load average is 0, as on the oracle machine (`--loadavg 0`); it
 * prints the ready line `ledfs: mounted` and unmounts when stdin closes.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FuseMount } from '../../lib/fuse/mount'
import type { LedClassdev } from '../../lib/led/led-core'
import { PROFILES } from '../../lib/profiles'
import { LedSystem, loadavgSource } from '../../lib/system'
import { TRIGGER_FACTORIES } from '../../lib/triggers/catalog'
import type { StartedMount } from './mount'

/** The `all` triggers of kernel 6.1 the catalog lacks. */
export function missingAllTriggers (): string[] {
  return PROFILES['6.1'].triggers.all.filter(n => TRIGGER_FACTORIES[n] === undefined)
}

async function main (dir: string): Promise<void> {
  const warn = (msg: string): void => { process.stderr.write(`ledfs: ${msg}\n`) }
  const system = new LedSystem({ leds: [{ name: 'oracle' }], kernel: '6.1', triggers: 'pattern', warn, owner: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 } })
  const ctx = { wheel: system.wheel, profile: system.profile, warn: (led: LedClassdev, msg: string) => warn(`${led.name}: ${msg}`), loadavg: loadavgSource(0, system.clock, warn) }
  for (const name of system.profile.triggers.all) {
    const make = TRIGGER_FACTORIES[name]
    if (make !== undefined && system.registry.find(name) === undefined) system.registry.register(make(ctx))
  }
  const mount = await FuseMount.mount(dir, system.kernfs, { beforeOp: () => system.wheel.runDue() })
  process.stdout.write(`ledfs: mounted 1 LED at ${mount.dir} (partial trigger set; missing: ${missingAllTriggers().join(', ')}): oracle\n`)
  const stop = (): void => {
    mount.unmount().finally(() => { system.dispose(); process.exit(0) })
  }
  process.stdin.on('end', stop)
  process.stdin.on('error', stop)
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, stop)
  process.stdin.resume()
}

if (require.main === module) {
  main(process.argv[2]).catch((e: Error) => {
    process.stderr.write(`partial mount failed: ${e.stack ?? e.message}\n`)
    process.exit(1)
  })
}

/** Start the partial mount in a child process on a fresh temp dir, like startMount(). */
export async function startPartialMount (): Promise<StartedMount> {
  const base = mkdtempSync(join(tmpdir(), 'ledfs-test-'))
  const child = spawn(process.execPath, [...process.execArgv, __filename, base], { stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { output += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`partial mount not ready in 30 s: ${output}`)), 30000)
    child.stdout?.on('data', () => { if (output.includes('ledfs: mounted')) { clearTimeout(timer); resolve() } })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`partial mount exited (${String(code)}): ${output}`)) })
  })
  return {
    dir: base,
    child,
    output: () => output,
    ledDir: (name) => join(base, name),
    stop: async () => {
      child.stdin?.end()
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10000)
      const code = await exited
      clearTimeout(timeout)
      try { execFileSync('fusermount', ['-uz', base], { stdio: 'ignore' }) } catch {}
      rmSync(base, { recursive: true, force: true })
      return code
    }
  }
}
