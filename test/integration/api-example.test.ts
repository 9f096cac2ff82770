// The example from docs/testing-in-ci.md: a shell script tested end to end
// with the JS API and a virtual clock.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { withLedfs } from '../../lib'

const SCRIPT = join(__dirname, '..', '..', 'examples', 'shell', 'heartbeat.sh')

t.test('heartbeat.sh beats twice per second, three times', async t => {
  await withLedfs({ leds: ['status'], clock: 'virtual' }, async (fs) => {
    // The script under test runs as it would on a device, pointed at the mount.
    execFileSync(SCRIPT, { env: { ...process.env, LED: fs.ledPath('status'), BEATS: '3' } })
    t.equal(readFileSync(join(fs.ledPath('status'), 'trigger'), 'latin1').match(/\[(\w+)\]/)?.[1], 'pattern')
    const t0 = await fs.now()
    await fs.advance(5000)
    const beats = (await fs.timeline('status')).map(e => [Math.round(e.t - t0), e.brightness])
    // Steps at HZ=250: a 100 ms hold lasts 104 ms; the 700 ms pause is on the coarser wheel level.
    t.same(beats.map(b => b[1]), [255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0], 'two pulses per beat, three beats')
    const on = beats.filter((_, i) => i % 2 === 0).map(b => b[0])
    const off = beats.filter((_, i) => i % 2 === 1).map(b => b[0])
    off.forEach((o, i) => t.equal(o - on[i], 104, `pulse ${i + 1} lasts 104 ms`))
    t.equal(readFileSync(join(fs.ledPath('status'), 'brightness'), 'latin1'), '0\n', 'it ends dark')
  })
})

t.test('stop() unmounts even when the test body throws', async t => {
  let dir = ''
  await t.rejects(withLedfs({ leds: ['x'] }, async (fs) => {
    dir = fs.dir
    throw new Error('boom')
  }), /boom/)
  const mounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some(l => l.split(' ')[4] === dir)
  t.notOk(mounted, 'no mount left')
})
