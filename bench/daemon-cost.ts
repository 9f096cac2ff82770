/**
 * The real-time engine at a daemon's cost: CPU and memory of a mount left
 * running, and how punctual its brightness changes are.
 *
 * Each case starts a mount in a child process (the same serving code as
 * `ledfs mount`, memory LEDs, real clock, default timeline setting), lets it
 * settle, then measures for BENCH_DAEMON_S seconds (default 30): the CPU the
 * whole process used (every thread, from /proc/PID/task/N/schedstat, ns), its
 * RSS at the end, the brightness changes and wake-ups it made, and each
 * change's lateness against its jiffy-grid time. Baseline, measured at the
 * same time as every case (same window, same machine load): a Node process
 * doing nothing but a bare setTimeout loop on the same 56 ms grid.
 *
 * Cases: idle (1 LED, no trigger); 1 LED dimming `0 1000 255 1000`; 100 LEDs
 * dimming in step (started together by the config's default pattern: one
 * wake-up per 56 ms step); 100 LEDs dimming out of step (patterns written one
 * after the other through the mount, as a script would: their steps fall on
 * different jiffies).
 *
 * Targets: 1 LED <= 0.2 % of a core, 100 LEDs <= 5 %, CPU per wake-up <= 1.5x
 * the bare timer's; lateness with 100 LEDs median <= 1 ms, p99 <= 2 ms (quiet
 * machine); RSS with 100 LEDs < 100 MB.
 *
 * BENCH_DAEMON_S: seconds measured per case. BENCH_DAEMON_CASES: a comma list
 * of case names to run (idle,1,100,100w). BENCH_DAEMON_SAMPLE_S: also print
 * the RSS every so many seconds (for long runs, e.g. BENCH_DAEMON_S=1800).
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { nextLine, startChild } from './support/util'

const SECONDS = Number(process.env.BENCH_DAEMON_S ?? 30)
const SETTLE_S = 3
const SAMPLE_S = Number(process.env.BENCH_DAEMON_SAMPLE_S ?? 0)
const ONLY = process.env.BENCH_DAEMON_CASES?.split(',')
const PATTERN = [0, 1000, 255, 1000]
const SUPPORT = join(__dirname, 'support')

interface Window { wakes: number, changes: number, late: { n: number, median: number, p99: number, max: number } }

/** CPU time of every thread of `pid`, ns. */
function cpuNs (pid: number): number {
  let sum = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try { sum += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) } catch { /* thread gone */ }
  }
  return sum
}

function rssMb (pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? NaN : Number(m[1]) / 1024
}

/** The share of CPU time runnable tasks waited for, over the last minute (PSI), if the kernel tells. */
function cpuPressure (): string {
  try {
    const m = /some avg10=([\d.]+) avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))
    return m === null ? '' : `, CPU pressure ${m[2]} % (tasks waiting for a CPU, last minute)`
  } catch { return '' }
}

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

interface Measured { cpuPct: number, perWakeUs: number, perChangeUs: number, rss: number, rssSeries: number[], w: Window }

/** Measure every process over the same window. */
async function measure (procs: ChildProcess[]): Promise<Measured[]> {
  for (const p of procs) p.kill('SIGUSR2')
  const t0 = process.hrtime.bigint()
  const c0 = procs.map(p => cpuNs(p.pid as number))
  const series: number[][] = procs.map(() => [])
  const end = Date.now() + SECONDS * 1000
  while (Date.now() < end) {
    const left = end - Date.now()
    await sleep(SAMPLE_S > 0 ? Math.min(left, SAMPLE_S * 1000) : left)
    if (SAMPLE_S > 0) procs.forEach((p, i) => series[i].push(rssMb(p.pid as number)))
  }
  const c1 = procs.map(p => cpuNs(p.pid as number))
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  const lines = procs.map(nextLine)
  for (const p of procs) p.kill('SIGUSR2')
  const ws = (await Promise.all(lines)).map(l => JSON.parse(l) as Window)
  return procs.map((p, i) => {
    const ns = c1[i] - c0[i]
    return { cpuPct: ns / 1e9 / secs * 100, perWakeUs: ns / 1e3 / ws[i].wakes, perChangeUs: ns / 1e3 / ws[i].changes, rss: rssMb(p.pid as number), rssSeries: series[i], w: ws[i] }
  })
}

function writeAll (dir: string, leds: string[]): void {
  for (const n of leds) {
    writeFileSync(join(dir, n, 'trigger'), 'pattern\n')
    writeFileSync(join(dir, n, 'pattern'), `${PATTERN.join(' ')}\n`)
  }
}

interface Case { name: string, what: string, leds: number, inStep: boolean, pattern: boolean, target?: number }

const CASES: Case[] = [
  { name: 'idle', what: 'idle mount (1 LED, no trigger)', leds: 1, inStep: true, pattern: false },
  { name: '1', what: '1 LED dimming', leds: 1, inStep: true, pattern: true, target: 0.2 },
  { name: '100', what: '100 LEDs dimming in step', leds: 100, inStep: true, pattern: true, target: 5 },
  { name: '100w', what: '100 LEDs dimming out of step (written one by one)', leds: 100, inStep: false, pattern: true, target: 5 }
]

const ms = (x: number): string => `${x.toFixed(2)} ms`

async function runCase (c: Case, work: string): Promise<void> {
  const dir = join(work, `mnt-${c.name}`)
  mkdirSync(dir)
  const names = Array.from({ length: c.leds }, (_, i) => `led${i}`)
  const config = join(work, `${c.name}.json`)
  const auto = c.pattern && c.inStep
  writeFileSync(config, JSON.stringify({ leds: names.map(name => auto ? { name, default_trigger: 'pattern', default_pattern: PATTERN } : { name }) }))
  const base = await startChild(process.execPath, [join(SUPPORT, 'timer-child.js')], 'ready')
  let mount: ChildProcess | undefined
  try {
    mount = await startChild(process.execPath, [join(SUPPORT, 'mount-child.js'), dir, '--config', config], 'ready')
    if (c.pattern && !c.inStep) writeAll(dir, names)
    await sleep(SETTLE_S * 1000)
    const [m, b] = await measure([mount, base])
    const ratio = m.perWakeUs / b.perWakeUs
    const target = c.target !== undefined ? ` (target <= ${c.target} %)` : ''
    console.log(`  ${c.what}: CPU ${m.cpuPct.toFixed(3)} % of a core${target}; RSS ${m.rss.toFixed(1)} MB (timeline ${(m.w as Window & { timelineEvents?: number }).timelineEvents ?? 0} events)`)
    if (m.w.changes > 0) {
      console.log(`    ${m.w.changes} changes in ${m.w.wakes} wake-ups: ${m.perChangeUs.toFixed(1)} µs per change, ${m.perWakeUs.toFixed(1)} µs per wake-up = ${ratio.toFixed(2)}x the bare timer's ${b.perWakeUs.toFixed(1)} µs (target <= 1.5x)`)
      console.log(`    lateness against the jiffy grid: median ${ms(m.w.late.median)}, p99 ${ms(m.w.late.p99)}, max ${ms(m.w.late.max)}` +
        `; bare timer in the same window: median ${ms(b.w.late.median)}, p99 ${ms(b.w.late.p99)}, max ${ms(b.w.late.max)}`)
    }
    console.log(`    baseline (bare 56 ms setTimeout loop, same window): CPU ${b.cpuPct.toFixed(3)} %, ${b.w.wakes} wake-ups, RSS ${b.rss.toFixed(1)} MB`)
    if (m.rssSeries.length > 0) {
      const s = m.rssSeries
      console.log(`    RSS every ${SAMPLE_S} s: min ${Math.min(...s).toFixed(1)} MB, max ${Math.max(...s).toFixed(1)} MB, last ${s[s.length - 1].toFixed(1)} MB; series ${s.map(x => x.toFixed(0)).join(' ')}`)
    }
  } finally {
    if (mount !== undefined) await stop(mount)
    await stop(base)
    try { execFileSync('fusermount', ['-uz', dir], { stdio: 'ignore' }) } catch {}
  }
}

async function main (): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'ledfs-daemon-'))
  try {
    console.log(`daemon cost (${SECONDS} s measured per case after ${SETTLE_S} s settling; load average ${loadavg().map(x => x.toFixed(1)).join(' ')}${cpuPressure()})`)
    for (const c of CASES) {
      if (ONLY !== undefined && !ONLY.includes(c.name)) continue
      await runCase(c, work)
    }
    console.log(`  (load average at the end ${loadavg().map(x => x.toFixed(1)).join(' ')}${cpuPressure()})`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((e) => { console.error(e); process.exit(1) })
