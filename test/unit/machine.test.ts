import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VirtualClock } from '../../lib/clock/virtual-clock'
import { HostCpu, VirtualCpu } from '../../lib/machine/cpu'
import { HostNet, VirtualNet, type NetdevEvent } from '../../lib/machine/net'

/** The machine sources: the host's files parsed as the kernel's counters, the virtual machine's bookkeeping. */

const PROC_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0: 5000000 4294967301    3    0    0     0          0         0   900000   7000    2    0    0     0       0          0
`

function fakeHost (t: Tap.Test): { dir: string, net: HostNet } {
  const dir = mkdtempSync(join(tmpdir(), 'ledfs-machine-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'class', 'lo'), { recursive: true })
  mkdirSync(join(dir, 'class', 'eth0'), { recursive: true })
  writeFileSync(join(dir, 'class', 'lo', 'carrier'), '1\n')
  writeFileSync(join(dir, 'class', 'eth0', 'carrier'), '0\n')
  writeFileSync(join(dir, 'dev'), PROC_NET_DEV)
  return { dir, net: new HostNet(join(dir, 'class'), join(dir, 'dev'), 20) }
}

t.test('HostNet reads carrier and counters; counters are cut to 32 bits', async t => {
  const { net } = fakeHost(t)
  t.same(net.get('lo'), { carrier: true, rxPackets: 10, txPackets: 10, rxErrors: 0, txErrors: 0 })
  t.same(net.get('eth0'), { carrier: false, rxPackets: 5, txPackets: 7000, rxErrors: 3, txErrors: 2 }, '2^32 + 5 rx packets read as 5')
  t.equal(net.get('wlan0'), undefined)
  t.equal(net.get('lo\n'), undefined, 'a name with a newline is no interface')
  t.equal(net.get('../class'), undefined)
  t.equal(net.get(''), undefined)
})

t.test('HostNet announces interfaces that come, change and go', async t => {
  const { dir, net } = fakeHost(t)
  const seen: Array<[NetdevEvent, string]> = []
  const off = net.subscribe((e, n) => seen.push([e, n]))
  t.teardown(off)
  mkdirSync(join(dir, 'class', 'usb0'))
  writeFileSync(join(dir, 'class', 'usb0', 'carrier'), '1\n')
  writeFileSync(join(dir, 'class', 'eth0', 'carrier'), '1\n')
  rmSync(join(dir, 'class', 'lo'), { recursive: true })
  await new Promise(resolve => setTimeout(resolve, 80))
  t.same(seen.sort(), [['change', 'eth0'], ['change', 'usb0'], ['register', 'usb0'], ['unregister', 'lo']].sort())
})

t.test('HostCpu sums user, nice, system, irq and softirq of /proc/stat', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'ledfs-stat-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'stat'), 'cpu  100 20 30 5000 40 6 7 0 0 0\ncpu0 100 20 30 5000 40 6 7 0 0 0\n')
  const s = new HostCpu(join(dir, 'stat')).sample()
  t.equal(s.usedNs, (100n + 20n + 30n + 6n + 7n) * 10_000_000n, 'idle and iowait left out; USER_HZ ticks in ns')
  t.ok(s.cpus >= 1)
  const none = new HostCpu(join(dir, 'missing')).sample()
  t.equal(none.usedNs, 0n, 'no /proc: idle')
})

t.test('VirtualCpu accrues used time at the load set, per CPU', async t => {
  const clock = new VirtualClock()
  const cpu = new VirtualCpu(clock)
  clock.advance(100)
  cpu.set(0.5, 2)
  clock.advance(1000)
  const s = cpu.sample()
  t.equal(s.cpus, 2)
  t.equal(s.usedNs, 1_000_000_000n, '1 s at half of 2 CPUs')
  t.equal(s.bootNs, 1_100_000_000n)
})

t.test('VirtualNet: creation announces register then up; only changes are announced', async t => {
  const net = new VirtualNet()
  const seen: string[] = []
  net.subscribe((e, n) => seen.push(`${e} ${n}`))
  net.set('eth0', { link: false })
  net.set('eth0', { rx: 4 })
  net.set('eth0', { link: false })
  net.set('eth0', { link: true })
  net.set('eth0', { present: false })
  net.set('eth0', { present: false })
  t.same(seen, ['register eth0', 'change eth0', 'change eth0', 'unregister eth0'])
  t.same(net.names(), ['lo'])
})
