import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

export function summary (samples: number[]): { median: number, p99: number, mean: number } {
  const s = [...samples].sort((a, b) => a - b)
  return { median: percentile(s, 0.5), p99: percentile(s, 0.99), mean: s.reduce((a, b) => a + b, 0) / s.length }
}

/** Start a child and wait until it prints `marker`. */
export async function startChild (cmd: string, args: string[], marker: string): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 60000)
    const on = (d: Buffer): void => { out += d.toString(); if (out.includes(marker)) { clearTimeout(timer); resolve() } }
    child.stdout?.on('data', on)
    child.stderr?.on('data', on)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${String(code)}: ${out}`)) })
  })
  return child
}

export async function stopChild (child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  try { execFileSync('fusermount', ['-uz', dir], { stdio: 'ignore' }) } catch {}
}

/**
 * The next line a child prints on stdout (a measuring child answers its
 * second SIGUSR2 with one JSON line for the window the first one opened).
 */
export async function nextLine (child: ChildProcess): Promise<string> {
  return await new Promise((resolve) => {
    let buf = ''
    const on = (d: Buffer): void => {
      buf += d.toString()
      const nl = buf.indexOf('\n')
      if (nl >= 0) { child.stdout?.off('data', on); resolve(buf.slice(0, nl)) }
    }
    child.stdout?.on('data', on)
  })
}

export const fmtUs = (ns: number): string => `${(ns / 1000).toFixed(1)} µs`
