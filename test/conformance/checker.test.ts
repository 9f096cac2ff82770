import t from 'tap'
import { join } from 'node:path'
import { compareTranscripts, readJsonl } from '../support/compare'

/**
 * The replay test is only as good as its checker: a golden transcript
 * compared with itself must pass, and one wrong byte anywhere in it must fail.
 */
const golden = readJsonl(join(__dirname, 'kernel-6.1', 'basic.jsonl')) as Array<Record<string, unknown>>

t.test('a golden transcript matches itself', async t => {
  const r = compareTranscripts(golden, golden)
  t.ok(r.ok)
  t.equal(r.identical, golden.length)
})

t.test('one wrong byte in a golden file is caught', async t => {
  const i = golden.findIndex(r => r.op === 'read' && r.file === 'pattern' && r.data === '0 1000 255 2000\n')
  t.ok(i >= 0)
  const wrong = golden.map(r => ({ ...r }))
  wrong[i].data = '0 1000 255 2001\n'
  const r = compareTranscripts(wrong, golden)
  t.notOk(r.ok, 'the comparison fails')
  t.equal(r.identical, golden.length - 1)
  t.match(r.mismatches.join('\n'), new RegExp(`^#${i + 1} read "pattern"`, 'm'), 'and names the op')
})

t.test('a wrong errno, return value or trace value is caught', async t => {
  const errIdx = golden.findIndex(r => r.op === 'write' && r.errno === 'EINVAL')
  const e1 = golden.map(r => ({ ...r }))
  e1[errIdx].errno = 'ERANGE'
  t.notOk(compareTranscripts(e1, golden).ok, 'errno')
  const retIdx = golden.findIndex(r => r.op === 'writefile' && r.ret === 4096)
  const e2 = golden.map(r => ({ ...r }))
  e2[retIdx].ret = 4097
  t.notOk(compareTranscripts(e2, golden).ok, 'return value')
  const trIdx = golden.findIndex(r => r.op === 'trace' && Array.isArray(r.events) && (r.events as unknown[]).length > 3)
  const e3 = golden.map(r => ({ ...r }))
  const ev = (e3[trIdx].events as Array<[number, number]>).map(x => [...x] as [number, number])
  ev[2] = [ev[2][0], ev[2][1] + 1]
  e3[trIdx].events = ev
  t.notOk(compareTranscripts(e3, golden).ok, 'a trace value')
  const e4 = golden.map(r => ({ ...r }))
  e4[trIdx].events = (golden[trIdx].events as Array<[number, number]>).map(([tm, v], k) => [k === 3 ? tm + 20 : tm, v])
  t.notOk(compareTranscripts(e4, golden).ok, 'a trace event 20 ms off')
})
