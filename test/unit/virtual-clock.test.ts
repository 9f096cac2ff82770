import t from 'tap'
import { RUN_ALL_LIMIT, VirtualClock } from '../../lib/clock/virtual-clock'
import { virtualSystem } from '../support/vfs'

/** A clock with wake-ups that log (name, now()) when they run. */
function logged (): { clock: VirtualClock, ran: Array<[string, number]>, at: (ms: number, name: string, then?: () => void) => void } {
  const clock = new VirtualClock()
  const ran: Array<[string, number]> = []
  const at = (ms: number, name: string, then?: () => void): void => {
    clock.schedule(ms, () => { ran.push([name, clock.now()]); then?.() })
  }
  return { clock, ran, at }
}

t.test('next() runs only the earliest wake-up, at its own time', async t => {
  const { clock, ran, at } = logged()
  at(30, 'c')
  at(10, 'a')
  at(10, 'b')
  t.equal(clock.next(), 10)
  t.same(ran, [['a', 10]], 'one wake-up, the first scheduled of a tie')
  t.equal(clock.next(), 10)
  t.same(ran, [['a', 10], ['b', 10]])
  t.equal(clock.next(), 30)
  t.equal(clock.next(), 30, 'nothing pending: time stays')
  t.same(ran, [['a', 10], ['b', 10], ['c', 30]])
})

t.test('next() skips cancelled wake-ups', async t => {
  const { clock, ran, at } = logged()
  const h = clock.schedule(5, () => { ran.push(['cancelled', clock.now()]) })
  at(20, 'kept')
  clock.cancel(h)
  t.equal(clock.next(), 20)
  t.same(ran, [['kept', 20]])
})

t.test('runAll() runs what wake-ups schedule, and ends at the last one', async t => {
  const { clock, ran, at } = logged()
  at(100, 'first', () => at(clock.now() + 50, 'second', () => at(clock.now() + 25, 'third')))
  at(120, 'other')
  t.equal(clock.runAll(), 175)
  t.same(ran, [['first', 100], ['other', 120], ['second', 150], ['third', 175]])
  t.equal(clock.nextAt(), undefined)
  t.equal(clock.runAll(), 175, 'nothing left: time stays')
})

t.test('runAll() gives up on something that reschedules itself forever', async t => {
  const clock = new VirtualClock()
  let n = 0
  const again = (): void => { n++; clock.schedule(clock.now() + 10, again) }
  clock.schedule(0, again)
  t.throws(() => clock.runAll(), /still wake-ups pending after running 1000 \(at 9990 ms\)/)
  t.equal(n, RUN_ALL_LIMIT)
  t.throws(() => clock.runAll(5), /after running 5 /)
  t.equal(n, RUN_ALL_LIMIT + 5)
  t.throws(() => clock.runAll(0), RangeError)
  t.throws(() => clock.runAll(1.5), RangeError)
})

t.test('dispose() drops every pending wake-up; time stays', async t => {
  const { clock, ran, at } = logged()
  at(10, 'a')
  at(20, 'b')
  clock.advance(5)
  clock.dispose()
  t.equal(clock.nextAt(), undefined)
  t.equal(clock.runAll(), 5)
  clock.advance(100)
  t.same(ran, [])
  at(200, 'after')
  clock.runAll()
  t.same(ran, [['after', 200]], 'the clock still works')
})

t.test('a finite repeat runs out under runAll(), with the timeline advance() gives', async t => {
  const play = (drive: (v: ReturnType<typeof virtualSystem>) => void): { events: Array<[number, number]>, end: number } => {
    const v = virtualSystem()
    v.write('/oracle/trigger', 'pattern\n')
    v.write('/oracle/repeat', '2\n')
    v.write('/oracle/pattern', '0 200 255 200\n')
    drive(v)
    return { events: v.sys.timeline.list('oracle').map(e => [e.t, e.brightness]), end: v.clock.now() }
  }
  const all = play(v => { v.clock.runAll() })
  // Stepping one wake-up at a time until none is left ends in the same place.
  const stepped = play(v => { while (v.clock.nextAt() !== undefined) v.clock.next() })
  // 2 repeats of 0 -> 255 -> 0 end on 0 after 1068 ms (the kernel's grid, see pattern-engine.test.ts).
  const long = play(v => { v.clock.advance(5000) })
  t.same(all.events, long.events)
  t.same(all.events.at(-1), [1068, 0])
  t.equal(all.events.length, 16)
  t.same(stepped, all)
  // The timer runs once more a 56 ms step after the last change, finds the repeats used up and stops.
  t.equal(all.end, 1068 + 56, 'time ends at the last wake-up')
})
