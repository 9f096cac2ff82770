import t from 'tap'
import { tempDir } from '../support/tmp'
import * as fs from 'node:fs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { controlRequest } from '../../lib/control/client'
import { startMount } from '../support/mount'

const write = (p: string, s: string): number | string => {
  try { const fd = fs.openSync(p, fs.constants.O_WRONLY); try { return fs.writeSync(fd, s) } finally { fs.closeSync(fd) } } catch (e) { return (e as NodeJS.ErrnoException).code ?? String(e) }
}
const events = (file: string): Array<{ t: number, brightness: number }> => readFileSync(file, 'utf8').trim().split('\n').map(l => JSON.parse(l))

t.test('--kernel 4.20: -1 1000 255 1000 is accepted and lights the LED at max_brightness', async t => {
  // Virtual time: the first tick (at most one jiffy after the write) sets -1; the next, 56 ms later, dims.
  const m = await startMount(['--led', 'oracle', '--kernel', '4.20', '--clock', 'virtual'])
  t.teardown(async () => { await m.stop() })
  const d = m.ledDir('oracle')
  write(join(d, 'trigger'), 'pattern\n')
  t.equal(write(join(d, 'pattern'), '-1 1000 255 1000\n'), 17)
  t.equal(readFileSync(join(d, 'pattern'), 'latin1'), '-1 1000 255 1000\n', 'reads back as written (%d)')
  await controlRequest(m.dir, { cmd: 'advance', ms: 8 })
  t.equal(readFileSync(join(d, 'brightness'), 'latin1'), '255\n', '-1 as unsigned, clamped to max_brightness')
  await controlRequest(m.dir, { cmd: 'advance', ms: 56 })
  t.equal(readFileSync(join(d, 'brightness'), 'latin1'), '11\n', 'then dims from -1: -1 + 50 * 256 / 1000')
})

t.test('--kernel 6.1: the same write is EINVAL', async t => {
  const m = await startMount(['--led', 'oracle', '--kernel', '6.1'])
  t.teardown(async () => { await m.stop() })
  const d = m.ledDir('oracle')
  write(join(d, 'trigger'), 'pattern\n')
  t.equal(write(join(d, 'pattern'), '-1 1000 255 1000\n'), 'EINVAL')
  t.notOk(fs.readdirSync(d).includes('hr_pattern'), 'no hr_pattern on 6.1')
})

t.test('--kernel mainline (the newest recorded kernel, 6.12): hr_pattern exists and its 50 ms dimming steps last 50 ms', async t => {
  const work = tempDir(t, 'hr')
  const trace = join(work, 'hr.jsonl')
  const m = await startMount(['--led', 'oracle', '--kernel', 'mainline', '--trace', trace])
  const d = m.ledDir('oracle')
  write(join(d, 'trigger'), 'pattern\n')
  t.ok(fs.readdirSync(d).includes('hr_pattern'))
  write(join(d, 'repeat'), '1\n')
  t.equal(write(join(d, 'hr_pattern'), '0 200 255 200\n'), 14)
  t.equal(readFileSync(join(d, 'hr_pattern'), 'latin1'), '0 200 255 200\n')
  t.equal(readFileSync(join(d, 'pattern'), 'latin1'), '', 'only the active kind shows')
  await new Promise(resolve => setTimeout(resolve, 600))
  await m.stop()
  const ev = events(trace)
  t.same(ev.map(e => e.brightness), [63, 127, 191, 255, 192, 128, 64, 0])
  const steps = ev.slice(1).map((e, i) => Math.round((e.t - ev[i].t) * 1000) / 1000)
  t.same(steps, [50, 50, 50, 100, 50, 50, 50], 'exact 50 ms steps (100: the unchanged 255 at the tuple boundary)')
})
