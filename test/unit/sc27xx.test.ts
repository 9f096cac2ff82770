import t from 'tap'
import { VirtualClock } from '../../lib/clock/virtual-clock'
import type { RegisterWrite } from '../../lib/drivers/regmap'
import { Sc27xxController, Sc27xxDriver, sc27xxAlignDeltaT } from '../../lib/drivers/sc27xx'
import { SAMPLE_MS } from '../../lib/drivers/sc27xx-breath'
import { LedSystem, type LedSpec } from '../../lib/system'
import { virtualSystem } from '../support/vfs'

/**
 * The SC27xx breathing-light mock driven through the pattern trigger, on a
 * virtual clock, with the same kernfs calls the FUSE adapter makes (as
 * test/support/vfs.ts does for memory LEDs).
 */

function scSystem (leds?: LedSpec[]): {
  sys: LedSystem
  clock: VirtualClock
  sc: Sc27xxDriver
  write: (path: string, data: string) => number | string
  read: (path: string) => string
  events: (since?: number) => Array<[number, number]>
} {
  const sc = new Sc27xxDriver()
  const { sys, clock, write, read } = virtualSystem({ leds: leds ?? [{ name: 'sc', driver: sc }] })
  /** Timeline of LED "sc" as [time relative to `since`, brightness]. */
  const events = (since = 0): Array<[number, number]> =>
    sys.timeline.list('sc').map(e => [e.t - since, e.brightness])
  return { sys, clock, sc, write, read, events }
}

const writeLog = (ws: RegisterWrite[]): Array<[string, number]> => ws.map(w => [w.reg, w.value])

/*
 * The worked example. The driver rounds each duration to the nearest 125 ms
 * step (it adds 62, half a step in integer division), keeps the result in
 * 125..31875, and keeps only whole steps above 125:
 *   rise  100: 100+62 = 162 -> 162-125 = 37  -> 0 whole steps   -> 125
 *   high 1000: 1062         -> 937           -> 7 steps = 875   -> 1000
 *   fall  200: 262          -> 137           -> 1 step  = 125   -> 250
 *   low   300: 362          -> 237           -> 1 step  = 125   -> 250
 * (300 ms is 2.4 steps, so it rounds down to 2 steps; 200 ms is 1.6 and
 * rounds up to 2.) The brightness values are shown as written; the driver
 * only uses the second one.
 */
const EXAMPLE = '0 100 255 1000 0 200 0 300\n'
const EXAMPLE_ALIGNED = '0 125 255 1000 0 250 0 250\n'

/** The trigger file's text with `active` in brackets, from the system's own trigger list. */
const triggerText = (sys: LedSystem, active: string): string =>
  ['none', ...sys.registry.names()].map(n => n === active ? `[${n}]` : n).join(' ') + '\n'

t.test('the LED comes up as the driver registers it: pattern trigger, hw_pattern, max_brightness 255', async t => {
  const sc = new Sc27xxDriver()
  const v = scSystem([{ name: 'sc', driver: sc }, { name: 'mem' }])
  t.equal(v.read('/sc/trigger'), triggerText(v.sys, 'pattern'))
  t.equal(v.read('/mem/trigger'), triggerText(v.sys, 'none'), 'a memory LED has no default trigger')
  t.ok(v.sys.kernfs.readdir(v.sys.kernfs.lookup('/sc')).includes('hw_pattern'), 'hw_pattern from the start')
  t.equal(v.read('/sc/max_brightness'), '255\n')
  t.equal(v.read('/sc/brightness'), '0\n')
  t.same(writeLog(sc.writes()), [['MODULE_EN0', 0x200], ['CLK_EN0', 0x80], ['RGB_CTRL', 0]], 'activating the trigger touches no register')
  t.equal(v.write('/sc/hw_pattern', '0 500 255 1000 0 500 0 1000\n'), 28, 'a hardware pattern at once')
  t.equal(sc.output.mode(), 'breathing')
  t.equal(v.read('/sc/hw_pattern'), '0 500 255 1000 0 500 0 1000\n')
  t.same(v.sys.timeline.list(), [], 'nothing recorded at registration')
})

t.test('a configured default trigger wins over the driver\'s', async t => {
  const v = scSystem([{ name: 'sc', driver: new Sc27xxDriver(), defaultTrigger: 'none' }, { name: 'cpu', driver: new Sc27xxDriver(), defaultTrigger: 'cpu' }])
  t.equal(v.read('/sc/trigger'), triggerText(v.sys, 'none'))
  t.equal(v.read('/sc/hw_pattern'), 'ENOENT')
  t.equal(v.read('/cpu/trigger'), triggerText(v.sys, 'cpu'))
  t.equal(v.read('/cpu/brightness'), '255\n', 'the CPU trigger lit it through the driver')
  t.equal(v.sys.led('cpu').driver.kind, 'sc27xx')
  t.equal((v.sys.led('cpu').driver as Sc27xxDriver).output.mode(), 'pwm')
})

t.test('max_brightness other than 255 is refused, naming the LED and the field', async t => {
  const make = (maxBrightness: number): LedSystem => new LedSystem({ leds: [{ name: 'breath', driver: new Sc27xxDriver(), maxBrightness }], clock: new VirtualClock(), warn: () => {} })
  t.throws(() => make(100), { message: 'LED "breath": "max_brightness" is fixed at 255 by the sc27xx driver (got 100); leave it out' })
  t.throws(() => make(1000), /LED "breath": "max_brightness" is fixed at 255/)
  const sys = make(255)
  t.equal(sys.led('breath').maxBrightness, 255)
  sys.dispose()
})

t.test('hw_pattern exists for the SC27xx LED and not for a memory LED', async t => {
  const v = scSystem([{ name: 'sc', driver: new Sc27xxDriver() }, { name: 'mem' }])
  t.equal(v.write('/sc/trigger', 'pattern\n'), 8, 'selecting pattern again')
  t.equal(v.write('/mem/trigger', 'pattern\n'), 8)
  t.ok(v.sys.kernfs.readdir(v.sys.kernfs.lookup('/sc')).includes('hw_pattern'))
  t.notOk(v.sys.kernfs.readdir(v.sys.kernfs.lookup('/mem')).includes('hw_pattern'))
  t.equal(v.read('/sc/hw_pattern'), '', 'empty until a hardware pattern is stored')
  t.equal(v.read('/mem/hw_pattern'), 'ENOENT')
  t.equal(v.read('/mem/pattern'), '')
  t.equal(v.sys.led('sc').driver.kind, 'sc27xx')
})

t.test('the durations read back aligned to 125 ms steps', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  t.equal(v.write('/sc/hw_pattern', EXAMPLE), EXAMPLE.length)
  t.equal(v.read('/sc/hw_pattern'), EXAMPLE_ALIGNED)
  t.equal(v.read('/sc/pattern'), '', 'the software pattern file shows nothing')
  // Storing the aligned text again changes nothing (alignment is idempotent).
  v.write('/sc/hw_pattern', EXAMPLE_ALIGNED)
  t.equal(v.read('/sc/hw_pattern'), EXAMPLE_ALIGNED)
})

t.test('durations are clamped to 125..31875 ms, on 32-bit unsigned arithmetic', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  t.equal(v.write('/sc/hw_pattern', '0 0 255 40000 0 0 0 40000\n'), 26)
  t.equal(v.read('/sc/hw_pattern'), '0 125 255 31875 0 125 0 31875\n')
  const r = v.sc.registers()
  // CURVE0 = fall steps << 8 | rise steps = 1 << 8 | 1; CURVE1 = low << 8 | high = 255 << 8 | 255.
  t.equal(r.values.CURVE0, 0x0101)
  t.equal(r.values.CURVE1, 0xffff)
  // 62 + 62 = 124 -> 125; 63 -> 125 -> 125; 31812 -> 31874 -> 253 steps above
  // the minimum -> 31750; 4294967295 + 62 wraps to 61 -> clamped up to 125.
  v.write('/sc/hw_pattern', '0 62 255 63 0 31812 0 4294967295\n')
  t.equal(v.read('/sc/hw_pattern'), '0 125 255 125 0 31750 0 125\n')
  const cases: Array<[number, number]> = [
    [0, 125], [187, 125], [188, 250], [249, 250], [250, 250], [312, 250], [313, 375],
    [31812, 31750], [31813, 31875], [31875, 31875], [40000, 31875], [0xffffffc1, 31875], [0xffffffc2, 125]
  ]
  for (const [input, want] of cases) t.equal(sc27xxAlignDeltaT(input), want, `${input} -> ${want}`)
})

t.test('3 or 5 tuples are refused with EINVAL and leave no stored pattern', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  v.sc.controller.regmap.clearWrites()
  t.equal(v.write('/sc/hw_pattern', '0 100 255 1000 0 200\n'), 'EINVAL')
  t.equal(v.read('/sc/hw_pattern'), '')
  t.same(v.sc.writes(), [], 'refused before any register is touched')
  t.equal(v.write('/sc/hw_pattern', '0 100 255 1000 0 200 0 300 0 100\n'), 'EINVAL')
  t.equal(v.read('/sc/hw_pattern'), '')

  // Over a running hardware pattern: the store clears it first, then fails.
  t.equal(v.write('/sc/hw_pattern', EXAMPLE), EXAMPLE.length)
  v.clock.advance(500)
  t.equal(v.sc.output.mode(), 'breathing')
  t.equal(v.write('/sc/hw_pattern', '0 100 255 1000 0 200\n'), 'EINVAL')
  t.equal(v.read('/sc/hw_pattern'), '')
  t.equal(v.sc.output.mode(), 'off')
  t.equal(v.sc.registers().values.CURVE0, 0)
  t.equal(v.sc.registers().values.CURVE1, 0)
  t.equal(v.read('/sc/brightness'), '0\n')
  t.equal(v.clock.nextAt(), undefined, 'no sampling left')
})

t.test('register values after pattern_set, and the order they are written in', async t => {
  const v = scSystem()
  // Probe: BLTC_EN (bit 9) in MODULE_EN0, RTC_EN (bit 7) in CLK_EN0, RGB_PD (bit 0) cleared in RGB_CTRL.
  t.same(writeLog(v.sc.writes()), [['MODULE_EN0', 0x200], ['CLK_EN0', 0x80], ['RGB_CTRL', 0]])
  v.write('/sc/trigger', 'pattern\n')
  v.clock.advance(40)
  v.sc.controller.regmap.clearWrites()
  v.write('/sc/hw_pattern', EXAMPLE)
  /*
   * Line 0 of a controller at 0x200: CTRL 0x200, DUTY 0x208, CURVE0 0x20c,
   * CURVE1 0x210. Steps: rise 125/125 = 1, high 1000/125 = 8, fall 250/125 = 2,
   * low 250/125 = 2. The driver updates, in order:
   *   CURVE0[7:0]  = 1          -> CURVE0 = 0x0001
   *   CURVE1[7:0]  = 8          -> CURVE1 = 0x0008
   *   CURVE0[15:8] = 2          -> CURVE0 = 0x0201
   *   CURVE1[15:8] = 2          -> CURVE1 = 0x0208
   *   DUTY[15:0]   = 255 << 8 | 0xff (mod all ones)         = 0xffff
   *   CTRL: RUN << (4 * line) = 0x1 (TYPE is not set for breathing)
   */
  t.same(v.sc.writes(), [
    { time: 40, addr: 0x20c, reg: 'LINE0_CURVE0', value: 0x0001 },
    { time: 40, addr: 0x210, reg: 'LINE0_CURVE1', value: 0x0008 },
    { time: 40, addr: 0x20c, reg: 'LINE0_CURVE0', value: 0x0201 },
    { time: 40, addr: 0x210, reg: 'LINE0_CURVE1', value: 0x0208 },
    { time: 40, addr: 0x208, reg: 'LINE0_DUTY', value: 0xffff },
    { time: 40, addr: 0x200, reg: 'CTRL', value: 0x1 }
  ])
  const r = v.sc.registers()
  t.same(r.values, { CTRL: 0x1, PRESCALE: 0, DUTY: 0xffff, CURVE0: 0x0201, CURVE1: 0x0208, MODULE_EN0: 0x200, CLK_EN0: 0x80, RGB_CTRL: 0 })
  t.same(r.addresses, { CTRL: 0x200, PRESCALE: 0x204, DUTY: 0x208, CURVE0: 0x20c, CURVE1: 0x210, MODULE_EN0: 0xc08, CLK_EN0: 0xc18, RGB_CTRL: 0xebc })
  t.same(r.fields, {
    run: true, type: false, duty: 255, mod: 0xff,
    riseSteps: 1, highSteps: 8, fallSteps: 2, lowSteps: 2,
    riseMs: 125, highMs: 1000, fallMs: 250, lowMs: 250
  })
  t.equal(r.mode, 'breathing')
  t.equal(JSON.parse(JSON.stringify(r)).values.DUTY, 0xffff, 'the snapshot is plain data')

  // A second tuple of 100: DUTY = 100 << 8 | 0xff = 0x64ff.
  v.write('/sc/hw_pattern', '0 500 100 500 0 500 0 500\n')
  t.equal(v.sc.registers().values.DUTY, 0x64ff)
  t.equal(v.sc.registers().values.CURVE0, 0x0404)
  t.equal(v.sc.registers().values.CURVE1, 0x0404)
})

t.test('lines share the CTRL register: line n owns bits 4n and 4n+1', async t => {
  const ctl = new Sc27xxController()
  const red = new Sc27xxDriver({ controller: ctl, line: 0 })
  const blue = new Sc27xxDriver({ controller: ctl, line: 2 })
  t.throws(() => new Sc27xxDriver({ controller: ctl, line: 2 }), RangeError, 'a line is used once')
  t.throws(() => new Sc27xxDriver({ controller: ctl, line: 3 }), RangeError, 'only 3 lines')
  const clock = new VirtualClock()
  const sys = new LedSystem({ leds: [{ name: 'red', driver: red }, { name: 'blue', driver: blue }], clock, warn: () => {} })
  const w = (p: string, s: string): number => sys.kernfs.write(sys.kernfs.open(sys.kernfs.lookup(p), { read: false, write: true }), Buffer.from(s), 0)
  w('/red/trigger', 'pattern')
  w('/blue/trigger', 'pattern')
  w('/red/hw_pattern', EXAMPLE)
  w('/blue/hw_pattern', '0 250 128 250 0 250 0 250')
  // Line 2's block starts at 0x200 + 2 * 0x10 = 0x220: DUTY 0x228, CURVE0 0x22c, CURVE1 0x230.
  const b = blue.registers()
  t.same(b.addresses, { CTRL: 0x200, PRESCALE: 0x224, DUTY: 0x228, CURVE0: 0x22c, CURVE1: 0x230, MODULE_EN0: 0xc08, CLK_EN0: 0xc18, RGB_CTRL: 0xebc })
  t.equal(b.values.DUTY, 0x80ff)
  t.equal(b.values.CURVE0, 0x0202)
  t.equal(b.values.CTRL, 0x101, 'RUN of line 0 (bit 0) and of line 2 (bit 8)')
  w('/red/trigger', 'none')
  t.equal(blue.registers().values.CTRL, 0x100, 'clearing line 0 leaves line 2 running')
  t.equal(blue.output.mode(), 'breathing')
  t.equal(red.output.mode(), 'off')
  sys.dispose()
})

t.test('one full breathing cycle under the virtual clock', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  v.clock.advance(1000)
  const t0 = v.clock.now()
  v.write('/sc/hw_pattern', EXAMPLE)
  /*
   * Rise 125, high 1000, fall 250, low 250 ms: a 1625 ms cycle starting
   * with the rise at the write, sampled every SAMPLE_MS = 25 ms on a grid
   * from the write. Ramps are linear to the duty (255), rounded:
   *   rise:  255 * x / 125 at x = 25..100 -> 51 102 153 204; 255 from 125
   *   high:  flat until 1125 (not sampled: nothing changes)
   *   fall:  255 * (250 - x) / 250 at x = 25..225 -> 229.5 204 178.5 153
   *          127.5 102 76.5 51 25.5, rounded half up -> 230 204 179 153 128 102 77 51 26
   *   low:   0 from 1375 until the next rise at 1625
   * The LED was at 0, so the start of the rise (0 at 0 ms) is no change.
   */
  t.equal(SAMPLE_MS, 25)
  v.clock.advance(130)
  t.equal(v.clock.nextAt(), t0 + 1125, 'the flat high stage is skipped to its end')
  v.clock.advanceTo(t0 + 1625)
  const cycle: Array<[number, number]> = [
    [25, 51], [50, 102], [75, 153], [100, 204], [125, 255],
    [1150, 230], [1175, 204], [1200, 179], [1225, 153], [1250, 128], [1275, 102], [1300, 77], [1325, 51], [1350, 26],
    [1375, 0]
  ]
  t.same(v.events(t0), cycle, 'rise, high, fall, low')
  // The next cycle is the same, 1625 ms later.
  v.sys.timeline.clear()
  v.clock.advanceTo(t0 + 1625 * 2)
  t.same(v.events(t0 + 1625), cycle)
  t.equal(v.sc.output.levelAt(t0 + 1625 * 7 + 600), 255, 'the waveform is periodic')
  t.equal(v.sc.output.levelAt(t0 + 1625 * 7 + 1500), 0)
})

t.test('repeat is ignored: the hardware breathes on; storing repeat restarts the cycle', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  t.equal(v.write('/sc/repeat', '1\n'), 2, 'repeat 1 before the pattern')
  v.write('/sc/hw_pattern', EXAMPLE)
  v.clock.advance(1625 * 3)
  t.equal(v.sc.output.mode(), 'breathing', 'still breathing after 3 cycles with repeat 1')
  t.equal(v.events().filter(e => e[1] === 255).length, 3, 'three tops')

  // The trigger's repeat store clears the hardware pattern and sets it again
  // (with the new count, which the driver ignores): the cycle restarts.
  v.clock.advanceTo(1625 * 3 + 600)
  t.equal(v.sc.output.levelAt(v.clock.now()), 255)
  const tr = v.clock.now()
  v.sys.timeline.clear()
  v.sc.controller.regmap.clearWrites()
  t.equal(v.write('/sc/repeat', '1\n'), 2)
  t.equal(v.read('/sc/repeat'), '1\n')
  t.same(writeLog(v.sc.writes()), [
    ['LINE0_CURVE0', 0], ['LINE0_CURVE1', 0], ['CTRL', 0], // pattern_clear
    ['LINE0_CURVE0', 0x0001], ['LINE0_CURVE1', 0x0008], ['LINE0_CURVE0', 0x0201], ['LINE0_CURVE1', 0x0208], ['CTRL', 0x1] // pattern_set (DUTY unchanged)
  ])
  t.equal(v.read('/sc/hw_pattern'), EXAMPLE_ALIGNED)
  v.clock.advance(1625 * 2 + 60)
  const ev = v.events(tr)
  t.same(ev.slice(0, 3), [[0, 0], [25, 51], [50, 102]], 'dark at the store, then a new rise')
  t.same(ev.slice(-2), [[3275, 51], [3300, 102]], 'third cycle under way')
  t.equal(v.sc.output.mode(), 'breathing')
})

t.test('brightness reads the second tuple\'s brightness while breathing', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  v.write('/sc/hw_pattern', '0 500 200 500 0 500 0 500\n')
  t.equal(v.read('/sc/brightness'), '200\n', 'at the start of the rise')
  v.clock.advance(250)
  t.equal(v.sc.output.levelAt(v.clock.now()), 100)
  t.equal(v.read('/sc/brightness'), '200\n', 'mid-rise')
  t.equal(v.sys.led('sc').brightness, 200, 'led_cdev->brightness')
  t.equal(v.sys.led('sc').recordedLevel, 100, 'the timeline has the waveform\'s level')
  v.clock.advance(1500) // low stage: the output is dark
  t.equal(v.sc.output.levelAt(v.clock.now()), 0)
  t.equal(v.read('/sc/brightness'), '200\n', 'low stage')
  // Reading must not disturb the timeline: no repeated 0 when the next cycle starts.
  v.clock.advance(300)
  const ev = v.events()
  t.same(ev.filter(e => e[0] > 1750), [[2025, 10], [2050, 20]], 'after the read, the new rise (200 * 25 / 500 = 10) and nothing else')
  t.same(ev.filter(e => e[1] === 0), [[1500, 0]], 'one dark event, at the start of the low stage')

  // A brightness write replaces breathing with a steady PWM level.
  v.sys.timeline.clear()
  t.equal(v.write('/sc/brightness', '100\n'), 4)
  t.equal(v.read('/sc/brightness'), '100\n')
  t.equal(v.sc.output.mode(), 'pwm')
  t.equal(v.sc.registers().values.CTRL, 0x3, 'RUN and TYPE')
  t.equal(v.sc.registers().values.DUTY, 0x64ff)
  v.clock.advance(5000)
  t.same(v.events(), [[2050, 100]], 'nothing sampled any more')
  t.equal(v.clock.nextAt(), undefined)
  t.equal(v.read('/sc/hw_pattern'), '0 500 200 500 0 500 0 500\n', 'the trigger still holds the pattern')

  // A read during the low stage, then a write of that same value: the light
  // goes from 0 to 200 and the timeline must say so.
  v.write('/sc/hw_pattern', '0 500 200 500 0 500 0 500\n')
  v.clock.advance(1600)
  t.equal(v.sc.output.levelAt(v.clock.now()), 0)
  t.equal(v.read('/sc/brightness'), '200\n')
  v.sys.timeline.clear()
  v.write('/sc/brightness', '200\n')
  t.same(v.events(), [[v.clock.now(), 200]])
  t.equal(v.sc.output.mode(), 'pwm')

  // pattern_clear sets the brightness to LED_OFF.
  v.write('/sc/hw_pattern', '0 500 200 500 0 500 0 500\n')
  t.equal(v.read('/sc/brightness'), '200\n')
  v.write('/sc/trigger', 'none\n')
  t.equal(v.read('/sc/brightness'), '0\n')
})

t.test('a software pattern after a hardware one clears the hardware one', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  v.write('/sc/hw_pattern', EXAMPLE)
  v.clock.advance(200)
  v.sc.controller.regmap.clearWrites()
  v.sys.timeline.clear()
  t.equal(v.write('/sc/pattern', '255 500 0 500\n'), 14)
  // pattern_clear: both curves written to 0, RUN/TYPE of line 0 cleared; DUTY kept.
  t.same(writeLog(v.sc.writes()), [['LINE0_CURVE0', 0], ['LINE0_CURVE1', 0], ['CTRL', 0]])
  t.equal(v.read('/sc/hw_pattern'), '')
  t.equal(v.read('/sc/pattern'), '255 500 0 500\n')
  v.clock.advance(120)
  // The software pattern drives the brightness path: DUTY already 0xffff, so only CTRL = RUN|TYPE.
  t.same(writeLog(v.sc.writes()).slice(3, 4), [['CTRL', 0x3]])
  const r = v.sc.registers()
  t.equal(r.values.CURVE0, 0)
  t.equal(r.values.CURVE1, 0)
  t.equal(r.mode, 'pwm')
  const ev = v.events()
  t.same(ev[0], [200, 0], 'dark when the hardware pattern is cleared')
  t.same(ev.slice(1).map(e => e[1]), [255, 230, 204], 'then the software ramp: 255 down by 25.5 per 50 ms')
  t.equal(v.read('/sc/brightness'), '204\n', 'brightness reads the software value again')
})

t.test('a hardware pattern after a software one stops the software timer', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  // Steps of 255 and 0 for 300 ms each: wait until the LED is dark (LED_OFF cleared RUN and TYPE).
  v.write('/sc/pattern', '255 300 255 0 0 300 0 0\n')
  v.clock.advance(20)
  t.equal(v.sc.output.mode(), 'pwm')
  while (v.sys.led('sc').brightness !== 0) v.clock.advance(4)
  t.equal(v.sc.output.mode(), 'off')
  v.sys.timeline.clear()
  const t0 = v.clock.now()
  v.write('/sc/hw_pattern', EXAMPLE)
  t.equal(v.read('/sc/pattern'), '')
  t.equal(v.read('/sc/hw_pattern'), EXAMPLE_ALIGNED)
  t.equal(v.sc.output.mode(), 'breathing')
  v.clock.advance(1625)
  t.same(v.events(t0).slice(0, 5), [[25, 51], [50, 102], [75, 153], [100, 204], [125, 255]], 'only the waveform; the software steps stopped')
  t.equal(v.events(t0).length, 15)
})

t.test('driver quirk: a hardware pattern stored while the LED is lit keeps the PWM mode', async t => {
  // pattern_set sets RUN but never clears TYPE. The trigger only calls
  // pattern_clear before it when the previous pattern was a hardware one,
  // so over a lit software pattern TYPE stays set and the output holds the
  // new duty instead of breathing (TYPE's meaning is inferred, see sc27xx-breath.ts).
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  v.write('/sc/pattern', '255 1000 255 1000\n')
  v.clock.advance(100)
  t.equal(v.sc.registers().values.CTRL, 0x3)
  const t0 = v.clock.now()
  v.sys.timeline.clear()
  v.write('/sc/hw_pattern', '0 100 200 1000 0 200 0 300\n')
  t.equal(v.sc.registers().values.CTRL, 0x3, 'TYPE still set')
  t.equal(v.sc.output.mode(), 'pwm')
  t.equal(v.read('/sc/brightness'), '200\n')
  v.clock.advance(5000)
  t.same(v.events(t0), [[0, 200]], 'a steady duty of 200, no breathing')
  // Storing repeat goes through pattern_clear, which clears TYPE: now it breathes.
  v.write('/sc/repeat', '-1\n')
  t.equal(v.sc.output.mode(), 'breathing')
  t.equal(v.sc.registers().values.CTRL, 0x1)
  // So does selecting the trigger again before the store (deactivation calls pattern_clear).
  v.write('/sc/pattern', '255 1000 255 1000\n')
  v.clock.advance(100)
  t.equal(v.sc.output.mode(), 'pwm')
  v.write('/sc/trigger', 'pattern\n')
  v.write('/sc/hw_pattern', '0 100 200 1000 0 200 0 300\n')
  t.equal(v.sc.output.mode(), 'breathing')
})

t.test('echo none > trigger clears the hardware pattern', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  v.write('/sc/hw_pattern', EXAMPLE)
  v.clock.advance(600)
  v.sc.controller.regmap.clearWrites()
  v.sys.timeline.clear()
  t.equal(v.write('/sc/trigger', 'none\n'), 5)
  // pattern_clear from deactivate; the LED_OFF that follows finds RUN/TYPE already clear (no write).
  t.same(writeLog(v.sc.writes()), [['LINE0_CURVE0', 0], ['LINE0_CURVE1', 0], ['CTRL', 0]])
  t.same(v.events(), [[600, 0]])
  t.equal(v.read('/sc/brightness'), '0\n')
  t.equal(v.read('/sc/hw_pattern'), 'ENOENT')
  t.equal(v.sc.output.mode(), 'off')
  t.equal(v.clock.nextAt(), undefined, 'sampling stopped')
  v.clock.advance(5000)
  t.same(v.events(), [[600, 0]])
})

t.test('dispose stops sampling', async t => {
  const v = scSystem()
  v.write('/sc/trigger', 'pattern\n')
  v.write('/sc/hw_pattern', EXAMPLE)
  v.clock.advance(60)
  t.not(v.clock.nextAt(), undefined)
  v.sc.dispose()
  t.equal(v.clock.nextAt(), undefined)
  const v2 = scSystem()
  v2.write('/sc/trigger', 'pattern\n')
  v2.write('/sc/hw_pattern', EXAMPLE)
  v2.sys.dispose()
  t.equal(v2.clock.nextAt(), undefined)
  t.equal(v2.sc.output.mode(), 'off')
})

t.test('the write log is capped', async t => {
  const ctl = new Sc27xxController({ logSize: 4 })
  t.equal(ctl.regmap.writes().length, 3, 'probe writes')
  ctl.regmap.write(0x210, 1, 5)
  ctl.regmap.write(0x210, 2, 6)
  t.equal(ctl.regmap.writes().length, 4)
  t.equal(ctl.regmap.droppedWrites, 1)
  t.same(ctl.regmap.writes()[3], { time: 6, addr: 0x210, reg: 'LINE0_CURVE1', value: 2 })
})
