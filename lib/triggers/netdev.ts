import { KernelError } from '../abi/errno'
import { kstrtoul } from '../abi/kstrtox'
import { jiffiesToMsecs } from '../kernel-time/jiffies'
import { KernelTimer } from '../kernel-time/timer-wheel'
import { ledBlinkSetOneshot, ledSetBrightness, ledStopSoftwareBlink, LED_OFF } from '../led/led-blink'
import type { LedClassdev } from '../led/led-core'
import { triggerState, type LedTrigger } from '../led/led-triggers'
import type { NetdevEvent, NetSource } from '../machine/net'
import type { ClockHandle } from '../clock/clock'
import { textAttr, type SysfsNode } from '../sysfs/nodes'

/** IFNAMSIZ: an interface name and its NUL. */
const IFNAMSIZ = 16
/** The default interval, ms (shown rounded to jiffies: 52 at HZ=250). */
const DEFAULT_INTERVAL = 50

/** The mode bits the files set. */
type ModeBit = 'link' | 'tx' | 'rx' | 'half_duplex' | 'full_duplex' | 'tx_err' | 'rx_err'

/**
 * A delayed work item on the system workqueue: delay 0 queues it to run as
 * soon as the current operation is over, a delay in jiffies arms a timer on
 * the wheel; queueing a pending item does nothing.
 */
class DelayedWork {
  private readonly timer: KernelTimer
  private queued: ClockHandle | undefined

  constructor (private readonly led: LedClassdev, private readonly fn: () => void) {
    this.timer = new KernelTimer(() => this.fn())
  }

  get pending (): boolean {
    return this.timer.pending || this.queued !== undefined
  }

  schedule (delayJiffies: number): void {
    if (this.pending) return
    const wheel = this.led.wheel
    if (delayJiffies === 0) {
      this.queued = wheel.clock.schedule(wheel.clock.now(), () => {
        this.queued = undefined
        this.fn()
      })
    } else {
      wheel.modTimer(this.timer, wheel.jiffies + delayJiffies)
    }
  }

  /** cancel_delayed_work_sync(). */
  cancel (): void {
    this.led.wheel.delTimer(this.timer)
    if (this.queued !== undefined) this.led.wheel.clock.cancel(this.queued)
    this.queued = undefined
  }
}

/** Per-LED state of the netdev trigger. */
class NetdevState {
  /** device_name as written (newline cut), up to its first NUL when used. */
  deviceName = Buffer.alloc(0)
  /** The interface held (dev_get_by_name), by name; null when none. */
  netDev: string | null = null
  readonly mode = new Set<ModeBit>()
  /** The interface's carrier was on when last looked at. */
  linkUp = false
  /** In jiffies. */
  interval: number
  /** Packet counters summed at the last look (an unsigned int). */
  lastActivity = 0
  readonly work: DelayedWork
  unsubscribe: () => void = () => {}

  constructor (readonly led: LedClassdev, readonly net: NetSource, readonly linkModes: boolean) {
    this.interval = led.wheel.msToJiffies(DEFAULT_INTERVAL)
    this.work = new DelayedWork(led, () => this.poll())
  }

  /** The name as a C string: up to the first NUL. */
  get name (): string {
    const nul = this.deviceName.indexOf(0)
    return (nul < 0 ? this.deviceName : this.deviceName.subarray(0, nul)).toString('latin1')
  }

  private watchesTraffic (): boolean {
    return this.mode.has('tx') || this.mode.has('rx') || this.mode.has('tx_err') || this.mode.has('rx_err')
  }

  /** A link mode asks for the LED to be lit while the link is up (6.12: or the duplex matches, never known here). */
  private linkLit (): boolean {
    return this.mode.has('link')
  }

  /**
   * set_baseline_state(): the LED's brightness (if lit) becomes the blink
   * brightness; lit when the link is up and a link mode asks for it, else
   * off; and the counters are polled from now on when traffic is watched.
   */
  baseline (): void {
    const led = this.led
    const b = led.blink
    if (led.brightness !== 0) b.blinkBrightness = led.brightness
    if (b.blinkBrightness === 0) b.blinkBrightness = led.maxBrightness
    if (!this.linkUp) {
      ledSetBrightness(led, LED_OFF)
      return
    }
    ledSetBrightness(led, this.linkLit() ? b.blinkBrightness : LED_OFF)
    if (this.watchesTraffic()) this.work.schedule(0)
  }

  /** netdev_trig_work(): one look at the counters; a change blinks once. */
  poll (): void {
    const led = this.led
    const dev = this.netDev === null ? undefined : this.net.get(this.netDev)
    if (this.netDev === null) {
      ledSetBrightness(led, LED_OFF)
      return
    }
    if (!this.watchesTraffic()) return
    const m = this.mode
    const activity = dev === undefined
      ? 0
      : ((m.has('tx') ? dev.txPackets : 0) + (m.has('rx') ? dev.rxPackets : 0) +
         (m.has('tx_err') ? dev.txErrors : 0) + (m.has('rx_err') ? dev.rxErrors : 0)) >>> 0
    if (this.lastActivity !== activity) {
      ledStopSoftwareBlink(led)
      // Lit while the link is up: the blink is a short "off" then back on.
      const invert = this.linkLit()
      const ms = BigInt(jiffiesToMsecs(this.interval, led.wheel.hz))
      ledBlinkSetOneshot(led, { on: ms, off: ms }, invert)
      this.lastActivity = activity
    }
    this.work.schedule(this.interval * 2)
  }

  storeDeviceName (buf: Buffer): number {
    if (buf.length >= IFNAMSIZ) throw new KernelError('EINVAL', `device_name must be shorter than ${IFNAMSIZ} bytes`)
    this.work.cancel()
    this.netDev = null
    let name = Buffer.from(buf)
    if (name.length > 0 && name[name.length - 1] === 0x0a) name = name.subarray(0, name.length - 1)
    this.deviceName = name
    const dev = this.name === '' ? undefined : this.net.get(this.name)
    if (dev !== undefined) this.netDev = this.name
    this.linkUp = dev?.carrier ?? false
    this.lastActivity = 0
    this.baseline()
    return buf.length
  }

  storeMode (bit: ModeBit, buf: Buffer): number {
    const on = kstrtoul(buf, 0) !== 0n
    this.work.cancel()
    if (on) this.mode.add(bit)
    else this.mode.delete(bit)
    this.baseline()
    return buf.length
  }

  /** kstrtoul base 0; a value outside 5..10000 ms is accepted and changes nothing. */
  storeInterval (buf: Buffer): number {
    const v = kstrtoul(buf, 0)
    if (v >= 5n && v <= 10000n) {
      this.work.cancel()
      this.interval = this.led.wheel.msToJiffies(Number(v))
      this.baseline()
    }
    return buf.length
  }

  /** The netdevice notifier: the watched interface came, went or changed its carrier. */
  notify (event: NetdevEvent, name: string): void {
    const watched = this.netDev !== null && name === this.netDev
    if (!watched && !(event === 'register' && name === this.name && this.name !== '')) return
    this.work.cancel()
    this.linkUp = false
    if (event === 'register') {
      this.netDev = name
    } else if (event === 'unregister') {
      this.netDev = null
    } else {
      this.linkUp = this.net.get(name)?.carrier ?? false
    }
    this.baseline()
  }

  nodes (): SysfsNode[] {
    const mode = (bit: ModeBit): SysfsNode => textAttr(bit, 0o644, {
      show: () => `${this.mode.has(bit) ? 1 : 0}\n`,
      store: (b) => this.storeMode(bit, b)
    })
    const nodes: SysfsNode[] = [
      textAttr('device_name', 0o644, { show: () => `${this.name}\n`, store: (b) => this.storeDeviceName(b) }),
      mode('link')
    ]
    if (this.linkModes) nodes.push(mode('full_duplex'), mode('half_duplex'))
    nodes.push(mode('rx'), mode('tx'))
    if (this.linkModes) nodes.push(mode('rx_err'), mode('tx_err'))
    nodes.push(textAttr('interval', 0o644, {
      show: () => `${jiffiesToMsecs(this.interval, this.led.wheel.hz)}\n`,
      store: (b) => this.storeInterval(b)
    }))
    // No emulated LED can hand the blinking to the PHY, so it is never offloaded.
    if (this.linkModes) nodes.push(textAttr('offloaded', 0o444, { show: () => '0\n' }))
    return nodes
  }
}

/**
 * `netdev`: the LED shows the link and blinks with the traffic of the
 * network interface named in device_name, polling its packet counters every
 * two intervals while rx or tx is set. Activation sets nothing (the LED
 * keeps its brightness until a file is written). Linux 6.12 adds the
 * duplex, error-counter and offloaded files; its per-speed link files only
 * show for interfaces that report link speeds, which no emulated one does.
 */
export class NetdevTrigger implements LedTrigger {
  readonly name = 'netdev'

  constructor (private readonly net: NetSource, private readonly linkModes: boolean) {}

  private state (led: LedClassdev): NetdevState {
    return triggerState(led, NetdevState, 'netdev')
  }

  activate (led: LedClassdev): void {
    const s = new NetdevState(led, this.net, this.linkModes)
    led.triggerData = s
    s.unsubscribe = this.net.subscribe((event, name) => s.notify(event, name))
  }

  deactivate (led: LedClassdev): void {
    const s = this.state(led)
    s.unsubscribe()
    s.work.cancel()
  }

  attributes (led: LedClassdev): SysfsNode[] {
    return this.state(led).nodes()
  }
}
