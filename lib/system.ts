import { readFileSync } from 'node:fs'
import type { Clock } from './clock/clock'
import { ConfigError, defaultTriggerProblem, duplicateProblem, hzProblem, maxBrightnessProblem, nameProblem } from './decl/schema'
import { RealClock } from './clock/real-clock'
import { MemoryDriver } from './drivers/memory'
import type { LedDriver } from './drivers/driver'
import { checkChannels } from './drivers/multicolor'
import { TimerWheel } from './kernel-time/timer-wheel'
import { LedClassDir } from './led/led-class'
import { LedClassdev, type LedOptions } from './led/led-core'
import { TriggerRegistry } from './led/led-triggers'
import { DEFAULT_PROFILE, DEFAULT_TRIGGER_SET, profileOf, type KernelProfile, type ProfileName, type TriggerSet } from './profiles'
import { DeviceModel } from './sysfs/devices/model'
import { Kernfs } from './sysfs/kernfs'
import { dirNode, type DirNode } from './sysfs/nodes'
import { Timeline } from './timeline/timeline'
import { makeTriggers } from './triggers/catalog'
import { LED_FULL } from './triggers/simple'
import { makeMachine, type Machine, type MachineKind } from './machine/machine'

/** An LED for LedSystem: the LED class options, with max_brightness (LED_FULL) and the driver (memory) optional. */
export type LedSpec = Omit<LedOptions, 'maxBrightness' | 'driver'> & Partial<Pick<LedOptions, 'maxBrightness' | 'driver'>>

export interface SystemOptions {
  leds: LedSpec[]
  /** Default: real time. */
  clock?: Clock
  /** CONFIG_HZ; default: the profile's. */
  hz?: number
  /** Kernel to emulate, default 6.1; `mainline` is the newest recorded one. */
  kernel?: ProfileName
  /** Which of the profile's triggers are registered (default DEFAULT_TRIGGER_SET). */
  triggers?: TriggerSet
  /** Kept in memory for the API; the oldest go first past this. */
  maxTimelineEvents?: number
  /** Where kernel-style warnings go (dev_warn). */
  warn?: (msg: string) => void
  /**
   * Where netdev's interfaces and activity's CPU counters come from: the
   * host, or a virtual machine (only `lo`, idle) changed through setNetdev()
   * and setCpuLoad(). Default: virtual with a virtual clock, else host.
   */
  machine?: MachineKind
  /** Who the files belong to; default root, as on sysfs. */
  owner?: { uid: number, gid: number }
  /**
   * The 1-minute load average the heartbeat trigger sees (a number >= 0, as
   * /proc/loadavg prints it). Default: this machine's /proc/loadavg, read at
   * each beat; 0 with a virtual clock.
   */
  loadavg?: number
  /**
   * What the file tree's root is: `class` (default) the /sys/class/leds
   * directory, one directory per LED; `sys` a /sys-shaped tree (class/leds of
   * links into devices/, the parent devices, bus/, firmware/devicetree/).
   */
  layout?: TreeLayout
}

export type TreeLayout = 'class' | 'sys'

/**
 * Where the heartbeat's load average comes from: a fixed value, 0 on a
 * virtual clock (a test must not depend on the machine), else the
 * machine's /proc/loadavg (0, with one warning, where it cannot be read).
 */
export function loadavgSource (fixed: number | undefined, clock: Clock, warn: (msg: string) => void): () => number {
  if (fixed !== undefined) {
    if (!Number.isFinite(fixed) || fixed < 0) throw new RangeError(`loadavg must be a finite number >= 0 (got ${fixed})`)
    return () => fixed
  }
  if (clock.kind === 'virtual') return () => 0
  let warned = false
  return () => {
    try {
      const first = readFileSync('/proc/loadavg', 'latin1').split(' ')[0]
      const v = Number(first)
      if (Number.isFinite(v) && v >= 0) return v
      throw new Error(`unexpected contents "${first}"`)
    } catch (e) {
      if (!warned) warn(`cannot read the load average from /proc/loadavg (${(e as Error).message}); the heartbeat trigger uses 0`)
      warned = true
      return 0
    }
  }
}

/**
 * The emulated kernel: a clock and timer wheel, the trigger registry, the
 * LED class devices, the /sys/class/leds directory tree and its file
 * semantics, and the brightness timeline.
 */
export class LedSystem {
  readonly clock: Clock
  readonly wheel: TimerWheel
  readonly profile: KernelProfile
  readonly registry = new TriggerRegistry()
  readonly timeline: Timeline
  readonly root: DirNode
  readonly kernfs: Kernfs
  readonly machine: Machine

  /** The LEDs' parent devices and their places under /sys/devices. */
  readonly devices = new DeviceModel()
  private readonly leds = new Map<string, { led: LedClassdev, dir: LedClassDir }>()
  private readonly warn: (msg: string) => void

  constructor (opts: SystemOptions) {
    this.profile = profileOf(opts.kernel ?? DEFAULT_PROFILE)
    const hz = opts.hz ?? this.profile.hz
    const badHz = hzProblem(hz)
    if (badHz !== undefined) throw new ConfigError(badHz)
    this.clock = opts.clock ?? new RealClock()
    this.wheel = new TimerWheel(this.clock, hz)
    this.timeline = new Timeline(opts.maxTimelineEvents)
    this.warn = opts.warn ?? ((msg) => { console.error(`ledfs: ${msg}`) })
    this.wheel.onError = (err) => this.warn(`timer callback failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
    const machineKind = opts.machine ?? (this.clock.kind === 'virtual' ? 'virtual' : 'host')
    if (machineKind !== 'host' && machineKind !== 'virtual') throw new RangeError(`machine must be host or virtual (got ${String(machineKind)})`)
    this.machine = makeMachine(machineKind, this.clock)
    const ctx = {
      wheel: this.wheel,
      profile: this.profile,
      machine: this.machine,
      warn: (led: LedClassdev, msg: string) => this.warn(`${led.name}: ${msg}`),
      loadavg: loadavgSource(opts.loadavg, this.clock, this.warn)
    }
    for (const t of makeTriggers(this.profile, opts.triggers ?? DEFAULT_TRIGGER_SET, ctx)) this.registry.register(t)
    this.root = dirNode('', () => [...this.leds.values()].map(e => e.dir.node))
    this.root.child = (name) => this.leds.get(name)?.dir.node
    this.kernfs = new Kernfs(opts.layout === 'sys' ? this.devices.root : this.root, opts.owner ?? { uid: 0, gid: 0 })
    for (const spec of opts.leds) this.addLed(spec)
  }

  /** Add an LED; it is checked with the declaration's checks (the same errors). */
  addLed (spec: LedSpec): LedClassdev {
    const fail = (problem: string): never => { throw new ConfigError(`LED "${spec.name}": ${problem}`) }
    const bad = nameProblem(spec.name)
    if (bad !== undefined) fail(bad)
    if (this.leds.has(spec.name)) throw new ConfigError(duplicateProblem(spec.name))
    const driver: LedDriver = spec.driver ?? new MemoryDriver()
    // A driver may impose max_brightness (as leds-sc27xx-bltc leaves it at 255).
    const fixed = driver.maxBrightness
    if (fixed !== undefined && spec.maxBrightness !== undefined && spec.maxBrightness !== fixed) {
      fail(`"max_brightness" is fixed at ${fixed} by the ${driver.kind} driver (got ${spec.maxBrightness}); leave it out`)
    }
    const ch = driver.channels
    if (ch !== undefined) {
      const badChannels = checkChannels(ch.colors, this.profile.ledColors)
      if (badChannels !== undefined) fail(`"channels" ${badChannels} on kernel ${this.profile.name}`)
    }
    const max = spec.maxBrightness ?? fixed ?? LED_FULL
    const badMax = maxBrightnessProblem(max)
    if (badMax !== undefined) fail(badMax)
    // A configured default trigger wins over the driver's, as a DT linux,default-trigger does.
    const defaultTrigger = spec.defaultTrigger ?? driver.defaultTrigger
    if (defaultTrigger !== undefined) {
      const badTrigger = defaultTriggerProblem(defaultTrigger, this.registry.names())
      if (badTrigger !== undefined) fail(badTrigger)
    }
    const led = new LedClassdev({ ...spec, maxBrightness: max, driver, defaultTrigger }, this.wheel, this.profile, (l, v, t, ch) => this.timeline.record(l.name, v, t, ch))
    const place = this.devices.place(spec.name, led.driver)
    const dir = new LedClassDir(led, this.registry, place)
    this.devices.attach(place, dir.node)
    this.leds.set(spec.name, { led, dir })
    const trig = defaultTrigger === undefined ? undefined : this.registry.find(defaultTrigger)
    if (trig !== undefined) {
      led.initDefaultTrigger = true
      this.registry.set(led, trig)
    }
    return led
  }

  led (name: string): LedClassdev {
    const e = this.leds.get(name)
    if (e === undefined) throw new RangeError(`no LED named "${name}"`)
    return e.led
  }

  ledNames (): string[] {
    return [...this.leds.keys()]
  }

  /** Stop every trigger (timers, hardware patterns) and release the backends. */
  dispose (): void {
    for (const { led } of this.leds.values()) {
      try {
        this.registry.remove(led)
      } finally {
        led.driver.dispose?.()
      }
    }
    this.clock.dispose()
  }
}
