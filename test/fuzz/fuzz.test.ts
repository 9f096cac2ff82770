import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { RefLed, REF_FILES, type RefFile, type RefRead, type RefWrite } from '../support/reference-model'
import { formatOutcomes, formatReport, fuzz } from './run'

/**
 * 1. The reference model, alone, replays the recorded 6.1 kernel transcripts
 *    (every write/read of trigger, brightness, max_brightness, pattern and
 *    repeat) and must give the kernel's answers: this is what makes it a
 *    reference.
 * 2. Property-based fuzzing of a real mount against the model: FUZZ_WRITES
 *    writes (default 3000), see ./run.ts. The big budget is `make fuzz`.
 */

const KERNEL = join(__dirname, '..', 'conformance', 'kernel-6.1')
type Rec = Record<string, any>
const lat = (s: string): Buffer => Buffer.from(s, 'latin1')

interface Replay { compared: number, unpredictable: number, skipped: number, mismatches: string[] }

/**
 * Feed one transcript to a fresh model. Ops outside the model (stat, ls,
 * sleep, uevent, power/, seq_file offsets of held fds, writes after a chmod
 * made max_brightness writable) are skipped; held write fds are followed so
 * their writes still reach the model (ENODEV once the trigger went away).
 */
function replay (records: Rec[]): Replay {
  const m = new RefLed()
  const r: Replay = { compared: 0, unpredictable: 0, skipped: 0, mismatches: [] }
  let maxWritable = false
  let generation = 0 // bumped whenever the pattern trigger's files go away
  const slots = new Map<number, { file: RefFile, generation: number }>()
  const ours = (f: unknown): f is RefFile => typeof f === 'string' && (REF_FILES as string[]).includes(f)

  const write = (file: RefFile, data: Buffer): RefWrite => {
    const before = m.trigger
    const w = m.write(file, data)
    const reselected = file === 'trigger' && 'ret' in w && w.ret > 0
    if (before === 'pattern' && (m.trigger !== 'pattern' || reselected)) generation++
    return w
  }
  const checkW = (line: number, what: string, got: RefWrite, ret: number, errno: string | null): void => {
    r.compared++
    const want = errno === null ? `ret ${ret}` : errno
    const have = 'ret' in got ? `ret ${got.ret}` : got.errno
    if (want !== have) r.mismatches.push(`#${line} ${what}: kernel ${want}, model ${have}`)
  }
  const checkR = (line: number, what: string, got: RefRead, ret: number, errno: string | null, data: string, slice?: [number, number]): void => {
    if ('unpredictable' in got) { r.unpredictable++; return }
    r.compared++
    const want = errno === null ? `ret ${ret} ${JSON.stringify(data)}` : errno
    let have: string
    if ('errno' in got) have = got.errno
    else {
      const d = slice === undefined ? got.data : got.data.subarray(slice[0], slice[0] + slice[1])
      have = `ret ${d.length} ${JSON.stringify(d.toString('latin1'))}`
    }
    if (want !== have) r.mismatches.push(`#${line} ${what}: kernel ${want}, model ${have}`)
  }

  records.forEach((o, i) => {
    const line = i + 1
    const f: unknown = o.file
    const what = `${String(o.op)} ${String(f ?? o.slot ?? '')} ${JSON.stringify(o.data ?? o.pattern ?? o.a ?? '')}`
    if (o.op === 'chmod' && f === 'max_brightness') { maxWritable = (parseInt(o.mode, 8) & 0o222) !== 0; return }
    if (o.op === 'heldwrite' || o.op === 'release') {
      const s = slots.get(o.slot)
      if (o.op === 'release') { slots.delete(o.slot); return }
      if (s === undefined) { r.skipped++; return }
      if (s.generation !== generation && (s.file === 'pattern' || s.file === 'repeat')) return checkW(line, what, { errno: 'ENODEV' }, o.ret, o.errno)
      return checkW(line, `${what} (${s.file})`, write(s.file, lat(o.data)), o.ret, o.errno)
    }
    if (!ours(f) || (f === 'max_brightness' && maxWritable && o.op !== 'read')) { r.skipped++; return }
    switch (o.op) {
      case 'write': case 'writetrunc':
        return checkW(line, what, write(f, lat(o.data)), o.ret, o.errno)
      case 'pwrite': // the offset is ignored; -1 fails in the syscall itself
        if (o.off < 0) { r.skipped++; return }
        return checkW(line, what, write(f, lat(o.data)), o.ret, o.errno)
      case 'writefile': {
        const pat = lat(o.pattern)
        const b = Buffer.alloc(o.len)
        for (let k = 0; k < o.len; k++) b[k] = pat[k % pat.length]
        return checkW(line, what, write(f, b), o.ret, o.errno)
      }
      case 'twowrites':
        checkW(line, `${what} (1st)`, write(f, lat(o.a)), o.ret_a, o.errno_a)
        return checkW(line, `${what} (2nd)`, write(f, lat(o.b)), o.ret_b, o.errno_b)
      case 'rdwr': { // O_RDWR open: a 0444 file fails both halves at open
        checkW(line, what, write(f, lat(o.data)), o.ret, o.errno)
        const got: RefRead = f === 'max_brightness' ? { errno: 'EACCES' } : m.read(f)
        return checkR(line, `${what} (read)`, got, o.read_ret, o.read_errno, o.read_data)
      }
      case 'read': case 'readchunks':
        return checkR(line, what, m.read(f), o.ret, o.errno, o.data)
      case 'pread':
        if (o.off < 0) { r.skipped++; return }
        return checkR(line, what, m.read(f), o.ret, o.errno, o.data, [o.off, o.n])
      case 'hold':
        if (o.errno === null) slots.set(o.slot, { file: f, generation })
        else {
          r.compared++
          const want = !m.exists(f) ? 'ENOENT' : f === 'max_brightness' && o.mode !== 'r' ? 'EACCES' : null
          if (want !== o.errno) r.mismatches.push(`#${line} ${what}: kernel ${String(o.errno)}, model ${String(want)}`)
        }
        return
      default:
        r.skipped++
    }
  })
  return r
}

t.test('the reference model reproduces the recorded 6.1 kernel transcripts', async t => {
  let compared = 0
  for (const name of readdirSync(KERNEL).filter(f => f.endsWith('.jsonl')).sort()) {
    const records = readFileSync(join(KERNEL, name), 'utf8').split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l) as Rec)
    const r = replay(records)
    compared += r.compared
    t.same(r.mismatches, [], `${name}: ${r.compared} answers compared, ${r.unpredictable} brightness reads left out (a pattern timer ran), ${r.skipped} ops outside the model`)
  }
  t.ok(compared >= 1000, `${compared} kernel answers reproduced`)
})

t.test('fuzzing a mount against the reference model', async t => {
  const writes = Number(process.env.FUZZ_WRITES ?? 3000)
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined
  if (writes > 20000) t.setTimeout(0)
  const r = await fuzz({ writes, seed, log: (l) => t.comment(l) })
  t.comment(formatReport(r))
  t.comment(`outcomes:\n${formatOutcomes(r)}`)
  t.comment(`writes done: ${r.writes}, crashes: ${r.crashes}, divergences: ${r.divergences}`)
  if (r.counterexample !== undefined) {
    t.comment(`minimal failing sequence (${r.failure ?? ''}), after a reset (\`0\` to brightness):\n${r.counterexample}`)
  }
  if (r.counterexample === undefined) t.ok(r.writes >= writes, `${r.writes} writes done (budget ${writes})`)
  t.equal(r.crashes, 0, 'the mount never died')
  t.ok(r.aliveAtEnd, 'the mount is alive and answers at the end')
  t.equal(r.divergences, 0, r.counterexample === undefined ? 'no divergence from the model' : `divergence:\n${r.counterexample}`)
})
