import { closeSync, openSync } from 'node:fs'
import { resolve } from 'node:path'
import { instantiate, loadConfig, parseLedOption, type LedDecl } from '../config'
import { defaultLeds } from '../default-leds'
import { VirtualClock } from '../clock/virtual-clock'
import { controlSocketPath } from '../control/protocol'
import { ControlServer } from '../control/server'
import { FuseMount } from '../fuse/mount'
import { isSupportedHz } from '../kernel-time/jiffies'
import { DEFAULT_TRIGGER_SET, isProfileName, TRIGGER_SETS, type TriggerSet } from '../profiles'
import { LedSystem, type TreeLayout } from '../system'
import { jsonlFileSink } from '../timeline/timeline'
import { one, parseArgs, UsageError, type OptionSpec, type Parsed } from './args'

export const MOUNT_HELP = `ledfs mount DIR [options]

Mounts an emulated /sys/class/leds at DIR and stays in the foreground; one
line on stdout says when the mount is ready. Ctrl-C (SIGINT) or SIGTERM
unmounts. A stale mount left at DIR by a killed run is cleared first.

Options:
  --led NAME[=DRIVER] add an LED (repeatable). DRIVER: memory (default,
                      max_brightness 255), sc27xx (a mock SC27xx breathing
                      light with hw_pattern), sysfs:PATH (drive the real LED
                      directory PATH, e.g. sysfs:/sys/class/leds/input0::capslock;
                      its trigger and brightness are restored on exit)
  --config FILE       LEDs (and hz, kernel) from a JSON file; see docs/config.md
                      Without --led or --config a default set is mounted:
                      ledfs:green:status (memory) and sc27xx:white:breath.
  --hz N              kernel tick rate CONFIG_HZ: 100, 250 (default), 300, 1000
  --kernel V          kernel ABI to emulate: 4.20, 6.1 (default), mainline
  --triggers SET      which triggers are registered: all (every LED trigger
                      module of a Debian machine loaded) or pattern (the
                      built-in event triggers and pattern); default ${DEFAULT_TRIGGER_SET}
  --clock real|virtual  real time (default), or virtual time that only moves
                      when told: ledfs clock DIR advance MS
  --trace FILE        append every brightness change to FILE as JSON lines:
                      {"t":MS,"led":NAME,"brightness":VALUE}
  --layout class|sys  class (default): DIR is /sys/class/leds, one directory
                      per LED; sys: DIR is /sys-shaped: DIR/class/leds/NAME
                      links to the LED under DIR/devices/..., with its parent
                      devices, DIR/bus and DIR/firmware/devicetree (links
                      resolve inside DIR); see docs/abi.md
  --allow-other       let other users use the mount (FUSE allow_other): they
                      can read every file and write none (modes are enforced
                      as on sysfs; the files belong to the mounting user)
  -h, --help          this help

Example:
  ledfs mount ./leds --led oracle
  echo pattern > ./leds/oracle/trigger
  echo 0 1000 255 2000 > ./leds/oracle/pattern
`

export interface MountConfig {
  dir: string
  leds: LedDecl[]
  hz: number
  kernel: '4.20' | '6.1' | 'mainline'
  triggers: TriggerSet
  trace?: string
  allowOther: boolean
  clock: 'real' | 'virtual'
  layout: TreeLayout
}

/** The options every command that mounts takes. */
export const MOUNT_OPTIONS: Record<string, OptionSpec> = {
  led: { value: true, repeat: true },
  config: { value: true },
  hz: { value: true },
  kernel: { value: true },
  triggers: { value: true },
  trace: { value: true },
  clock: { value: true },
  'allow-other': { value: false },
  layout: { value: true },
  help: { value: false }
}

/** The mount configuration from parsed options (the directory comes separately). */
export function mountConfigFrom (p: Parsed, dir: string): MountConfig {
  const configPath = one(p, 'config')
  const file = configPath !== undefined ? loadConfig(configPath) : undefined
  const hzText = one(p, 'hz') ?? String(file?.hz ?? 250)
  const hz = /^[0-9]+$/.test(hzText) ? Number(hzText) : NaN
  if (!isSupportedHz(hz)) throw new UsageError(`--hz must be one of 100, 250, 300, 1000 (got "${hzText}")`)
  const kernel = one(p, 'kernel') ?? file?.kernel ?? '6.1'
  if (!isProfileName(kernel)) throw new UsageError(`--kernel must be 4.20, 6.1 or mainline (got "${kernel}")`)
  const triggers = one(p, 'triggers') ?? file?.triggers ?? DEFAULT_TRIGGER_SET
  if (!(TRIGGER_SETS as readonly string[]).includes(triggers)) throw new UsageError(`--triggers must be ${TRIGGER_SETS.join(' or ')} (got "${triggers}")`)
  const leds = [...(file?.leds ?? []), ...(p.options.get('led') ?? []).map(parseLedOption)]
  const names = new Set<string>()
  for (const l of leds) {
    if (names.has(l.name)) throw new UsageError(`LED "${l.name}" is defined twice`)
    names.add(l.name)
  }
  const clock = one(p, 'clock') ?? 'real'
  if (clock !== 'real' && clock !== 'virtual') throw new UsageError(`--clock must be real or virtual (got "${clock}")`)
  const layout = one(p, 'layout') ?? 'class'
  if (layout !== 'class' && layout !== 'sys') throw new UsageError(`--layout must be class or sys (got "${layout}")`)
  return { dir, leds: leds.length === 0 ? defaultLeds() : leds, hz, kernel, triggers: triggers as TriggerSet, trace: one(p, 'trace'), allowOther: p.options.has('allow-other'), clock, layout }
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
  const specs = instantiate(cfg.leds, warn)
  let system: LedSystem
  try {
    // Files belong to whoever mounts (root: uid 0, as on sysfs), so the owner can write and, with --allow-other, others only read.
    const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }
    system = new LedSystem({ leds: specs, hz: cfg.hz, kernel: cfg.kernel, triggers: cfg.triggers, layout: cfg.layout, warn, owner, clock: cfg.clock === 'virtual' ? new VirtualClock() : undefined })
  } catch (e) {
    for (const s of specs) s.driver?.dispose?.()
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
    mount = await FuseMount.mount(dir, system.kernfs, { allowOther: cfg.allowOther, beforeOp: () => system.wheel.runDue() })
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
  process.stdout.write(`ledfs: mounted ${names.length} LED${names.length === 1 ? '' : 's'} at ${mount.dir} (kernel ${cfg.kernel}, HZ ${cfg.hz}, ${cfg.clock} clock): ${names.join(', ')}\n`)

  return await new Promise<number>((resolveExit) => {
    let stopping = false
    // Unmounted from outside (fusermount -u): nothing left to serve.
    const watchdog = setInterval(() => {
      if (!mount.stillMounted()) {
        warn(`${mount.dir} was unmounted from outside; stopping`)
        stop(0)
      }
    }, 1000)
    const stop = (code: number): void => {
      if (stopping) return
      stopping = true
      clearInterval(watchdog)
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
