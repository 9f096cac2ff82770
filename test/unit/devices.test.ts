import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { VirtualClock } from '../../lib/clock/virtual-clock'
import { Sc27xxController, Sc27xxDriver } from '../../lib/drivers/sc27xx'
import { MemoryDriver } from '../../lib/drivers/memory'
import type { LedDriver } from '../../lib/drivers/driver'
import { relativeLink } from '../../lib/sysfs/devices/tree'
import { LedSystem } from '../../lib/system'
import type { SysfsNode } from '../../lib/sysfs/nodes'

/**
 * The device model through kernfs (the calls the FUSE adapter makes), in the
 * /sys-shaped layout, checked against what the kernel oracle recorded
 * (test/conformance/kernel-6.1/devices.jsonl) where it has a uleds LED.
 */

const recorded = readFileSync(join(__dirname, '..', 'conformance', 'kernel-6.1', 'devices.jsonl'), 'utf8')
  .trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>)
const kernel = (op: string, file: string): Record<string, unknown> => {
  const r = recorded.find(x => x.op === op && (x.file === file || x.dir === file))
  if (r === undefined) throw new Error(`no recorded ${op} ${file}`)
  return r
}

/** A driver that is neither memory nor sc27xx, as a sysfs:PATH LED's is. */
const sysfsLike: LedDriver = { kind: 'sysfs', brightnessSet: () => {} }

function system (): LedSystem {
  const ctl = new Sc27xxController()
  return new LedSystem({
    clock: new VirtualClock(),
    layout: 'sys',
    leds: [
      { name: 'oracle', driver: new MemoryDriver() },
      { name: 'sc27xx:red:a', driver: new Sc27xxDriver({ controller: ctl, line: 0 }) },
      { name: 'sc27xx:green:b', driver: new Sc27xxDriver({ controller: ctl, line: 2 }) },
      { name: 'sc27xx:blue:c', driver: new Sc27xxDriver() },
      { name: 'mirror', driver: sysfsLike }
    ]
  })
}

function readText (sys: LedSystem, path: string): Buffer {
  const node = sys.kernfs.lookup(path)
  const of = sys.kernfs.open(node, { read: true, write: false })
  return sys.kernfs.read(of, 0, 65536)
}

/** Follow a link the way the VFS does, from the directory holding it. */
function resolveLink (from: string, text: string): string {
  const parts = from.split('/').filter(p => p !== '')
  for (const c of text.split('/')) {
    if (c === '..') parts.pop()
    else if (c !== '' && c !== '.') parts.push(c)
  }
  return `/${parts.join('/')}`
}

const link = (sys: LedSystem, path: string): string => sys.kernfs.readlink(sys.kernfs.lookup(path))
const names = (sys: LedSystem, path: string): string[] => sys.kernfs.readdir(sys.kernfs.lookup(path)).sort()

t.test('relative link texts are built as kernfs builds them', async t => {
  t.equal(relativeLink(['devices', 'virtual', 'misc', 'uleds', 'oracle'], ['devices', 'virtual', 'misc', 'uleds']), kernel('readlink', 'device').data)
  t.equal(relativeLink(['devices', 'virtual', 'misc', 'uleds', 'oracle'], ['class', 'leds']), kernel('readlink', 'subsystem').data)
  t.equal(relativeLink(['class', 'leds'], ['devices', 'virtual', 'misc', 'uleds', 'oracle']), kernel('readlink', '../../../../../class/leds/oracle').data)
  t.equal(relativeLink(['devices', 'virtual', 'misc', 'uleds'], ['class', 'misc']), kernel('readlink', 'device/subsystem').data)
  t.equal(relativeLink(['class', 'misc'], ['devices', 'virtual', 'misc', 'uleds']), kernel('readlink', 'device/subsystem/uleds').data)
})

t.test('a memory LED is a uleds LED under the uleds misc device', async t => {
  const sys = system()
  const cls = '/class/leds/oracle'
  const dev = resolveLink('/class/leds', link(sys, cls))
  t.equal(dev, '/devices/virtual/misc/uleds/oracle')
  t.equal(link(sys, `${dev}/device`), kernel('readlink', 'device').data)
  t.equal(resolveLink(dev, link(sys, `${dev}/device`)), '/devices/virtual/misc/uleds')
  t.same(names(sys, '/devices/virtual/misc/uleds'), kernel('lsdir', 'device').entries)
  t.equal(readText(sys, '/devices/virtual/misc/uleds/uevent').toString(), kernel('read', 'device/uevent').data)
  t.equal(readText(sys, '/devices/virtual/misc/uleds/dev').toString(), kernel('read', 'device/dev').data)
  t.equal(link(sys, '/class/misc/uleds'), kernel('readlink', 'device/subsystem/uleds').data)
  t.same(names(sys, '/devices/virtual/misc/uleds/power'), kernel('lsdir', 'device/power').entries)
})

t.test('SC27xx LEDs sit under their controller, a platform device made from the devicetree', async t => {
  const sys = system()
  const ctl = '/devices/platform/soc/41800000.spi/spi_master/spi0/spi0.0/41800000.spi:pmic@0:led-controller@200'
  t.equal(resolveLink('/class/leds', link(sys, '/class/leds/sc27xx:red:a')), `${ctl}/leds/sc27xx:red:a`)
  t.equal(resolveLink('/class/leds', link(sys, '/class/leds/sc27xx:green:b')), `${ctl}/leds/sc27xx:green:b`, 'two lines of one controller share it')
  t.equal(link(sys, `${ctl}/leds/sc27xx:red:a/device`), '../../../41800000.spi:pmic@0:led-controller@200')
  t.equal(resolveLink(`${ctl}/leds/sc27xx:red:a`, link(sys, `${ctl}/leds/sc27xx:red:a/subsystem`)), '/class/leds')
  t.match(link(sys, '/class/leds/sc27xx:blue:c'), /spi0\.1\/41800000\.spi:pmic@1:led-controller@200\/leds\/sc27xx:blue:c$/, 'another controller is another PMIC')
  t.equal(resolveLink(ctl, link(sys, `${ctl}/driver`)), '/bus/platform/drivers/sprd-bltc')
  t.equal(resolveLink('/bus/platform/drivers/sprd-bltc', link(sys, '/bus/platform/drivers/sprd-bltc/41800000.spi:pmic@0:led-controller@200')), ctl)
  t.equal(resolveLink('/bus/platform/devices', link(sys, '/bus/platform/devices/41800000.spi:pmic@0:led-controller@200')), ctl)
  t.equal(resolveLink(ctl, link(sys, `${ctl}/subsystem`)), '/bus/platform')
  const of = resolveLink(ctl, link(sys, `${ctl}/of_node`))
  t.equal(of, '/firmware/devicetree/base/soc/spi@41800000/pmic@0/led-controller@200')
  t.same(readText(sys, `${of}/compatible`), Buffer.from('sprd,sc2731-bltc\0'), 'compatible is NUL-terminated')
  t.same(readText(sys, `${of}/reg`), Buffer.from([0, 0, 2, 0]))
  t.same(readText(sys, `${of}/led@2/reg`), Buffer.from([0, 0, 0, 2]), 'one node per line')
  t.equal(sys.kernfs.stat(sys.kernfs.lookup(`${of}/compatible`)).size, 17, 'a property\'s size is its length')
  t.equal(readText(sys, `${ctl}/uevent`).toString(), [
    'DRIVER=sprd-bltc',
    'OF_NAME=led-controller',
    'OF_FULLNAME=/soc/spi@41800000/pmic@0/led-controller@200',
    'OF_COMPATIBLE_0=sprd,sc2731-bltc',
    'OF_COMPATIBLE_N=1',
    'MODALIAS=of:Nled-controllerT(null)Csprd,sc2731-bltc',
    ''
  ].join('\n'))
  t.equal(readText(sys, `${ctl}/modalias`).toString(), 'of:Nled-controllerT(null)Csprd,sc2731-bltc\n')
  t.equal(readText(sys, `${ctl}/../uevent`.replace(/\/[^/]+\/\.\.\//, '/')).toString(), [
    'DRIVER=sc27xx-pmic',
    'OF_NAME=pmic',
    'OF_FULLNAME=/soc/spi@41800000/pmic@0',
    'OF_COMPATIBLE_0=sprd,sc2731',
    'OF_COMPATIBLE_N=1',
    'MODALIAS=spi:sc2731',
    ''
  ].join('\n'), 'the PMIC is an SPI device')
  t.same(names(sys, ctl), ['driver', 'driver_override', 'leds', 'modalias', 'of_node', 'power', 'subsystem', 'uevent'])
})

t.test('a sysfs:PATH LED is a class device without a parent', async t => {
  const sys = system()
  t.equal(link(sys, '/class/leds/mirror'), '../../devices/virtual/leds/mirror')
  t.notOk(names(sys, '/devices/virtual/leds/mirror').includes('device'), 'no device link')
  t.equal(link(sys, '/devices/virtual/leds/mirror/subsystem'), '../../../../class/leds')
})

t.test('every device directory has uevent, subsystem and power/; every link resolves inside the tree', async t => {
  const sys = system()
  const walk = (path: string, node: SysfsNode): void => {
    if (node.kind === 'symlink') {
      const dir = path.slice(0, path.lastIndexOf('/'))
      const target = resolveLink(dir, node.target)
      t.doesNotThrow(() => sys.kernfs.lookup(target), `${path} -> ${node.target} resolves`)
      return
    }
    if (node.kind !== 'dir') return
    const entries = node.entries()
    const n = entries.map(e => e.name)
    if (path.startsWith('/devices/') && n.includes('uevent')) {
      t.ok(n.includes('subsystem') && n.includes('power'), `${path} is a device with subsystem and power/`)
    }
    for (const e of entries) walk(`${path === '/' ? '' : path}/${e.name}`, e)
  }
  walk('/', sys.kernfs.root)
})

t.test('the class layout is unchanged: one directory per LED, the kernel\'s link texts', async t => {
  const sys = new LedSystem({ clock: new VirtualClock(), leds: [{ name: 'oracle' }] })
  t.same(names(sys, '/'), ['oracle'])
  t.equal(link(sys, '/oracle/device'), kernel('readlink', 'device').data)
  t.equal(link(sys, '/oracle/subsystem'), kernel('readlink', 'subsystem').data)
})
