/**
 * A test-only mount for the transcripts of a trigger set ledfs does not have
 * complete yet: the `pattern` set plus every trigger of the profile's `all`
 * set that the catalog already has, load average 0 as on the oracle machine
 * (`--loadavg 0`). `ledfs mount --triggers all` refuses an incomplete set (as
 * it should); this lets the recorded cases of the triggers that exist be
 * replayed meanwhile. The mount is served by a child process running the
 * compiled tree (dist/, like `ledfs mount`): a FUSE server cannot serve its
 * own process. It prints the ready line `ledfs: mounted` and unmounts when
 * its stdin closes.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROFILES } from '../../lib/profiles'
import { TRIGGER_FACTORIES } from '../../lib/triggers/catalog'
import { ROOT, type StartedMount } from './mount'

/** The `all` triggers of kernel 6.1 the catalog lacks. */
export function missingAllTriggers (): string[] {
  return PROFILES['6.1'].triggers.all.filter(n => TRIGGER_FACTORIES[n] === undefined)
}

const CHILD = `
const [dist, dir] = process.argv.slice(1)
const { FuseMount } = require(dist + '/fuse/mount')
const { LedSystem, loadavgSource } = require(dist + '/system')
const { TRIGGER_FACTORIES } = require(dist + '/triggers/catalog')
const warn = (msg) => process.stderr.write('ledfs: ' + msg + '\\n')
const system = new LedSystem({ leds: [{ name: 'oracle' }], kernel: '6.1', triggers: 'pattern', warn, owner: { uid: process.getuid(), gid: process.getgid() } })
const ctx = { wheel: system.wheel, profile: system.profile, warn: (led, msg) => warn(led.name + ': ' + msg), loadavg: loadavgSource(0, system.clock, warn) }
for (const name of system.profile.triggers.all) {
  const make = TRIGGER_FACTORIES[name]
  if (make !== undefined && system.registry.find(name) === undefined) system.registry.register(make(ctx))
}
FuseMount.mount(dir, system.kernfs, { beforeOp: () => system.wheel.runDue() }).then((mount) => {
  process.stdout.write('ledfs: mounted 1 LED at ' + mount.dir + ' (partial trigger set): oracle\\n')
  const stop = () => { mount.unmount().finally(() => { system.dispose(); process.exit(0) }) }
  process.stdin.on('end', stop)
  process.stdin.on('error', stop)
  process.on('SIGTERM', stop)
  process.stdin.resume()
}, (e) => { process.stderr.write('partial mount failed: ' + e.message + '\\n'); process.exit(1) })
`

/** Start the partial mount in a child process on a fresh temp dir, like startMount(). */
export async function startPartialMount (): Promise<StartedMount> {
  const base = mkdtempSync(join(tmpdir(), 'ledfs-test-'))
  const child = spawn(process.execPath, ['-e', CHILD, join(ROOT, 'dist', 'lib'), base], { stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { output += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`partial mount not ready in 20 s: ${output}`)), 20000)
      child.stdout?.on('data', () => { if (output.includes('ledfs: mounted')) { clearTimeout(timer); resolve() } })
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`partial mount exited (${String(code)}): ${output}`)) })
    })
  } catch (e) {
    child.kill('SIGTERM')
    await exited
    rmSync(base, { recursive: true, force: true })
    throw e
  }
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
