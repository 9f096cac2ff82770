/** Writes a register map's log keeps by default; older ones are dropped (and counted). */
export const REGMAP_LOG_SIZE = 512

/** One register write that reached the device. */
export interface RegisterWrite {
  /** Time on the LED's clock (ms); probe-time writes are at 0. */
  time: number
  addr: number
  /** Symbolic name, e.g. "CTRL", "LINE0_DUTY", "MODULE_EN0". */
  reg: string
  value: number
}

export interface RegmapOptions {
  /** Writes the log keeps (default REGMAP_LOG_SIZE). */
  logSize?: number
  /** Register values at reset (not logged); every other register reads 0. */
  reset?: Iterable<[addr: number, value: number]>
  /** Symbolic name of an address, or undefined for one without (shown in hex). */
  nameOf?: (addr: number) => string | undefined
}

/**
 * A device's registers as a driver sees them through the kernel's regmap: a
 * sparse file of 32-bit registers with write and update-bits semantics, and
 * a capped log of the writes that reached the device, for tests and people
 * to check a driver's register sequences against.
 */
export class Regmap {
  private readonly regs = new Map<number, number>()
  private log: RegisterWrite[] = []
  private readonly logSize: number
  private readonly names: (addr: number) => string | undefined
  droppedWrites = 0

  constructor (opts: RegmapOptions = {}) {
    const logSize = opts.logSize ?? REGMAP_LOG_SIZE
    if (!Number.isInteger(logSize) || logSize < 1) throw new RangeError(`regmap: logSize must be a positive integer (got ${logSize})`)
    this.logSize = logSize
    this.names = opts.nameOf ?? (() => undefined)
    for (const [addr, value] of opts.reset ?? []) this.regs.set(addr, value >>> 0)
  }

  read (addr: number): number {
    return this.regs.get(addr) ?? 0
  }

  /** regmap_write(): the value always goes out. */
  write (addr: number, value: number, time: number): void {
    this.store(addr, value >>> 0, time)
  }

  /** regmap_update_bits(): read, modify, and write only if something changed. Returns whether it did. */
  updateBits (addr: number, mask: number, value: number, time: number): boolean {
    const old = this.read(addr)
    const next = ((old & ~mask) | (value & mask)) >>> 0
    if (next === old) return false
    this.store(addr, next, time)
    return true
  }

  private store (addr: number, value: number, time: number): void {
    this.regs.set(addr, value)
    this.log.push({ time, addr, reg: this.nameOf(addr), value })
    if (this.log.length > this.logSize) {
      const cut = this.log.length - this.logSize
      this.log.splice(0, cut)
      this.droppedWrites += cut
    }
  }

  /** Register writes kept so far, oldest first (copies). */
  writes (): RegisterWrite[] {
    return this.log.map(w => ({ ...w }))
  }

  clearWrites (): void {
    this.log = []
    this.droppedWrites = 0
  }

  /** Symbolic name of an address, or its hex. */
  nameOf (addr: number): string {
    return this.names(addr) ?? `0x${addr.toString(16)}`
  }
}
