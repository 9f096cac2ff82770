import t from 'tap'
import { tempDir } from '../support/tmp'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { CLI, startMount } from '../support/mount'

const read = (p: string): string => readFileSync(p, 'latin1')
const write = (p: string, s: string): void => { const fd = fs.openSync(p, 'w'); try { fs.writeSync(fd, s) } finally { fs.closeSync(fd) } }
const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))
const errCode = (fn: () => unknown): string | undefined => { try { fn(); return undefined } catch (e) { return (e as NodeJS.ErrnoException).code } }
function isMounted (dir: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some(l => l.split(' ')[4] === dir)
}

t.test('a sysfs-backed LED drives another ledfs mount and puts it back on SIGTERM', async t => {
  const work = tempDir(t, 'be')
  const traceA = join(work, 'a.jsonl')
  const a = await startMount(['--led', 'real', '--trace', traceA])
  t.teardown(async () => { await a.stop() })
  const real = a.ledDir('real')
  write(join(real, 'brightness'), '42\n')
  const b = await startMount(['--led', `drv=sysfs:${real}`])
  t.equal(read(join(real, 'brightness')), '0\n', 'taken over: brightness 0')
  t.match(read(join(real, 'trigger')), /^\[none\] /, 'taken over: trigger none')
  t.equal(read(join(b.ledDir('drv'), 'max_brightness')), '255\n', 'max_brightness comes from the target')
  const drv = b.ledDir('drv')
  write(join(drv, 'trigger'), 'pattern\n')
  write(join(drv, 'repeat'), '1\n')
  write(join(drv, 'pattern'), '0 100 255 100\n')
  await sleep(450)
  t.equal(read(join(real, 'brightness')), '0\n')
  t.equal(await b.stop(), 0)
  t.equal(read(join(real, 'brightness')), '42\n', 'brightness restored')
  const seen = read(traceA).trim().split('\n').map(l => (JSON.parse(l) as { brightness: number }).brightness)
  t.same(seen, [42, 0, 127, 255, 128, 0, 42], 'the real LED saw the kernel sequence, then its own value again')
})

t.test('SIGTERM restores the real LED\'s trigger', async t => {
  const a = await startMount(['--led', 'real'])
  t.teardown(async () => { await a.stop() })
  const real = a.ledDir('real')
  write(join(real, 'trigger'), 'pattern\n')
  write(join(real, 'pattern'), '9 1000 9 1000\n')
  await sleep(30)
  const b = await startMount(['--led', `drv=sysfs:${real}`])
  t.equal(errCode(() => read(join(real, 'pattern'))), 'ENOENT', 'the target\'s trigger was set to none')
  b.child.kill('SIGTERM')
  t.equal(await b.stop(), 0)
  t.match(read(join(real, 'trigger')), / \[pattern\] /, 'trigger restored')
})

t.test('a target that goes away at run time is reported once; the emulated LED keeps working', async t => {
  const a = await startMount(['--led', 'real'])
  const real = a.ledDir('real')
  const b = await startMount(['--led', `drv=sysfs:${real}`])
  t.teardown(async () => { await b.stop() })
  await a.stop()
  const drv = b.ledDir('drv')
  write(join(drv, 'brightness'), '10\n')
  write(join(drv, 'brightness'), '20\n')
  t.equal(read(join(drv, 'brightness')), '20\n')
  await sleep(100)
  const reports = b.output().split('\n').filter(l => l.includes('writing brightness failed'))
  t.equal(reports.length, 1, 'reported once')
})

t.test('plain files as the target', async t => {
  const dir = tempDir(t, 'plain')
  writeFileSync(join(dir, 'brightness'), '5\n')
  writeFileSync(join(dir, 'max_brightness'), '100\n')
  writeFileSync(join(dir, 'trigger'), '[none] timer\n')
  const b = await startMount(['--led', `p=sysfs:${dir}`])
  t.equal(read(join(b.ledDir('p'), 'max_brightness')), '100\n')
  write(join(b.ledDir('p'), 'brightness'), '300\n')
  t.equal(read(join(b.ledDir('p'), 'brightness')), '100\n', 'clamped to the target\'s max')
  t.equal(read(join(dir, 'brightness')), '100\n', 'written to the target')
  t.equal(await b.stop(), 0)
  t.equal(read(join(dir, 'brightness')), '5\n', 'restored')
})

t.test('bad targets and bad configuration fail before anything is mounted', async t => {
  const work = tempDir(t, 'badcfg')
  const mnt = join(work, 'mnt')
  mkdirSync(mnt)
  const notled = join(work, 'notled')
  mkdirSync(notled)
  const unwritable = join(work, 'unwritable')
  mkdirSync(join(unwritable, 'brightness'), { recursive: true })
  writeFileSync(join(unwritable, 'max_brightness'), '255\n')
  const cfg = (o: unknown): string => { const f = join(work, `c${Math.random()}.json`); writeFileSync(f, JSON.stringify(o)); return f }
  const cases: Array<[string[], RegExp]> = [
    [['--led', `x=sysfs:${join(work, 'nope')}`], /LED "x": sysfs LED .*nope: does not exist/],
    [['--led', `x=sysfs:${notled}`], /LED "x": sysfs LED .*notled: has no readable max_brightness/],
    [['--led', `x=sysfs:${unwritable}`], /has no readable brightness file|cannot be written/],
    [['--led', 'x=blinky'], /--led x=blinky: LED "x": "driver" must be one of "memory", "sc27xx", "sysfs", "rgb" \(got "blinky"\)/],
    [['--config', cfg({ leds: [{ name: 'a', max_brightness: 0 }] })], /LED "a": "max_brightness" must be an integer from 1/],
    [['--config', cfg({ leds: [{ name: 'a', driver: 'sysfs' }] })], /LED "a": "driver": "sysfs" needs "target"/],
    [['--config', cfg({ leds: [{ name: 'a', colour: 'red' }] })], /LED "a": unknown field "colour"/],
    [['--config', cfg({ leds: [{ name: 'a', default_trigger: 'pattern', default_pattern: [1, 2, 3] }] })], /LED "a": "default_pattern" must have an even length/],
    [['--config', cfg({ leds: [{ name: 'a', default_trigger: 'blink' }] })], /LED "a": unknown default trigger "blink"/],
    [['--config', cfg({ leds: [] })], /"leds" must be a non-empty list/],
    [['--config', cfg({ leds: [{ name: 'b', driver: 'sc27xx', max_brightness: 100 }] })], /LED "b": "max_brightness" is fixed at 255 by the sc27xx driver \(got 100\)/],
    [['--config', join(work, 'missing.json')], /cannot read the config file/]
  ]
  for (const [args, re] of cases) {
    const r = spawnSync(process.execPath, [CLI, 'mount', mnt, ...args], { encoding: 'utf8', timeout: 20000 })
    t.equal(r.status, 2, args.join(' '))
    t.match(r.stderr, re, args.join(' '))
    t.notOk(isMounted(mnt), 'nothing mounted')
  }
})

t.test('SC27xx: registered with the pattern trigger, so hw_pattern works at once', async t => {
  const m = await startMount(['--led', 'b=sc27xx'])
  t.teardown(async () => { await m.stop() })
  const b = m.ledDir('b')
  t.match(read(join(b, 'trigger')), /^none .* \[pattern\] /, 'cat trigger shows [pattern]')
  t.equal(read(join(b, 'max_brightness')), '255\n')
  t.equal(errCode(() => write(join(b, 'hw_pattern'), '0 500 255 1000 0 500 0 1000\n')), undefined)
  t.equal(read(join(b, 'hw_pattern')), '0 500 255 1000 0 500 0 1000\n')
  t.equal(read(join(b, 'brightness')), '255\n')
})

t.test('SC27xx: inspect tells the brightness file from the level on the timeline', async t => {
  const m = await startMount(['--led', 'b=sc27xx', '--clock', 'virtual'])
  t.teardown(async () => { await m.stop() })
  const inspect = (): { brightness: number, timelineLevel: number, trigger: string, state: { level: number } } => {
    const r = spawnSync(process.execPath, [CLI, 'inspect', m.dir, 'b'], { encoding: 'utf8' })
    t.equal(r.status, 0, r.stderr)
    return JSON.parse(r.stdout)
  }
  // A 2 s rise to 255: the brightness file shows 255 from the start, the light climbs.
  write(join(m.ledDir('b'), 'hw_pattern'), '0 2000 255 1000 0 500 0 1000\n')
  let r = inspect()
  t.same([r.trigger, r.brightness, r.timelineLevel, r.state.level], ['pattern', 255, 0, 0], 'dark at the start of the rise')
  const adv = spawnSync(process.execPath, [CLI, 'clock', m.dir, 'advance', '1000'], { encoding: 'utf8' })
  t.equal(adv.status, 0, adv.stderr)
  r = inspect()
  // Half way up: 255 * 1000 / 2000 = 127.5, rounded to 128 (the sample at 1000 ms is on the 25 ms grid).
  t.same([r.brightness, r.timelineLevel, r.state.level], [255, 128, 128])
  t.equal(read(join(m.ledDir('b'), 'brightness')), '255\n')
})

t.test('SC27xx: hw_pattern through the mount, registers from the CLI', async t => {
  const m = await startMount(['--led', 'sc=sc27xx', '--led', 'plain'])
  t.teardown(async () => { await m.stop() })
  const sc = m.ledDir('sc')
  write(join(m.ledDir('plain'), 'trigger'), 'pattern\n')
  t.ok(fs.readdirSync(sc).includes('hw_pattern'), 'hw_pattern on the SC27xx LED')
  t.notOk(fs.readdirSync(m.ledDir('plain')).includes('hw_pattern'), 'not on a memory LED')
  write(join(sc, 'hw_pattern'), '0 100 255 1000 0 200 0 300\n')
  t.equal(read(join(sc, 'hw_pattern')), '0 125 255 1000 0 250 0 250\n', 'durations read back aligned to 125 ms')
  t.equal(read(join(sc, 'pattern')), '', 'the software pattern file stays empty')
  t.equal(read(join(sc, 'brightness')), '255\n', 'brightness reads the second tuple while breathing')
  const insp = spawnSync(process.execPath, [CLI, 'inspect', m.dir, 'sc'], { encoding: 'utf8' })
  t.equal(insp.status, 0, insp.stderr)
  const state = JSON.parse(insp.stdout) as { driver: string, state: { regs: Record<string, number>, mode: string } }
  t.equal(state.driver, 'sc27xx')
  t.equal(state.state.mode, 'breathing')
  t.match(JSON.stringify(state.state), /"CURVE0":513/, 'CURVE0 = 0x0201 (rise 1 step, fall 2 steps)')
  t.equal(errCode(() => write(join(sc, 'hw_pattern'), '0 100 255 1000 0 200\n')), 'EINVAL', '3 tuples')
  t.equal(read(join(sc, 'hw_pattern')), '', 'a refused pattern is cleared')
  t.equal(errCode(() => write(join(sc, 'hw_pattern'), '0 0 255 40000 0 0 0 0\n')), undefined)
  t.equal(read(join(sc, 'hw_pattern')), '0 125 255 31875 0 125 0 125\n', 'durations clamped to 125..31875')
  write(join(sc, 'pattern'), '0 100 255 100\n')
  t.equal(read(join(sc, 'hw_pattern')), '', 'a software pattern replaces the hardware one')
  const after = JSON.parse(spawnSync(process.execPath, [CLI, 'inspect', m.dir, 'sc'], { encoding: 'utf8' }).stdout) as { state: { mode: string } }
  t.not(after.state.mode, 'breathing', 'the breathing curve was cleared')
})

t.test('SC27xx LEDs naming one controller are its lines and share its CTRL register', async t => {
  const m = await startMount(['--led', 'r=sc27xx:pmic0:line0', '--led', 'g=sc27xx:pmic0:line1', '--led', 'own=sc27xx'])
  t.teardown(async () => { await m.stop() })
  write(join(m.ledDir('r'), 'brightness'), '100\n')
  write(join(m.ledDir('g'), 'brightness'), '200\n')
  write(join(m.ledDir('own'), 'brightness'), '50\n')
  const regs = (led: string): { line: number, values: Record<string, number>, addresses: Record<string, number> } => {
    const r = spawnSync(process.execPath, [CLI, 'inspect', m.dir, led], { encoding: 'utf8' })
    t.equal(r.status, 0, r.stderr)
    return (JSON.parse(r.stdout) as { state: { line: number, values: Record<string, number>, addresses: Record<string, number> } }).state
  }
  const r = regs('r')
  const g = regs('g')
  const own = regs('own')
  t.same([r.line, g.line, own.line], [0, 1, 0])
  t.equal(r.values.CTRL, 0x33, 'run and type bits of lines 0 and 1 in the one CTRL register')
  t.equal(g.values.CTRL, 0x33, 'the same register seen from line 1')
  t.equal(own.values.CTRL, 0x03, 'a controller of its own: only line 0')
  t.equal(g.addresses.DUTY - r.addresses.DUTY, 0x10, 'line 1\'s block follows line 0\'s')
  t.not(r.values.DUTY, g.values.DUTY, 'each line its own duty')
})

t.test('a config file with a default trigger and pattern', async t => {
  const work = tempDir(t, 'cfg')
  const f = join(work, 'leds.json')
  writeFileSync(f, JSON.stringify({
    hz: 1000,
    leds: [
      { name: 'boot', default_trigger: 'pattern', default_pattern: [0, 500, 255, 500] },
      { name: 'breath', driver: 'sc27xx', max_brightness: 255 },
      { name: 'quiet', driver: 'sc27xx', default_trigger: 'none' },
      { name: 'busy', driver: 'sc27xx', default_trigger: 'cpu' }
    ]
  }))
  const m = await startMount(['--config', f])
  t.teardown(async () => { await m.stop() })
  t.match(m.output(), /HZ 1000/)
  t.same(fs.readdirSync(m.dir).sort(), ['boot', 'breath', 'busy', 'quiet'])
  t.match(read(join(m.ledDir('breath'), 'trigger')), / \[pattern\] /, 'the driver\'s default trigger')
  t.match(read(join(m.ledDir('quiet'), 'trigger')), /^\[none\] /, 'a configured default trigger overrides it')
  t.notOk(fs.readdirSync(m.ledDir('quiet')).includes('hw_pattern'))
  t.match(read(join(m.ledDir('busy'), 'trigger')), / \[cpu\] /)
  t.equal(read(join(m.ledDir('busy'), 'brightness')), '255\n')
  t.match(read(join(m.ledDir('boot'), 'trigger')), / \[pattern\] /)
  t.equal(read(join(m.ledDir('boot'), 'pattern')), '0 500 255 500\n', 'the default pattern was applied')
})
