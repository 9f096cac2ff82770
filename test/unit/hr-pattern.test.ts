import t from 'tap'
import { VirtualClock } from '../../lib/clock/virtual-clock'
import type { ClockHandle } from '../../lib/clock/clock'
import { HrTimer } from '../../lib/kernel-time/hrtimer'
import { TimerWheel } from '../../lib/kernel-time/timer-wheel'
import { LedSystem } from '../../lib/system'
import { virtualSystem } from '../support/vfs'

/**
 * 6.12's hr_pattern under a virtual clock, checked against timelines the real
 * 6.12 kernel produced (test/conformance/kernel-6.12/hrpattern.jsonl: uleds
 * LED, HZ=250; kernel times are the trace's plus the time from the pattern
 * write to the trace start). An hrtimer is not rounded to jiffies: ours fire
 * on the exact 50 ms grid, the kernel's within its interrupt latency after it.
 */

type Timeline = Array<[number, number]>

function runHr (pattern: string, repeat: number, start: number, ms: number): Timeline {
  const v = virtualSystem({ kernel: '6.12' })
  v.write('/oracle/trigger', 'pattern\n')
  if (start !== 0) v.write('/oracle/brightness', `${start}\n`)
  v.write('/oracle/repeat', `${repeat}\n`)
  v.sys.timeline.clear()
  const t0 = v.clock.now()
  const n = v.write('/oracle/hr_pattern', pattern)
  if (n !== pattern.length) throw new Error(`hr_pattern write: ${String(n)}`)
  v.clock.advance(ms)
  return v.sys.timeline.list('oracle').map(e => [e.t - t0, e.brightness])
}

/** `kernel` as recorded: [ms after the trace started, value], and the write-to-trace gap. */
function matchesKernel (t: Tap.Test, ours: Timeline, kernel: Timeline, writeToTrace: number, grid: number[]): void {
  t.same(ours.map(e => e[1]), kernel.map(e => e[1]), 'same brightness sequence as the kernel')
  t.same(ours.map(e => e[0]), grid, 'exact hrtimer expiries, no jiffy rounding')
  ours.forEach(([time], i) => {
    // The kernel's callback runs after its interrupt's latency (up to ~5 ms in
    // the emulated guest), never before the expiry.
    const k = kernel[i][0] + writeToTrace
    t.ok(k - time >= -1 && k - time <= 6, `event ${i} at ${time} ms, kernel ${k.toFixed(1)} ms`)
  })
}

t.test('0 200 255 200, repeat 1: 50 ms dimming steps', async t => {
  matchesKernel(t, runHr('0 200 255 200\n', 1, 0, 600),
    [[50.367, 63], [99.669, 127], [149.654, 191], [199.667, 255], [299.755, 192], [350.055, 128], [400.402, 64], [450.953, 0]], 0.947,
    [50, 100, 150, 200, 300, 350, 400, 450])
})

t.test('255 200 0 200, repeat 2, from 255', async t => {
  matchesKernel(t, runHr('255 200 0 200\n', 2, 255, 1000),
    [[50.008, 192], [99.884, 128], [150.173, 64], [200.134, 0], [299.948, 63], [350.109, 127], [400.715, 191], [450.213, 255], [550.177, 192], [599.961, 128], [650.206, 64], [700.048, 0], [800.049, 63], [850.222, 127], [900.029, 191], [950.005, 255]], 0.703,
    [50, 100, 150, 200, 300, 350, 400, 450, 550, 600, 650, 700, 800, 850, 900, 950])
})

t.test('the first tick comes at once; tuples under 50 ms still last one dimming interval', async t => {
  matchesKernel(t, runHr('255 20 0 20\n', 3, 0, 400),
    [[0.06, 255], [51.993, 0], [99.993, 255], [154.731, 0], [200.833, 255], [250.08, 0]], 0.54,
    [0, 50, 100, 150, 200, 250])
})

t.test('indefinite 255 50 0 50', async t => {
  matchesKernel(t, runHr('255 50 0 50\n', -1, 0, 300),
    [[0.064, 255], [49.876, 0], [149.774, 255], [249.779, 0]], 0.836, [0, 50, 150, 250])
})

t.test('zero-duration tuples: 120 ms holds', async t => {
  matchesKernel(t, runHr('255 120 255 0 0 120 0 0\n', 2, 0, 600),
    [[0.068, 255], [120.851, 0], [240.321, 255], [359.655, 0]], 0.812, [0, 120, 240, 360])
})

t.test('a 300 ms hold lasts 300 ms (the timer wheel would give 304..332)', async t => {
  matchesKernel(t, runHr('255 300 255 0 0 300 0 0\n', 1, 0, 800), [[0.145, 255], [299.966, 0]], 1.661, [0, 300])
})

t.test('non-multiple of 50: 10 120 200 120 stops at 42', async t => {
  matchesKernel(t, runHr('10 120 200 120\n', 1, 0, 400),
    [[0.072, 10], [51.094, 89], [100.203, 168], [150.96, 200], [200.526, 121], [250.78, 42]], 0.575,
    [0, 50, 100, 150, 200, 250])
})

t.test('three tuples 0 100 128 100 255 100', async t => {
  matchesKernel(t, runHr('0 100 128 100 255 100\n', 1, 0, 550),
    [[49.883, 64], [100.06, 128], [199.949, 191], [249.861, 255], [349.875, 128], [400.104, 0]], 0.642,
    [50, 100, 200, 250, 350, 400])
})

t.test('a pattern written after switching from hr_pattern runs on the jiffy timer again', async t => {
  const v = virtualSystem({ kernel: '6.12' })
  v.write('/oracle/trigger', 'pattern\n')
  v.write('/oracle/repeat', '-1\n')
  v.write('/oracle/hr_pattern', '255 200 255 0 0 200 0 0\n')
  v.clock.advance(100)
  v.write('/oracle/repeat', '1\n')
  v.clock.advance(100)
  v.sys.timeline.clear()
  const t0 = v.clock.now()
  v.write('/oracle/pattern', '0 100 255 100\n')
  v.clock.advance(350)
  const ours = v.sys.timeline.list('oracle').map(e => [e.t - t0, e.brightness])
  // The kernel: [2.4, 0], [58.3, 127], [114.3, 255], [227, 128], [282.4, 0] after the trace start (+0.616 ms).
  t.same(ours.map(e => e[1]), [0, 127, 255, 128, 0])
  const steps = ours.slice(1).map((e, i) => e[0] - ours[i][0])
  t.same(steps, [56, 56, 112, 56], '56 ms dimming steps: jiffy rounding and the wheel again')
  t.equal(v.read('/oracle/hr_pattern'), '', 'only pattern shows the tuples')
})

t.test('a spent repeat count: a new hr_pattern is stored but does not run', async t => {
  const v = virtualSystem({ kernel: '6.12' })
  v.write('/oracle/trigger', 'pattern\n')
  v.write('/oracle/repeat', '1\n')
  v.write('/oracle/hr_pattern', '0 100 128 100 255 100\n')
  v.clock.advance(550)
  t.equal(v.read('/oracle/brightness'), '0\n')
  v.sys.timeline.clear()
  v.write('/oracle/hr_pattern', '255 100 0 100\n')
  v.clock.advance(300)
  t.same(v.sys.timeline.list(), [], 'kernel: brightness still 0 after 300 ms')
  v.write('/oracle/repeat', '1\n')
  v.clock.advance(300)
  t.equal(v.read('/oracle/brightness'), '255\n', 'kernel: 255')
})

/** A clock that runs a callback already due inside schedule(), as the real clock does. */
class EagerClock extends VirtualClock {
  override schedule (at: number, fn: () => void): ClockHandle {
    if (at <= this.now()) {
      fn()
      return { id: -1 }
    }
    return super.schedule(at, fn)
  }
}

t.test('an hrtimer started at once can still be cancelled when its clock runs due callbacks inside schedule()', async t => {
  const clock = new EagerClock()
  const wheel = new TimerWheel(clock, 250)
  let runs = 0
  const timer: HrTimer = new HrTimer(wheel, () => { runs++; timer.forward(50); return true })
  timer.start(0)
  t.equal(runs, 1, 'the first expiry ran at once')
  t.ok(timer.pending, 'and re-armed itself')
  timer.cancel()
  t.notOk(timer.pending)
  clock.advance(500)
  t.equal(runs, 1, 'nothing after cancel')
  timer.start(0)
  clock.advance(120)
  t.equal(runs, 4, 'started again: at once, then every 50 ms')
})

t.test('re-selecting the trigger stops a running hr_pattern (recorded: brightness 0 after)', async t => {
  const clock = new EagerClock()
  const sys = new LedSystem({ leds: [{ name: 'oracle' }], clock, kernel: '6.12', warn: () => {} })
  const led = sys.led('oracle')
  const trigger = sys.registry.find('pattern')
  t.ok(trigger)
  sys.registry.set(led, trigger ?? null)
  const hr = led.triggerNodes.find(n => n.name === 'hr_pattern')
  t.ok(hr, 'hr_pattern exists')
  sys.kernfs.write(sys.kernfs.open(sys.kernfs.lookup('/oracle/hr_pattern'), { read: false, write: true }), Buffer.from('0 100 255 100\n'), 0)
  sys.registry.set(led, trigger ?? null)
  t.equal(led.brightness, 0)
  clock.advance(400)
  t.equal(led.brightness, 0, 'the old pattern\'s timer is gone')
  t.same(sys.timeline.list(), [], 'nothing moved')
  sys.dispose()
})
