/**
 * Virtual time: how long 24 hours of `0 1000 255 2000` (a 50 ms dimming
 * pattern) take to simulate, on 1 LED and on 1000 LEDs. Baseline, measured in
 * the same run: the same number of wake-ups through the virtual clock with
 * empty callbacks, i.e. the cost of the clock alone.
 */
import { performance } from 'node:perf_hooks'
import { KernelError } from '../lib/abi/errno'
import { VirtualClock } from '../lib/clock/virtual-clock'
import { LedSystem } from '../lib/system'

const DAY = 24 * 3600 * 1000

function write (sys: LedSystem, path: string, data: string): void {
  const of = sys.kernfs.open(sys.kernfs.lookup(path), { read: false, write: true })
  const n = sys.kernfs.write(of, Buffer.from(data), 0)
  if (n !== data.length) throw new KernelError('EIO', `short write to ${path}`)
}

function simulate (leds: number, ms: number): { seconds: number, events: number, wakeups: number } {
  const clock = new VirtualClock()
  const names = Array.from({ length: leds }, (_, i) => `led${i}`)
  const sys = new LedSystem({ leds: names.map(name => ({ name })), clock, maxTimelineEvents: 1 })
  let events = 0
  sys.timeline.addSink(() => { events++ })
  for (const n of names) {
    write(sys, `/${n}/trigger`, 'pattern\n')
    write(sys, `/${n}/pattern`, '0 1000 255 2000\n')
  }
  const t0 = performance.now()
  const wakeups = clock.advance(ms)
  const seconds = (performance.now() - t0) / 1000
  sys.dispose()
  return { seconds, events, wakeups }
}

function baseline (wakeups: number): number {
  const clock = new VirtualClock()
  let left = wakeups
  const tick = (): void => { if (--left > 0) clock.schedule(clock.now() + 4, tick) }
  clock.schedule(4, tick)
  const t0 = performance.now()
  clock.advance(wakeups * 4 + 4)
  return (performance.now() - t0) / 1000
}

function main (): void {
  const one = simulate(1, DAY)
  const base1 = baseline(one.wakeups)
  console.log(`virtual time, 1 LED, 24 h of "0 1000 255 2000": ${one.seconds.toFixed(3)} s (target < 1 s), ${one.events} brightness changes, ${one.wakeups} wake-ups; clock-only baseline ${base1.toFixed(3)} s; ratio ${(one.seconds / base1).toFixed(1)}x`)
  const full = process.argv.includes('--quick') ? 60 * 60 * 1000 : DAY
  const many = simulate(1000, full)
  const scale = DAY / full
  const base = baseline(Math.min(many.wakeups, 5_000_000))
  const baseScaled = base * (many.wakeups / Math.min(many.wakeups, 5_000_000))
  console.log(`virtual time, 1000 LEDs, ${full === DAY ? '24 h' : '1 h (x24 extrapolated)'}: ${(many.seconds * scale).toFixed(2)} s for 24 h (target < 60 s), ${many.events * scale} brightness changes; clock-only baseline ${(baseScaled * scale).toFixed(2)} s; ratio ${(many.seconds / baseScaled).toFixed(1)}x`)
}

main()
