// ledfs watch --once on a fake /sys/class/leds tree of plain files.
import t from 'tap'
import { tempDir } from '../support/tmp'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { watchCommand, renderFrame, bar, frameLines } from '../../lib/cli/watch'

function fakeLed (root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, f), v)
  return dir
}

async function once (argv: string[]): Promise<{ code: number, out: string }> {
  let out = ''
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array): boolean => { out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(); return true }) as typeof process.stdout.write
  try {
    const code = await watchCommand(argv)
    return { code, out }
  } finally {
    process.stdout.write = write
  }
}

t.test('--once prints one plain frame', async t => {
  const root = tempDir(t, 'watch')
  const leds = join(root, 'leds')
  mkdirSync(leds)
  fakeLed(leds, 'sc27xx:green', { trigger: 'none kbd-capslock [pattern]\n', brightness: '128\n', max_brightness: '255\n' })
  fakeLed(leds, 'input3::capslock', { trigger: '[none] kbd-capslock pattern\n', brightness: '0\n', max_brightness: '1\n' })
  fakeLed(leds, 'broken', { trigger: 'none\n', max_brightness: '255\n' }) // no brightness file, no [active] trigger
  // The real /sys/class/leds holds symlinks to the devices.
  const dev = fakeLed(root, 'devices/platform/full', { trigger: '[timer]\n', brightness: '255\n', max_brightness: '255\n' })
  symlinkSync(dev, join(leds, 'full'))
  writeFileSync(join(leds, 'not-an-led'), 'x\n')

  const { code, out } = await once([leds, '--once'])
  t.equal(code, 0)
  t.notMatch(out, /\x1b/, 'no escape sequences')
  const lines = out.trimEnd().split('\n')
  t.match(lines[0], /^LED\s+TRIGGER\s+BRIGHTNESS$/, 'a header')
  t.equal(lines.length, 5, 'header and one row per LED (plain files skipped)')
  const row = lines.find(l => l.startsWith('sc27xx:green'))
  if (row === undefined) { t.fail('no row for sc27xx:green'); return }
  t.match(row, /\bpattern\b/, 'active trigger')
  t.notMatch(row, /kbd-capslock|\[pattern\]/, 'only the bracketed name')
  t.match(row, /\b128\/255\b/, 'value/max')
  const m = /\[([#.]+)\]$/.exec(row)
  if (m === null) { t.fail(`no bar in ${JSON.stringify(row)}`); return }
  const lit = m[1].replace(/\./g, '').length
  t.ok(Math.abs(lit - m[1].length / 2) <= 0.5, `half-length bar (${lit} of ${m[1].length})`)
  t.ok(m[1].length >= 10, 'a bar of some length')

  const off = lines.find(l => l.startsWith('input3::capslock')) ?? ''
  t.match(off, /\bnone\b.*\b0\/1\b.*\[\.+\]$/, 'an off LED: empty bar')
  const full = lines.find(l => l.startsWith('full')) ?? ''
  t.match(full, /\btimer\b.*\b255\/255\b.*\[#+\]$/, 'LED behind a symlink, full bar')
  const broken = lines.find(l => l.startsWith('broken')) ?? ''
  t.match(broken, /^broken\s+\?\s+\?\/255\s+\[ +\]$/, 'unreadable fields show ?')
  t.ok(lines.every(l => l.length <= 80), 'fits 80 columns')
})

t.test('frames and bars', async t => {
  t.equal(bar('128', '255', 40), '[' + '#'.repeat(20) + '.'.repeat(20) + ']')
  t.equal(bar('300', '255', 10), '[##########]', 'clamped')
  t.equal(bar('?', '255', 4), '[    ]')
  t.same(renderFrame({ rows: [] }, 80), ['(no LEDs)'])
  t.same(renderFrame({ rows: [], error: 'cannot list x' }, 80), ['cannot list x'])
  const empty = tempDir(t, 'watch-empty')
  t.same(await once([empty, '--once']), { code: 0, out: '(no LEDs)\n' })
})

t.test('errors', async t => {
  const root = tempDir(t, 'watch-err')
  await t.rejects(watchCommand([join(root, 'missing'), '--once']), { name: 'UsageError', message: /missing does not exist/ })
  writeFileSync(join(root, 'file'), '')
  await t.rejects(watchCommand([join(root, 'file'), '--once']), { name: 'UsageError', message: /is not a directory/ })
  await t.rejects(watchCommand([root, '--interval', 'fast']), { name: 'UsageError', message: /--interval takes a number/ })
  await t.rejects(watchCommand([root, '--interval', '0']), { name: 'UsageError', message: /at least 1/ })
  await t.rejects(watchCommand([]), { name: 'UsageError', message: /usage: ledfs watch DIR/ })
})

t.test('a multicolor LED\'s bar in the light\'s colour: escapes after the cut, found by column', async t => {
  const frame = { rows: [{ name: 'a[b]', trigger: 'none', brightness: '255', max: '255', channels: [{ colour: 'red', level: 255 }, { colour: 'green', level: 0 }, { colour: 'blue', level: 128 }] }] }
  const plain = frameLines(frame, 80, false)
  t.same(plain, renderFrame(frame, 80).map(l => l.slice(0, 80)), 'without colour: the rendered lines, cut to the width')
  const coloured = frameLines(frame, 80, true)
  const at = plain[1].indexOf('[#')
  t.equal(coloured[1], `${plain[1].slice(0, at)}\x1b[38;2;255;0;128m${plain[1].slice(at, plain[1].indexOf(']', at) + 1)}\x1b[0m${plain[1].slice(plain[1].indexOf(']', at) + 1)}`, 'the bar, not the name\'s bracket, is coloured')
  const narrow = frameLines(frame, 40, true)[1]
  t.ok(narrow.endsWith('\x1b[0m'), 'a cut bar still ends its colour')
  t.equal(narrow.replace(/\x1b\[[0-9;]*m/g, '').length, 40, 'escapes do not count toward the width')
})
