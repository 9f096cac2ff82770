/**
 * Scale: a mount with 10 000 LEDs — time until ready, `ls` of the root, heap
 * per idle LED. Baselines in the same run: a 1-LED mount's start-up, and a
 * readdir of a plain directory with as many entries. The kernel's own cost
 * per LED with the pattern trigger is ~8 KiB (its 1024-tuple array).
 * Targets: ready < 2 s, ls < 50 ms, < 16 KiB heap per idle LED.
 * Run with --expose-gc for the heap figure.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { VirtualClock } from '../lib/clock/virtual-clock'
import { LedSystem } from '../lib/system'
import { startChild, stopChild } from './support/util'

const N = Number(process.env.BENCH_LEDS ?? 10000)
const cli = join(__dirname, '..', '..', 'bin', 'ledfs')

async function timeMount (leds: number): Promise<{ readyMs: number, dir: string, stop: () => Promise<void> }> {
  const work = mkdtempSync(join(tmpdir(), 'ledfs-scale-'))
  const cfg = join(work, 'leds.json')
  writeFileSync(cfg, JSON.stringify({ leds: Array.from({ length: leds }, (_, i) => ({ name: `led${i}` })) }))
  const dir = join(work, 'mnt')
  mkdirSync(dir)
  const t0 = performance.now()
  const child = await startChild(process.execPath, [cli, 'mount', dir, '--config', cfg], 'ledfs: mounted')
  const readyMs = performance.now() - t0
  return { readyMs, dir, stop: async () => { await stopChild(child, dir); rmSync(work, { recursive: true, force: true }) } }
}

function timeLs (dir: string): { readdirMs: number, lsMs: number, entries: number } {
  readdirSync(dir) // warm the path
  const t0 = performance.now()
  const names = readdirSync(dir)
  const readdirMs = performance.now() - t0
  const t1 = performance.now()
  const r = spawnSync('ls', ['-1', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const lsMs = performance.now() - t1
  if (r.status !== 0) throw new Error(r.stderr)
  return { readdirMs, lsMs, entries: names.length }
}

function heapPerLed (leds: number, withPattern: boolean): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) return undefined
  gc(); gc()
  const before = process.memoryUsage().heapUsed
  const sys = new LedSystem({ leds: Array.from({ length: leds }, (_, i) => ({ name: `led${i}` })), clock: new VirtualClock(), maxTimelineEvents: 1 })
  if (withPattern) {
    for (const name of sys.ledNames()) {
      const k = sys.kernfs
      k.write(k.open(k.lookup(`/${name}/trigger`), { read: false, write: true }), Buffer.from('pattern\n'), 0)
      k.write(k.open(k.lookup(`/${name}/pattern`), { read: false, write: true }), Buffer.from('0 1000 255 1000\n'), 0)
    }
  }
  gc(); gc()
  const after = process.memoryUsage().heapUsed
  const per = (after - before) / leds
  sys.dispose()
  return per
}

async function main (): Promise<void> {
  const one = await timeMount(1)
  await one.stop()
  const big = await timeMount(N)
  let ls
  try {
    ls = timeLs(big.dir)
  } finally {
    await big.stop()
  }
  const plain = mkdtempSync(join(tmpdir(), 'ledfs-plain-'))
  for (let i = 0; i < N; i++) mkdirSync(join(plain, `led${i}`))
  const base = timeLs(plain)
  rmSync(plain, { recursive: true, force: true })
  console.log(`scale, ${N} LEDs:`)
  console.log(`  ready in ${big.readyMs.toFixed(0)} ms (target < 2000 ms); a 1-LED mount: ${one.readyMs.toFixed(0)} ms; ratio ${(big.readyMs / one.readyMs).toFixed(2)}x`)
  console.log(`  root listing: readdir ${ls.readdirMs.toFixed(1)} ms, \`ls -1\` ${ls.lsMs.toFixed(1)} ms (target < 50 ms), ${ls.entries} entries; plain directory: readdir ${base.readdirMs.toFixed(1)} ms, ls ${base.lsMs.toFixed(1)} ms; ratio ${(ls.lsMs / base.lsMs).toFixed(2)}x`)
  const idle = heapPerLed(N, false)
  const active = heapPerLed(N, true)
  if (idle === undefined || active === undefined) console.log('  heap: run with node --expose-gc to measure')
  else console.log(`  heap per idle LED ${(idle / 1024).toFixed(2)} KiB (target < 16 KiB); with the pattern trigger and a 2-tuple pattern ${(active / 1024).toFixed(2)} KiB; the kernel's pattern array alone is 8 KiB (ratio ${(active / 8192).toFixed(2)}x)`)
}

main().catch((e) => { console.error(e); process.exit(1) })
