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
  const sys = new LedSystem({ leds: names.map(name => ({ name })), clock, maxTimelineEvents: 0 })
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

/** The clock alone: `leds` callbacks, each re-arming itself every 56 ms, over the same span. */
function baseline (leds: number, ms: number): number {
  const clock = new VirtualClock()
  for (let i = 0; i < leds; i++) {
    const tick = (): void => { clock.schedule(clock.now() + 56, tick) }
    clock.schedule(4, tick)
  }
  const t0 = performance.now()
  clock.advance(ms)
  return (performance.now() - t0) / 1000
}

function main (): void {
  const one = simulate(1, DAY)
  const base1 = baseline(1, DAY)
  console.log(`virtual time, 1 LED, 24 h of "0 1000 255 2000": ${one.seconds.toFixed(3)} s (target < 1 s), ${one.events} brightness changes, ${one.wakeups} wake-ups; clock-only baseline ${base1.toFixed(3)} s; ratio ${(one.seconds / base1).toFixed(1)}x`)
  // The default run extrapolates 1000 LEDs from one simulated hour; BENCH_FULL_DAY=1 runs all 24 h.
  const full = process.env.BENCH_FULL_DAY === '1' ? DAY : 60 * 60 * 1000
  const many = simulate(1000, full)
  const scale = DAY / full
  const base = baseline(1000, full)
  console.log(`virtual time, 1000 LEDs, ${full === DAY ? '24 h' : '1 h (x24 extrapolated)'}: ${(many.seconds * scale).toFixed(2)} s for 24 h (target < 60 s), ${many.events * scale} brightness changes (${(many.seconds * 1e9 / many.events).toFixed(0)} ns each); clock-only baseline ${(base * scale).toFixed(2)} s; ratio ${(many.seconds / base).toFixed(1)}x`)
}

main()
