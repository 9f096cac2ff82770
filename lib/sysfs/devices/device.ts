import { KernelError } from '../../abi/errno'
import { powerDir, storeUevent } from '../device-model'
import { textAttr, type SysfsNode } from '../nodes'
import type { DtNode } from './devicetree'
import type { SysPath, SysTree } from './tree'

/** Where a device's subsystem is: a bus (/sys/bus/NAME) or a class (/sys/class/NAME). */
export type Subsystem = { bus: string } | { class: string }

export interface DeviceSpec {
  /** The device's directory, from the sysfs root: ['devices', ...]. */
  path: SysPath
  subsystem: Subsystem
  /** The bound driver's name (bus devices only). */
  driver?: string
  /** The devicetree node the device was made from. */
  ofNode?: DtNode
  /** A class device's parent device: gives it a `device` link. */
  parent?: SysPath
  /** MAJOR:MINOR of a device with a /dev node, and that node's name. */
  devt?: { major: number, minor: number, name: string }
  /** The MODALIAS the bus reports (uevent key and `modalias` file), bus devices only. */
  modalias?: string
  /** Further files and directories of the device. */
  extra?: SysfsNode[]
}

function subsystemPath (s: Subsystem): SysPath {
  return 'bus' in s ? ['bus', s.bus] : ['class', s.class]
}

/**
 * The uevent keys a device reports, in the order the driver core adds them:
 * device number and node, driver, devicetree keys, then the bus's own (MODALIAS).
 */
export function ueventKeys (spec: DeviceSpec): string[] {
  const keys: string[] = []
  if (spec.devt !== undefined) keys.push(`MAJOR=${spec.devt.major}`, `MINOR=${spec.devt.minor}`, `DEVNAME=${spec.devt.name}`)
  if (spec.driver !== undefined) keys.push(`DRIVER=${spec.driver}`)
  if (spec.ofNode !== undefined) {
    const np = spec.ofNode
    keys.push(`OF_NAME=${np.nodeName}`, `OF_FULLNAME=${np.fullName}`)
    const compat = np.compatible()
    compat.forEach((c, i) => keys.push(`OF_COMPATIBLE_${i}=${c}`))
    keys.push(`OF_COMPATIBLE_N=${compat.length}`)
  }
  if (spec.modalias !== undefined) keys.push(`MODALIAS=${spec.modalias}`)
  return keys
}

/**
 * Add a device to the tree: its directory with the files the driver core
 * gives every device (uevent, power/, subsystem) and those it has by its
 * kind (dev, device, driver, driver_override, modalias, of_node), the links
 * its subsystem and driver keep to it, and its parent directories.
 */
export function addDevice (tree: SysTree, spec: DeviceSpec): void {
  const dir = tree.dir(spec.path)
  const name = spec.path[spec.path.length - 1]
  const sub = subsystemPath(spec.subsystem)
  const isBus = 'bus' in spec.subsystem
  const text = (n: string, mode: number, show: () => string): SysfsNode => textAttr(n, mode, { show })
  if (spec.devt !== undefined) {
    const { major, minor } = spec.devt
    dir.add(text('dev', 0o444, () => `${major}:${minor}\n`))
  }
  if (spec.parent !== undefined) tree.link(spec.path, 'device', spec.parent)
  if (spec.driver !== undefined) {
    const drv = [...sub, 'drivers', spec.driver]
    tree.link(spec.path, 'driver', drv)
    tree.link(drv, name, spec.path)
  }
  if (isBus) {
    // Nobody has asked for another driver: the core shows a NULL pointer.
    dir.add(textAttr('driver_override', 0o644, { show: () => '(null)\n', store: (b) => b.length }))
    tree.link([...sub, 'devices'], name, spec.path)
  } else {
    tree.link(sub, name, spec.path)
  }
  if (spec.modalias !== undefined) {
    const alias = spec.modalias
    dir.add(text('modalias', 0o444, () => `${alias}\n`))
  }
  if (spec.ofNode !== undefined) tree.link(spec.path, 'of_node', spec.ofNode.path)
  dir.add(powerDir())
  tree.link(spec.path, 'subsystem', sub)
  const keys = ueventKeys(spec)
  dir.add(textAttr('uevent', 0o644, { show: () => keys.map(k => `${k}\n`).join(''), store: storeUevent }))
  for (const node of spec.extra ?? []) dir.add(node)
}

/** A bus driver's directory: bind, unbind and uevent, plus the links to its devices (added with them). */
export function addBusDriver (tree: SysTree, bus: string, driver: string): void {
  const path = ['bus', bus, 'drivers', driver]
  const dir = tree.dir(path)
  if (dir.has('uevent')) return
  // Binding and unbinding by hand are not emulated: every name is refused as an unknown device is.
  const refuse = (): number => { throw new KernelError('ENODEV') }
  dir.add(textAttr('bind', 0o200, { store: refuse }))
  dir.add(textAttr('unbind', 0o200, { store: refuse }))
  dir.add(textAttr('uevent', 0o200, { store: storeUevent }))
}
