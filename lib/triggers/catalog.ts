import type { TimerWheel } from '../kernel-time/timer-wheel'
import type { LedClassdev } from '../led/led-core'
import type { LedTrigger } from '../led/led-triggers'
import type { Machine } from '../machine/machine'
import type { KernelProfile, TriggerSet } from '../profiles'
import { ActivityTrigger } from './activity'
import { BacklightTrigger } from './backlight'
import { GpioTrigger } from './gpio'
import { NetdevTrigger } from './netdev'
import { LED_FULL, SimpleTrigger } from './simple'
import { PatternTrigger } from './pattern'
import { TimerTrigger } from './timer'
import { OneshotTrigger } from './oneshot'
import { HeartbeatTrigger } from './heartbeat'
import { DefaultOnTrigger } from './default-on'
import { TransientTrigger } from './transient'

/** What a trigger may need from the emulated machine when it is made. */
export interface TriggerContext {
  readonly wheel: TimerWheel
  readonly profile: KernelProfile
  /** dev_warn() for one LED. */
  readonly warn: (led: LedClassdev, msg: string) => void
  /** The network interfaces and CPU counters event triggers watch. */
  readonly machine: Machine
  /** The machine's 1-minute load average now, as /proc/loadavg shows it (the heartbeat's period follows it). */
  readonly loadavg: () => number
}

type TriggerFactory = (ctx: TriggerContext) => LedTrigger

const simple = (name: string, initial = 0): TriggerFactory => () => new SimpleTrigger(name, initial)

/**
 * Every trigger ledfs can register, by name. A profile's list (profiles.ts)
 * says which of them a kernel has and in what order; adding a trigger is one
 * file and one line here.
 */
export const TRIGGER_FACTORIES: Readonly<Record<string, TriggerFactory>> = {
  'kbd-scrolllock': simple('kbd-scrolllock'),
  'kbd-numlock': simple('kbd-numlock'),
  'kbd-capslock': simple('kbd-capslock'),
  'kbd-kanalock': simple('kbd-kanalock'),
  'kbd-shiftlock': simple('kbd-shiftlock'),
  'kbd-altgrlock': simple('kbd-altgrlock'),
  'kbd-ctrllock': simple('kbd-ctrllock'),
  'kbd-altlock': simple('kbd-altlock'),
  'kbd-shiftllock': simple('kbd-shiftllock'),
  'kbd-shiftrlock': simple('kbd-shiftrlock'),
  'kbd-ctrlllock': simple('kbd-ctrlllock'),
  'kbd-ctrlrlock': simple('kbd-ctrlrlock'),
  'disk-activity': simple('disk-activity'),
  'disk-read': simple('disk-read'),
  'disk-write': simple('disk-write'),
  'ide-disk': simple('ide-disk'),
  mtd: simple('mtd'),
  'nand-disk': simple('nand-disk'),
  // The CPU triggers start "active" (the CPU is running), so selecting one lights the LED.
  cpu: simple('cpu', LED_FULL),
  cpu0: simple('cpu0', LED_FULL),
  panic: simple('panic'),
  activity: (ctx) => new ActivityTrigger(ctx.machine.cpu),
  // ledtrig-audio: the sound drivers' mute state, off until they report one.
  'audio-mute': simple('audio-mute'),
  'audio-micmute': simple('audio-micmute'),
  backlight: () => new BacklightTrigger(),
  // ledtrig-camera: the camera drivers' flash and torch, off until they switch one on.
  flash: simple('flash'),
  torch: simple('torch'),
  'default-on': () => new DefaultOnTrigger(),
  gpio: (ctx) => new GpioTrigger(ctx.profile.modules.gpioFromFirmware),
  heartbeat: (ctx) => new HeartbeatTrigger(ctx.loadavg),
  netdev: (ctx) => new NetdevTrigger(ctx.machine.net, ctx.profile.modules.netdevLinkModes),
  oneshot: (ctx) => new OneshotTrigger(ctx.warn),
  pattern: (ctx) => new PatternTrigger(ctx.warn),
  timer: (ctx) => new TimerTrigger(ctx.warn),
  transient: () => new TransientTrigger()
}

/** The triggers of `set` for a profile, made and in registration order. */
export function makeTriggers (profile: KernelProfile, set: TriggerSet, ctx: TriggerContext): LedTrigger[] {
  const names = profile.triggers[set]
  const missing = names.filter(n => TRIGGER_FACTORIES[n] === undefined)
  if (missing.length > 0) throw new RangeError(`the "${set}" trigger set of kernel ${profile.name} needs triggers ledfs does not have: ${missing.join(', ')}`)
  return names.map(n => TRIGGER_FACTORIES[n](ctx))
}
