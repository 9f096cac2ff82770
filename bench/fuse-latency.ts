/**
 * File operations through the mount, as a shell's `echo … > pattern` and
 * `cat pattern` make them: open(O_WRONLY|O_TRUNC) + write + close, and
 * open + read + close. Baseline in the same run: a minimal fuse-native mount
 * with trivial handlers (bench/support/baseline-fs.ts).
 * Targets: write median <= 80 µs and p99 <= 400 µs; read median <= 50 µs.
 */
import { closeSync, constants, mkdtempSync, openSync, readSync, writeSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fmtUs, startChild, stopChild, summary } from './support/util'

const N = Number(process.env.BENCH_N ?? 3000)
const DATA = Buffer.from('0 1000 255 2000\n')

function measure (file: string): { write: number[], read: number[] } {
  const buf = Buffer.alloc(65536)
  const w: number[] = []
  const r: number[] = []
  for (let i = 0; i < N + 200; i++) {
    const t0 = process.hrtime.bigint()
    const fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC)
    writeSync(fd, DATA)
    closeSync(fd)
    const t1 = process.hrtime.bigint()
    const fd2 = openSync(file, constants.O_RDONLY)
    while (readSync(fd2, buf, 0, buf.length, null) > 0) { /* to EOF */ }
    closeSync(fd2)
    const t2 = process.hrtime.bigint()
    if (i >= 200) { w.push(Number(t1 - t0)); r.push(Number(t2 - t1)) }
  }
  return { write: w, read: r }
}

async function main (): Promise<void> {
  const root = join(__dirname, '..', '..')
  const ledDir = mkdtempSync(join(tmpdir(), 'ledfs-bench-'))
  const baseDir = mkdtempSync(join(tmpdir(), 'ledfs-base-'))
  const ledfs = await startChild(process.execPath, [join(root, 'bin', 'ledfs'), 'mount', ledDir, '--led', 'oracle'], 'ledfs: mounted')
  const base = await startChild(process.execPath, [join(__dirname, 'support', 'baseline-fs.js'), baseDir], 'ready')
  try {
    writeFileSync(join(ledDir, 'oracle', 'trigger'), 'pattern\n')
    const b = measure(join(baseDir, 'led', 'pattern'))
    const l = measure(join(ledDir, 'oracle', 'pattern'))
    const bw = summary(b.write); const br = summary(b.read)
    const lw = summary(l.write); const lr = summary(l.read)
    console.log(`FUSE latency, ${N} iterations each (after 200 warm-up)`)
    console.log(`  baseline (minimal fuse-native mount): write median ${fmtUs(bw.median)} p99 ${fmtUs(bw.p99)}; read median ${fmtUs(br.median)} p99 ${fmtUs(br.p99)}`)
    console.log(`  ledfs pattern: open+O_TRUNC+write+close median ${fmtUs(lw.median)} (target <= 80 µs) p99 ${fmtUs(lw.p99)} (target <= 400 µs); ratio to baseline ${(lw.median / bw.median).toFixed(2)}x`)
    console.log(`  ledfs pattern: open+read+close median ${fmtUs(lr.median)} (target <= 50 µs) p99 ${fmtUs(lr.p99)}; ratio to baseline ${(lr.median / br.median).toFixed(2)}x`)
  } finally {
    await stopChild(ledfs, ledDir)
    await stopChild(base, baseDir)
  }
}

main().catch((e) => { console.error(e); process.exit(1) })
