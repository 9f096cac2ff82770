import t from 'tap'
import { virtualSystem } from '../support/vfs'

/**
 * The engine under a virtual clock, checked against timelines the real 6.1
 * kernel produced (uleds LED, HZ=250; times relative to the pattern write).
 * The kernel's write lands at an unknown phase within a 4 ms jiffy, so its
 * times may trail ours by up to one jiffy; the values must match exactly.
 */

function run (pattern: string, repeat: number, start: number, ms: number, kernel?: '4.20' | '6.1' | '6.12'): Array<[number, number]> {
  const v = virtualSystem({ kernel })
  v.write('/oracle/trigger', 'pattern\n')
  if (start !== 0) v.write('/oracle/brightness', `${start}\n`)
  v.write('/oracle/repeat', `${repeat}\n`)
  v.sys.timeline.clear()
  const t0 = v.clock.now()
  v.write('/oracle/pattern', pattern)
  v.clock.advance(ms)
  return v.sys.timeline.list('oracle').map(e => [e.t - t0, e.brightness])
}

function matchesKernel (t: Tap.Test, ours: Array<[number, number]>, kernel: Array<[number, number]>): void {
  t.same(ours.map(e => e[1]), kernel.map(e => e[1]), 'same brightness sequence as the kernel')
  ours.forEach(([time], i) => {
    const k = kernel[i]?.[0]
    if (k === undefined) return
    t.ok(time - k >= -0.5 && time - k <= 4.5, `event ${i} at ${time} ms, kernel ${k} ms`)
  })
}

t.test('0 200 255 200, repeat 2, from 0 (dimming up and down)', async t => {
  const ours = run('0 200 255 200\n', 2, 0, 1400)
  matchesKernel(t, ours, [[60.297, 63], [115.516, 127], [171.353, 191], [227.285, 255], [339.363, 192], [395.308, 128], [451.307, 64], [507.396, 0], [619.786, 63], [675.392, 127], [731.496, 191], [787.456, 255], [898.891, 192], [955.330, 128], [1011.076, 64], [1067.415, 0]])
  t.same(ours.map(e => e[0]), [60, 116, 172, 228, 340, 396, 452, 508, 620, 676, 732, 788, 900, 956, 1012, 1068], 'exactly on the jiffy grid: 56 ms dimming steps')
})

t.test('255 300 0 300, repeat 1, from 255 (dimming in thirds)', async t => {
  matchesKernel(t, run('255 300 0 300\n', 1, 255, 900), [[58.242, 213], [114.296, 170], [170.100, 128], [226.335, 85], [282.558, 43], [338.321, 0], [450.269, 42], [505.658, 85], [561.963, 127], [618.073, 170], [674.271, 212], [730.099, 255]])
})

t.test('zero-duration tuples: 0 200 0 0 255 200 255 0, repeat 1, from 255', async t => {
  matchesKernel(t, run('0 200 0 0 255 200 255 0\n', 1, 255, 700), [[0.784, 0], [205.258, 255]])
})

t.test('durations below 50 ms are steps: 255 40 0 40, repeat 2', async t => {
  matchesKernel(t, run('255 40 0 40\n', 2, 0, 400), [[3.005, 255], [59.322, 0], [115.264, 255], [171.307, 0]])
})

t.test('indefinite 255 50 0 50', async t => {
  matchesKernel(t, run('255 50 0 50\n', -1, 0, 500), [[3.006, 255], [59.408, 0], [171.326, 255], [283.294, 0], [395.319, 255]])
})

t.test('300 ms holds use the coarser wheel level (8-jiffy grid)', async t => {
  const ours = run('255 300 255 0 0 300 0 0\n', 2, 255, 1500)
  t.same(ours.map(e => e[1]), [0, 255, 0])
  // The kernel measured 317.7, 637.5, 957.5 ms: holds of 304..332 ms depending on the jiffy phase.
  for (const [time] of ours) t.equal(Math.round(time / 4) % 8, 0, `${time} ms is on the 8-jiffy grid`)
  const gaps = ours.slice(1).map((e, i) => e[0] - ours[i][0])
  for (const g of gaps) t.ok(g >= 304 && g <= 332, `hold of ${g} ms`)
})

t.test('a finite repeat that ran out keeps the last value; a new pattern waits for repeat', async t => {
  const v = virtualSystem()
  v.write('/oracle/trigger', 'pattern\n')
  v.write('/oracle/repeat', '2\n')
  v.write('/oracle/pattern', '0 200 255 200\n')
  v.clock.advance(1400)
  t.equal(v.read('/oracle/brightness'), '0\n')
  t.equal(v.read('/oracle/repeat'), '2\n', 'repeat shows the last value written, not the remaining count')
  v.sys.timeline.clear()
  t.equal(v.write('/oracle/pattern', '255 100 0 100\n'), 14)
  v.clock.advance(400)
  t.same(v.sys.timeline.list(), [], 'nothing runs: the repeat counter is spent')
  t.equal(v.read('/oracle/pattern'), '255 100 0 100\n')
  v.write('/oracle/repeat', '1\n')
  v.clock.advance(600)
  t.same(v.sys.timeline.list().map(e => e.brightness), [255, 128, 0, 127, 255], 'kernel: 255 128 0 127 255')
  t.equal(v.read('/oracle/brightness'), '255\n')
})

t.test('4.20 profile: a step always skips the following tuple', async t => {
  // The seed's trigger run on the real kernel: 255 then 0 after ~100 ms.
  const old = run('255 100 255 100 0 100 0 100\n', 1, 0, 600, '4.20')
  t.same(old.map(e => e[1]), [255, 0])
  const now = run('255 100 255 100 0 100 0 100\n', 1, 0, 600, '6.1')
  t.same(now.map(e => e[1]), [255, 128, 0, 127, 255], '6.1: step, ramp down, hold, ramp up')
})

t.test('4.20 profile: negative and oversized brightness are clamped when set', async t => {
  const ours = run('-100 200 255 200\n', 1, 0, 700, '4.20')
  t.same(ours.map(e => e[1]).slice(0, 4), [255, 77, 166, 255], 'kernel sets 255 255 77 166 255 (changes only here)')
})

t.test('6.12 hr_pattern: dimming steps last exactly 50 ms', async t => {
  const v = virtualSystem({ kernel: '6.12' })
  v.write('/oracle/trigger', 'pattern\n')
  t.equal(v.write('/oracle/hr_pattern', '0 200 255 200\n'), 14)
  t.equal(v.read('/oracle/hr_pattern'), '0 200 255 200\n')
  t.equal(v.read('/oracle/pattern'), '', 'only the active kind shows')
  v.clock.advance(500)
  const ev = v.sys.timeline.list()
  t.same(ev.map(e => e.brightness), [63, 127, 191, 255, 192, 128, 64, 0])
  t.same(ev.map(e => e.t), [50, 100, 150, 200, 300, 350, 400, 450])
})

t.test('deactivation stops the timer and turns the LED off', async t => {
  const v = virtualSystem()
  v.write('/oracle/trigger', 'pattern\n')
  v.write('/oracle/pattern', '255 1000 255 1000\n')
  v.clock.advance(100)
  t.equal(v.read('/oracle/brightness'), '255\n')
  v.write('/oracle/trigger', 'none\n')
  t.equal(v.read('/oracle/brightness'), '0\n')
  t.equal(v.read('/oracle/pattern'), 'ENOENT')
  v.clock.advance(5000)
  t.equal(v.read('/oracle/brightness'), '0\n')
})
