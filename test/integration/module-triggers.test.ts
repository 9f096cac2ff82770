import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, openSync, closeSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { withLedfs } from '../../lib/api'
import { controlRequest } from '../../lib/control/client'
import { compareTranscripts, readJsonl } from '../support/compare'
import { CLI, startMount } from '../support/mount'
import { runProbe } from '../support/probe'

/**
 * The event triggers of the trigger modules through a real FUSE mount
 * (`--triggers all`). Their 6.12 transcripts (kernel-6.12-all) are replayed
 * on `--kernel mainline` and must match the kernel op for op but for the
 * declared differences (the 6.1-all ones are the replay's, in
 * test/conformance); then the virtual machine is driven through the control
 * socket.
 */
const HERE = join(__dirname, '..', 'conformance')
const CASES = ['event-triggers', 'backlight', 'gpio', 'activity', 'netdev', 'netdev-modes', 'netdev-names', 'blink-brightness']

async function mount (args: string[]): Promise<{ dir: string, led: string, stop: () => Promise<unknown> }> {
  const m = await startMount(['--led', 'oracle', '--triggers', 'all', ...args])
  return { dir: m.dir, led: m.ledDir('oracle'), stop: m.stop }
}

/**
 * Ops known to differ, by case, with the reason; the test fails if any
 * other op differs or a listed one stops differing. Neither 6.12 difference
 * is a trigger's: the mainline profile still lists 6.1's trigger modules,
 * and its kernfs answers lseek(2) on a file whose attribute is gone.
 */
const HELD_SEEK = '6.12 kernfs: lseek on a held fd fails with ENODEV once the attribute is removed (6.1: the seek works, the read fails)'
const NO_AUDIO = '6.12 has no ledtrig-audio module (audio-mute, audio-micmute are EINVAL there); the mainline profile lists 6.1\'s trigger modules'
const PROFILES: Array<{ dir: string, args: string[], differ: Record<string, { ops: number[], why: string }> }> = [
  {
    dir: 'kernel-6.12-all',
    args: ['--kernel', 'mainline', '--machine', 'virtual'],
    differ: {
      'event-triggers': { ops: [29, 30, 31, 34, 35, 36, 41], why: NO_AUDIO },
      backlight: { ops: [61], why: HELD_SEEK },
      activity: { ops: [41], why: HELD_SEEK },
      netdev: { ops: [111], why: HELD_SEEK }
    }
  }
]

let total = 0
for (const p of PROFILES) {
  for (const name of CASES) {
    const golden = join(HERE, p.dir, `${name}.jsonl`)
    if (!existsSync(golden)) continue
    t.test(`${name} against ${p.dir}`, async t => {
      const m = await mount(p.args)
      try {
        const r = compareTranscripts(readJsonl(golden), await runProbe(m.led, readFileSync(join(HERE, 'cases', `${name}.txt`))))
        total += r.total
        const known = p.differ[name]?.ops ?? []
        const differing = r.mismatches.map(l => Number(/^#(\d+)/.exec(l)?.[1])).filter((n, i, a) => a.indexOf(n) === i).sort((a, b) => a - b)
        t.same(differing, known, `ops that differ: ${r.mismatches.join(' | ') || 'none'}${known.length > 0 ? ` (expected: ${p.differ[name].why})` : ''}`)
        t.comment(`${name} (${p.dir}): ${r.identical}/${r.total} ops identical`)
      } finally {
        await m.stop()
      }
    })
  }
}

t.test('enough ops compared', async t => {
  t.ok(total >= 300, `${total} ops compared`)
})

const write = (p: string, s: string): number | string => {
  try { const fd = openSync(p, 'w'); try { return writeSync(fd, s) } finally { closeSync(fd) } } catch (e) { return (e as NodeJS.ErrnoException).code ?? String(e) }
}

t.test('netdev follows an interface set through the control socket (virtual clock)', async t => {
  const m = await mount(['--clock', 'virtual'])
  t.teardown(async () => { await m.stop() })
  const ask = async (req: Parameters<typeof controlRequest>[1]): Promise<Record<string, unknown>> => {
    const r = await controlRequest(m.dir, req)
    if (!r.ok) throw new Error(r.error)
    return r
  }
  t.equal(write(join(m.led, 'trigger'), 'netdev\n'), 7)
  write(join(m.led, 'device_name'), 'eth0\n')
  write(join(m.led, 'link'), '1\n')
  t.equal(readFileSync(join(m.led, 'brightness'), 'latin1'), '0\n', 'no eth0 yet')
  await ask({ cmd: 'netdev', name: 'eth0', link: true })
  t.equal(readFileSync(join(m.led, 'brightness'), 'latin1'), '255\n', 'eth0 registered with its carrier on')
  write(join(m.led, 'tx'), '1\n')
  await ask({ cmd: 'advance', ms: 200 })
  await ask({ cmd: 'timeline', clear: true })
  await ask({ cmd: 'netdev', name: 'eth0', tx: 10 })
  await ask({ cmd: 'advance', ms: 300 })
  const ev = (await ask({ cmd: 'timeline', led: 'oracle' })).events as Array<{ t: number, brightness: number }>
  t.same(ev.map(e => e.brightness), [0, 255], 'ten packets sent: one blink off')
  await ask({ cmd: 'netdev', name: 'eth0', link: false })
  t.equal(readFileSync(join(m.led, 'brightness'), 'latin1'), '0\n', 'carrier lost')
  const bad = await controlRequest(m.dir, { cmd: 'netdev', name: 'eth0', rx: -3 })
  t.same(bad, { ok: false, error: 'setNetdev: rx must be a non-negative integer counter (got -3)' })
})

t.test('a real-time mount on the host refuses injected state', async t => {
  const m = await mount([])
  t.teardown(async () => { await m.stop() })
  const r = await controlRequest(m.dir, { cmd: 'netdev', name: 'lo', rx: 1 })
  t.equal(r.ok, false)
  t.match(r, { error: /--machine virtual/ })
  const c = await controlRequest(m.dir, { cmd: 'cpu-load', load: 0.5 })
  t.match(c, { ok: false, error: /--machine virtual/ })
  // The host always has lo: netdev finds it.
  write(join(m.led, 'trigger'), 'netdev\n')
  t.equal(write(join(m.led, 'device_name'), 'lo\n'), 3)
  t.equal(readFileSync(join(m.led, 'device_name'), 'latin1'), 'lo\n')
})


t.test('the API: setCpuLoad drives activity, setNetdev netdev', async t => {
  await withLedfs({ leds: ['oracle'], clock: 'virtual', triggers: 'all' }, async (fs) => {
    await fs.setCpuLoad(1)
    await fs.advance(1000)
    const t0 = await fs.now()
    t.equal(write(join(fs.ledPath('oracle'), 'trigger'), 'activity\n'), 9)
    await fs.advance(300)
    const ev = (await fs.timeline('oracle')).map(e => [e.t - t0, e.brightness])
    t.same(ev, [[0, 255], [96, 0], [112, 255], [208, 0], [224, 255]], 'one busy CPU: 90 ms on (96 on the wheel), 10 ms off (16)')
    await t.rejects(fs.setCpuLoad(1.5), /load must be a number from 0 to 1/)
    t.same(await fs.setNetdev('wlan0', { link: false, rx: 3 }), { carrier: false, rxPackets: 3, txPackets: 0, rxErrors: 0, txErrors: 0 })
    t.equal(await fs.setNetdev('wlan0', { present: false }), null, 'removed')
  })
})

t.test('the CLI: ledfs net and ledfs cpu', async t => {
  const m = await mount(['--clock', 'virtual'])
  t.teardown(async () => { await m.stop() })
  const cli = (...args: string[]): { code: number, out: string } => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) }
    } catch (e) {
      const err = e as { status: number, stderr: string }
      return { code: err.status, out: err.stderr }
    }
  }
  t.same(cli('net', m.dir, 'eth1', '--link', '1', '--tx', '5'), { code: 0, out: '{"carrier":true,"rxPackets":0,"txPackets":5,"rxErrors":0,"txErrors":0}\n' })
  t.match(cli('net', m.dir, 'eth1', '--link', 'yes'), { code: 2, out: /--link takes 0 or 1 \(got "yes"\)/ })
  t.match(cli('net', m.dir, 'eth1', '--rx', '-4'), { code: 2, out: /--rx takes a counter value/ })
  t.same(cli('cpu', m.dir, '0.25', '--cpus', '4'), { code: 0, out: '' })
  t.match(cli('cpu', m.dir, '2'), { code: 2, out: /LOAD from 0 to 1 \(got "2"\)/ })
})
