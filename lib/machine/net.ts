import { readdirSync, readFileSync } from 'node:fs'

/** What a trigger can learn about one network interface (struct net_device, as far as LED triggers look). */
export interface NetdevState {
  /** netif_carrier_ok(): the carrier is on. */
  carrier: boolean
  rxPackets: number
  txPackets: number
  rxErrors: number
  txErrors: number
}

/** The netdevice notifier events netdev listens to ('change' stands for NETDEV_UP, NETDEV_DOWN and NETDEV_CHANGE alike). */
export type NetdevEvent = 'register' | 'unregister' | 'change'

export type NetdevListener = (event: NetdevEvent, name: string) => void

/**
 * The network interfaces of the emulated machine: looked up by name
 * (dev_get_by_name), their counters read (dev_get_stats), and changes
 * announced to subscribers (the netdevice notifier chain).
 */
export interface NetSource {
  readonly kind: 'host' | 'virtual'
  get (name: string): NetdevState | undefined
  subscribe (listener: NetdevListener): () => void
}

/** Counters are u64 in the kernel; netdev adds them into an unsigned int. */
function u32 (n: number): number {
  return Number(BigInt.asUintN(32, BigInt(Math.trunc(n))))
}

/**
 * The interfaces the mount's process sees, read from /sys/class/net and
 * /proc/net/dev. Presence and carrier are polled while someone listens, as
 * there is no notifier to hear from.
 */
export class HostNet implements NetSource {
  readonly kind = 'host' as const
  private readonly listeners = new Set<NetdevListener>()
  private poll: NodeJS.Timeout | undefined
  private last = new Map<string, boolean>()

  constructor (private readonly sysClassNet = '/sys/class/net', private readonly procNetDev = '/proc/net/dev', private readonly pollMs = 250) {}

  private names (): string[] {
    try {
      return readdirSync(this.sysClassNet)
    } catch {
      return []
    }
  }

  private carrier (name: string): boolean {
    try {
      return readFileSync(`${this.sysClassNet}/${name}/carrier`, 'latin1').trim() === '1'
    } catch {
      // An interface that is administratively down refuses to show its carrier (EINVAL).
      return false
    }
  }

  private counters (name: string): Omit<NetdevState, 'carrier'> | undefined {
    let text: string
    try {
      text = readFileSync(this.procNetDev, 'latin1')
    } catch {
      return undefined
    }
    for (const line of text.split('\n')) {
      const colon = line.indexOf(':')
      if (colon < 0 || line.slice(0, colon).trim() !== name) continue
      const f = line.slice(colon + 1).trim().split(/\s+/).map(Number)
      // rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes packets errs …
      return { rxPackets: u32(f[1]), rxErrors: u32(f[2]), txPackets: u32(f[9]), txErrors: u32(f[10]) }
    }
    return undefined
  }

  get (name: string): NetdevState | undefined {
    if (name === '' || name.includes('/') || name === '.' || name === '..') return undefined
    const c = this.counters(name)
    if (c === undefined) return undefined
    return { carrier: this.carrier(name), ...c }
  }

  private snapshot (): Map<string, boolean> {
    return new Map(this.names().map(n => [n, this.carrier(n)]))
  }

  private check (): void {
    const now = this.snapshot()
    for (const [name, carrier] of now) {
      const was = this.last.get(name)
      if (was === undefined) {
        // A new interface: registered, then brought up.
        this.emit('register', name)
        this.emit('change', name)
      } else if (was !== carrier) {
        this.emit('change', name)
      }
    }
    for (const name of this.last.keys()) if (!now.has(name)) this.emit('unregister', name)
    this.last = now
  }

  private emit (event: NetdevEvent, name: string): void {
    for (const l of [...this.listeners]) l(event, name)
  }

  subscribe (listener: NetdevListener): () => void {
    if (this.listeners.size === 0) {
      this.last = this.snapshot()
      this.poll = setInterval(() => this.check(), this.pollMs)
      this.poll.unref()
    }
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0 && this.poll !== undefined) {
        clearInterval(this.poll)
        this.poll = undefined
      }
    }
  }
}

/** What setNetdev() may change; anything left out stays as it is. */
export interface NetdevUpdate {
  /** false removes the interface (NETDEV_UNREGISTER); true (re)creates it. Default true. */
  present?: boolean
  /** Carrier on or off (NETDEV_CHANGE when it changes). */
  link?: boolean
  rx?: number
  tx?: number
  rxErrors?: number
  txErrors?: number
}

function checkCounter (what: string, v: number | undefined): void {
  if (v === undefined) return
  if (!Number.isInteger(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) throw new RangeError(`setNetdev: ${what} must be a non-negative integer counter (got ${String(v)})`)
}

/**
 * Interfaces that exist only in the emulation, changed by setNetdev(): the
 * oracle machine's network to begin with, `lo` with its carrier on and no
 * traffic. Changes are announced at once, as the notifier chain would.
 */
export class VirtualNet implements NetSource {
  readonly kind = 'virtual' as const
  private readonly devs = new Map<string, NetdevState>()
  private readonly listeners = new Set<NetdevListener>()

  constructor () {
    this.devs.set('lo', { carrier: true, rxPackets: 0, txPackets: 0, rxErrors: 0, txErrors: 0 })
  }

  get (name: string): NetdevState | undefined {
    const d = this.devs.get(name)
    return d === undefined ? undefined : { ...d }
  }

  names (): string[] {
    return [...this.devs.keys()]
  }

  set (name: string, update: NetdevUpdate): NetdevState | undefined {
    if (typeof name !== 'string' || name.length === 0 || name.length > 15 || /[/\s:\0]/.test(name) || name === '.' || name === '..') {
      throw new RangeError(`setNetdev: "${String(name)}" is not an interface name (1 to 15 bytes, no "/", ":", NUL or white space)`)
    }
    checkCounter('rx', update.rx)
    checkCounter('tx', update.tx)
    checkCounter('rxErrors', update.rxErrors)
    checkCounter('txErrors', update.txErrors)
    if (update.link !== undefined && typeof update.link !== 'boolean') throw new RangeError('setNetdev: link must be true or false')
    if (update.present !== undefined && typeof update.present !== 'boolean') throw new RangeError('setNetdev: present must be true or false')
    let d = this.devs.get(name)
    if (update.present === false) {
      if (d !== undefined) {
        this.devs.delete(name)
        this.emit('unregister', name)
      }
      return undefined
    }
    const created = d === undefined
    if (d === undefined) {
      d = { carrier: true, rxPackets: 0, txPackets: 0, rxErrors: 0, txErrors: 0 }
      this.devs.set(name, d)
    }
    const carrierWas = d.carrier
    if (update.link !== undefined) d.carrier = update.link
    if (update.rx !== undefined) d.rxPackets = u32(update.rx)
    if (update.tx !== undefined) d.txPackets = u32(update.tx)
    if (update.rxErrors !== undefined) d.rxErrors = u32(update.rxErrors)
    if (update.txErrors !== undefined) d.txErrors = u32(update.txErrors)
    if (created) {
      // A new interface: registered, then brought up (NETDEV_UP).
      this.emit('register', name)
      this.emit('change', name)
    } else if (carrierWas !== d.carrier) {
      this.emit('change', name)
    }
    return { ...d }
  }

  private emit (event: NetdevEvent, name: string): void {
    for (const l of [...this.listeners]) l(event, name)
  }

  subscribe (listener: NetdevListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }
}
