// Every command and API call a user reaches, through a real mount:
// ledfs timeline (and --led, --clear), ledfs clock DIR now, a mount without
// --led (what `make run` mounts), ledfs watch live on a terminal, and the API's
// clearTimeline, inspect and readTrace.
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readTrace, startLedfs, withLedfs } from '../../lib'
import { CLI, ROOT, startMount } from '../support/mount'
import { tempDir } from '../support/tmp'

function ledfs (...args: string[]): { code: number | null, out: string, err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const lines = (s: string): unknown[] => s.split('\n').filter(l => l !== '').map(l => JSON.parse(l))

t.test('ledfs timeline: every LED, one LED, --clear', async t => {
  const m = await startMount(['--led', 'a', '--led', 'b', '--clock', 'virtual'])
  t.teardown(async () => { await m.stop() })
  t.same(ledfs('timeline', m.dir), { code: 0, out: '', err: '' }, 'empty before any change')
  writeFileSync(join(m.ledDir('a'), 'brightness'), '10')
  writeFileSync(join(m.ledDir('b'), 'brightness'), '20')
  writeFileSync(join(m.ledDir('a'), 'brightness'), '0')
  const all = ledfs('timeline', m.dir)
  t.equal(all.code, 0, all.err)
  t.same(lines(all.out), [{ t: 0, led: 'a', brightness: 10 }, { t: 0, led: 'b', brightness: 20 }, { t: 0, led: 'a', brightness: 0 }])
  t.same(lines(ledfs('timeline', m.dir, '--led', 'b').out), [{ t: 0, led: 'b', brightness: 20 }])
  const cleared = ledfs('timeline', m.dir, '--clear')
  t.equal(cleared.out, all.out, '--clear prints the timeline, then empties it')
  t.same(ledfs('timeline', m.dir), { code: 0, out: '', err: '' }, 'empty after --clear')
  writeFileSync(join(m.ledDir('b'), 'brightness'), '5')
  t.same(lines(ledfs('timeline', m.dir).out), [{ t: 0, led: 'b', brightness: 5 }], 'recording goes on')
  const bad = ledfs('timeline', m.dir, 'extra')
  t.equal(bad.code, 2)
  t.match(bad.err, /usage: ledfs timeline DIR/)
})

t.test('ledfs clock DIR now: virtual and real time', async t => {
  const v = await startMount(['--led', 'a', '--clock', 'virtual'])
  t.teardown(async () => { await v.stop() })
  const parse = (s: string): [number, number] => {
    const m = /^([0-9.]+) ms \(jiffies (-?[0-9]+)\)\n$/.exec(s)
    t.ok(m, `"${s}" is "MS ms (jiffies J)"`)
    return [Number(m?.[1]), Number(m?.[2])]
  }
  const [t0, j0] = parse(ledfs('clock', v.dir, 'now').out)
  t.equal(t0, 0, 'a virtual clock starts at 0')
  t.equal(ledfs('clock', v.dir, 'advance', '100').out, '100\n')
  const [t1, j1] = parse(ledfs('clock', v.dir, 'now').out)
  t.equal(t1, 100)
  t.equal(j1 - j0, 25, '100 ms is 25 jiffies at HZ=250')
  const r = await startMount(['--led', 'a', '--hz', '1000'])
  t.teardown(async () => { await r.stop() })
  const [r0, rj0] = parse(ledfs('clock', r.dir, 'now').out)
  await new Promise(resolve => setTimeout(resolve, 300))
  const [r1, rj1] = parse(ledfs('clock', r.dir, 'now').out)
  t.ok(r1 - r0 >= 300, `real time moved ${r1 - r0} ms`)
  t.ok(rj1 - rj0 >= 295, `jiffies at HZ=1000 follow it (${rj1 - rj0})`)
  const adv = ledfs('clock', r.dir, 'advance', '10')
  t.equal(adv.code, 2)
  t.match(adv.err, /runs in real time; start it with --clock virtual/)
  const none = ledfs('clock', tempDir(t, 'nomount'), 'now')
  t.equal(none.code, 2)
  t.match(none.err, /^ledfs: .+\n$/, 'no mount there: one line')
})

t.test('a mount without --led has the default LEDs that make run shows', async t => {
  const m = await startMount([])
  t.teardown(async () => { await m.stop() })
  t.match(m.output(), /mounted 2 LEDs .*: ledfs:green:status, sc27xx:white:breath/)
  t.same(readdirSync(m.dir).sort(), ['ledfs:green:status', 'sc27xx:white:breath'])
  // The commands make run prints, through a shell.
  const status = m.ledDir('ledfs:green:status')
  const sh = (cmd: string, cwd: string): string => spawnSync('bash', ['-c', cmd], { cwd, encoding: 'utf8' }).stdout
  t.equal(sh('echo pattern > trigger; echo 0 1000 255 2000 > pattern; cat pattern; echo 3 > repeat; cat repeat', status), '0 1000 255 2000\n3\n')
  t.equal(readFileSync(join(status, 'max_brightness'), 'utf8'), '255\n')
  const breath = m.ledDir('sc27xx:white:breath')
  t.equal(sh('echo pattern > trigger; echo 0 500 255 1000 0 500 0 1000 > hw_pattern; cat hw_pattern', breath), '0 500 255 1000 0 500 0 1000\n')
  const regs = ledfs('inspect', m.dir, 'sc27xx:white:breath')
  t.equal(regs.code, 0, regs.err)
  t.ok(Object.keys(JSON.parse(regs.out) as object).length > 0, 'the mock PMIC answers ledfs inspect')
})

t.test('ledfs watch on a terminal: live rows, q quits and restores the screen', async t => {
  const m = await startMount(['--led', 'alpha', '--led', 'beta'])
  t.teardown(async () => { await m.stop() })
  const child = spawn('python3', [join(ROOT, 'test', 'support', 'on-pty.py'), '24', '80', '--', process.execPath, CLI, 'watch', m.dir, '--interval', '20'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let screen = ''
  child.stdout.on('data', (d: Buffer) => { screen += d.toString('latin1') })
  child.stderr.on('data', (d: Buffer) => { screen += d.toString('latin1') })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.teardown(async () => { if (child.exitCode === null) child.kill('SIGKILL'); await exited })
  const waitFor = async (re: RegExp, what: string): Promise<void> => {
    const until = Date.now() + 60000 // a loaded machine starts node slowly
    while (!re.test(screen)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`${what} never showed: ${JSON.stringify(screen.slice(-600))}`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }
  await waitFor(/alpha +none +0\/255/, 'the first frame')
  t.ok(screen.startsWith('\x1b[?1049h'), 'draws in the alternate screen')
  t.match(screen, /beta +none +0\/255/)
  writeFileSync(join(m.ledDir('beta'), 'brightness'), '255')
  await waitFor(/beta +none +255\/255 +\[#{10,}/, 'the change of beta')
  writeFileSync(join(m.ledDir('alpha'), 'trigger'), 'pattern')
  await waitFor(/alpha +pattern /, 'the new trigger of alpha')
  child.stdin.write('q')
  t.equal(await exited, 0, 'q quits with status 0')
  t.ok(screen.endsWith('\x1b[?25h\x1b[?1049l'), 'cursor shown and the normal screen back at the end')
})

t.test('API: timeline, clearTimeline, inspect, readTrace', async t => {
  const work = tempDir(t, 'api')
  await withLedfs({ leds: ['a', { name: 'pmic', driver: 'sc27xx' }], clock: 'virtual' }, async (fs) => {
    writeFileSync(join(fs.ledPath('a'), 'brightness'), '3')
    t.same(await fs.timeline(), [{ t: 0, led: 'a', brightness: 3 }])
    await fs.clearTimeline()
    t.same(await fs.timeline(), [], 'clearTimeline empties it')
    await fs.advance(8)
    writeFileSync(join(fs.ledPath('a'), 'brightness'), '4')
    t.same(await fs.timeline('a'), [{ t: 8, led: 'a', brightness: 4 }], 'and recording goes on')

    const idle = await fs.inspect('pmic')
    writeFileSync(join(fs.ledPath('pmic'), 'trigger'), 'pattern')
    writeFileSync(join(fs.ledPath('pmic'), 'hw_pattern'), '0 500 255 1000 0 500 0 1000')
    const running = await fs.inspect('pmic')
    t.not(JSON.stringify(running), JSON.stringify(idle), 'inspect shows the registers hw_pattern programmed')
    t.match(JSON.stringify(running), /255/, 'the high brightness is in them')
    await t.rejects(fs.inspect('nosuch'), /nosuch/, 'an unknown LED is an error naming it')
  })
  // readTrace reads what --trace writes.
  const trace = join(work, 'trace.jsonl')
  const m = await startMount(['--led', 'x', '--clock', 'virtual', '--trace', trace])
  writeFileSync(join(m.ledDir('x'), 'brightness'), '1')
  spawnSync(process.execPath, [CLI, 'clock', m.dir, 'advance', '12'])
  writeFileSync(join(m.ledDir('x'), 'brightness'), '2')
  await m.stop()
  t.same(readTrace(trace), [{ t: 0, led: 'x', brightness: 1 }, { t: 12, led: 'x', brightness: 2 }])
  writeFileSync(trace, '{"t":1,"led":"x","brightness":1}\n\nnot json\n')
  t.throws(() => readTrace(trace), 'a broken line is an error')
})

t.test('startLedfs removes its temporary folders when stopped', async t => {
  const fs = await startLedfs({ leds: ['a'] })
  const dir = fs.dir
  t.ok(readdirSync(dir).includes('a'))
  await fs.stop()
  t.throws(() => readdirSync(dir), { code: 'ENOENT' }, 'the mount folder is gone')
})

t.test('help: ledfs, ledfs help [COMMAND], COMMAND --help', async t => {
  const bare = ledfs()
  t.equal(bare.code, 2, 'no command is a usage error')
  t.match(bare.out, /^ledfs - the Linux LED class sysfs ABI/)
  t.equal(ledfs('help').out, bare.out)
  for (const cmd of ['mount', 'run', 'clock', 'inspect', 'timeline', 'plot', 'watch']) {
    const own = ledfs(cmd, '--help')
    t.equal(own.code, 0, `${cmd} --help`)
    t.match(own.out, new RegExp(`^ledfs ${cmd} `), `${cmd} --help starts with its usage`)
    t.equal(ledfs('help', cmd).out, own.out, `ledfs help ${cmd} is the same text`)
  }
})
