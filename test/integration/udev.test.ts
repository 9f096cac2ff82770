import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI } from '../support/mount'

/*
 * Real libudev clients under `ledfs run`: pyudev (Debian's python3-pyudev,
 * run by Debian's python3, which has it) and udevadm (Debian's udev). The
 * Makefile installs both; their absence is a failure, not a skip.
 */

const PYTHON = '/usr/bin/python3'
const work = mkdtempSync(join(tmpdir(), 'ledfs-udev-'))
t.teardown(() => { rmSync(work, { recursive: true, force: true }) })

// A sysfs:PATH target made of plain files (no real LED is needed to place its class device).
const target = join(work, 'real-led')
spawnSync('mkdir', ['-p', target])
writeFileSync(join(target, 'brightness'), '0\n')
writeFileSync(join(target, 'max_brightness'), '100\n')
writeFileSync(join(target, 'trigger'), '[none] timer\n')

const LEDS = ['--led', 'oracle', '--led', 'sc27xx:white:breath=sc27xx', '--led', `mirror=sysfs:${target}`]

function ledfsRun (args: string[], cmd: string[]): { code: number | null, out: string, err: string } {
  const r = spawnSync(process.execPath, [CLI, 'run', ...args, '--', ...cmd], { encoding: 'utf8', timeout: 90000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const PYUDEV = `
import json, os, pyudev
ctx = pyudev.Context()
out = {'list': [], 'from_path': {}}
for d in ctx.list_devices(subsystem='leds'):
    out['list'].append({'name': d.sys_name, 'sys_path': d.sys_path, 'subsystem': d.subsystem,
                        'realpath': os.path.realpath('/sys/class/leds/' + d.sys_name)})
for name in sorted(os.listdir('/sys/class/leds')):
    d = pyudev.Devices.from_path(ctx, '/sys/class/leds/' + name)
    p = d.parent
    out['from_path'][name] = {
        'sys_path': d.sys_path,
        'max_brightness': d.attributes.asstring('max_brightness'),
        'parent': None if p is None else {'sys_path': p.sys_path, 'subsystem': p.subsystem, 'driver': p.driver,
                                          'device_node': p.device_node, 'properties': dict(p.properties)},
        'device_link': os.path.realpath('/sys/class/leds/' + name + '/device') if os.path.exists('/sys/class/leds/' + name + '/device') else None,
    }
print(json.dumps(out))
`

t.test('the clients are installed (make test installs python3-pyudev and udev)', async t => {
  t.ok(existsSync(PYTHON), `${PYTHON} exists`)
  t.equal(spawnSync(PYTHON, ['-c', 'import pyudev'], { encoding: 'utf8' }).status, 0, 'pyudev imports')
  t.equal(spawnSync('udevadm', ['--version'], { encoding: 'utf8' }).status, 0, 'udevadm runs')
})

t.test('pyudev enumerates, opens by class path, reads attributes and walks to the parent device', async t => {
  const r = ledfsRun(LEDS, [PYTHON, '-c', PYUDEV])
  t.equal(r.code, 0, r.err)
  const out = JSON.parse(r.out) as {
    list: Array<{ name: string, sys_path: string, subsystem: string, realpath: string }>
    from_path: Record<string, { sys_path: string, max_brightness: string, parent: null | { sys_path: string, subsystem: string, driver: string | null, device_node: string | null, properties: Record<string, string> }, device_link: string | null }>
  }
  t.same(out.list.map(d => d.name).sort(), ['mirror', 'oracle', 'sc27xx:white:breath'], 'every emulated LED is listed')
  for (const d of out.list) {
    t.match(d.sys_path, /^\/sys\/devices\//, `${d.name}: under /sys/devices`)
    t.equal(d.sys_path, d.realpath, `${d.name}: sys_path is the class link's realpath`)
    t.equal(d.subsystem, 'leds')
  }
  const o = out.from_path.oracle
  t.equal(o.sys_path, '/sys/devices/virtual/misc/uleds/oracle')
  t.equal(o.max_brightness, '255')
  t.equal(o.parent?.sys_path, '/sys/devices/virtual/misc/uleds', 'the parent is the uleds misc device')
  t.equal(o.parent?.sys_path, o.device_link, 'the parent is what device points to')
  t.equal(o.parent?.subsystem, 'misc')
  t.equal(o.parent?.device_node, '/dev/uleds')
  t.same([o.parent?.properties.MAJOR, o.parent?.properties.MINOR, o.parent?.properties.DEVNAME], ['10', '124', '/dev/uleds'], 'uevent keys as the kernel has them (libudev puts /dev/ before DEVNAME)')

  const s = out.from_path['sc27xx:white:breath']
  const ctl = '/sys/devices/platform/soc/41800000.spi/spi_master/spi0/spi0.0/41800000.spi:pmic@0:led-controller@200'
  t.equal(s.sys_path, `${ctl}/leds/sc27xx:white:breath`)
  t.equal(s.parent?.sys_path, ctl, 'the parent is the breathing-light controller')
  t.equal(s.parent?.sys_path, s.device_link)
  t.equal(s.parent?.subsystem, 'platform')
  t.equal(s.parent?.driver, 'sprd-bltc')
  t.equal(s.parent?.properties.OF_COMPATIBLE_0, 'sprd,sc2731-bltc')
  t.equal(s.parent?.properties.OF_FULLNAME, '/soc/spi@41800000/pmic@0/led-controller@200')
  t.equal(s.parent?.properties.MODALIAS, 'of:Nled-controllerT(null)Csprd,sc2731-bltc')

  const m = out.from_path.mirror
  t.equal(m.sys_path, '/sys/devices/virtual/leds/mirror', 'a sysfs:PATH LED is a class device without a parent')
  t.equal(m.max_brightness, '100')
  t.equal(m.parent, null)
  t.equal(m.device_link, null)
})

t.test('udevadm info: properties and the attribute walk', async t => {
  const r = ledfsRun(LEDS, ['sh', '-c', 'udevadm info --query=property --path=/sys/class/leds/oracle && echo ---- && udevadm info --attribute-walk --path=/sys/class/leds/sc27xx:white:breath'])
  t.equal(r.code, 0, r.err)
  const [props, walk] = r.out.split('----\n')
  const keys = Object.fromEntries(props.trim().split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
  t.equal(keys.SUBSYSTEM, 'leds')
  t.equal(keys.DEVPATH, '/devices/virtual/misc/uleds/oracle')
  const looked = [...walk.matchAll(/looking at (?:parent )?device '([^']*)'/g)].map(m => m[1])
  t.same(looked.slice(0, 6), [
    '/devices/platform/soc/41800000.spi/spi_master/spi0/spi0.0/41800000.spi:pmic@0:led-controller@200/leds/sc27xx:white:breath',
    '/devices/platform/soc/41800000.spi/spi_master/spi0/spi0.0/41800000.spi:pmic@0:led-controller@200',
    '/devices/platform/soc/41800000.spi/spi_master/spi0/spi0.0',
    '/devices/platform/soc/41800000.spi/spi_master/spi0',
    '/devices/platform/soc/41800000.spi',
    '/devices/platform/soc'
  ], 'the walk goes through every parent')
  t.equal(looked[looked.length - 1], '/devices/platform', 'and ends at the top parent')
  t.match(walk, /KERNELS=="41800000.spi:pmic@0:led-controller@200"\n\s+SUBSYSTEMS=="platform"\n\s+DRIVERS=="sprd-bltc"/)
  t.match(walk, /KERNELS=="spi0.0"\n\s+SUBSYSTEMS=="spi"\n\s+DRIVERS=="sc27xx-pmic"/)
  t.match(walk, /ATTR\{max_brightness\}=="255"/)
})

t.test('the SC27xx controller\'s devicetree node, and the rest of /sys is the machine\'s', async t => {
  const misc = spawnSync('ls', ['/sys/class/misc'], { encoding: 'utf8' }).stdout
  const r = ledfsRun(LEDS, ['sh', '-c', 'od -An -w64 -c /sys/class/leds/sc27xx:white:breath/device/of_node/compatible; od -An -tx1 /sys/class/leds/sc27xx:white:breath/device/of_node/reg; ls /sys/class/misc'])
  t.equal(r.code, 0, r.err)
  const [compat, reg, ...rest] = r.out.split('\n')
  t.equal(compat.replace(/\s+/g, ''), 'sprd,sc2731-bltc\\0', 'compatible, NUL-terminated')
  t.equal(reg.trim(), '00 00 02 00', 'reg: the controller base, one big-endian cell')
  const inside = rest.filter(l => l !== '')
  t.same(inside.filter(n => n !== 'uleds'), misc.split('\n').filter(l => l !== ''), 'the machine\'s misc devices are all still there')
  t.ok(inside.includes('uleds'), 'with uleds beside them')
  t.notOk(existsSync('/sys/devices/platform/soc/41800000.spi') && !existsSync('/sys/firmware/devicetree/base/soc/spi@41800000'), 'nothing of it outside the namespace')
  t.notOk(readFileSync('/proc/self/mountinfo', 'utf8').includes('ledfs-sys'), 'no tmpfs of ours left outside')
})
