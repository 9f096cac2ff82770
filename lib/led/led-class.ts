import { KernelError } from '../abi/errno'
import { kstrtoul } from '../abi/kstrtox'
import { dirNode, symlinkNode, textAttr, type BinaryAttribute, type DirNode, type SysfsNode } from '../sysfs/nodes'
import type { LedClassdev } from './led-core'
import type { TriggerRegistry } from './led-triggers'

/**
 * The files of an LED class device directory (led-class.c), shaped like a
 * uleds LED: brightness, max_brightness and trigger, plus the driver-model
 * files every device has (device, power, subsystem, uevent), plus whatever
 * the active trigger adds.
 */
export class LedClassDir {
  readonly node: DirNode
  private readonly fixed: SysfsNode[]

  constructor (readonly led: LedClassdev, private readonly registry: TriggerRegistry) {
    const trigger: BinaryAttribute = {
      kind: 'binary',
      name: 'trigger',
      mode: 0o644,
      size: 0,
      active: true,
      read: (pos, count) => registry.read(led, pos, count),
      write: (buf) => registry.write(led, buf)
    }
    this.fixed = [
      textAttr('brightness', 0o644, { show: () => `${led.updateBrightness()}\n`, store: (b) => this.storeBrightness(b) }),
      symlinkNode('device', '../../uleds'),
      textAttr('max_brightness', 0o444, { show: () => `${led.maxBrightness}\n` }),
      powerDir(),
      symlinkNode('subsystem', '../../../../class/leds'),
      trigger,
      textAttr('uevent', 0o644, { show: () => '', store: (b) => storeUevent(b) })
    ]
    this.node = dirNode(led.name, () => this.entries())
  }

  private entries (): SysfsNode[] {
    return this.led.triggerNodes.length === 0 ? this.fixed : [...this.fixed, ...this.led.triggerNodes]
  }

  /** brightness_store(): 0 removes the trigger; the value is cut to an unsigned int, then clamped. */
  private storeBrightness (buf: Buffer): number {
    const state = kstrtoul(buf, 10)
    if (state === 0n) this.registry.remove(this.led)
    this.led.setBrightness(Number(state & 0xffffffffn))
    return buf.length
  }
}

/** Actions a uevent file accepts (kobject_action_type): anything else is EINVAL. */
const UEVENT_ACTIONS = ['add', 'remove', 'change', 'move', 'online', 'offline', 'bind', 'unbind']

function storeUevent (buf: Buffer): number {
  // The action is the first word; an optional UUID and KEY=value pairs may follow.
  let s = buf.toString('latin1')
  const nul = s.indexOf('\0')
  if (nul >= 0) s = s.slice(0, nul)
  if (s.endsWith('\n')) s = s.slice(0, -1)
  const action = s.split(' ')[0]
  if (!UEVENT_ACTIONS.includes(action)) throw new KernelError('EINVAL', 'unknown uevent action')
  return buf.length
}

/** Runtime-PM files of a device that does not use runtime PM. */
function powerDir (): DirNode {
  const ro = (name: string, text: string): SysfsNode => textAttr(name, 0o444, { show: () => text })
  const entries: SysfsNode[] = [
    textAttr('async', 0o644, { show: () => 'disabled\n', store: () => { throw new KernelError('EINVAL') } }),
    textAttr('autosuspend_delay_ms', 0o644, {
      show: () => { throw new KernelError('EIO') },
      store: () => { throw new KernelError('EIO') }
    }),
    textAttr('control', 0o644, { show: () => 'auto\n', store: (b) => b.length }),
    ro('runtime_active_kids', '0\n'),
    ro('runtime_active_time', '0\n'),
    ro('runtime_enabled', 'disabled\n'),
    ro('runtime_status', 'unsupported\n'),
    ro('runtime_suspended_time', '0\n'),
    ro('runtime_usage', '0\n')
  ]
  return dirNode('power', () => entries)
}
