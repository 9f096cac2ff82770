import type { Clock } from './clock/clock'
import { RealClock } from './clock/real-clock'
import { MemoryDriver } from './drivers/memory'
import type { LedDriver } from './drivers/driver'
import { TimerWheel } from './kernel-time/timer-wheel'
import { isSupportedHz } from './kernel-time/jiffies'
import { LedClassDir } from './led/led-class'
import { LedClassdev } from './led/led-core'
import { TriggerRegistry } from './led/led-triggers'
import { DEFAULT_PROFILE, DEFAULT_TRIGGER_SET, PROFILES, type KernelProfile, type ProfileName, type TriggerSet } from './profiles'
import { DeviceModel } from './sysfs/devices/model'
import { Kernfs } from './sysfs/kernfs'
import { dirNode, type DirNode } from './sysfs/nodes'
import { Timeline } from './timeline/timeline'
import { makeTriggers } from './triggers/catalog'

export interface LedSpec {
  name: string
  /** Default 255. */
  maxBrightness?: number
  /** Default: a memory-backed LED. */
  driver?: LedDriver
  defaultTrigger?: string
  defaultPattern?: number[]
}

export interface SystemOptions {
  leds: LedSpec[]
  /** Default: real time. */
  clock?: Clock
  /** CONFIG_HZ, default 250. */
  hz?: number
  /** Kernel to emulate, default 6.1. */
  kernel?: ProfileName
  /** Which of the profile's triggers are registered (default DEFAULT_TRIGGER_SET). */
  triggers?: TriggerSet
  /** Kept in memory for the API; the oldest go first past this. */
  maxTimelineEvents?: number
  /** Where kernel-style warnings go (dev_warn). */
  warn?: (msg: string) => void
  /** Who the files belong to; default root, as on sysfs. */
  owner?: { uid: number, gid: number }
  /**
   * What the file tree's root is: `class` (default) the /sys/class/leds
   * directory, one directory per LED; `sys` a /sys-shaped tree (class/leds of
   * links into devices/, the parent devices, bus/, firmware/devicetree/).
   */
  layout?: TreeLayout
}

export type TreeLayout = 'class' | 'sys'

/** LED names as the LED class allows them: a single path component. */
export function checkLedName (name: string): string | undefined {
  if (name.length === 0) return 'is empty'
  if (name.length > 63) return 'is longer than 63 bytes'
  if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) return 'must not be ".", ".." or contain "/" or NUL'
  return undefined
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
  /** The LEDs' parent devices and their places under /sys/devices. */
  readonly devices = new DeviceModel()
  private readonly leds = new Map<string, { led: LedClassdev, dir: LedClassDir }>()
  private readonly warn: (msg: string) => void

  constructor (opts: SystemOptions) {
    const hz = opts.hz ?? 250
    if (!isSupportedHz(hz)) throw new RangeError(`hz must be one of 100, 250, 300, 1000 (got ${hz})`)
    this.clock = opts.clock ?? new RealClock()
    this.wheel = new TimerWheel(this.clock, hz)
    this.profile = PROFILES[opts.kernel ?? DEFAULT_PROFILE]
    this.timeline = new Timeline(opts.maxTimelineEvents)
    this.warn = opts.warn ?? ((msg) => { console.error(`ledfs: ${msg}`) })
    this.wheel.onError = (err) => this.warn(`timer callback failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
    const ctx = { wheel: this.wheel, profile: this.profile, warn: (led: LedClassdev, msg: string) => this.warn(`${led.name}: ${msg}`) }
    for (const t of makeTriggers(this.profile, opts.triggers ?? DEFAULT_TRIGGER_SET, ctx)) this.registry.register(t)
    this.root = dirNode('', () => [...this.leds.values()].map(e => e.dir.node))
    this.root.child = (name) => this.leds.get(name)?.dir.node
    this.kernfs = new Kernfs(opts.layout === 'sys' ? this.devices.root : this.root, opts.owner ?? { uid: 0, gid: 0 })
    for (const spec of opts.leds) this.addLed(spec)
  }

  addLed (spec: LedSpec): LedClassdev {
    const bad = checkLedName(spec.name)
    if (bad !== undefined) throw new RangeError(`LED name "${spec.name}" ${bad}`)
    if (this.leds.has(spec.name)) throw new RangeError(`LED "${spec.name}" is defined twice`)
    const max = spec.maxBrightness ?? 255
    if (!Number.isInteger(max) || max < 1 || max > 0xffffffff) throw new RangeError(`LED "${spec.name}": maxBrightness must be an integer from 1 to 4294967295 (got ${max})`)
    const led = new LedClassdev({
      name: spec.name,
      maxBrightness: max,
      driver: spec.driver ?? new MemoryDriver(),
      defaultTrigger: spec.defaultTrigger,
      defaultPattern: spec.defaultPattern
    }, this.wheel, this.profile, (l, v, t) => this.timeline.record(l.name, v, t))
    const place = this.devices.place(spec.name, led.driver)
    const dir = new LedClassDir(led, this.registry, place)
    this.devices.attach(place, dir.node)
    this.leds.set(spec.name, { led, dir })
    if (spec.defaultTrigger !== undefined && spec.defaultTrigger !== 'none') {
      const trig = this.registry.find(spec.defaultTrigger)
      if (trig === undefined) throw new RangeError(`LED "${spec.name}": unknown default trigger "${spec.defaultTrigger}" (known: ${this.registry.names().join(', ')})`)
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
    if (this.clock instanceof RealClock) this.clock.dispose()
  }
}
