import t from 'tap'
import { VirtualClock } from '../../lib/clock/virtual-clock'
import { msecsToJiffies, MAX_JIFFY_OFFSET } from '../../lib/kernel-time/jiffies'
import { bucketExpiry, KernelTimer, TimerWheel } from '../../lib/kernel-time/timer-wheel'

t.test('msecs_to_jiffies rounds up', async t => {
  t.equal(msecsToJiffies(50, 250), 13)
  t.equal(msecsToJiffies(200, 250), 50)
  t.equal(msecsToJiffies(1, 250), 1)
  t.equal(msecsToJiffies(0, 250), 0)
  t.equal(msecsToJiffies(50, 100), 5)
  t.equal(msecsToJiffies(50, 1000), 50)
  t.equal(msecsToJiffies(50, 300), 15)
  t.equal(msecsToJiffies(0x80000000, 250), MAX_JIFFY_OFFSET, 'top bit set means forever')
  t.equal(msecsToJiffies(4294967295, 250), MAX_JIFFY_OFFSET)
})

t.test('bucket rounding of the wheel', async t => {
  t.equal(bucketExpiry(113, 101, 250), 114, 'level 0: one jiffy after the expiry')
  t.equal(bucketExpiry(100, 101, 250), 101, 'already due: the current bucket')
  // 75 jiffies (300 ms) from a callback (clk = jiffies + 1): level 1, next multiple of 8 after the expiry.
  t.equal(bucketExpiry(1000 + 75, 1001, 250), 1080)
  t.equal(bucketExpiry(1003 + 75, 1004, 250), 1080)
  t.equal(bucketExpiry(1005 + 75, 1006, 250), 1088)
  t.equal(bucketExpiry(1000 + 63, 1001, 250), 1064, 'a 63-jiffy delay from a callback is still level 0')
  t.equal(bucketExpiry(1000 + 64, 1001, 250), 1072, 'a 64-jiffy delay is level 1')
})

t.test('a 50 ms period on a timer lasts 56 ms at HZ=250', async t => {
  const clock = new VirtualClock()
  const wheel = new TimerWheel(clock, 250)
  const fired: number[] = []
  const timer = new KernelTimer(() => {
    fired.push(wheel.now())
    if (fired.length < 5) wheel.modTimer(timer, wheel.jiffies + msecsToJiffies(50, 250))
  })
  timer.expires = wheel.jiffies
  wheel.addTimer(timer)
  clock.advance(1000)
  t.same(fired, [4, 60, 116, 172, 228])
})

t.test('deleted timers do not fire; re-armed ones fire once', async t => {
  const clock = new VirtualClock()
  const wheel = new TimerWheel(clock, 250)
  let n = 0
  const timer = new KernelTimer(() => { n++ })
  wheel.modTimer(timer, 10)
  wheel.delTimer(timer)
  clock.advance(100)
  t.equal(n, 0)
  wheel.modTimer(timer, wheel.jiffies + 5)
  wheel.modTimer(timer, wheel.jiffies + 6)
  clock.advance(100)
  t.equal(n, 1)
})

t.test('real-time wake-ups are absolute: a late run stays on the jiffy grid', async t => {
  const clock = new VirtualClock()
  const wheel = new TimerWheel(clock, 250)
  const fired: number[] = []
  const timer = new KernelTimer(() => {
    fired.push(wheel.now())
    wheel.modTimer(timer, wheel.jiffies + 13)
  })
  timer.expires = 0
  wheel.addTimer(timer)
  // Jump far ahead in one go, as a blocked event loop would: all runs still land on their own ticks.
  clock.advance(300)
  t.same(fired, [4, 60, 116, 172, 228, 284])
})
