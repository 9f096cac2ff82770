import t from 'tap'
import { VirtualCpu } from '../../lib/machine/cpu'
import { VirtualNet } from '../../lib/machine/net'
import { BacklightTrigger } from '../../lib/triggers/backlight'
import { virtualSystem } from '../support/vfs'

/**
 * The event triggers of the trigger modules under a virtual clock and a
 * virtual machine (only `lo`, idle, one CPU — the kernel oracle's). File
 * answers are those the kernel gave in test/conformance/kernel-6.1-all;
 * timelines follow from the jiffy grid at HZ=250 (a delay of N ms fires
 * one jiffy after its rounded-up expiry).
 */

const ALL = ['activity', 'audio-mute', 'audio-micmute', 'backlight', 'flash', 'torch', 'gpio', 'netdev']

function sys (kernel?: '6.1' | 'mainline'): ReturnType<typeof virtualSystem> {
  return virtualSystem({ register: ALL, kernel })
}

function timeline (v: ReturnType<typeof virtualSystem>, t0: number): Array<[number, number]> {
  return v.sys.timeline.list('oracle').filter(e => e.t >= t0).map(e => [e.t - t0, e.brightness])
}

function ls (v: ReturnType<typeof virtualSystem>): string[] {
  return v.sys.kernfs.readdir(v.sys.kernfs.lookup('/oracle')).sort()
}

t.test('flash, torch, audio-mute, audio-micmute: no files, the LED off; events light it', async t => {
  const v = sys()
  for (const name of ['flash', 'torch', 'audio-mute', 'audio-micmute']) {
    v.write('/oracle/brightness', '200\n')
    t.equal(v.write('/oracle/trigger', `${name}\n`), name.length + 1)
    t.equal(v.read('/oracle/brightness'), '0\n', `${name} turns the LED off`)
    t.same(ls(v), ['brightness', 'device', 'max_brightness', 'power', 'subsystem', 'trigger', 'uevent'])
    v.write('/oracle/brightness', '300\n')
    t.equal(v.read('/oracle/brightness'), '255\n', 'a brightness write sets the LED (clamped)')
    t.match(v.read('/oracle/trigger'), `[${name}]`, 'and keeps the trigger')
  }
  const torch = v.sys.registry.find('torch') as unknown as { event: (b: number) => void }
  torch.event(255)
  t.equal(v.read('/oracle/brightness'), '255\n', 'an event on the active trigger sets the LED')
  v.write('/oracle/trigger', 'flash\n')
  v.write('/oracle/trigger', 'torch\n')
  t.equal(v.read('/oracle/brightness'), '255\n', 'selecting it again shows its last event')
  v.write('/oracle/brightness', '0\n')
  t.match(v.read('/oracle/trigger'), '[none]', 'brightness 0 removes it')
})

t.test('audio-mute and gpio under mainline (6.12): audio is no trigger module there, gpio fails to activate', async t => {
  const v = virtualSystem({ kernel: 'mainline', register: ['gpio'] })
  v.write('/oracle/brightness', '66\n')
  t.equal(v.write('/oracle/trigger', 'gpio\n'), 5, 'the write succeeds')
  t.match(v.read('/oracle/trigger'), '[none]', 'but the LED has no trigger')
  t.equal(v.read('/oracle/brightness'), '0\n')
  t.equal(v.read('/oracle/gpio'), 'ENOENT')
})

t.test('backlight: inverted and framebuffer blanking', async t => {
  const v = sys()
  v.write('/oracle/brightness', '120\n')
  v.write('/oracle/trigger', 'backlight\n')
  t.equal(v.read('/oracle/brightness'), '120\n', 'activation keeps the brightness')
  t.equal(v.read('/oracle/inverted'), '0\n')
  t.equal(v.write('/oracle/inverted', '1\n'), 2)
  t.equal(v.read('/oracle/brightness'), '0\n', 'inverted 1: off')
  v.write('/oracle/brightness', '50\n')
  v.write('/oracle/inverted', '0\n')
  t.equal(v.read('/oracle/brightness'), '120\n', 'inverted 0: the brightness saved at activation, not the one written since')
  t.equal(v.write('/oracle/inverted', '2\n'), 'EINVAL')
  t.equal(v.write('/oracle/inverted', '0x1\n'), 'EINVAL', 'base 10 only')
  t.equal(v.write('/oracle/inverted', '+1\n'), 3, 'a plus sign is fine')
  t.equal(v.write('/oracle/inverted', '18446744073709551616\n'), 'ERANGE')
  t.equal(v.read('/oracle/inverted'), '1\n', 'failed writes change nothing')
  v.write('/oracle/inverted', '0\n')
  const trig = v.sys.registry.find('backlight') as BacklightTrigger
  v.write('/oracle/brightness', '90\n')
  trig.blank(true)
  t.equal(v.read('/oracle/brightness'), '0\n', 'blank: off')
  trig.blank(true)
  t.equal(v.read('/oracle/brightness'), '0\n', 'a second blank changes nothing')
  trig.blank(false)
  t.equal(v.read('/oracle/brightness'), '90\n', 'unblank: the brightness the LED had when it blanked')
  v.write('/oracle/inverted', '1\n')
  t.equal(v.read('/oracle/brightness'), '0\n', 'inverted while unblanked: off')
  trig.blank(true)
  t.equal(v.read('/oracle/brightness'), '90\n', 'inverted: a blank lights it')
})

t.test('gpio (6.1): files, parsers, no GPIO chip', async t => {
  const v = sys()
  v.write('/oracle/brightness', '66\n')
  v.write('/oracle/trigger', 'gpio\n')
  t.equal(v.read('/oracle/brightness'), '66\n', 'activation keeps the brightness')
  t.equal(v.read('/oracle/gpio'), '4294967294\n', 'no GPIO: -ENOENT as unsigned')
  t.equal(v.write('/oracle/desired_brightness', '256\n'), 'EINVAL')
  t.equal(v.write('/oracle/desired_brightness', '12abc\n'), 6)
  t.equal(v.read('/oracle/desired_brightness'), '12\n', 'sscanf stops at the first non-digit')
  t.equal(v.write('/oracle/desired_brightness', '-1\n'), 'EINVAL')
  t.equal(v.write('/oracle/desired_brightness', '4294967296\n'), 11)
  t.equal(v.read('/oracle/desired_brightness'), '0\n', '2^32 wraps to 0')
  t.equal(v.write('/oracle/gpio', '5000\n'), 5, 'a number beyond ARCH_NR_GPIOS is stored')
  t.equal(v.read('/oracle/gpio'), '5000\n')
  t.equal(v.write('/oracle/gpio', '3\n'), 'EINVAL', 'a valid number no chip provides')
  t.equal(v.write('/oracle/gpio', '1023\n'), 'EINVAL')
  t.equal(v.write('/oracle/gpio', '1024\n'), 5)
  t.equal(v.write('/oracle/gpio', '-1\n'), 'EINVAL')
  t.equal(v.read('/oracle/gpio'), '1024\n')
  t.equal(v.write('/oracle/inverted', '1\n'), 2)
  t.equal(v.read('/oracle/brightness'), '66\n', 'inverting without a line changes nothing')
  v.write('/oracle/trigger', 'gpio\n')
  t.equal(v.read('/oracle/gpio'), '4294967294\n', 're-activation starts over')
})

t.test('activity, idle machine: 10 ms on (16 at HZ=250), then ~1 s off in 100 ms looks', async t => {
  const v = sys()
  const t0 = v.clock.now()
  v.write('/oracle/trigger', 'activity\n')
  v.clock.advance(1100)
  t.same(timeline(v, t0), [[0, 255], [16, 0], [1048, 255], [1064, 0]])
})

t.test('activity, one busy CPU: 90 ms on, 10 ms off', async t => {
  const v = sys()
  const cpu = v.sys.machine.cpu as VirtualCpu
  cpu.set(1)
  v.clock.advance(1000)
  const t0 = v.clock.now()
  v.write('/oracle/trigger', 'activity\n')
  v.clock.advance(300)
  // 90 ms is 23 jiffies (fires at 24: 96 ms), 10 ms is 3 (fires at 4: 16 ms).
  t.same(timeline(v, t0), [[0, 255], [96, 0], [112, 255], [208, 0], [224, 255]])
})

t.test('activity, two CPUs half busy: at the target, 10 ms on, 90 ms off', async t => {
  const v = sys()
  ;(v.sys.machine.cpu as VirtualCpu).set(0.5, 2)
  v.clock.advance(1000)
  const t0 = v.clock.now()
  v.write('/oracle/trigger', 'activity\n')
  v.clock.advance(250)
  t.same(timeline(v, t0), [[0, 255], [16, 0], [112, 255], [128, 0], [224, 255], [240, 0]])
})

t.test('activity: invert, brightness writes, deactivation', async t => {
  const v = sys()
  v.write('/oracle/trigger', 'activity\n')
  t.equal(v.write('/oracle/invert', '0x10\n'), 5, 'base 0')
  t.equal(v.read('/oracle/invert'), '1\n', 'any non-zero value is 1')
  t.equal(v.write('/oracle/invert', '1 \n'), 'EINVAL')
  t.equal(v.write('/oracle/invert', '18446744073709551616\n'), 'ERANGE')
  t.equal(v.read('/oracle/brightness'), '255\n', 'invert waits for the next phase change')
  v.clock.advance(16)
  t.equal(v.read('/oracle/brightness'), '255\n', 'inverted: the "off" phase lights the LED')
  v.write('/oracle/brightness', '40\n')
  t.equal(v.read('/oracle/brightness'), '255\n', 'a brightness write only changes the blink brightness')
  t.match(v.read('/oracle/trigger'), '[activity]')
  const t1 = v.clock.now()
  v.clock.advance(1100)
  t.same(timeline(v, t1).map(e => e[1]), [0, 40], 'taken at the next look, shown at the next lit phase')
  v.write('/oracle/trigger', 'none\n')
  t.equal(v.read('/oracle/brightness'), '0\n')
  const before = v.sys.timeline.list('oracle').length
  v.clock.advance(2000)
  t.equal(v.sys.timeline.list('oracle').length, before, 'no timer left behind')
  v.write('/oracle/trigger', 'activity\n')
  t.equal(v.read('/oracle/brightness'), '40\n', 'the blink brightness outlasts the trigger')
})

t.test('netdev: files and the link', async t => {
  const v = sys()
  v.write('/oracle/brightness', '80\n')
  v.write('/oracle/trigger', 'netdev\n')
  t.equal(v.read('/oracle/brightness'), '80\n', 'activation sets nothing')
  t.same(ls(v), ['brightness', 'device', 'device_name', 'interval', 'link', 'max_brightness', 'power', 'rx', 'subsystem', 'trigger', 'tx', 'uevent'])
  t.equal(v.read('/oracle/interval'), '52\n', '50 ms in jiffies')
  v.write('/oracle/link', '1\n')
  t.equal(v.read('/oracle/brightness'), '0\n', 'no device: off')
  v.write('/oracle/device_name', 'lo\n')
  t.equal(v.read('/oracle/brightness'), '80\n', 'lo is up: lit with the brightness taken first')
  t.equal(v.write('/oracle/device_name', '0123456789abcdef'), 'EINVAL', '16 bytes')
  t.equal(v.write('/oracle/device_name', 'lo\n\n'), 4)
  t.equal(v.read('/oracle/device_name'), 'lo\n\n', 'only one newline is cut')
  t.equal(v.read('/oracle/brightness'), '0\n')
  v.write('/oracle/device_name', 'lo')
  t.equal(v.write('/oracle/interval', '4\n'), 2, 'out of range: accepted')
  t.equal(v.read('/oracle/interval'), '52\n', 'and ignored')
  v.write('/oracle/interval', '17\n')
  t.equal(v.read('/oracle/interval'), '20\n', 'rounded to jiffies')
  t.equal(v.write('/oracle/tx', '-1\n'), 'EINVAL')
})

t.test('netdev: carrier changes and interfaces coming and going', async t => {
  const v = sys()
  const net = v.sys.machine.net as VirtualNet
  v.write('/oracle/trigger', 'netdev\n')
  v.write('/oracle/link', '1\n')
  v.write('/oracle/device_name', 'eth0\n')
  t.equal(v.read('/oracle/brightness'), '0\n', 'no such interface')
  net.set('eth0', { link: true })
  t.equal(v.read('/oracle/brightness'), '255\n', 'registered and up: lit')
  net.set('eth0', { link: false })
  t.equal(v.read('/oracle/brightness'), '0\n', 'carrier lost')
  net.set('eth0', { link: true })
  t.equal(v.read('/oracle/brightness'), '255\n')
  net.set('eth0', { present: false })
  t.equal(v.read('/oracle/brightness'), '0\n', 'unregistered')
  net.set('lo', { link: false })
  t.equal(v.read('/oracle/brightness'), '0\n', 'another interface changes nothing')
})

t.test('netdev: traffic blinks once per look, inverted when the link is shown', async t => {
  const v = sys()
  const net = v.sys.machine.net as VirtualNet
  v.write('/oracle/trigger', 'netdev\n')
  v.write('/oracle/device_name', 'lo\n')
  v.write('/oracle/link', '1\n')
  v.write('/oracle/rx', '1\n')
  v.clock.advance(500)
  const t0 = v.clock.now()
  t.same(timeline(v, 0).map(e => e[1]), [255], 'no traffic: steady on')
  net.set('lo', { rx: 3 })
  v.clock.advance(300)
  const blink = timeline(v, t0)
  t.equal(blink.length, 2, 'one blink')
  t.same(blink.map(e => e[1]), [0, 255], 'off, then on again')
  t.equal(blink[1][0] - blink[0][0], 56, 'off for one interval (52 ms, 14 jiffies to fire)')
  t.ok(blink[0][0] > 0 && blink[0][0] <= 112, `noticed at the next look, every 2 intervals (${blink[0][0]} ms)`)
  v.write('/oracle/link', '0\n')
  const t1 = v.clock.now()
  net.set('lo', { tx: 7 })
  v.write('/oracle/tx', '1\n')
  v.clock.advance(300)
  const tx = timeline(v, t1)
  t.same(tx.map(e => e[1]), [0, 255, 0], 'link not shown: off, then a blink on')
})

t.test('netdev on mainline (6.12): more files', async t => {
  const v = sys('mainline')
  v.write('/oracle/trigger', 'netdev\n')
  t.same(ls(v), ['brightness', 'device', 'device_name', 'full_duplex', 'half_duplex', 'interval', 'link', 'max_brightness', 'offloaded', 'power', 'rx', 'rx_err', 'subsystem', 'trigger', 'tx', 'tx_err', 'uevent'])
  t.equal(v.read('/oracle/offloaded'), '0\n')
  t.equal(v.write('/oracle/offloaded', '1\n'), 'EACCES')
  const net = v.sys.machine.net as VirtualNet
  v.write('/oracle/device_name', 'lo\n')
  v.write('/oracle/rx_err', '1\n')
  v.clock.advance(200)
  const t0 = v.clock.now()
  net.set('lo', { rxErrors: 1 })
  v.clock.advance(300)
  t.same(timeline(v, t0).map(e => e[1]), [255, 0], 'an error counts as traffic')
})

t.test('virtual machine input is checked', async t => {
  const v = sys()
  const net = v.sys.machine.net as VirtualNet
  t.throws(() => net.set('', {}), /not an interface name/)
  t.throws(() => net.set('0123456789abcdef', {}), /not an interface name/)
  t.throws(() => net.set('eth0', { rx: -1 }), /rx must be a non-negative integer/)
  t.throws(() => (v.sys.machine.cpu as VirtualCpu).set(2), /load must be a number from 0 to 1/)
  t.throws(() => (v.sys.machine.cpu as VirtualCpu).set(0.5, 0), /cpus must be an integer/)
})

t.test('netdev: a brightness write during a blink, deactivation during a blink', async t => {
  const v = sys()
  const net = v.sys.machine.net as VirtualNet
  v.write('/oracle/trigger', 'netdev\n')
  v.write('/oracle/device_name', 'lo\n')
  v.write('/oracle/link', '1\n')
  v.write('/oracle/tx', '1\n')
  v.clock.advance(200)
  net.set('lo', { tx: 1 })
  // Step to the start of the blink's "off" phase.
  let guard = 0
  while (v.read('/oracle/brightness') !== '0\n' && guard++ < 200) v.clock.advance(4)
  t.equal(v.read('/oracle/brightness'), '0\n', 'blinking off')
  v.write('/oracle/brightness', '77\n')
  t.equal(v.read('/oracle/brightness'), '0\n', 'the write does not show during the blink')
  t.match(v.read('/oracle/trigger'), '[netdev]')
  v.clock.advance(100)
  t.equal(v.read('/oracle/brightness'), '77\n', 'the blink comes back on with the written brightness')
  net.set('lo', { tx: 2 })
  guard = 0
  while (v.read('/oracle/brightness') !== '0\n' && guard++ < 200) v.clock.advance(4)
  v.write('/oracle/trigger', 'none\n')
  const n = v.sys.timeline.list('oracle').length
  net.set('lo', { tx: 3 })
  v.clock.advance(1000)
  t.equal(v.sys.timeline.list('oracle').length, n, 'no blink timer or poll left behind')
  t.equal(v.read('/oracle/brightness'), '0\n')
})
