import t from 'tap'
import { spawn } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, openSync, closeSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { controlRequest } from '../../lib/control/client'
import { compareTranscripts, readJsonl } from '../support/compare'
import { runProbe } from '../support/probe'

/**
 * The event triggers of the trigger modules through a real FUSE mount, in a
 * mount that registers them after the `pattern` set (the `all` set also
 * needs the blink triggers). Each case of test/conformance/cases that has a
 * kernel transcript under kernel-6.1-all or kernel-6.12-all is replayed and
 * must match the kernel op for op; then the virtual machine is driven
 * through the control socket.
 */

const MODULES = ['activity', 'audio-mute', 'audio-micmute', 'backlight', 'flash', 'torch', 'gpio', 'netdev']
const HERE = join(__dirname, '..', 'conformance')
const CASES = ['event-triggers', 'backlight', 'gpio', 'activity', 'netdev', 'blink-brightness']

interface Mount { dir: string, led: string, stop: () => Promise<void> }

async function mount (args: string[]): Promise<Mount> {
  const dir = mkdtempSync(join(tmpdir(), 'ledfs-modules-'))
  const child = spawn(process.execPath, [join(__dirname, '..', 'support', 'module-triggers-mount.js'), MODULES.join(','), dir, '--led', 'oracle', '--triggers', 'pattern', ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 20 s: ${out}`)), 20000)
    child.stdout.on('data', () => { if (out.includes('ledfs: mounted')) { clearTimeout(timer); resolve() } })
    void exited.then(() => { clearTimeout(timer); reject(new Error(`exited: ${out}`)) })
  })
  return {
    dir,
    led: join(dir, 'oracle'),
    stop: async () => {
      child.kill('SIGTERM')
      const kill = setTimeout(() => child.kill('SIGKILL'), 10000)
      await exited
      clearTimeout(kill)
      if (readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${dir} `)) {
        try { execFileSync('fusermount', ['-uz', dir]) } catch {}
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
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
  { dir: 'kernel-6.1-all', args: ['--kernel', '6.1', '--machine', 'virtual'], differ: {} },
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
  t.ok(total >= 200, `${total} ops compared`)
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

