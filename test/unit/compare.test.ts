// The transcript checker (test/support/compare.ts, a port of the oracle's
// compare.py): the cases of compare_selftest.py on a small inline transcript,
// plus the rules one at a time.
import t from 'tap'
import { compareTranscripts } from '../support/compare'

type Rec = Record<string, unknown>
type Ev = [number, number]

const KTRIG = 'kbd-numlock disk-activity cpu cpu0 panic'
const oracle: Rec[] = [
  { op: 'note', text: '== initial state' },
  { op: 'ls', ret: 5, errno: null, entries: ['brightness', 'device', 'max_brightness', 'power', 'trigger'] },
  { op: 'read', file: 'trigger', ret: 52, errno: null, data: `[none] ${KTRIG} pattern\n` },
  { op: 'read', file: 'brightness', ret: 2, errno: null, data: '0\n' },
  { op: 'stat', file: 'brightness', ret: 0, errno: null, type: 'file', mode: '0644', size: 4096, uid: 0, gid: 0 },
  { op: 'read', file: 'pattern', ret: -1, errno: 'ENOENT', data: '' },
  { op: 'note', text: '== pattern trigger' },
  { op: 'write', file: 'trigger', data: 'pattern\n', ret: 8, errno: null },
  { op: 'read', file: 'trigger', ret: 52, errno: null, data: `none ${KTRIG} [pattern]\n` },
  { op: 'write', file: 'hw_pattern', data: '0 10\n', ret: -1, errno: 'ENOENT' },
  { op: 'write', file: 'pattern', data: '0 1000 255\n', ret: -1, errno: 'EINVAL' },
  { op: 'write', file: 'pattern', data: '0 100 255 100\n', ret: 14, errno: null },
  { op: 'read', file: 'pattern', ret: 14, errno: null, data: '0 100 255 100\n' },
  { op: 'readchunks', file: 'pattern', n: 3, ret: 14, errno: null, calls: 6, data: '0 100 255 100\n' },
  { op: 'readchunks', file: 'trigger', n: 7, ret: 52, errno: null, calls: 9, data: `none ${KTRIG} [pattern]\n` },
  { op: 'lsdir', dir: 'power', ret: 3, errno: null, entries: ['async', 'control', 'runtime_status'] },
  { op: 'hold', slot: 0, file: 'trigger', mode: 'r', ret: 0, errno: null },
  { op: 'hold', slot: 1, file: 'pattern', mode: 'r', ret: 0, errno: null },
  { op: 'heldread', slot: 0, seek: 0, seek_errno: null, ret: 52, errno: null, data: `none ${KTRIG} [pattern]\n` },
  { op: 'trace', ms: 600, source: 'uleds', prev_write_ms: 0.4, errno: null, events: [[2.94, 255], [59.342, 128], [114.874, 0], [227.3, 127], [283.079, 255]] },
  { op: 'trace', ms: 400, source: 'uleds', prev_write_ms: 0.2, errno: null, events: [] },
  { op: 'sleep', ms: 20 },
  { op: 'drain', source: 'uleds', events: [[0.272, 0]] },
  { op: 'note', text: '== back to none' },
  { op: 'rdwr', file: 'trigger', data: 'none\n', ret: 5, errno: null, read_ret: 52, read_errno: null, read_data: `[none] ${KTRIG} pattern\n` },
  { op: 'heldread', slot: 1, seek: 0, seek_errno: null, ret: -1, errno: 'ENODEV', data: '' },
  { op: 'release', slot: 0, ret: 0, errno: null },
  { op: 'release', slot: 1, ret: 0, errno: null },
  { op: 'readchunks', file: 'brightness', n: 1, ret: 2, errno: null, calls: 3, data: '0\n' },
  { op: 'stat', file: 'pattern', ret: -1, errno: 'ENOENT' }
]
const N = oracle.length

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T
const idxOf = (pred: (d: Rec) => boolean): number => {
  const i = oracle.findIndex(pred)
  if (i < 0) throw new Error('no such line in the fixture')
  return i
}

/** A rewrite a correct emulator could produce (compare_selftest.py's emulator_like, deterministic). */
function emulatorLike (lines: Rec[]): Rec[] {
  let seed = 1
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
  return lines.map((line) => {
    const d = clone(line)
    const key = d.op === 'rdwr' ? 'read_data' : 'data'
    const v = d[key]
    if (d.file === 'trigger' && typeof v === 'string' && v.endsWith('\n') && ['read', 'rdwr', 'readchunks'].includes(String(d.op)) && d.errno === null) {
      const act = v.slice(0, -1).split(' ').filter((n) => n.startsWith('['))
      d[key] = `${act[0] === '[none]' ? '[none]' : 'none'} ${act[0] === '[pattern]' ? '[pattern]' : 'pattern'}\n`
      d[key === 'data' ? 'ret' : 'read_ret'] = (d[key] as string).length
      if ('calls' in d) d.calls = 2
    }
    if (d.op === 'trace' || d.op === 'drain') {
      const ev = (d.events as Ev[]) ?? []
      const out: Ev[] = []
      if (d.op === 'trace') out.push([0.05, ev.length > 0 && ev[0][0] < 1.5 ? ev[0][1] : ev.length > 0 ? (ev[0][1] + 7) % 256 : 17])
      for (const [tt, val] of ev) {
        if (out.length > 0 && out[out.length - 1][1] === val) continue
        if (out.length > 0 && rnd() < 0.3) out.push([Math.max(out[out.length - 1][0] + 0.5, tt - 2), (val + 1) % 256]) // a value uleds coalesced
        out.push([Math.max(out.length > 0 ? out[out.length - 1][0] + 0.5 : 0, tt + (rnd() * 8 - 4)), val])
      }
      d.events = out.map(([a, b]) => [Math.round(a * 1000) / 1000, b])
      d.source = 'poll'
    }
    return d
  })
}
const emu = emulatorLike(oracle)

/** exactly one mismatch, at line i (0-based), like compare_selftest.py's corrupt() */
function oneMismatchAt (tt: Pick<typeof t, 'equal' | 'match'>, i: number, mutate: (d: Rec) => void, base: Rec[] = emu): void {
  const bad = clone(base)
  mutate(bad[i])
  const r = compareTranscripts(oracle, bad)
  tt.equal(r.ok, false, 'not ok')
  tt.equal(r.mismatches.length, 1, r.mismatches.join('\n'))
  tt.match(r.mismatches[0] ?? '', new RegExp(`^#${i + 1} `), 'reported at its line')
  tt.equal(r.identical, N - 1)
  tt.equal(r.report[r.report.length - 1], `fidelity: ${N - 1}/${N} ops identical`)
}

t.test('a transcript compared with itself is identical', async (tt) => {
  const r = compareTranscripts(oracle, clone(oracle))
  tt.same({ ok: r.ok, identical: r.identical, total: r.total, mismatches: r.mismatches, extra: r.extra }, { ok: true, identical: N, total: N, mismatches: [], extra: 0 })
  tt.equal(r.worstOffset, 0)
  tt.equal(r.report[r.report.length - 1], `fidelity: ${N}/${N} ops identical`)
})

t.test('an emulator-like rewrite (fewer triggers, polled and jittered traces) is identical', async (tt) => {
  const r = compareTranscripts(oracle, emu)
  tt.same(r.mismatches, [])
  tt.equal(r.ok, true)
  tt.ok(r.worstOffset !== undefined && Math.abs(r.worstOffset) <= 12, `worst offset ${String(r.worstOffset)}`)
})

t.test('each corruption of compare_selftest.py gives one mismatch at its line', async (tt) => {
  const readData = idxOf((d) => d.op === 'read' && d.file !== 'trigger' && d.errno === null)
  tt.test('data', async (t2) => oneMismatchAt(t2, readData, (d) => { d.data = (d.data as string) + 'x' }))
  tt.test('errno', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'write' && d.errno !== null), (d) => { d.errno = 'EIO' }))
  tt.test('errno-vs-ok', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'write' && d.errno === null), (d) => { d.ret = -1; d.errno = 'EINVAL' }))
  tt.test('ls', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'ls'), (d) => { d.entries = [...(d.entries as string[]).slice(1), 'bogus'] }))
  tt.test('lsdir', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'lsdir'), (d) => { d.entries = (d.entries as string[]).slice(1) }))
  tt.test('stat', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'stat' && d.errno === null), (d) => { d.mode = '0600' }))
  tt.test('trigger-bracket', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'read' && d.file === 'trigger'), (d) => { d.data = 'none [pattern]\n' }))
  tt.test('trigger-format', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'read' && d.file === 'trigger'), (d) => { d.data = (d.data as string).replace(' ', '  ') }))
  tt.test('heldread ENODEV answered', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'heldread' && d.errno === 'ENODEV'), (d) => { d.ret = 0; d.errno = null }))
  tt.test('readchunks-calls', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'readchunks' && d.file !== 'trigger'), (d) => { d.calls = (d.calls as number) + 1 }))
  const trace = idxOf((d) => d.op === 'trace' && (d.events as Ev[]).length >= 3)
  tt.test('trace-timing', async (t2) => oneMismatchAt(t2, trace, (d) => { const ev = d.events as Ev[]; ev[ev.length - 1][0] += 30 }))
  tt.test('trace-final', async (t2) => oneMismatchAt(t2, trace, (d) => { const ev = d.events as Ev[]; ev.push([ev[ev.length - 1][0] + 50, 3]) }))
  tt.test('trace-missing', async (t2) => oneMismatchAt(t2, trace, (d) => { d.events = (d.events as Ev[]).filter((e) => e[1] !== 128) }))
  tt.test('trace-nochange', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'trace' && (d.events as Ev[]).length === 0), (d) => { d.events = [[0.1, 0], [50, 255]] }))
  tt.test('dropped line: everything after it misaligns', async (t2) => {
    const i = Math.floor(N / 2)
    const r = compareTranscripts(oracle, [...emu.slice(0, i), ...emu.slice(i + 1)])
    t2.equal(r.ok, false)
    t2.match(r.mismatches[0], new RegExp(`^#${i + 1} .*misaligned`))
    t2.match(r.mismatches[r.mismatches.length - 1], /missing in emulator transcript/)
  })
})

t.test('exact ops', async (tt) => {
  const rd = idxOf((d) => d.op === 'read' && d.file === 'brightness')
  tt.test('flipping one byte of read data fails', async (t2) => oneMismatchAt(t2, rd, (d) => { d.data = '1\n' }, oracle))
  tt.test('a wrong errno fails', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'read' && d.errno === 'ENOENT'), (d) => { d.errno = 'EACCES' }, oracle))
  tt.test('a different ret fails', async (t2) => oneMismatchAt(t2, idxOf((d) => d.op === 'write' && d.errno === null), (d) => { d.ret = 7 }, oracle))
  tt.test('an extra result field in the emulator fails', async (t2) => oneMismatchAt(t2, rd, (d) => { d.extra = 1 }, oracle))
  tt.test('the message names field, expected and got', async (t2) => {
    const bad = clone(oracle)
    bad[rd].data = '1\n'
    t2.same(compareTranscripts(oracle, bad).mismatches, [`#${rd + 1} read "brightness" [== initial state]: data: expected "0\\n" got "1\\n"`])
  })
  tt.test('different arguments are a misalignment', async (t2) => oneMismatchAt(t2, rd, (d) => { d.file = 'max_brightness' }, oracle))
  tt.test('note/sleep/drain only need to align', async (t2) => {
    const bad = clone(oracle)
    bad[idxOf((d) => d.op === 'drain')].events = []
    bad[idxOf((d) => d.op === 'drain')].source = 'none'
    t2.equal(compareTranscripts(oracle, bad).ok, true)
  })
  tt.test('stat compares only its keys', async (t2) => {
    const bad = clone(oracle)
    bad[idxOf((d) => d.op === 'stat')].ino = 1234
    t2.equal(compareTranscripts(oracle, bad).ok, true)
  })
  tt.test('missing and extra lines', async (t2) => {
    const r = compareTranscripts(oracle, [...oracle, { op: 'note', text: 'more' }])
    t2.equal(r.identical, N)
    t2.equal(r.ok, false, 'an extra emulator line is not ok')
    t2.equal(r.extra, 1)
    t2.ok(r.report.includes(`emulator transcript has 1 extra line(s) after line ${N}`))
    const s = compareTranscripts(oracle, oracle.slice(0, N - 2))
    t2.equal(s.identical, N - 2)
    t2.match(s.mismatches[1], /missing in emulator transcript/)
  })
})

t.test('ls and lsdir compare entry sets', async (tt) => {
  const i = idxOf((d) => d.op === 'ls')
  const bad = clone(oracle)
  bad[i].entries = [...(bad[i].entries as string[])].reverse()
  tt.equal(compareTranscripts(oracle, bad).ok, true, 'order does not matter')
  bad[i].entries = ['brightness', 'device', 'max_brightness', 'trigger', 'uevent']
  const r = compareTranscripts(oracle, bad)
  tt.same(r.mismatches, [`#${i + 1} ls [== initial state]: missing entries: power; extra entries: uevent`])
})

t.test('trigger contents: only the bracketed name and the format', async (tt) => {
  const i = idxOf((d) => d.op === 'read' && d.file === 'trigger')
  const withData = (data: string): Rec[] => { const b = clone(oracle); b[i].data = data; b[i].ret = data.length; return b }
  tt.equal(compareTranscripts(oracle, withData('[none] pattern timer\n')).ok, true, 'other unbracketed names pass')
  tt.equal(compareTranscripts(oracle, withData('[none]\n')).ok, true, 'no other names pass')
  const r = compareTranscripts(oracle, withData('none [pattern]\n'))
  tt.same(r.mismatches, [`#${i + 1} read "trigger" [== initial state]: active trigger [none] expected, got [pattern]`])
  tt.equal(compareTranscripts(oracle, withData('[none] pattern')).ok, false, 'no newline fails')
  tt.equal(compareTranscripts(oracle, withData('[none] [pattern]\n')).ok, false, 'two brackets fail')
  tt.equal(compareTranscripts(oracle, withData('[none] pat]tern\n')).ok, false, 'stray bracket fails')
  const err = clone(oracle)
  err[i].ret = -1
  err[i].errno = 'EIO'
  err[i].data = ''
  tt.equal(compareTranscripts(oracle, err).ok, false, 'an error where the kernel answered fails')

  const hr = idxOf((d) => d.op === 'heldread' && d.slot === 0)
  const h = clone(oracle)
  h[hr].data = 'none [pattern]\n'
  h[hr].ret = 15
  tt.equal(compareTranscripts(oracle, h).ok, true, 'heldread of a slot holding trigger uses the rule')
  h[hr].data = '[none] pattern\n'
  tt.equal(compareTranscripts(oracle, h).ok, false)

  const rw = idxOf((d) => d.op === 'rdwr')
  const w = clone(oracle)
  w[rw].read_data = '[none] pattern\n'
  w[rw].read_ret = 15
  tt.equal(compareTranscripts(oracle, w).ok, true, 'rdwr trigger: read part uses the rule')
  w[rw].ret = 4
  tt.equal(compareTranscripts(oracle, w).ok, false, 'rdwr trigger: the write part is exact')
})

t.test('trace: subsequence of values, final value, timing', async (tt) => {
  const i = idxOf((d) => d.op === 'trace' && (d.events as Ev[]).length > 0)
  const orig = oracle[i].events as Ev[]
  const withEvents = (ev: Ev[]): Rec[] => { const b = clone(oracle); b[i].events = ev; return b }
  const shiftAfterFirst = (ms: number): Ev[] => orig.map(([a, v], k) => [k === 0 ? a : a + ms, v])

  const late20 = compareTranscripts(oracle, withEvents(shiftAfterFirst(20)))
  tt.equal(late20.ok, false, 'events 20 ms late (after the first) fail')
  tt.match(late20.mismatches[0], /timing: worst offset \+20\.0 ms at oracle event 1 \(value 128, 59\.3 ms\) .*\(tolerance 12 ms\)/)
  const late5 = compareTranscripts(oracle, withEvents(shiftAfterFirst(5)))
  tt.equal(late5.ok, true, 'events 5 ms late pass')
  tt.equal(late5.worstOffset, 5)
  tt.equal(compareTranscripts(oracle, withEvents(shiftAfterFirst(5)), 4).ok, false, 'the tolerance is a parameter')
  tt.equal(compareTranscripts(oracle, withEvents(orig.map(([a, v]) => [a + 40, v]))).ok, true, 'a uniform shift is aligned away')

  const more: Ev[] = [[0.01, 17], [2.9, 255], [30, 190], [59, 128], [86, 64], [114, 0], [170, 60], [227, 127], [283, 255], [283.5, 255]]
  tt.equal(compareTranscripts(oracle, withEvents(more)).ok, true, 'extra emulator values (polling sees more) pass')
  const missing = compareTranscripts(oracle, withEvents(orig.filter(([, v]) => v !== 0)))
  tt.match(missing.mismatches[0], /value 0 \(oracle event 2 at 114\.9 ms\) not found in order; oracle \[255, 128, 0, 127, 255\] emulator \[255, 128, 127, 255\]/)
  const final = compareTranscripts(oracle, withEvents([...orig, [400, 0]]))
  tt.match(final.mismatches[0], /final value: expected 255 got 0/)
  const errno = clone(oracle)
  errno[i].errno = 'EIO'
  tt.match(compareTranscripts(oracle, errno).mismatches[0], /errno: expected None got EIO/)

  const still = idxOf((d) => d.op === 'trace' && (d.events as Ev[]).length === 0)
  const one = clone(oracle)
  one[still].events = [[0.01, 42]]
  tt.equal(compareTranscripts(oracle, one).ok, true, 'no change in the oracle: one emulator value passes')
  one[still].events = [[0.01, 42], [100, 0]]
  tt.match(compareTranscripts(oracle, one).mismatches[0], /oracle saw no change, emulator values \[42, 0\]/)
})
