import t from 'tap'
import { VirtualClock } from '../../lib/clock/virtual-clock'
import type { LedHost } from '../../lib/drivers/driver'
import { StageCycle, WaveformSampler } from '../../lib/drivers/hw-waveform'
import { Regmap } from '../../lib/drivers/regmap'

/*
 * The pieces a mock of self-timed LED hardware is built from, on their own
 * (test/unit/sc27xx.test.ts checks them inside the SC27xx mock).
 */

/** An LED host on a virtual clock that keeps what is recorded (changes only, as the LED core does). */
function host (): { led: LedHost, clock: VirtualClock, recorded: Array<[number, number]> } {
  const clock = new VirtualClock()
  const recorded: Array<[number, number]> = []
  let last = 0
  const led: LedHost = {
    name: 'x',
    maxBrightness: 255,
    brightness: 0,
    clock,
    now: () => clock.now(),
    recordLevel: (value, time) => { if (value !== last) { last = value; recorded.push([time, value]) } }
  }
  return { led, clock, recorded }
}

// Up from 0 to 90 over 30 ms, 90 for 20 ms, a zero-length stage, down to 0 over 30 ms, 0 for 20 ms: a 100 ms cycle from 1000.
const CYCLE = new StageCycle([
  { ms: 30, from: 0, to: 90 },
  { ms: 20, from: 90, to: 90 },
  { ms: 0, from: 7, to: 7 },
  { ms: 30, from: 90, to: 0 },
  { ms: 20, from: 0, to: 0 }
], 1000)

t.test('levels: linear ramps rounded, flat stages, zero-length stages skipped, periodic', async t => {
  t.equal(CYCLE.period, 100)
  // 90 * 10 / 30 = 30; 90 * 25 / 30 = 75; 90 * (30 - 5) / 30 = 75; 90 * (30 - 25) / 30 = 15.
  const at: Array<[number, number]> = [[1000, 0], [1010, 30], [1025, 75], [1030, 90], [1049, 90], [1050, 90], [1055, 75], [1075, 15], [1080, 0], [1099, 0], [1110, 30], [1000 + 100 * 40 + 25, 75]]
  for (const [time, level] of at) t.equal(CYCLE.levelAt(time), level, `at ${time}`)
  // 90 * 1 / 30 = 3 exactly; 90 * 2.5 / 30 = 7.5 rounds up to 8.
  t.equal(CYCLE.levelAt(1001), 3)
  t.equal(CYCLE.levelAt(1002.5), 8)
})

t.test('next sample: a 25 ms grid inside ramps, cut at a ramp\'s end; a flat stage\'s end', async t => {
  const next: Array<[number, number]> = [
    [1000, 1025], // in the rise, on the grid
    [1025, 1030], // the rise ends at 30, before the grid's 50
    [1030, 1050], // the high stage: to its end
    [1040, 1050],
    [1050, 1075], // the fall, on the grid
    [1075, 1080], // the fall ends at 80
    [1080, 1100], // the low stage: to the end of the cycle
    [1100, 1125] // the next rise
  ]
  for (const [time, want] of next) t.equal(CYCLE.nextSampleAfter(time, 25), want, `after ${time}`)
  const still = new StageCycle([{ ms: 0, from: 5, to: 9 }], 0)
  t.equal(still.nextSampleAfter(10, 25), undefined, 'a cycle of zero length never changes')
  t.throws(() => still.levelAt(10), RangeError, 'and has no level of its own')
})

t.test('the sampler records every change at its own time, and stops', async t => {
  const { led, clock, recorded } = host()
  clock.advanceTo(1000)
  const sampler = new WaveformSampler({ levelAt: (x) => CYCLE.levelAt(x), nextChangeAfter: (x) => CYCLE.nextSampleAfter(x, 25) })
  sampler.start(led, 1000)
  t.ok(sampler.running)
  clock.advanceTo(1100)
  t.same(recorded, [[1025, 75], [1030, 90], [1075, 15], [1080, 0]], 'ramp samples and corners, nothing for flat stages')
  sampler.stop()
  t.notOk(sampler.running)
  t.equal(clock.nextAt(), undefined)
  clock.advance(500)
  t.equal(recorded.length, 4)
})

t.test('a late wake-up skips the samples it missed', async t => {
  const { led, clock, recorded } = host()
  const sampler = new WaveformSampler({ levelAt: (x) => CYCLE.levelAt(x), nextChangeAfter: (x) => CYCLE.nextSampleAfter(x, 25) })
  clock.advanceTo(1060)
  sampler.start(led, 1000) // started for 1000, but the clock is already at 1060
  clock.advanceTo(1100)
  t.same(recorded, [[1075, 15], [1080, 0]])
})

t.test('register map: update-bits writes only changes, the log is capped, names fall back to hex', async t => {
  const map = new Regmap({ logSize: 3, reset: [[0x10, 0xf0]], nameOf: (a) => a === 0x10 ? 'CTRL' : undefined })
  t.equal(map.read(0x10), 0xf0, 'reset value, not logged')
  t.same(map.writes(), [])
  t.equal(map.updateBits(0x10, 0x0f, 0x05, 1), true)
  t.equal(map.read(0x10), 0xf5)
  t.equal(map.updateBits(0x10, 0x0f, 0x05, 2), false, 'no change, no write')
  map.write(0x20, 0xffffffff, 3)
  map.write(0x20, 0xffffffff, 4)
  t.equal(map.droppedWrites, 0)
  map.write(0x20, -1, 5)
  t.equal(map.droppedWrites, 1)
  t.same(map.writes(), [
    { time: 3, addr: 0x20, reg: '0x20', value: 0xffffffff },
    { time: 4, addr: 0x20, reg: '0x20', value: 0xffffffff },
    { time: 5, addr: 0x20, reg: '0x20', value: 0xffffffff }
  ])
  t.throws(() => new Regmap({ logSize: 0 }), /logSize must be a positive integer/)
})
