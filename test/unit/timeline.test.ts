import t from 'tap'
import { DEFAULT_TIMELINE_EVENTS, Timeline, type TimelineEvent } from '../../lib/timeline/timeline'

t.test('events come back in order, per LED or all', async t => {
  const tl = new Timeline(10)
  tl.record('a', 1, 0)
  tl.record('b', 2, 4)
  tl.record('a', 3, 8.5)
  t.same(tl.list(), [{ t: 0, led: 'a', brightness: 1 }, { t: 4, led: 'b', brightness: 2 }, { t: 8.5, led: 'a', brightness: 3 }])
  t.same(tl.list('a').map(e => e.brightness), [1, 3])
  t.same(tl.list('never'), [], 'an LED that never changed has no events')
  t.equal(tl.length, 3)
})

t.test('past the cap the oldest go first, and are counted', async t => {
  const tl = new Timeline(5)
  for (let i = 0; i < 13; i++) tl.record(`led${i % 3}`, i, i * 4)
  t.equal(tl.length, 5)
  t.equal(tl.dropped, 8)
  t.same(tl.list().map(e => e.brightness), [8, 9, 10, 11, 12], 'the newest five, oldest first')
  t.same(tl.list('led0').map(e => [e.t, e.brightness]), [[36, 9], [48, 12]])
})

t.test('growing past the first allocation, then wrapping many times, keeps the order', async t => {
  const cap = 5000
  const tl = new Timeline(cap)
  const all: TimelineEvent[] = []
  for (let i = 0; i < 3 * cap + 17; i++) {
    const e = { t: i * 0.5, led: `l${i % 7}`, brightness: (i * 2654435761) >>> 0 }
    all.push(e)
    tl.record(e.led, e.brightness, e.t)
  }
  t.same(tl.list(), all.slice(-cap))
  t.equal(tl.dropped, all.length - cap)
})

t.test('0 keeps nothing, but sinks still see every event', async t => {
  const tl = new Timeline(0)
  const seen: TimelineEvent[] = []
  tl.addSink(e => seen.push(e))
  tl.record('a', 5, 1)
  tl.record('a', 6, 2)
  t.same(tl.list(), [])
  t.equal(seen.length, 2)
})

t.test('sinks see every event whatever the cap', async t => {
  const tl = new Timeline(2)
  const seen: number[] = []
  tl.addSink(e => seen.push(e.brightness))
  for (let i = 0; i < 10; i++) tl.record('a', i, i)
  t.same(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  t.same(tl.list().map(e => e.brightness), [8, 9])
})

t.test('clear forgets events and the dropped count', async t => {
  const tl = new Timeline(2)
  for (let i = 0; i < 5; i++) tl.record('a', i, i)
  tl.clear()
  t.same(tl.list(), [])
  t.equal(tl.dropped, 0)
  tl.record('a', 7, 9)
  t.same(tl.list(), [{ t: 9, led: 'a', brightness: 7 }])
})

t.test('brightness is kept as the full unsigned 32-bit value', async t => {
  const tl = new Timeline(4)
  tl.record('big', 0xffffffff, 1)
  t.equal(tl.list()[0].brightness, 4294967295)
  t.throws(() => tl.record('big', -1, 2), /unsigned 32-bit integer/)
  t.throws(() => tl.record('big', 1.5, 2), /unsigned 32-bit integer/)
})

t.test('the cap is checked', async t => {
  t.equal(new Timeline().maxEvents, DEFAULT_TIMELINE_EVENTS)
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 32]) {
    t.throws(() => new Timeline(bad), /integer from 0 to 4294967295/, `${bad} is refused`)
  }
})
