import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants as fsConstants, readFileSync } from 'node:fs'
import { constants } from 'node:os'
import { randomBytes } from 'node:crypto'
import { LEDS_DIR, prepareSysClassLeds } from '../harness/namespace'
import { compareTimelines } from '../timeline/expect'
import { readTraceFile, TraceError } from '../timeline/trace'
import type { TimelineEvent } from '../timeline/timeline'
import { one, parseArgs, UsageError } from './args'
import { MOUNT_OPTIONS, mountConfigFrom, startServing, type Serving } from './mount'
import { startSysServing } from './run-sys'

export const RUN_HELP = `ledfs run [mount options] [--expect FILE] [--tolerance MS] -- COMMAND [ARGS...]

Runs COMMAND in a private mount namespace in which /sys/class/leds is an
ledfs mount; the rest of the system is unchanged and nothing is visible
outside the namespace or left behind afterwards (also when COMMAND is
killed). The exit status is COMMAND's (128+N if it died of signal N).

Each LED is, as on the kernel, a link /sys/class/leds/NAME into /sys/devices/
with its parent devices (bus and class links, devicetree nodes), added beside
the machine's own entries, so libudev clients (pyudev, udevadm, GUdev) find
them; COMMAND gets SYSTEMD_DEVICE_VERIFY_SYSFS=0, as libudev otherwise refuses
devices outside a sysfs file system. There is no udev database for them.
--layout class mounts /sys/class/leds alone (plain directories, nothing
under /sys/devices).

Mount options are those of \`ledfs mount\` (--led, --config, --hz, --kernel,
--triggers, --clock, --trace, --loadavg, --timeline-events, --layout). With
--clock virtual, COMMAND moves time itself:
  ledfs clock /sys/class/leds advance MS

  --expect FILE     compare the recorded timeline with FILE (JSON lines as
                    --trace writes them) and fail with a readable diff: the
                    brightness sequence of every LED must match, and event
                    times (from each LED's first event) within --tolerance
  --tolerance MS    default 0 with --clock virtual, 12 in real time

As root this needs nothing more. Other users get a user namespace where the
kernel allows it, which also needs read/write access to /dev/fuse.
`

const INNER = 'LEDFS_RUN_INNER'

function sysctl (name: string): string | undefined {
  try { return readFileSync(`/proc/sys/${name}`, 'utf8').trim() } catch { return undefined }
}

/** Whether this process holds CAP_SYS_ADMIN (a container's root may not: docker run without --cap-add SYS_ADMIN). */
function hasSysAdmin (): boolean {
  try {
    const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
    return eff === undefined || (BigInt(`0x${eff}`) & (1n << 21n)) !== 0n
  } catch {
    return true
  }
}

/** Why an unprivileged user cannot get a namespace with FUSE here, or undefined. */
function cannotRunUnprivileged (): string | undefined {
  try {
    const max = Number(readFileSync('/proc/sys/user/max_user_namespaces', 'utf8').trim())
    if (max === 0) return 'user namespaces are disabled on this machine (/proc/sys/user/max_user_namespaces is 0); run as root'
  } catch { /* older kernels have no such file */ }
  // Ubuntu 23.10 and later, through AppArmor; older Debian kernels, through their own switch.
  if (sysctl('kernel/apparmor_restrict_unprivileged_userns') === '1') return 'AppArmor keeps unprivileged user namespaces from mounting here (sysctl kernel.apparmor_restrict_unprivileged_userns=1): run with sudo, or set that sysctl to 0'
  if (sysctl('kernel/unprivileged_userns_clone') === '0') return 'unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0): run as root, or set that sysctl to 1'
  try {
    accessSync('/dev/fuse', fsConstants.R_OK | fsConstants.W_OK)
  } catch {
    return `uid ${process.getuid?.() ?? '?'} cannot open /dev/fuse for reading and writing; run as root, or give users access (e.g. chmod 0666 /dev/fuse)`
  }
  return undefined
}

function exitCodeOf (code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code
  const n = signal !== null ? constants.signals[signal] : undefined
  return 128 + (n ?? 1)
}

function forwardSignals (child: ChildProcess): () => void {
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  const handlers = sigs.map(sig => {
    const h = (): void => { child.kill(sig) }
    process.on(sig, h)
    return [sig, h] as const
  })
  return () => { for (const [sig, h] of handlers) process.off(sig, h) }
}

async function waitExit (child: ChildProcess): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(exitCodeOf(code, signal)))
  })
}

export async function runCommand (argv: string[]): Promise<number> {
  const spec = { ...MOUNT_OPTIONS, expect: { value: true }, tolerance: { value: true } }
  const p = parseArgs(argv, spec, 'run')
  if (p.positionals.length > 0) throw new UsageError(`put the command after --: ledfs run [options] -- ${p.positionals.join(' ')}`)
  if (p.rest.length === 0) throw new UsageError('ledfs run needs a command after --, e.g. ledfs run --led status -- ./my-led-script.sh')
  const cfg = mountConfigFrom(p, LEDS_DIR)
  const expectFile = one(p, 'expect')
  const tolText = one(p, 'tolerance')
  const tolerance = tolText === undefined ? (cfg.clock === 'virtual' ? 0 : 12) : Number(tolText)
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new UsageError(`--tolerance takes a number of ms >= 0 (got "${String(tolText)}")`)
  let expected: TimelineEvent[] | undefined
  if (expectFile !== undefined) {
    try { expected = readTraceFile(expectFile) } catch (e) { throw new UsageError(`--expect: ${e instanceof TraceError ? e.message : String(e)}`) }
  }

  if (process.env[INNER] !== '1') {
    // Outside: re-run this command in a new mount namespace (and a user namespace when not root).
    const root = process.getuid?.() === 0
    if (root && !hasSysAdmin()) throw new UsageError('cannot make a mount namespace: root here lacks CAP_SYS_ADMIN (in a container: docker run --cap-add SYS_ADMIN --device /dev/fuse)')
    if (!root) {
      const why = cannotRunUnprivileged()
      if (why !== undefined) throw new UsageError(`cannot run without root: ${why}`)
    }
    const ns = ['--mount', '--propagation', 'private', ...(root ? [] : ['--user', '--map-root-user'])]
    const cli = process.argv[1]
    const child = spawn('unshare', [...ns, '--', process.execPath, cli, 'run', ...argv], { stdio: 'inherit', env: { ...process.env, [INNER]: '1' } })
    const unforward = forwardSignals(child)
    try {
      return await waitExit(child)
    } catch (e) {
      throw new UsageError(`cannot start unshare (util-linux): ${(e as Error).message}`)
    } finally {
      unforward()
    }
  }

  // Inside the namespace: /sys/class/leds becomes the mount (with the LEDs'
  // devices under /sys/devices, unless --layout class), then the command runs.
  const warn = (msg: string): void => { process.stderr.write(`ledfs: ${msg}\n`) }
  const controlName = `ledfs-run-${process.pid}-${randomBytes(4).toString('hex')}`
  let serving: Serving
  if (p.options.has('layout') && cfg.layout === 'class') {
    try {
      prepareSysClassLeds()
    } catch (e) {
      throw new UsageError(`cannot prepare ${LEDS_DIR} in the private namespace: ${(e as Error).message.split('\n')[0]}`)
    }
    serving = await startServing(cfg, LEDS_DIR, warn, `\0${controlName}`)
  } else {
    serving = await startSysServing(cfg, warn, `\0${controlName}`)
  }
  // A bug must not leave a real LED taken over (the namespace takes the mount with it).
  process.on('uncaughtException', (e) => {
    warn(`internal error, shutting down: ${e.stack ?? e.message}`)
    serving.stop().finally(() => process.exit(1))
  })
  let code: number
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, LEDFS_CONTROL: controlName, ...serving.env }
    delete env[INNER]
    const child = spawn(p.rest[0], p.rest.slice(1), { stdio: 'inherit', env })
    const unforward = forwardSignals(child)
    try {
      code = await waitExit(child)
    } catch (e) {
      const err = e as NodeJS.ErrnoException
      throw new UsageError(`cannot run ${p.rest[0]}: ${err.code === 'ENOENT' ? 'command not found' : err.message}`)
    } finally {
      unforward()
    }
    if (expected !== undefined) {
      const diff = compareTimelines(expected, serving.system.timeline.list(), tolerance)
      if (!diff.ok) {
        process.stderr.write(`ledfs: the timeline differs from ${expectFile ?? ''}:\n${diff.lines.map(l => `  ${l}`).join('\n')}\n`)
        if (code === 0) code = 1
      }
    }
  } finally {
    await serving.stop()
  }
  return code
}
