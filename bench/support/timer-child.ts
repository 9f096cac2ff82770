/**
 * The baseline of bench/daemon-cost: a Node process doing nothing but a bare
 * setTimeout loop that wakes on a 56 ms grid (the period of a dimming
 * pattern's steps at HZ=250), each timer armed for the next grid point.
 * SIGUSR2 opens the measuring window, the next SIGUSR2 prints its figures
 * as one JSON line; SIGTERM ends the process.
 */
import { performance } from 'node:perf_hooks'
import { Histogram } from './histogram'

const PERIOD = 56
const late = new Histogram()
let wakes = 0
let deadline = performance.now() + PERIOD
const tick = (): void => {
  late.record(performance.now() - deadline)
  wakes++
  deadline += PERIOD
  setTimeout(tick, Math.max(0, deadline - performance.now()))
}
setTimeout(tick, PERIOD)

let open = false
process.on('SIGUSR2', () => {
  if (!open) {
    late.reset()
    wakes = 0
  } else {
    process.stdout.write(JSON.stringify({ wakes, changes: 0, late: late.summary() }) + '\n')
  }
  open = !open
})
process.on('SIGTERM', () => process.exit(0))
process.stdout.write('ready\n')
