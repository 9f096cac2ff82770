import t from 'tap'
import { checkMount, ConfigError, openLeds } from '../../lib/decl/schema'
import { fromApi, fromLedOption } from '../../lib/decl/sources'
import { DriverOptionError, type DriverKind } from '../../lib/drivers/kind'
import { MemoryDriver } from '../../lib/drivers/memory'
import { driverKind, driverKinds, registerDriverKind } from '../../lib/drivers/registry'
import { Sc27xxDriver } from '../../lib/drivers/sc27xx'

/** The driver registry: spelling, options, hardware constraints, creation. */

t.test('the registered drivers, in order', async t => {
  t.same(driverKinds().map(k => k.kind), ['memory', 'sc27xx', 'sysfs', 'rgb'])
  t.same(driverKinds().map(k => k.spelling), ['memory', 'sc27xx[:CTRL][:lineN]', 'sysfs:PATH', 'rgb[:COLOR,...]'])
  t.equal(driverKind('nope'), undefined)
  t.throws(() => registerDriverKind(driverKinds()[0]), /driver "memory" is already registered/)
})

t.test('--led spellings become config fields', async t => {
  t.same(fromLedOption('a'), { name: 'a' })
  t.same(fromLedOption('a=memory'), { name: 'a', driver: 'memory' })
  t.same(fromLedOption('a=sysfs:/sys/class/leds/x:y'), { name: 'a', driver: 'sysfs', target: '/sys/class/leds/x:y' }, 'a path keeps its colons')
  t.same(fromLedOption('a=sc27xx'), { name: 'a', driver: 'sc27xx' })
  t.same(fromLedOption('a=sc27xx:ctrl0:line2'), { name: 'a', driver: 'sc27xx', controller: 'ctrl0', line: 2 })
  t.same(fromLedOption('a=sc27xx:line1:ctrl0'), { name: 'a', driver: 'sc27xx', controller: 'ctrl0', line: 1 }, 'in either order')
  t.same(fromLedOption('a=sc27xx:line1'), { name: 'a', driver: 'sc27xx', line: 1 })
  t.same(fromLedOption('a=blinky:x'), { name: 'a', driver: 'blinky' }, 'an unknown driver is left for the schema to name')
})

t.test('LEDs naming one SC27xx controller share it; others get their own', async t => {
  const d = checkMount(fromApi({
    leds: [
      { name: 'r', driver: 'sc27xx', controller: 'pmic0', line: 0 },
      { name: 'g', driver: 'sc27xx', controller: 'pmic0', line: 1 },
      { name: 'b', driver: 'sc27xx', controller: 'pmic0', line: 2 },
      { name: 'x', driver: 'sc27xx', controller: 'pmic1', line: 2 },
      { name: 'y', driver: 'sc27xx' }
    ]
  }))
  const leds = openLeds(d.leds, () => {})
  const scs = leds.map(l => l.driver as Sc27xxDriver)
  t.ok(scs.every(s => s instanceof Sc27xxDriver))
  t.same(scs.map(s => s.line), [0, 1, 2, 2, 0])
  t.equal(scs[0].controller, scs[1].controller, 'r and g share pmic0')
  t.equal(scs[0].controller, scs[2].controller, 'r and b share pmic0')
  t.not(scs[3].controller, scs[0].controller, 'pmic1 is another controller')
  t.not(scs[4].controller, scs[0].controller, 'no controller named: one of its own')
  const again = openLeds(d.leds, () => {}).map(l => l.driver as Sc27xxDriver)
  t.not(again[0].controller, scs[0].controller, 'controllers are per mount')
  t.same(leds.map(l => l.maxBrightness), [255, 255, 255, 255, 255])
})

t.test('a driver with a fixed max_brightness and a default trigger', async t => {
  const made: string[] = []
  const fixed: DriverKind<{ speed: number }> = {
    kind: 'test-fixed',
    spelling: 'test-fixed[:SPEED]',
    summary: 'a test driver',
    fields: ['speed'],
    fromText: (rest) => ({ speed: rest === undefined ? undefined : Number(rest) }),
    check: (f) => {
      if (f.speed !== undefined && typeof f.speed !== 'number') throw new DriverOptionError('"speed" must be a number')
      return { speed: (f.speed as number | undefined) ?? 1 }
    },
    maxBrightness: { fixed: 15 },
    defaultTrigger: 'pattern',
    create: (o) => { made.push(`speed ${o.speed}`); return { driver: new MemoryDriver() } }
  }
  registerDriverKind(fixed)
  t.same(driverKinds().map(k => k.kind), ['memory', 'sc27xx', 'sysfs', 'rgb', 'test-fixed'], 'registered last')
  const d = checkMount(fromApi({ leds: [{ name: 'a', driver: 'test-fixed' }, { name: 'b', driver: 'test-fixed', maxBrightness: 15, defaultTrigger: 'none', speed: 3 }] }))
  t.same(d.leds.map(l => [l.maxBrightness, l.defaultTrigger]), [[15, 'pattern'], [15, 'none']], 'fixed max; the default trigger unless one is named')
  const opened = openLeds(d.leds, () => {})
  t.same(made, ['speed 1', 'speed 3'])
  t.same(opened.map(l => l.maxBrightness), [15, 15])
  const err = (leds: unknown[]): string | undefined => {
    try { checkMount(fromApi({ leds: leds as never })) } catch (e) { return (e as ConfigError).problem }
    return undefined
  }
  t.equal(err([{ name: 'a', driver: 'test-fixed', maxBrightness: 255 }]), 'LED "a": "max_brightness" is fixed at 15 by the test-fixed driver (got 255); leave it out')
  t.equal(err([{ name: 'a', driver: 'test-fixed', speed: 'x' }]), 'LED "a": "speed" must be a number')
  t.equal(err([{ name: 'a', driver: 'test-fixed', target: '/x' }]), 'LED "a": unknown field "target" (known for the test-fixed driver: name, max_brightness, driver, default_trigger, default_pattern, speed)')
  t.equal(err([{ name: 'a', driver: 'test-fixed', defaultPattern: [0, 5] }]), undefined, 'the driver\'s default trigger lets a default pattern through')
  t.match(err([{ name: 'a', driver: 'nope' }]), /"driver" must be one of "memory", "sc27xx", "sysfs", "rgb", "test-fixed" \(got "nope"\)/, 'the error lists the registered drivers')
})

t.test('a driver that fails to open releases those opened before it', async t => {
  let disposed = 0
  registerDriverKind({
    kind: 'test-spy',
    spelling: 'test-spy',
    summary: 'counts releases',
    fields: [],
    fromText: () => ({}),
    check: () => ({}),
    create: () => ({ driver: { kind: 'test-spy', brightnessSet: () => {}, dispose: () => { disposed++ } } })
  })
  const d = checkMount(fromApi({ leds: [{ name: 'a', driver: 'test-spy' }, { name: 'c', driver: 'sysfs', target: '/nonexistent/led' }] }))
  t.throws(() => openLeds(d.leds, () => {}), { name: 'ConfigError', message: /^LED "c": sysfs LED \/nonexistent\/led: does not exist/ })
  t.equal(disposed, 1, 'the LED opened first was released')
})
