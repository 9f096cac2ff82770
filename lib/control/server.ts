import { createServer, type Server } from 'node:net'
import { rmSync } from 'node:fs'
import { VirtualCpu } from '../machine/cpu'
import { VirtualNet } from '../machine/net'
import type { LedSystem } from '../system'
import type { ControlRequest, ControlResponse } from './protocol'

/** What a control request does to a system; kept apart from the socket so the API can use it too. */
export function handleControl (sys: LedSystem, req: ControlRequest): ControlResponse {
  switch (req.cmd) {
    case 'info':
      return { ok: true, leds: sys.ledNames(), kernel: sys.profile.name, hz: sys.wheel.hz, clock: sys.clock.kind, machine: sys.machine.kind, now: sys.clock.now() }
    case 'now':
      return { ok: true, now: sys.clock.now(), jiffies: sys.wheel.jiffies }
    case 'advance': {
      if (sys.clock.advance === undefined) return { ok: false, error: 'the mount runs in real time; start it with --clock virtual to advance time' }
      if (typeof req.ms !== 'number' || !Number.isFinite(req.ms) || req.ms < 0) return { ok: false, error: 'advance needs a number of milliseconds >= 0' }
      const ran = sys.clock.advance(req.ms)
      return { ok: true, now: sys.clock.now(), wakeups: ran }
    }
    case 'timeline': {
      if (req.led !== undefined && !sys.ledNames().includes(req.led)) return { ok: false, error: `no LED named "${req.led}"` }
      const events = sys.timeline.list(req.led)
      if (req.clear === true) sys.timeline.clear()
      return { ok: true, events }
    }
    case 'inspect': {
      if (!sys.ledNames().includes(req.led)) return { ok: false, error: `no LED named "${req.led}"` }
      const led = sys.led(req.led)
      // brightness is what the brightness file shows (led_cdev->brightness); timelineLevel is the
      // light as last recorded, which a hardware pattern moves while brightness stands still.
      return { ok: true, led: req.led, driver: led.driver.kind, brightness: led.brightness, timelineLevel: led.recordedLevel, trigger: led.trigger?.name ?? 'none', state: led.driver.inspect?.() ?? {} }
    }
    case 'netdev': {
      const net = sys.machine.net
      if (!(net instanceof VirtualNet)) return { ok: false, error: 'the mount watches the host\'s network interfaces; start it with --machine virtual (or --clock virtual) to set them' }
      const { cmd: _cmd, name, ...update } = req
      return { ok: true, name, state: net.set(name, update) ?? null }
    }
    case 'cpu-load': {
      const cpu = sys.machine.cpu
      if (!(cpu instanceof VirtualCpu)) return { ok: false, error: 'the mount reads the host\'s CPU counters; start it with --machine virtual (or --clock virtual) to set the load' }
      cpu.set(req.load, req.cpus)
      return { ok: true }
    }
    default:
      return { ok: false, error: `unknown command ${JSON.stringify((req as { cmd?: unknown }).cmd)}` }
  }
}

export class ControlServer {
  private constructor (private readonly server: Server, readonly path: string) {}

  static async listen (sys: LedSystem, path: string): Promise<ControlServer> {
    if (!path.startsWith('\0')) rmSync(path, { force: true })
    const server = createServer((sock) => {
      let buf = ''
      sock.setEncoding('utf8')
      sock.on('data', (d: string) => {
        buf += d
        let nl
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          let res: ControlResponse
          try {
            res = handleControl(sys, JSON.parse(line) as ControlRequest)
          } catch (e) {
            res = { ok: false, error: e instanceof Error ? e.message : String(e) }
          }
          sock.write(JSON.stringify(res) + '\n')
        }
      })
      sock.on('error', () => {})
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, () => { server.off('error', reject); resolve() })
    })
    server.unref()
    return new ControlServer(server, path)
  }

  async close (): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    if (!this.path.startsWith('\0')) rmSync(this.path, { force: true })
  }
}
