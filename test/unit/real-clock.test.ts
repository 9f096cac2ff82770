import t from 'tap'
import { RealClock, type RealClockOptions } from '../../lib/clock/real-clock'
import { loadAddon } from '../../lib/native/addon'

// Behaviour only (no speed assertions): a wake-up never runs before its
// deadline, a due one never runs inside the caller, cancel holds. Each test
// runs on both ways of sleeping: the addon's timerfd and Node's timers.

const addon = loadAddon()
const MODES: Array<[string, RealClockOptions]> = [['timerfd', { precise: true }], ['Node timers', { precise: false }]]

t.test('the timerfd is used when the addon is built', async t => {
  t.notOk(addon instanceof Error, addon instanceof Error ? addon.message : 'built')
  t.equal(new RealClock().precise, !(addon instanceof Error))
  t.equal(new RealClock({ precise: false }).precise, false)
})

for (const [label, mode] of MODES) {
  t.test(`${label}: a wake-up never runs before its deadline`, async t => {
    const clock = new RealClock(mode)
    const start = clock.now()
    const early: number[] = []
    await Promise.all(Array.from({ length: 40 }, (_, i) => new Promise<void>(resolve => {
      // Whole and fractional deadlines, 1 to 40 ms out.
      const at = start + 1 + i * 0.97
      clock.schedule(at, () => {
        if (clock.now() < at) early.push(at - clock.now())
        resolve()
      })
    })))
    t.same(early, [], 'no callback saw now() before its deadline')
  })

  t.test(`${label}: a deadline already passed runs on a later turn, not inside schedule()`, async t => {
    const clock = new RealClock(mode)
    let ran = false
    await new Promise<void>(resolve => {
      clock.schedule(clock.now() - 5, () => { ran = true; resolve() })
      t.equal(ran, false, 'not run synchronously')
    })
    t.equal(ran, true)
  })

  t.test(`${label}: cancel and dispose stop wake-ups`, async t => {
    const clock = new RealClock(mode)
    let runs = 0
    const h = clock.schedule(clock.now() + 5, () => { runs++ })
    clock.cancel(h)
    clock.schedule(clock.now() - 1, () => { runs++ })
    clock.schedule(clock.now() + 3, () => { runs++ })
    clock.dispose()
    await new Promise(resolve => setTimeout(resolve, 30))
    t.equal(runs, 0)
  })

  t.test(`${label}: time starts near 0 and only moves forward`, async t => {
    const clock = new RealClock(mode)
    const a = clock.now()
    t.ok(a >= 0 && a < 1000, `starts at ${a}`)
    await new Promise(resolve => setTimeout(resolve, 5))
    t.ok(clock.now() > a)
  })

  t.test(`${label}: a deadline past the longest Node timer waits instead of firing at once`, async t => {
    const clock = new RealClock(mode)
    const warnings: string[] = []
    const onWarning = (w: Error): void => { warnings.push(w.name) }
    process.on('warning', onWarning)
    let ran = false
    // 50 days: what a long pattern hold on the wheel's last level can ask for.
    clock.schedule(clock.now() + 50 * 86400e3, () => { ran = true })
    await new Promise(resolve => setTimeout(resolve, 30))
    process.off('warning', onWarning)
    clock.dispose()
    t.equal(ran, false)
    t.same(warnings, [], 'no timeout overflow')
  })

  t.test(`${label}: wake-ups run in time order, and a cancelled earliest one does not wake anyone early`, async t => {
    const clock = new RealClock(mode)
    const ran: number[] = []
    const start = clock.now()
    const first = clock.schedule(start + 2, () => { ran.push(0) })
    await new Promise<void>(resolve => {
      clock.schedule(start + 12, () => { ran.push(2); resolve() })
      clock.schedule(start + 6, () => { ran.push(1); t.ok(clock.now() >= start + 6, 'not early') })
      clock.cancel(first)
    })
    t.same(ran, [1, 2])
    clock.dispose()
  })
}
