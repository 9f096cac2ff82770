import { closeSync, openSync } from 'node:fs'
import { resolve } from 'node:path'
import { checkMount, MOUNT_FIELDS, openLeds, type MountDecl } from '../decl/schema'
import { fromCommandLine, loadConfigFile, mergeInputs } from '../decl/sources'
import { driverKinds } from '../drivers/registry'
import { VirtualClock } from '../clock/virtual-clock'
import { controlSocketPath } from '../control/protocol'
import { ControlServer } from '../control/server'
import { FuseMount } from '../fuse/mount'
import { SUPPORTED_HZ } from '../kernel-time/jiffies'
import { DEFAULT_PROFILE, DEFAULT_TRIGGER_SET, PROFILE_ALIASES, PROFILE_NAMES, PROFILES } from '../profiles'
import { LedSystem } from '../system'
import { jsonlFileSink } from '../timeline/timeline'
import { one, parseArgs, UsageError, type OptionSpec, type Parsed } from './args'

/** The --led part of the help: each registered driver, its spelling and summary wrapped to 78 columns. */
function driverHelp (): string {
  const indent = ' '.repeat(24)
  return driverKinds().map(k => {
    const lines = [`${indent.slice(2)}${k.spelling}`]
    for (const word of k.summary.split(' ')) {
      const last = lines[lines.length - 1]
      if (lines.length > 1 && last.length + 1 + word.length <= 78) lines[lines.length - 1] = `${last} ${word}`
      else lines.push(`${indent}${word}`)
    }
    return lines.join('\n')
  }).join('\n')
}

export const MOUNT_HELP = `ledfs mount DIR [options]

Mounts an emulated /sys/class/leds at DIR and stays in the foreground; one
line on stdout says when the mount is ready. Ctrl-C (SIGINT) or SIGTERM
unmounts. A stale mount left at DIR by a killed run is cleared first.

Options:
  --led NAME[=DRIVER] add an LED (repeatable; max_brightness 255 unless the
                      driver says otherwise). DRIVER, default memory:
${driverHelp()}
  --config FILE       LEDs and the options below from a JSON file (the
                      command line wins); see docs/config.md
                      Without --led or --config a default set is mounted:
                      ledfs:green:status (memory) and sc27xx:white:breath.
  --hz N              kernel tick rate CONFIG_HZ: ${SUPPORTED_HZ.join(', ')}; default ${PROFILES[DEFAULT_PROFILE].hz}
  --kernel V          kernel ABI to emulate: ${PROFILE_NAMES.join(', ')}; default ${DEFAULT_PROFILE}
                      (mainline: the newest recorded kernel, ${PROFILE_ALIASES.mainline})
  --triggers SET      which triggers are registered: all (every LED trigger
                      module of a Debian machine loaded) or pattern (the
                      built-in event triggers and pattern); default ${DEFAULT_TRIGGER_SET}
  --clock real|virtual  real time (default), or virtual time that only moves
                      when told: ledfs clock DIR advance MS
  --machine host|virtual  where netdev's network interfaces and activity's CPU
                      counters come from: the host (default with a real clock),
                      or a quiet virtual machine like the kernel oracle's (only
                      lo, idle, one CPU; default with --clock virtual) that
                      ledfs net DIR IFACE … and ledfs cpu DIR LOAD change
  --trace FILE        append every brightness change to FILE as JSON lines:
                      {"t":MS,"led":NAME,"brightness":VALUE}
  --loadavg N         the 1-minute load average the heartbeat trigger sees
                      (default: this machine's /proc/loadavg; 0 with --clock virtual)
  --timeline-events N how many brightness events the in-memory timeline
                      keeps (0: none, only --trace); the oldest go first
  --layout class|sys  class (default): DIR is /sys/class/leds, one directory
                      per LED; sys: DIR is /sys-shaped: DIR/class/leds/NAME
                      links to the LED under DIR/devices/..., with its parent
                      devices, DIR/bus and DIR/firmware/devicetree (links
                      resolve inside DIR); see docs/abi.md
  --transport T       how FUSE requests reach ledfs: fuse3 (its libfuse 3
                      addon on Node's event loop, about 3x faster), fuse-native
                      (the libfuse 2 binding), or auto (default: fuse3 when
                      built and usable, else fuse-native; the ready line says
                      which). LEDFS_TRANSPORT sets the default
  --allow-other       let other users use the mount (FUSE allow_other): they
                      can read every file and write none (modes are enforced
                      as on sysfs; the files belong to the mounting user)
  -h, --help          this help

Example:
  ledfs mount ./leds --led oracle --led pmic=sc27xx:ctrl0:line1
  echo pattern > ./leds/oracle/trigger
  echo 0 1000 255 2000 > ./leds/oracle/pattern
`

/** A checked mount declaration, where to mount it, and how. */
export interface MountConfig extends MountDecl {
  dir: string
  allowOther: boolean
}

/** The options every command that mounts takes. */
export const MOUNT_OPTIONS: Record<string, OptionSpec> = {
  led: { value: true, repeat: true },
  config: { value: true },
  ...Object.fromEntries(MOUNT_FIELDS.map(f => [f.cli, { value: true }])),
  'allow-other': { value: false },
  help: { value: false }
}

/** The mount configuration from parsed options (the directory comes separately). */
export function mountConfigFrom (p: Parsed, dir: string): MountConfig {
  const configPath = one(p, 'config')
  const file = configPath !== undefined ? loadConfigFile(configPath) : { fields: new Map() }
  const cli = fromCommandLine(p.options.get('led') ?? [], name => one(p, name))
  return { ...checkMount(mergeInputs(file, cli)), dir, allowOther: p.options.has('allow-other') }
}

export function parseMountArgs (argv: string[]): MountConfig {
  const p = parseArgs(argv, MOUNT_OPTIONS, 'mount')
  if (p.positionals.length !== 1) throw new UsageError(`mount takes one directory (got ${p.positionals.length === 0 ? 'none' : p.positionals.join(' ')}); usage: ledfs mount DIR [options]`)
  return mountConfigFrom(p, p.positionals[0])
}

/** A mount being served: the emulated kernel, its FUSE mount and control socket. */
export interface Serving {
  system: LedSystem
  mount: FuseMount
  /** Unmount, close the control socket, release the backends (restoring real LEDs). */
  stop: () => Promise<void>
  /** Environment a command using the mount needs (ledfs run passes it on). */
  env?: Record<string, string>
}

/** Build the system from the configuration, mount it at `dir`, open its control socket. */
export async function startServing (cfg: MountConfig, dir: string, warn: (msg: string) => void, controlPath?: string): Promise<Serving> {
  const specs = openLeds(cfg.leds, warn)
  let system: LedSystem
  try {
    // Files belong to whoever mounts (root: uid 0, as on sysfs), so the owner can write and, with --allow-other, others only read.
    const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }
    system = new LedSystem({
      leds: specs,
      hz: cfg.hz,
      kernel: cfg.kernel,
      triggers: cfg.triggers,
      loadavg: cfg.loadavg,
      maxTimelineEvents: cfg.timelineEvents,
      warn,
      owner,
      clock: cfg.clock === 'virtual' ? new VirtualClock() : undefined,
      machine: cfg.machine,
      layout: cfg.layout ?? 'class'
    })
  } catch (e) {
    for (const s of specs) s.driver.dispose?.()
    throw new UsageError((e as Error).message)
  }
  if (cfg.trace !== undefined) {
    const file = resolve(cfg.trace)
    try { closeSync(openSync(file, 'a')) } catch (e) {
      system.dispose()
      throw new UsageError(`cannot write the trace file ${file}: ${(e as Error).message}`)
    }
    system.timeline.addSink(jsonlFileSink(file))
  }
  let mount: FuseMount
  try {
    mount = await FuseMount.mount(dir, system.kernfs, { allowOther: cfg.allowOther, transport: cfg.transport, log: warn, beforeOp: () => system.wheel.runDue() })
  } catch (e) {
    system.dispose()
    throw e
  }
  let control: ControlServer | undefined
  try {
    control = await ControlServer.listen(system, controlPath ?? controlSocketPath(mount.dir))
  } catch (e) {
    warn(`control socket unavailable (${(e as Error).message}); ledfs clock/inspect/timeline will not reach this mount`)
  }
  let stopped: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopped ??= (async () => {
      await control?.close()
      try {
        await mount.unmount()
      } finally {
        system.dispose()
      }
    })()
    await stopped
  }
  return { system, mount, stop }
}

export async function mountCommand (argv: string[]): Promise<number> {
  const cfg = parseMountArgs(argv)
  const warn = (msg: string): void => { process.stderr.write(`ledfs: ${msg}\n`) }
  const { system, mount, stop: stopServing } = await startServing(cfg, cfg.dir, warn)
  const names = system.ledNames()
  if (mount.fallbackReason !== undefined) warn(`using the fuse-native transport: ${mount.fallbackReason}`)
  process.stdout.write(`ledfs: mounted ${names.length} LED${names.length === 1 ? '' : 's'} at ${mount.dir} (kernel ${cfg.kernel}, HZ ${cfg.hz}, ${cfg.clock} clock, ${mount.transport} transport): ${names.join(', ')}\n`)

  return await new Promise<number>((resolveExit) => {
    let stopping = false
    // Unmounted from outside (fusermount -u): nothing left to serve.
    mount.onUnmounted(() => {
      warn(`${mount.dir} was unmounted from outside; stopping`)
      stop(0)
    })
    const stop = (code: number): void => {
      if (stopping) return
      stopping = true
      stopServing().catch((e: Error) => {
        process.stderr.write(`ledfs: unmount failed: ${e.message}; run \`fusermount -uz ${mount.dir}\`\n`)
        code = 1
      }).finally(() => resolveExit(code))
    }
    // Signals that arrive while shutting down are absorbed: the default action
    // would kill the process before a real LED is put back.
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => stop(0))
    // A bug must not leave a real LED taken over or a dead mount behind.
    process.on('uncaughtException', (e) => {
      warn(`internal error, shutting down: ${e.stack ?? e.message}`)
      stop(1)
    })
    // Started by a program that keeps our stdin open (the JS API, the tests):
    // when it goes away, even killed, the pipe closes and the mount goes too.
    if (process.env[STOP_WITH_STDIN] === '1') {
      process.stdin.on('end', () => stop(0))
      process.stdin.on('error', () => stop(0))
      process.stdin.resume()
    }
  })
}

/** Environment switch: stop when standard input reaches end of file. */
export const STOP_WITH_STDIN = 'LEDFS_STOP_WITH_STDIN'
