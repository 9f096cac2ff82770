import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { calcColorComponents, checkChannels, LED_COLORS_6_1, McChannels as MulticolorChannels, parseIntensities } from '../../lib/drivers/multicolor'
import { kstrtoul } from '../../lib/abi/kstrtox'
import { RgbDriver } from '../../lib/drivers/rgb'
import { compareTimelines } from '../../lib/timeline/expect'
import { eventToJson, Timeline } from '../../lib/timeline/timeline'
import { parseTrace } from '../../lib/timeline/trace'
import { virtualSystem } from '../support/vfs'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const DIR = join(__dirname, '..', 'conformance', 'multicolor-levels')

t.test('channel levels: DIV_ROUND_CLOSEST in unsigned 32-bit', async t => {
  t.same(calcColorComponents(100, [255, 128, 0], 255), [100, 50, 0])
  t.same(calcColorComponents(1, [128, 127, 255], 255), [1, 0, 1], 'half rounds up, just under half down')
  t.same(calcColorComponents(255, [0xffffffff, 0xffffffff, 0x80000000], 255), [16843008, 16843008, 8421505], 'the product wraps')
  t.same(calcColorComponents(1, [0xffffffff], 255), [0], 'adding half the divisor wraps too')
})

t.test('multi_intensity parsing', async t => {
  t.same(parseIntensities(b('1 2 3\n'), 3), [1, 2, 3])
  t.same(parseIntensities(b('1 2 3x'), 3), [1, 2, 3], 'one byte of anything may follow')
  t.equal(parseIntensities(b('1 2 3xy'), 3), undefined)
  t.equal(parseIntensities(b('1 2\n'), 3), undefined)
  t.same(parseIntensities(b('-1 0x10 010\n'), 3), [0xffffffff, 16, 8])
  t.equal(parseIntensities(b('1 2 3\0junk'), 3), undefined, 'bytes after a NUL still count against the length')
})

t.test('channel lists', async t => {
  t.equal(checkChannels(['red', 'green', 'blue'], LED_COLORS_6_1), undefined)
  t.match(checkChannels([], LED_COLORS_6_1), /at least one/)
  t.match(checkChannels(['red', 'purple'], LED_COLORS_6_1), /unknown colour "purple"/)
  t.match(checkChannels(Array(11).fill('red'), LED_COLORS_6_1), /at most 10/)
})

/**
 * The kernel's device/levels recording: every brightness and intensity write
 * up to the first trigger change, applied to the class model, must give the
 * levels the kernel computed at each read.
 */
t.test('levels as the kernel computed them (recorded)', async t => {
  const ops = readFileSync(join(DIR, 'kernel-6.1-mc.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l) as { op: string, file?: string, data?: string, ret: number })
  const mc = new MulticolorChannels(['red', 'green', 'blue'])
  const max = 255
  let brightness = 0
  let checked = 0
  for (const op of ops) {
    if (op.op === 'write' && op.file === 'trigger') break
    if (op.op === 'write' && op.file === 'brightness') {
      brightness = Math.min(Number(kstrtoul(b(op.data ?? '')) & 0xffffffffn), max)
    } else if (op.op === 'write' && op.file === 'multi_intensity') {
      const v = parseIntensities(b(op.data ?? ''), 3)
      t.equal(v === undefined, op.ret < 0, `multi_intensity ${JSON.stringify(op.data)} accepted as on the kernel`)
      if (v !== undefined) mc.intensity.set(v)
    } else if (op.op === 'read' && op.file === 'device/levels') {
      t.equal(`${mc.levels(brightness, max).join(' ')}\n`, op.data, `levels at brightness ${brightness}, intensities ${mc.showIntensity().trim()}`)
      checked++
    }
  }
  t.ok(checked >= 20, `${checked} recorded level reads checked`)
})

t.test('an rgb LED in the emulated kernel: files, levels on the timeline, recorded levels', async t => {
  const drv = new RgbDriver(['red', 'green', 'blue'])
  const v = virtualSystem({ leds: [{ name: 'oracle', driver: drv }], triggers: 'pattern' })
  t.equal(v.read('/oracle/multi_index'), 'red green blue\n')
  t.equal(v.write('/oracle/multi_index', '1 2 3\n'), 'EACCES', 'multi_index is read-only')
  // The kernel's recording, op by op up to its first trigger change, now through the class files.
  const ops = readFileSync(join(DIR, 'kernel-6.1-mc.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l) as { op: string, file?: string, data?: string, ret: number, errno: string | null })
  let checked = 0
  for (const op of ops) {
    if (op.op === 'write' && op.file === 'trigger') break
    if (op.op === 'write') {
      t.equal(v.write(`/oracle/${op.file ?? ''}`, op.data ?? ''), op.ret >= 0 ? op.ret : op.errno, `write ${op.file ?? ''} ${JSON.stringify(op.data)}`)
    } else if (op.op === 'read' && op.file === 'device/levels') {
      t.equal(`${drv.levels.join(' ')}\n`, op.data, `levels after ${checked} checks`)
      checked++
    }
  }
  t.ok(checked >= 20, `${checked} recorded level reads checked through the class files`)
  // An intensity write at the same brightness is a change of the light: the timeline has the channels.
  v.sys.timeline.clear()
  v.write('/oracle/brightness', '255\n')
  v.write('/oracle/multi_intensity', '255 0 0\n')
  v.write('/oracle/multi_intensity', '0 0 255\n')
  t.same(v.sys.timeline.list('oracle').map(e => [e.brightness, e.channels]).slice(-2), [[255, [255, 0, 0]], [255, [0, 0, 255]]], 'each intensity change is an event, with the levels')
})

t.test('timeline, trace file and --expect carry the channels', async t => {
  const tl = new Timeline(2)
  tl.record('rgb', 255, 0, [255, 128, 0])
  tl.record('mono', 7, 1)
  tl.record('rgb', 255, 2, [0, 0, 255])
  t.same(tl.list(), [{ t: 1, led: 'mono', brightness: 7 }, { t: 2, led: 'rgb', brightness: 255, channels: [0, 0, 255] }], 'the oldest goes, channels stay with their event')
  const line = eventToJson({ t: 2, led: 'rgb', brightness: 255, channels: [0, 0, 255] })
  t.equal(line, '{"t":2,"led":"rgb","brightness":255,"channels":[0,0,255]}')
  t.same(parseTrace(line + '\n', 'x'), [{ t: 2, led: 'rgb', brightness: 255, channels: [0, 0, 255] }])
  t.throws(() => parseTrace('{"t":2,"led":"rgb","brightness":255,"channels":[-1]}\n', 'x'), /x:1: "channels" must be a list/)
  const got = [{ t: 0, led: 'rgb', brightness: 255, channels: [255, 0, 0] }]
  t.ok(compareTimelines([{ t: 0, led: 'rgb', brightness: 255 }], got, 0).ok, 'an expectation without channels checks brightness only')
  const diff = compareTimelines([{ t: 0, led: 'rgb', brightness: 255, channels: [0, 0, 255] }], got, 0)
  t.notOk(diff.ok)
  t.match(diff.lines[0], /expected 255 \(channels 0 0 255\) at \+0 ms, got 255 \(channels 255 0 0\)/)
})
