import { cpus as osCpus } from 'node:os'
import { readFileSync } from 'node:fs'
import type { Clock } from '../clock/clock'

/** One reading of the CPU time counters activity looks at. */
export interface CpuSample {
  /** Possible CPUs. */
  cpus: number
  /** Summed user+nice+system+softirq+irq time of every CPU, ns. */
  usedNs: bigint
  /** Time since boot, ns. */
  bootNs: bigint
}

export interface CpuSource {
  readonly kind: 'host' | 'virtual'
  sample (): CpuSample
}

/** USER_HZ of /proc/stat. */
const USER_HZ = 100n

/** The host's counters from /proc/stat; boot time from the monotonic clock (only differences matter). */
export class HostCpu implements CpuSource {
  readonly kind = 'host' as const
  private readonly cpus = Math.max(1, osCpus().length)

  constructor (private readonly procStat = '/proc/stat') {}

  sample (): CpuSample {
    let usedNs = 0n
    try {
      const line = readFileSync(this.procStat, 'latin1').split('\n').find(l => l.startsWith('cpu '))
      if (line !== undefined) {
        // user nice system idle iowait irq softirq …
        const f = line.trim().split(/\s+/).slice(1).map(v => BigInt(v))
        usedNs = (f[0] + f[1] + f[2] + f[5] + f[6]) * (1_000_000_000n / USER_HZ)
      }
    } catch {
      // No /proc: the machine looks idle.
    }
    return { cpus: this.cpus, usedNs, bootNs: process.hrtime.bigint() }
  }
}

/**
 * A machine whose load is set by setCpuLoad(): used time grows at `load`
 * (0..1) of every CPU's time, on the emulation's clock. Starts as the oracle
 * machine: one CPU, idle.
 */
export class VirtualCpu implements CpuSource {
  readonly kind = 'virtual' as const
  private cpus = 1
  private load = 0
  private usedAt = 0
  private usedNs = 0

  constructor (private readonly clock: Clock) {}

  private accrue (): void {
    const now = this.clock.now()
    this.usedNs += (now - this.usedAt) * 1e6 * this.load * this.cpus
    this.usedAt = now
  }

  set (load: number, cpus?: number): void {
    if (typeof load !== 'number' || !(load >= 0 && load <= 1)) throw new RangeError(`setCpuLoad: load must be a number from 0 to 1 (got ${String(load)})`)
    if (cpus !== undefined && (!Number.isInteger(cpus) || cpus < 1 || cpus > 4096)) throw new RangeError(`setCpuLoad: cpus must be an integer from 1 to 4096 (got ${String(cpus)})`)
    this.accrue()
    this.load = load
    if (cpus !== undefined) this.cpus = cpus
  }

  sample (): CpuSample {
    this.accrue()
    return { cpus: this.cpus, usedNs: BigInt(Math.round(this.usedNs)), bootNs: BigInt(Math.round(this.clock.now() * 1e6)) }
  }
}
