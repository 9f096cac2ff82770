import t from 'tap'
import { writeFileSync } from 'node:fs'
import { tempDir } from '../support/tmp'
import { join } from 'node:path'
import { readTrace, withLedfs } from '../../lib'
import { ConfigError } from '../../lib/decl/schema'

/** The API's declaration reaches the mount: mount-wide options and per-driver options. */

t.test('timelineEvents, trace and SC27xx controller options through the API', async t => {
  const work = tempDir(t, 'decl-int')
  const trace = join(work, 'trace.jsonl')
  await withLedfs({
    clock: 'virtual',
    timelineEvents: 2,
    trace,
    leds: ['a', { name: 'r', driver: 'sc27xx', controller: 'pmic0', line: 2, defaultTrigger: 'none' }]
  }, async (fs) => {
    for (const v of [1, 2, 3, 4]) writeFileSync(join(fs.ledPath('a'), 'brightness'), `${v}\n`)
    t.same((await fs.timeline('a')).map(e => e.brightness), [3, 4], 'the in-memory timeline keeps the newest 2')
    t.same(readTrace(trace).map(e => e.brightness), [1, 2, 3, 4], 'the trace file has them all')
    const state = (await fs.inspect('r')).state as { line: number, base: number }
    t.equal(state.line, 2, 'line 2 of the controller')
  })
})

t.test('a mistake rejects before anything starts', async t => {
  await t.rejects(withLedfs({ leds: [{ name: 'r', driver: 'sc27xx', line: 7 }] }, async () => {}), new ConfigError('LED "r": "line" must be 0, 1 or 2 (got 7)'))
})
