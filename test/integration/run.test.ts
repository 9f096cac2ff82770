import t from 'tap'
import { tempDir } from '../support/tmp'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { CLI } from '../support/mount'

const work = tempDir(t, 'run')

/** Mounts where ledfs run mounts (inside its namespace); other ledfs mounts on the machine may come and go meanwhile. */
function ledfsMounts (): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(l => ['/sys/class/leds', '/sys/class'].includes(l.split(' ')[4]))
}

function run (args: string[], script: string): { code: number | null, out: string, err: string } {
  const r = spawnSync(process.execPath, [CLI, 'run', ...args, '--', 'bash', '-c', script], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, LEDFS: `${process.execPath} ${CLI}` }
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const events = (file: string): Array<{ t: number, led: string, brightness: number }> =>
  readFileSync(file, 'utf8').trim().split('\n').filter(l => l !== '').map(l => JSON.parse(l))

const SCRIPT = 'cd /sys/class/leds/oracle && echo pattern > trigger && echo 1 > repeat && echo 0 200 255 200 > pattern'

t.test('an unmodified script sees /sys/class/leds; the timeline is recorded; the exit status is the command\'s', async t => {
  const before = ledfsMounts()
  const trace = join(work, 'real.jsonl')
  const r = run(['--led', 'oracle', '--trace', trace], `${SCRIPT} && sleep 0.7 && cat brightness && ls /sys/class/leds && exit 3`)
  t.equal(r.code, 3, r.err)
  t.equal(r.out, '0\noracle\n')
  t.same(events(trace).map(e => e.brightness), [63, 127, 191, 255, 192, 128, 64, 0], 'the kernel\'s sequence')
  t.same(ledfsMounts(), before, 'no mount left behind')
  t.notOk(existsSync('/sys/class/leds') && !before.some(l => l.includes('/sys/class/leds')) && readFileSync('/proc/self/mountinfo', 'utf8').includes(' /sys/class/leds '), 'nothing visible outside')
})

t.test('SIGKILL of the command leaves nothing behind', async t => {
  const before = ledfsMounts()
  const r = run(['--led', 'oracle'], 'echo pattern > /sys/class/leds/oracle/trigger; kill -9 $$')
  t.equal(r.code, 137, '128 + SIGKILL')
  t.same(ledfsMounts(), before)
})

t.test('virtual time: the same timeline step for step, exactly on the jiffy grid', async t => {
  const vtrace = join(work, 'virtual.jsonl')
  const r = run(['--led', 'oracle', '--clock', 'virtual', '--trace', vtrace], `${SCRIPT} && $LEDFS clock /sys/class/leds advance 1400 >/dev/null && cat /sys/class/leds/oracle/brightness`)
  t.equal(r.code, 0, r.err)
  t.equal(r.out, '0\n')
  const v = events(vtrace)
  const real = events(join(work, 'real.jsonl'))
  t.same(v.map(e => e.brightness), real.map(e => e.brightness), 'same values as in real time')
  t.same(v.map(e => e.t - v[0].t), real.map(e => e.t - real[0].t), 'same steps as in real time')
  for (const e of v) t.equal(e.t % 4, 0, `${e.t} ms is on the 4 ms jiffy grid`)
  t.same(v.map(e => e.t), [60, 116, 172, 228, 340, 396, 452, 508])
})

t.test('--expect passes on a match and fails with a readable diff', async t => {
  const good = join(work, 'good.jsonl')
  writeFileSync(good, readFileSync(join(work, 'virtual.jsonl')))
  const ok = run(['--led', 'oracle', '--clock', 'virtual', '--expect', good], `${SCRIPT} && $LEDFS clock /sys/class/leds advance 1400 >/dev/null`)
  t.equal(ok.code, 0, ok.err)
  const bad = join(work, 'bad.jsonl')
  writeFileSync(bad, readFileSync(good, 'utf8').replace('"brightness":191', '"brightness":190'))
  const no = run(['--led', 'oracle', '--clock', 'virtual', '--expect', bad], `${SCRIPT} && $LEDFS clock /sys/class/leds advance 1400 >/dev/null`)
  t.equal(no.code, 1)
  t.match(no.err, /the timeline differs/)
  t.match(no.err, /oracle #3: expected 190 at \+112 ms, got 191 at \+112 ms/)
})

t.test('usage errors', async t => {
  const r = spawnSync(process.execPath, [CLI, 'run', '--led', 'x'], { encoding: 'utf8' })
  t.equal(r.status, 2)
  t.match(r.stderr, /needs a command after --/)
  const nf = spawnSync(process.execPath, [CLI, 'run', '--led', 'x', '--', '/nonexistent/cmd'], { encoding: 'utf8' })
  t.equal(nf.status, 2)
  t.match(nf.stderr, /cannot run \/nonexistent\/cmd: command not found/)
})

// As a normal user: test/integration/unprivileged.test.ts (with /dev/fuse usable, and not).
