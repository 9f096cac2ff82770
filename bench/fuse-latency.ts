/**
 * File operations through the mount, as a shell's `echo … > pattern` and
 * a program's read make them: open(O_WRONLY|O_TRUNC) + write + close, and
 * open + read + close (one read(2) with room for the whole page; `cat`
 * reads once more to see the end, one more READ request on every mount),
 * on an LED with the pattern trigger.
 *
 * Measured in the same run, in alternating rounds: a bare fuse-native mount
 * with trivial handlers (bench/support/baseline-fs.ts, the baseline), and
 * ledfs on each transport (bench/support/mount-child.ts, which serves as
 * `ledfs mount` does). Each mount counts the FUSE requests its handlers saw,
 * so the figures say how many requests an operation costs.
 * Targets (fuse3 transport): medians at most 100 µs each and at least 3x
 * faster than the baseline.
 */
import { closeSync, constants, mkdtempSync, openSync, readSync, rmdirSync, writeSync, writeFileSync } from 'node:fs'
import type { ChildProcess } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fmtUs, nextLine, startChild, stopChild, summary } from './support/util'

const N = Number(process.env.BENCH_N ?? 3000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const WARMUP = 200
const DATA = Buffer.from('0 1000 255 2000\n')

interface Target { name: string, child: ChildProcess, dir: string, file: string }
interface Figures { write: number[], read: number[], writeReq: number, readReq: number }

function writes (file: string, n: number): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC)
    writeSync(fd, DATA)
    closeSync(fd)
    out.push(Number(process.hrtime.bigint() - t0))
  }
  return out
}

function reads (file: string, n: number): number[] {
  const buf = Buffer.alloc(65536)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const fd = openSync(file, constants.O_RDONLY)
    if (readSync(fd, buf, 0, buf.length, 0) !== DATA.length) throw new Error(`${file}: short read`)
    closeSync(fd)
    out.push(Number(process.hrtime.bigint() - t0))
  }
  return out
}

/** Run `fn` inside the child's counting window (SIGUSR2 opens it, the next closes it and prints JSON). */
async function counted<T> (child: ChildProcess, fn: () => T): Promise<{ value: T, requests: number }> {
  child.kill('SIGUSR2')
  await new Promise(resolve => setTimeout(resolve, 50))
  const value = fn()
  const line = nextLine(child)
  child.kill('SIGUSR2')
  const { requests } = JSON.parse(await line) as { requests: number }
  return { value, requests }
}

async function measure (t: Target): Promise<Figures> {
  writes(t.file, WARMUP)
  reads(t.file, WARMUP)
  const w = await counted(t.child, () => writes(t.file, N))
  const r = await counted(t.child, () => reads(t.file, N))
  return { write: w.value, read: r.value, writeReq: w.requests / N, readReq: r.requests / N }
}

async function main (): Promise<void> {
  const support = join(__dirname, 'support')
  const targets: Target[] = []
  const mk = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix))
  try {
    const baseDir = mk('ledfs-base-')
    targets.push({ name: 'bare fuse-native mount', child: await startChild(process.execPath, [join(support, 'baseline-fs.js'), baseDir], 'ready'), dir: baseDir, file: join(baseDir, 'led', 'pattern') })
    for (const transport of ['fuse-native', 'fuse3']) {
      const dir = mk(`ledfs-${transport}-`)
      const child = await startChild(process.execPath, [join(support, 'mount-child.js'), dir, '--led', 'oracle', '--transport', transport], 'ready')
      targets.push({ name: `ledfs, ${transport} transport`, child, dir, file: join(dir, 'oracle', 'pattern') })
      writeFileSync(join(dir, 'oracle', 'trigger'), 'pattern\n')
    }
    const all = new Map<string, Figures[]>(targets.map(t => [t.name, []]))
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so that no target always runs first on a warming machine.
      const order = round % 2 === 0 ? targets : [...targets].reverse()
      for (const t of order) all.get(t.name)?.push(await measure(t))
    }
    const fig = (name: string): { w: ReturnType<typeof summary>, r: ReturnType<typeof summary>, writeReq: number, readReq: number } => {
      const runs = all.get(name) ?? []
      return { w: summary(runs.flatMap(f => f.write)), r: summary(runs.flatMap(f => f.read)), writeReq: runs[0].writeReq, readReq: runs[0].readReq }
    }
    const base = fig(targets[0].name)
    console.log(`FUSE latency on pattern: ${ROUNDS} rounds of ${N} operations each per mount (after ${WARMUP} warm-up), medians and p99`)
    console.log('  open+O_TRUNC+write+close | open+read+close | FUSE requests per write / read')
    for (const t of targets) {
      const f = fig(t.name)
      const ratio = t === targets[0] ? '' : `; ${(base.w.median / f.w.median).toFixed(2)}x / ${(base.r.median / f.r.median).toFixed(2)}x faster than the baseline`
      console.log(`  ${t.name}: write ${fmtUs(f.w.median)} (p99 ${fmtUs(f.w.p99)}) | read ${fmtUs(f.r.median)} (p99 ${fmtUs(f.r.p99)}) | ${f.writeReq.toFixed(1)} / ${f.readReq.toFixed(1)}${ratio}`)
    }
    const f3 = fig(targets[2].name)
    const ok = f3.w.median <= 100000 && f3.r.median <= 100000 && base.w.median / f3.w.median >= 3 && base.r.median / f3.r.median >= 3
    console.log(`  target (fuse3: medians <= 100 µs and >= 3x faster than the baseline): ${ok ? 'met' : 'NOT met'}`)
  } finally {
    for (const t of targets) {
      await stopChild(t.child, t.dir)
      try { rmdirSync(t.dir) } catch {}
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1) })
