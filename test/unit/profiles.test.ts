import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PROFILES, profileOf, isProfileName } from '../../lib/profiles'
import { checkMount } from '../../lib/decl/schema'
import { fromConfigText } from '../../lib/decl/sources'

const parseConfig = (text: string): ReturnType<typeof checkMount> => checkMount(fromConfigText(text, 'leds.json'))
import { virtualSystem } from '../support/vfs'

/**
 * What the profile table says about each kernel, checked against what the
 * kernels answered (the recorded transcripts) where a recording can show it.
 */

const CONFORMANCE = join(__dirname, '..', 'conformance')

/** The first `read trigger` a recorded transcript holds. */
function recordedTriggerRead (dir: string, name: string): string {
  for (const line of readFileSync(join(CONFORMANCE, dir, `${name}.jsonl`), 'utf8').split('\n')) {
    if (line === '') continue
    const r = JSON.parse(line) as { op: string, file?: string, data?: string }
    if (r.op === 'read' && r.file === 'trigger') return r.data ?? ''
  }
  throw new Error(`${dir}/${name}.jsonl reads no trigger file`)
}

t.test('the trigger file lists what each recorded kernel lists, byte for byte', async t => {
  for (const kernel of ['6.1', '6.12'] as const) {
    const v = virtualSystem({ kernel, triggers: 'pattern' })
    t.equal(v.read('/oracle/trigger'), recordedTriggerRead(`kernel-${kernel}`, 'trigger'), `${kernel} (the pattern set, as recorded under that profile), trigger none`)
  }
})

t.test('6.12 has no ide-disk trigger; 6.1 has', async t => {
  const v612 = virtualSystem({ kernel: '6.12' })
  t.equal(v612.write('/oracle/trigger', 'ide-disk\n'), 'EINVAL')
  const v61 = virtualSystem({ kernel: '6.1' })
  t.equal(v61.write('/oracle/trigger', 'ide-disk\n'), 9)
  t.match(v61.read('/oracle/trigger'), / \[ide-disk\] /)
})

t.test('6.12 with every trigger module: no audio triggers, the rest in 6.1\'s order', async t => {
  // As the 6.12 kernel listed them with every LED trigger module loaded (oracle profile 6.12-all).
  const recorded = 'kbd-scrolllock kbd-numlock kbd-capslock kbd-kanalock kbd-shiftlock kbd-altgrlock kbd-ctrllock kbd-altlock kbd-shiftllock kbd-shiftrlock kbd-ctrlllock kbd-ctrlrlock disk-activity disk-read disk-write mtd nand-disk cpu cpu0 panic activity backlight flash torch default-on gpio heartbeat netdev oneshot pattern timer transient'
  t.same(PROFILES['6.12'].triggers.all, recorded.split(' '))
  t.notOk(PROFILES['6.12'].triggers.all.includes('audio-mute'))
  t.ok(PROFILES['6.1'].triggers.all.includes('audio-mute'), '6.1 has them')
})

t.test('mainline is the newest recorded kernel, 6.12', async t => {
  t.ok(isProfileName('mainline'))
  t.equal(profileOf('mainline'), PROFILES['6.12'])
  t.equal(virtualSystem({ kernel: 'mainline' }).sys.profile.name, '6.12')
  t.notOk(isProfileName('6.6'), 'an unrecorded kernel is no profile')
  t.notOk(isProfileName('toString'), 'nor an inherited property name')
})

t.test('hr_pattern exists on 6.12 only', async t => {
  for (const [kernel, has] of [['4.20', false], ['6.1', false], ['6.12', true]] as const) {
    const v = virtualSystem({ kernel })
    v.write('/oracle/trigger', 'pattern\n')
    t.equal(v.read('/oracle/hr_pattern') !== 'ENOENT', has, `${kernel}: hr_pattern ${has ? 'present' : 'absent'}`)
  }
})

t.test('a default pattern after another default trigger: 6.1 still applies it, 6.12 does not', async t => {
  // The LED comes up with the cpu trigger (which never reads the init flag),
  // then pattern is selected by hand. 6.1 leaves LED_INIT_DEFAULT_TRIGGER set,
  // so pattern_init() takes the firmware's led-pattern; 6.12 cleared it when
  // cpu was removed.
  const leds = [{ name: 'oracle', defaultTrigger: 'cpu', defaultPattern: [0, 100, 255, 100] }]
  const v61 = virtualSystem({ kernel: '6.1', leds })
  t.equal(v61.read('/oracle/brightness'), '255\n', 'cpu lights the LED')
  v61.write('/oracle/trigger', 'pattern\n')
  t.equal(v61.read('/oracle/pattern'), '0 100 255 100\n')
  const v612 = virtualSystem({ kernel: '6.12', leds })
  v612.write('/oracle/trigger', 'pattern\n')
  t.equal(v612.read('/oracle/pattern'), '')
  // Both apply it when pattern itself is the default trigger.
  for (const kernel of ['6.1', '6.12'] as const) {
    const v = virtualSystem({ kernel, leds: [{ name: 'oracle', defaultTrigger: 'pattern', defaultPattern: [0, 100, 255, 100] }] })
    t.equal(v.read('/oracle/pattern'), '0 100 255 100\n', `${kernel}: pattern as the default trigger`)
  }
})

t.test('the config file takes every profile name and names them when one is wrong', async t => {
  const leds = '"leds": [{ "name": "a" }]'
  for (const k of ['4.20', '6.1', '6.12', 'mainline']) t.equal(parseConfig(`{ "kernel": "${k}", ${leds} }`).kernel, k)
  t.throws(() => parseConfig(`{ "kernel": "6.6", ${leds} }`), /"kernel" must be one of "4.20", "6.1", "6.12", "mainline" \(mainline: the newest recorded kernel, 6.12\)/)
})
