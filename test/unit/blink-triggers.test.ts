import t from 'tap'
import { MemoryDriver } from '../../lib/drivers/memory'
import type { LedDriver } from '../../lib/drivers/driver'
import type { LedClassdev } from '../../lib/led/led-core'
import type { LedSpec } from '../../lib/system'
import { TRIGGER_FACTORIES } from '../../lib/triggers/catalog'
import { avenrunOf, heartbeatPeriodMs } from '../../lib/triggers/heartbeat'
import { virtualSystem } from '../support/vfs'

/**
 * The blink machinery of the LED core and the triggers built on it, on a
 * virtual clock at HZ=250 (one jiffy = 4 ms; the clock starts on a jiffy
 * boundary). Expected times follow the kernel's rules, worked out by hand in
 * the comments: msecs_to_jiffies() rounds up; a timer armed for jiffy E runs
 * at E+1 when E is less than 63 jiffies ahead of the wheel's clock (which,
 * inside a timer, is one past the running jiffy), and on an 8-jiffy grid
 * (the next multiple of 8 after E) up to 511 jiffies ahead.
 */

const BLINK_TRIGGERS = ['timer', 'oneshot', 'heartbeat', 'default-on', 'transient']

function blinkSystem (opts: { leds?: LedSpec[], loadavg?: number } = {}): ReturnType<typeof virtualSystem> & { timeline: () => Array<[number, number]>, led: LedClassdev } {
  // The pattern set, then the triggers under test registered by hand with a fixed load.
  const v = virtualSystem({ leds: opts.leds, triggers: 'pattern' })
  const load = opts.loadavg ?? 0
  const ctx = { wheel: v.sys.wheel, profile: v.sys.profile, warn: () => {}, loadavg: () => load }
  for (const name of BLINK_TRIGGERS) v.sys.registry.register(TRIGGER_FACTORIES[name](ctx))
  return { ...v, timeline: () => v.sys.timeline.list('oracle').map(e => [e.t, e.brightness]), led: v.sys.led('oracle') }
}

t.test('timer: the default 500/500 blink', async t => {
  const v = blinkSystem()
  t.equal(v.write('/oracle/trigger', 'timer\n'), 6)
  t.equal(v.read('/oracle/delay_on'), '500\n')
  t.equal(v.read('/oracle/delay_off'), '500\n')
  t.equal(v.read('/oracle/brightness'), '0\n', 'nothing lit before the first tick')
  v.clock.advance(1100)
  // Armed for jiffy 1, runs at 2 (8 ms). 500 ms = 125 jiffies: armed for 127, 124
  // ahead of the clock (3): 8-jiffy grid, 128 (512 ms); then 253 -> 256 (1024 ms).
  t.same(v.timeline(), [[8, 255], [512, 0], [1024, 255]])
})

t.test('timer: 60/40 ms', async t => {
  const v = blinkSystem()
  v.write('/oracle/trigger', 'timer\n')
  v.write('/oracle/delay_on', '60\n')
  v.sys.timeline.clear()
  v.write('/oracle/delay_off', '40\n')
  v.clock.advance(230)
  // On at jiffy 2; 60 ms = 15 jiffies: armed 17, runs 18 (72 ms); 40 ms = 10: armed 28,
  // runs 29 (116); 44 -> 45 (180); 55 -> 56 (224). The kernel traced 64, 44, 64, 44 ms phases.
  t.same(v.timeline(), [[8, 255], [72, 0], [116, 255], [180, 0], [224, 255]])
})

t.test('timer: zero delays', async t => {
  const v = blinkSystem()
  v.write('/oracle/trigger', 'timer\n')
  v.clock.advance(20)
  t.equal(v.read('/oracle/brightness'), '255\n')
  t.equal(v.write('/oracle/delay_on', '0\n'), 2)
  t.equal(v.read('/oracle/brightness'), '0\n', 'never on: off at once')
  t.equal(v.read('/oracle/delay_off'), '500\n')
  v.write('/oracle/delay_on', '100\n')
  v.write('/oracle/delay_off', '0\n')
  t.equal(v.read('/oracle/brightness'), '255\n', 'never off: on at once at the blink brightness')
  v.sys.timeline.clear()
  v.clock.advance(1000)
  t.same(v.timeline(), [], 'and no timer runs')
  v.write('/oracle/delay_on', '0\n')
  t.equal(v.read('/oracle/delay_on'), '500\n', 'both 0: the core picks 1 Hz')
  t.equal(v.read('/oracle/delay_off'), '500\n')
})

t.test('timer: parsers and what a failed write leaves', async t => {
  const v = blinkSystem()
  v.write('/oracle/trigger', 'timer\n')
  const cases: Array<[string, number | string, string]> = [
    ['120\n', 4, '120\n'], ['+7\n', 3, '7\n'], ['-1\n', 'EINVAL', '7\n'], ['0x10\n', 'EINVAL', '7\n'],
    ['010\n', 4, '10\n'], [' 5\n', 'EINVAL', '10\n'], ['5 \n', 'EINVAL', '10\n'], ['5\n\n', 'EINVAL', '10\n'],
    ['50\0', 3, '50\n'], ['\n', 'EINVAL', '50\n'], ['18446744073709551615\n', 21, '18446744073709551615\n'],
    ['18446744073709551616\n', 'ERANGE', '18446744073709551615\n'], ['4294967296\n', 11, '4294967296\n']
  ]
  for (const [data, ret, after] of cases) {
    t.equal(v.write('/oracle/delay_on', data), ret, JSON.stringify(data))
    t.equal(v.read('/oracle/delay_on'), after, `${JSON.stringify(data)} leaves ${JSON.stringify(after)}`)
  }
})

t.test('timer: brightness writes while blinking', async t => {
  const v = blinkSystem()
  v.write('/oracle/trigger', 'timer\n')
  v.write('/oracle/delay_on', '60\n')
  v.sys.timeline.clear()
  v.write('/oracle/delay_off', '60\n')
  t.equal(v.write('/oracle/brightness', '100\n'), 4)
  t.equal(v.read('/oracle/brightness'), '0\n', 'taken at the next "on" phase, not now')
  v.clock.advance(200)
  // On at 2 (8 ms), off 18 (72), on 34 (136), off 50 (200).
  t.same(v.timeline(), [[8, 100], [72, 0], [136, 100], [200, 0]])
  t.match(v.read('/oracle/trigger'), /\[timer\]/)
  v.write('/oracle/brightness', '300\n')
  v.clock.advance(100)
  t.equal(v.read('/oracle/brightness'), '255\n', 'clamped when set')

  // A value that is 0 as an unsigned int stops the blink through the brightness work and keeps the trigger.
  // At 300 ms the LED is on (lit at 264): a restart's first tick finds it on and turns it off.
  t.equal(v.clock.now(), 300)
  t.equal(v.read('/oracle/brightness'), '255\n')
  v.write('/oracle/delay_off', '60\n')
  v.clock.advance(20)
  t.equal(v.read('/oracle/brightness'), '0\n', 'off at jiffy 77 (308 ms)')
  v.clock.advance(60)
  t.equal(v.read('/oracle/brightness'), '255\n', 'on at 93 (372 ms)')
  t.equal(v.write('/oracle/brightness', '4294967296\n'), 11)
  t.match(v.read('/oracle/trigger'), /\[timer\]/)
  t.equal(v.read('/oracle/delay_on'), '0\n')
  t.equal(v.read('/oracle/delay_off'), '0\n')
  t.equal(v.read('/oracle/brightness'), '255\n', 'the work sets the driver, not the class brightness')
  v.sys.timeline.clear()
  v.clock.advance(500)
  t.same(v.timeline(), [], 'the blink has stopped')

  v.write('/oracle/delay_on', '60\n')
  t.equal(v.write('/oracle/brightness', '0\n'), 2)
  t.match(v.read('/oracle/trigger'), /\[none\]/, '0 removes the trigger')
  t.equal(v.read('/oracle/brightness'), '0\n')
})

t.test('timer: the blink brightness outlasts the trigger', async t => {
  const v = blinkSystem()
  v.write('/oracle/brightness', '40\n')
  v.write('/oracle/trigger', 'timer\n')
  v.write('/oracle/trigger', 'none\n')
  v.write('/oracle/brightness', '0\n')
  v.sys.timeline.clear()
  v.write('/oracle/trigger', 'timer\n')
  v.clock.advance(10)
  t.same(v.timeline(), [[8, 40]], 'lit at 40 though the LED was off when selected')
})

t.test('timer: the led-pattern default', async t => {
  const warnings: string[] = []
  const v = blinkSystem({ leds: [{ name: 'oracle', defaultTrigger: undefined, defaultPattern: [100, 300] }] })
  const led = v.led
  led.initDefaultTrigger = true
  v.write('/oracle/trigger', 'timer\n')
  t.equal(v.read('/oracle/delay_on'), '100\n')
  t.equal(v.read('/oracle/delay_off'), '300\n')
  v.write('/oracle/trigger', 'none\n')
  v.write('/oracle/trigger', 'timer\n')
  t.equal(v.read('/oracle/delay_on'), '500\n', 'applied once only')
  const ctx = { wheel: v.sys.wheel, profile: v.sys.profile, warn: (_l: LedClassdev, m: string) => { warnings.push(m) }, loadavg: () => 0 }
  const timer = TRIGGER_FACTORIES.timer(ctx)
  const bad = blinkSystem({ leds: [{ name: 'oracle', defaultPattern: [1, 2, 3] }] })
  bad.led.initDefaultTrigger = true
  bad.sys.registry.set(bad.led, timer)
  t.same(warnings, ['Expected 2 but got 3 values for delays pattern'])
  t.equal(bad.read('/oracle/delay_on'), '500\n')
})

t.test('oneshot', async t => {
  const v = blinkSystem()
  v.write('/oracle/trigger', 'oneshot\n')
  t.equal(v.read('/oracle/delay_on'), '0\n', 'the delays are not initialised')
  t.equal(v.read('/oracle/shot'), 'EACCES', 'shot is write-only')
  t.equal(v.write('/oracle/shot', '1\n'), 2)
  t.equal(v.read('/oracle/delay_on'), '500\n', 'both 0: the core picks 1 Hz')
  v.clock.advance(2000)
  // On at 2 (8 ms), off at 128 (512 ms), then one more "off" phase ends the shot.
  t.same(v.timeline(), [[8, 255], [512, 0]])
  t.notOk(v.led.blink.timer.pending, 'nothing left running')

  v.write('/oracle/delay_on', '60\n')
  v.write('/oracle/delay_off', '60\n')
  v.sys.timeline.clear()
  const t0 = v.clock.now()
  v.write('/oracle/shot', 'anything')
  v.clock.advance(20)
  v.write('/oracle/shot', '1\n')
  v.clock.advance(300)
  t.same(v.timeline().map(([x, b]) => [x - t0, b]), [[8, 255], [72, 0]], 'a shot while one runs is ignored')

  t.equal(v.write('/oracle/invert', '0x10\n'), 5)
  t.equal(v.read('/oracle/invert'), '1\n')
  t.equal(v.read('/oracle/brightness'), '255\n', 'inverted rests on')
  v.sys.timeline.clear()
  const t1 = v.clock.now()
  v.write('/oracle/shot', '1\n')
  v.clock.advance(300)
  // Off at the first tick for delay_on, on again for delay_off, then the shot ends.
  t.same(v.timeline().map(([x, b]) => [x - t1, b]), [[8, 0], [72, 255]])
  t.equal(v.write('/oracle/invert', '-1\n'), 'EINVAL')
  t.equal(v.write('/oracle/delay_on', '09\n'), 'EINVAL', 'base 0: 09 is bad octal')
  t.equal(v.write('/oracle/delay_on', '017\n'), 4)
  t.equal(v.read('/oracle/delay_on'), '15\n')
})

t.test('heartbeat: the period follows the load average', async t => {
  t.equal(heartbeatPeriodMs(avenrunOf(0)), 1260)
  t.equal(heartbeatPeriodMs(avenrunOf(1)), 860)
  t.equal(heartbeatPeriodMs(avenrunOf(5)), 510)
  t.throws(() => avenrunOf(-1), /load average/)

  const v = blinkSystem()
  v.write('/oracle/trigger', 'heartbeat\n')
  v.clock.advance(1300)
  // Period 1260 ms = 315 jiffies. On at once; 70 ms = 18 jiffies: runs 19 (76 ms);
  // 315/4 - 18 = 60: armed 79, runs 80 (320); 18: runs 99 (396); 315 - 78 - 18 = 219:
  // armed 318, 218 ahead of the clock (100): 8-jiffy grid, 320 (1280 ms).
  t.same(v.timeline(), [[0, 255], [76, 0], [320, 255], [396, 0], [1280, 255]])

  const busy = blinkSystem({ loadavg: 1 })
  busy.write('/oracle/trigger', 'heartbeat\n')
  busy.clock.advance(900)
  // 860 ms = 215 jiffies: 215/4 - 18 = 35 -> runs 19 + 36 = 55 (220 ms); off 74 (296);
  // 215 - 53 - 18 = 144: armed 218, 143 ahead of 75: grid, 224 (896 ms).
  t.same(busy.timeline(), [[0, 255], [76, 0], [220, 255], [296, 0], [896, 255]])
})

t.test('heartbeat: invert and brightness', async t => {
  const v = blinkSystem()
  v.write('/oracle/trigger', 'heartbeat\n')
  t.equal(v.write('/oracle/invert', '1\n'), 2)
  t.equal(v.write('/oracle/brightness', '60\n'), 3)
  t.equal(v.read('/oracle/brightness'), '255\n', 'the beat brightness changes at the next phase')
  v.clock.advance(420)
  // Inverted from phase 1: on (at 60) through the first pause, off for the second
  // beat, on again for the long pause.
  t.same(v.timeline(), [[0, 255], [76, 60], [320, 0], [396, 60]])
  v.write('/oracle/trigger', 'none\n')
  v.sys.timeline.clear()
  const t0 = v.clock.now()
  v.write('/oracle/trigger', 'heartbeat\n')
  t.equal(v.read('/oracle/invert'), '0\n', 'forgotten on re-activation')
  v.clock.advance(100)
  t.same(v.timeline().map(([x, b]) => [x - t0, b]), [[0, 60], [76, 0]], 'the beat brightness outlasts the trigger')
  t.equal(v.write('/oracle/invert', '0x\n'), 'EINVAL')
  t.equal(v.write('/oracle/brightness', '0\n'), 2)
  t.match(v.read('/oracle/trigger'), /\[none\]/)
})

t.test('transient', async t => {
  const v = blinkSystem()
  v.write('/oracle/trigger', 'transient\n')
  t.equal(v.write('/oracle/activate', '1\n'), 2)
  t.equal(v.read('/oracle/activate'), '0\n', 'no duration: nothing happens')
  v.write('/oracle/duration', '100\n')
  v.write('/oracle/state', '1\n')
  const t0 = v.clock.now()
  v.write('/oracle/activate', '1\n')
  t.equal(v.read('/oracle/activate'), '1\n')
  v.clock.advance(50)
  v.write('/oracle/activate', '1\n')
  v.clock.advance(150)
  // 100 ms = 25 jiffies: armed 25, runs 26 (104 ms); the second activate does not restart it.
  t.same(v.timeline().map(([x, b]) => [x - t0, b]), [[0, 255], [104, 0]])
  t.equal(v.read('/oracle/activate'), '0\n')
  for (const [file, data, ret] of [['activate', '2\n', 'EINVAL'], ['activate', '4294967297\n', 'EINVAL'], ['activate', '18446744073709551617\n', 'ERANGE'], ['state', '0x1\n', 'EINVAL'], ['duration', '-1\n', 'EINVAL'], ['duration', '+20\n', 4]] as const) {
    t.equal(v.write(`/oracle/${file}`, data), ret, `${file} ${JSON.stringify(data)}`)
  }
  t.equal(v.read('/oracle/duration'), '20\n')
  v.write('/oracle/state', '0\n')
  v.write('/oracle/activate', '1\n')
  v.write('/oracle/activate', '0\n')
  t.equal(v.read('/oracle/brightness'), '255\n', 'cancelled: the opposite of state')
  v.write('/oracle/trigger', 'none\n')
  t.equal(v.read('/oracle/brightness'), '0\n')
})

t.test('default-on', async t => {
  const v = blinkSystem({ leds: [{ name: 'oracle', maxBrightness: 100 }] })
  v.write('/oracle/trigger', 'default-on\n')
  t.equal(v.read('/oracle/brightness'), '100\n')
  v.write('/oracle/brightness', '7\n')
  t.match(v.read('/oracle/trigger'), /\[default-on\]/, 'a brightness write keeps it')
})

t.test('hardware blink offload (blink_set)', async t => {
  const driver = new MemoryDriver({ hwBlink: true, hwBlinkMaxMs: 1000 })
  const v = blinkSystem({ leds: [{ name: 'oracle', driver }] })
  v.write('/oracle/trigger', 'timer\n')
  t.same(driver.hardwareBlink, { delayOn: 500, delayOff: 500 }, 'the driver chose 1 Hz')
  t.equal(v.read('/oracle/delay_on'), '500\n')
  v.clock.advance(2000)
  t.same(v.timeline(), [], 'no software timer runs')
  v.write('/oracle/delay_on', '100\n')
  t.same(driver.hardwareBlink, { delayOn: 100, delayOff: 500 })
  v.write('/oracle/delay_on', '5000\n')
  t.ok(v.led.blink.sw, 'refused: the core blinks in software')
  v.clock.advance(10)
  t.equal(driver.hardwareBlink, null, 'and its first brightness set ends the hardware blink')
  v.write('/oracle/delay_on', '200\n')
  t.same(driver.hardwareBlink, { delayOn: 200, delayOff: 500 })
  t.notOk(v.led.blink.sw, 'back in hardware')
  v.write('/oracle/brightness', '50\n')
  t.equal(driver.hardwareBlink, null, 'a brightness write ends the hardware blink')
  t.equal(v.read('/oracle/delay_on'), '200\n', 'the delays still read back')
  v.write('/oracle/trigger', 'oneshot\n')
  v.write('/oracle/delay_on', '60\n')
  v.write('/oracle/delay_off', '60\n')
  v.write('/oracle/shot', '1\n')
  t.equal(driver.hardwareBlink, null, 'a oneshot always blinks in software')
  t.ok(v.led.blink.sw)
})

t.test('a driver that may sleep gets its brightness through the deferred work', async t => {
  const calls: Array<[number, number]> = []
  let clockNow = (): number => 0
  const driver: LedDriver = { kind: 'slow', blocking: true, brightnessSet: (_l, value) => { calls.push([clockNow(), value]) } }
  const v = blinkSystem({ leds: [{ name: 'oracle', driver }] })
  clockNow = () => v.clock.now()
  v.write('/oracle/trigger', 'timer\n')
  v.write('/oracle/delay_on', '60\n')
  v.write('/oracle/delay_off', '60\n')
  calls.length = 0
  v.clock.advance(80)
  t.same(v.timeline(), [[8, 255], [72, 0]], 'the class brightness changes in the timer')
  t.same(calls, [[8, 255], [72, 0]], 'the driver right after, from the work')
  v.clock.advance(3)
  t.equal(v.clock.now(), 83)
  v.write('/oracle/brightness', '4294967296\n')
  t.same(calls.at(-1), [83, 0], 'brightness_store waits for the work')
  t.equal(v.led.blink.work.pending, false)
})

t.test('--loadavg', async t => {
  const { parseMountArgs } = await import('../../lib/cli/mount')
  t.equal(parseMountArgs(['dir', '--loadavg', '1.5']).loadavg, 1.5)
  t.equal(parseMountArgs(['dir']).loadavg, undefined, 'default: the machine\'s')
  for (const bad of ['-1', 'x', '', 'NaN', 'Infinity']) t.throws(() => parseMountArgs(['dir', '--loadavg', bad]), /--loadavg: "loadavg" must be a number >= 0/, JSON.stringify(bad))
})
