import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLedfs, type LedfsOptions } from '../../lib/api'
import { parseArgs } from '../../lib/cli/args'
import { MOUNT_OPTIONS, mountConfigFrom } from '../../lib/cli/mount'
import { checkMount, ConfigError, type MountDecl } from '../../lib/decl/schema'
import { fromApi, fromConfigText, mergeInputs } from '../../lib/decl/sources'
import { LedSystem } from '../../lib/system'

/**
 * The declaration schema: every mistake gets the same problem text whether
 * it was made on the command line, in a config file or through the API.
 */

const work = mkdtempSync(join(tmpdir(), 'ledfs-decl-'))
t.teardown(() => { rmSync(work, { recursive: true, force: true }) })
let files = 0

/** The checked declaration of a command line, its config file written to disk first. */
function fromCli (argv: string[], config?: unknown): MountDecl {
  const extra: string[] = []
  if (config !== undefined) {
    const f = join(work, `c${files++}.json`)
    writeFileSync(f, JSON.stringify(config))
    extra.push('--config', f)
  }
  return mountConfigFrom(parseArgs([...argv, ...extra], MOUNT_OPTIONS, 'mount'), '/nonexistent')
}

function fromConfig (doc: unknown): MountDecl {
  return checkMount(fromConfigText(JSON.stringify(doc), 'leds.json'))
}

/** The error a call throws (a ConfigError expected). */
function errorOf (fn: () => unknown): ConfigError | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof ConfigError) return e
    throw e
  }
  return undefined
}

async function apiError (opts: LedfsOptions): Promise<ConfigError | undefined> {
  try {
    // A directory that does not exist: were the options accepted, the mount would fail at once, not with a ConfigError.
    const fs = await startLedfs({ dir: join(work, 'no-such-dir'), ...opts })
    await fs.stop()
  } catch (e) {
    if (e instanceof ConfigError) return e
    return undefined
  }
  return undefined
}

interface Case {
  what: string
  problem: string
  cli?: string[]
  config?: unknown
  api?: LedfsOptions
}

const MOUNT_WIDE: Case[] = [
  { what: 'hz', problem: '"hz" must be one of 100, 250, 300, 1000 (got 123)', cli: ['--hz', '123'], config: { hz: 123 }, api: { hz: 123 as 250 } },
  { what: 'hz text', problem: '"hz" must be one of 100, 250, 300, 1000 (got "fast")', cli: ['--hz', 'fast'], config: { hz: 'fast' }, api: { hz: 'fast' as unknown as 250 } },
  { what: 'kernel', problem: '"kernel" must be one of "4.20", "6.1", "6.12", "mainline" (mainline: the newest recorded kernel, 6.12) (got "5.4")', cli: ['--kernel', '5.4'], config: { kernel: '5.4' }, api: { kernel: '5.4' as '6.1' } },
  { what: 'triggers', problem: '"triggers" must be one of "all", "pattern" (got "some")', cli: ['--triggers', 'some'], config: { triggers: 'some' }, api: { triggers: 'some' as 'all' } },
  { what: 'clock', problem: '"clock" must be one of "real", "virtual" (got "fake")', cli: ['--clock', 'fake'], config: { clock: 'fake' }, api: { clock: 'fake' as 'real' } },
  { what: 'trace', problem: '"trace" must be a file name (got "")', cli: ['--trace', ''], config: { trace: '' }, api: { trace: '' } },
  { what: 'loadavg negative', problem: '"loadavg" must be a number >= 0 (got -1)', cli: ['--loadavg', '-1'], config: { loadavg: -1 }, api: { loadavg: -1 } },
  { what: 'loadavg text', problem: '"loadavg" must be a number >= 0 (got "high")', cli: ['--loadavg', 'high'], config: { loadavg: 'high' }, api: { loadavg: 'high' as unknown as number } },
  { what: 'transport', problem: '"transport" must be one of "auto", "fuse3", "fuse-native" (got "fuse4")', cli: ['--transport', 'fuse4'], config: { transport: 'fuse4' }, api: { transport: 'fuse4' as 'auto' } },
  { what: 'timeline events', problem: '"timeline_events" must be a whole number from 0 to 4294967295 (got 1.5)', cli: ['--timeline-events', '1.5'], config: { timeline_events: 1.5 }, api: { timelineEvents: 1.5 } }
]

const LEDS: Case[] = [
  { what: 'empty name', problem: 'LED "": "name" is empty', cli: ['--led', ''], config: { leds: [{ name: '' }] }, api: { leds: [''] } },
  { what: 'slash in name', problem: 'LED "a/b": "name" must not be ".", ".." or contain "/" or NUL', cli: ['--led', 'a/b'], config: { leds: [{ name: 'a/b' }] }, api: { leds: ['a/b'] } },
  { what: 'long name', problem: `LED "${'x'.repeat(64)}": "name" is longer than 63 bytes`, cli: ['--led', 'x'.repeat(64)], config: { leds: [{ name: 'x'.repeat(64) }] }, api: { leds: ['x'.repeat(64)] } },
  { what: 'name not a string', problem: 'LED #1: "name" must be a string (got 5)', config: { leds: [{ name: 5 }] }, api: { leds: [{ name: 5 as unknown as string }] } },
  { what: 'LED not an object', problem: 'LED #2 must be an object with at least "name" (got true)', config: { leds: [{ name: 'a' }, true] }, api: { leds: ['a', true as unknown as string] } },
  { what: 'no LEDs', problem: '"leds" must be a non-empty list of LEDs (got [])', config: { leds: [] }, api: { leds: [] } },
  { what: 'twice', problem: 'LED "a" is defined twice', cli: ['--led', 'a', '--led', 'a=memory'], config: { leds: [{ name: 'a' }, { name: 'a' }] }, api: { leds: ['a', { name: 'a' }] } },
  { what: 'unknown driver', problem: 'LED "x": "driver" must be one of "memory", "sc27xx", "sysfs", "rgb" (got "blinky")', cli: ['--led', 'x=blinky'], config: { leds: [{ name: 'x', driver: 'blinky' }] }, api: { leds: [{ name: 'x', driver: 'blinky' }] } },
  { what: 'unknown field', problem: 'LED "a": unknown field "colour" (known for the memory driver: name, max_brightness, driver, default_trigger, default_pattern)', config: { leds: [{ name: 'a', colour: 'red' }] }, api: { leds: [{ name: 'a', colour: 'red' }] } },
  { what: 'a driver field on another driver', problem: 'LED "a": unknown field "target" (known for the memory driver: name, max_brightness, driver, default_trigger, default_pattern)', config: { leds: [{ name: 'a', target: '/x' }] }, api: { leds: [{ name: 'a', target: '/x' }] } },
  { what: 'max_brightness 0', problem: 'LED "a": "max_brightness" must be an integer from 1 to 4294967295 (got 0)', config: { leds: [{ name: 'a', max_brightness: 0 }] }, api: { leds: [{ name: 'a', maxBrightness: 0 }] } },
  { what: 'max_brightness too big', problem: 'LED "a": "max_brightness" must be an integer from 1 to 4294967295 (got 4294967296)', config: { leds: [{ name: 'a', max_brightness: 2 ** 32 }] }, api: { leds: [{ name: 'a', maxBrightness: 2 ** 32 }] } },
  { what: 'memory options', problem: 'LED "x": the memory driver takes no options (got "memory:fast")', cli: ['--led', 'x=memory:fast'] },
  { what: 'sysfs without target', problem: 'LED "a": "driver": "sysfs" needs "target", the real LED\'s directory (e.g. "/sys/class/leds/input0::capslock"; on the command line sysfs:PATH)', cli: ['--led', 'a=sysfs'], config: { leds: [{ name: 'a', driver: 'sysfs' }] }, api: { leds: [{ name: 'a', driver: 'sysfs' }] } },
  { what: 'sysfs max_brightness', problem: 'LED "a": "max_brightness" comes from the sysfs target; leave it out', config: { leds: [{ name: 'a', driver: 'sysfs', target: '/x', max_brightness: 9 }] }, api: { leds: [{ name: 'a', driver: 'sysfs', target: '/x', maxBrightness: 9 }] } },
  { what: 'sc27xx line', problem: 'LED "a": "line" must be 0, 1 or 2 (got 3)', cli: ['--led', 'a=sc27xx:pmic0:line3'], config: { leds: [{ name: 'a', driver: 'sc27xx', controller: 'pmic0', line: 3 }] }, api: { leds: [{ name: 'a', driver: 'sc27xx', controller: 'pmic0', line: 3 }] } },
  { what: 'sc27xx line text', problem: 'LED "a": "line" must be 0, 1 or 2 (got "x")', cli: ['--led', 'a=sc27xx:linex'], config: { leds: [{ name: 'a', driver: 'sc27xx', line: 'x' }] }, api: { leds: [{ name: 'a', driver: 'sc27xx', line: 'x' }] } },
  { what: 'sc27xx controller', problem: 'LED "a": "controller" must be a non-empty name (got "")', cli: ['--led', 'a=sc27xx::line1'], config: { leds: [{ name: 'a', driver: 'sc27xx', controller: '', line: 1 }] }, api: { leds: [{ name: 'a', driver: 'sc27xx', controller: '', line: 1 }] } },
  { what: 'sc27xx line used twice', problem: 'LED "b": line 1 of sc27xx controller "pmic0" is already used by LED "a"', cli: ['--led', 'a=sc27xx:pmic0:line1', '--led', 'b=sc27xx:pmic0:line1'], config: { leds: [{ name: 'a', driver: 'sc27xx', controller: 'pmic0', line: 1 }, { name: 'b', driver: 'sc27xx', controller: 'pmic0', line: 1 }] }, api: { leds: [{ name: 'a', driver: 'sc27xx', controller: 'pmic0', line: 1 }, { name: 'b', driver: 'sc27xx', controller: 'pmic0', line: 1 }] } },
  { what: 'sc27xx spelled twice', problem: 'LED "a": sc27xx:p:q: the controller is given twice (spell the driver sc27xx[:CTRL][:lineN])', cli: ['--led', 'a=sc27xx:p:q'] },
  { what: 'sc27xx line spelled twice', problem: 'LED "a": sc27xx:line0:line1: the line is given twice', cli: ['--led', 'a=sc27xx:line0:line1'] },
  { what: 'default trigger', problem: 'LED "a": "default_trigger" must be a trigger name (got 1)', config: { leds: [{ name: 'a', default_trigger: 1 }] }, api: { leds: [{ name: 'a', defaultTrigger: 1 as unknown as string }] } },
  { what: 'default pattern list', problem: 'LED "a": "default_pattern" must be a list of numbers 0..4294967295 (brightness, duration pairs)', config: { leds: [{ name: 'a', default_trigger: 'pattern', default_pattern: [1, -2] }] }, api: { leds: [{ name: 'a', defaultTrigger: 'pattern', defaultPattern: [1, -2] }] } },
  { what: 'default pattern odd', problem: 'LED "a": "default_pattern" must have an even length (brightness, duration pairs)', config: { leds: [{ name: 'a', default_trigger: 'pattern', default_pattern: [1, 2, 3] }] }, api: { leds: [{ name: 'a', defaultTrigger: 'pattern', defaultPattern: [1, 2, 3] }] } },
  { what: 'default pattern alone', problem: 'LED "a": "default_pattern" (the led-pattern property) is read by the default trigger (pattern: tuples; timer, oneshot: delay on and off): add "default_trigger"', config: { leds: [{ name: 'a', default_pattern: [1, 2] }] }, api: { leds: [{ name: 'a', defaultPattern: [1, 2] }] } }
]

t.test('every mistake reads the same from the command line, a config file and the API', async t => {
  for (const c of [...MOUNT_WIDE, ...LEDS]) {
    const got: string[] = []
    if (c.cli !== undefined) {
      const e = errorOf(() => fromCli(c.cli ?? []))
      t.equal(e?.problem, c.problem, `${c.what}: command line`)
      got.push('cli')
    }
    if (c.config !== undefined) {
      t.equal(errorOf(() => fromConfig(c.config))?.problem, c.problem, `${c.what}: config text`)
      const e = errorOf(() => fromCli([], c.config))
      t.equal(e?.problem, c.problem, `${c.what}: --config FILE`)
      t.match(e?.message, /\.json: /, `${c.what}: the message names the file`)
      got.push('config')
    }
    if (c.api !== undefined) {
      t.equal((await apiError(c.api))?.problem, c.problem, `${c.what}: API`)
      got.push('api')
    }
    t.ok(got.length >= (c.cli === undefined ? 2 : 1), `${c.what}: checked from ${got.join(', ')}`)
  }
})

t.test('a mistake on the command line says which option', async t => {
  t.equal(errorOf(() => fromCli(['--hz', '7']))?.message, '--hz: "hz" must be one of 100, 250, 300, 1000 (got 7)')
  t.equal(errorOf(() => fromCli(['--led', 'x=blinky']))?.message, '--led x=blinky: LED "x": "driver" must be one of "memory", "sc27xx", "sysfs", "rgb" (got "blinky")')
  t.equal(errorOf(() => fromCli(['--led', 'a'], { leds: [{ name: 'a' }] }))?.message, '--led a: LED "a" is defined twice', 'the second declaration is the one named')
  t.match(errorOf(() => fromCli([], 'x'))?.message, /\.json: expected an object with a "leds" list$/)
  t.match(errorOf(() => fromCli([], { leds: [{ name: 'a' }], hz: 250, colour: 1 }))?.message, /unknown field "colour" \(known: leds, hz, kernel, triggers, clock, machine, layout, trace, loadavg, transport, timeline_events\)/)
  t.match(errorOf(() => mountConfigFrom(parseArgs(['--config', join(work, 'missing.json')], MOUNT_OPTIONS, 'mount'), '/x'))?.message, /^cannot read the config file .*missing\.json: ENOENT$/)
})

t.test('an unknown default trigger is named with the triggers of the chosen kernel and set', async t => {
  const known = 'kbd-scrolllock, kbd-numlock, kbd-capslock, kbd-kanalock, kbd-shiftlock, kbd-altgrlock, kbd-ctrllock, kbd-altlock, kbd-shiftllock, kbd-shiftrlock, kbd-ctrlllock, kbd-ctrlrlock, disk-activity, disk-read, disk-write, ide-disk, mtd, nand-disk, cpu, cpu0, panic, pattern'
  const problem = `LED "a": unknown default trigger "timer" (known: ${known})`
  t.equal(errorOf(() => fromConfig({ triggers: 'pattern', leds: [{ name: 'a', default_trigger: 'timer' }] }))?.problem, problem, 'config')
  t.equal((await apiError({ triggers: 'pattern', leds: [{ name: 'a', defaultTrigger: 'timer' }] }))?.problem, problem, 'API')
  t.equal(errorOf(() => new LedSystem({ triggers: 'pattern', leds: [{ name: 'a', defaultTrigger: 'timer' }] }))?.problem, problem, 'LedSystem')
  t.equal(errorOf(() => fromConfig({ triggers: 'all', leds: [{ name: 'a', default_trigger: 'timer' }] })), undefined, 'known with every module loaded')
  t.equal(errorOf(() => fromConfig({ leds: [{ name: 'a', default_trigger: 'none' }] })), undefined, '"none" is always allowed')
})

t.test('LedSystem checks its LEDs with the same words', async t => {
  const sys = (leds: Array<{ name: string, maxBrightness?: number }>, hz?: number): ConfigError | undefined => errorOf(() => new LedSystem({ leds, hz }))
  t.equal(sys([{ name: '' }])?.problem, 'LED "": "name" is empty')
  t.equal(sys([{ name: 'a', maxBrightness: 0 }])?.problem, 'LED "a": "max_brightness" must be an integer from 1 to 4294967295 (got 0)')
  t.equal(sys([{ name: 'a' }, { name: 'a' }])?.problem, 'LED "a" is defined twice')
  t.equal(sys([{ name: 'a' }], 123)?.problem, '"hz" must be one of 100, 250, 300, 1000 (got 123)')
})

t.test('defaults come from the profile table; the command line wins over the file', async t => {
  const d = fromCli([])
  t.same(d.leds.map(l => [l.name, l.driver.kind, l.maxBrightness]), [['ledfs:green:status', 'memory', 255], ['sc27xx:white:breath', 'sc27xx', 255]], 'the default LEDs')
  t.same([d.hz, d.kernel, d.triggers, d.clock], [250, '6.1', 'all', 'real'])
  t.equal(d.loadavg, undefined, 'no load average unless given')
  t.equal(d.timelineEvents, undefined, 'the timeline keeps its own default')
  const f = fromCli(['--hz', '1000', '--led', 'b', '--timeline-events', '10', '--loadavg', '0.5'], { hz: 100, kernel: '4.20', clock: 'virtual', trace: 't.jsonl', leds: [{ name: 'a' }] })
  t.same([f.hz, f.kernel, f.clock, f.trace, f.timelineEvents, f.loadavg], [1000, '4.20', 'virtual', 't.jsonl', 10, 0.5])
  t.same(f.leds.map(l => l.name), ['a', 'b'], 'the file\'s LEDs first, then --led')
  const api = checkMount(fromApi({ hz: 300, timelineEvents: 0, leds: [{ name: 's', driver: 'sc27xx', controller: 'p', line: 2, defaultTrigger: 'pattern', defaultPattern: [0, 10] }] }))
  t.same(api.leds[0], { name: 's', maxBrightness: 255, driver: { kind: 'sc27xx', options: { controller: 'p', line: 2 } }, defaultTrigger: 'pattern', defaultPattern: [0, 10] })
  t.equal(api.timelineEvents, 0)
  const merged = checkMount(mergeInputs(fromConfigText('{"hz":100}', 'f'), fromApi({ hz: 1000 })))
  t.equal(merged.hz, 1000)
  t.equal(merged.leds.length, 2, 'no LEDs given: the default set')
})

t.test('the transport: auto unless declared; LEDFS_TRANSPORT sets the default and is checked like the option', async t => {
  const saved = process.env.LEDFS_TRANSPORT
  t.teardown(() => { if (saved === undefined) delete process.env.LEDFS_TRANSPORT; else process.env.LEDFS_TRANSPORT = saved })
  delete process.env.LEDFS_TRANSPORT
  t.equal(fromCli([]).transport, 'auto')
  t.equal(fromCli(['--transport', 'fuse-native']).transport, 'fuse-native')
  process.env.LEDFS_TRANSPORT = 'fuse-native'
  t.equal(fromCli([]).transport, 'fuse-native', 'the environment sets the default')
  t.equal(fromCli(['--transport', 'fuse3']).transport, 'fuse3', 'a declared transport wins over the environment')
  process.env.LEDFS_TRANSPORT = 'fast'
  t.equal(errorOf(() => fromCli([]))?.message, 'LEDFS_TRANSPORT: "transport" must be one of "auto", "fuse3", "fuse-native" (got "fast")')
})

t.test('the three spellings of one LED give one declaration', async t => {
  const cli = fromCli(['--led', 'a=sc27xx:pmic0:line1', '--led', 'c=sysfs:/x/y']).leds
  const cfg = fromConfig({ leds: [{ name: 'a', driver: 'sc27xx', controller: 'pmic0', line: 1 }, { name: 'c', driver: 'sysfs', target: '/x/y' }] }).leds
  const api = checkMount(fromApi({ leds: [{ name: 'a', driver: 'sc27xx', controller: 'pmic0', line: 1 }, { name: 'c', driver: 'sysfs', target: '/x/y' }] })).leds
  t.same(cli, cfg)
  t.same(api, cfg)
  t.same(cfg[1], { name: 'c', maxBrightness: undefined, driver: { kind: 'sysfs', options: { target: '/x/y' } } }, 'a sysfs LED\'s max_brightness is read when it is opened')
})
