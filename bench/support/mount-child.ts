/**
 * A mount as `ledfs mount ARGS` serves it (the same startServing: the
 * emulated kernel on the real clock, the FUSE mount with its catch-up before
 * each request, the control socket, stopping when unmounted from outside),
 * plus a timeline sink that counts brightness changes and the wake-ups they
 * came in, and records each change's lateness against its jiffy-grid time
 * (one clock read and a histogram bin per change), and the FUSE requests.
 * SIGUSR2 opens the measuring window, the next SIGUSR2 prints its figures
 * as one JSON line; SIGTERM unmounts and ends the process.
 */
import { parseMountArgs, startServing } from '../../lib/cli/mount'
import { Histogram } from './histogram'

async function main (): Promise<void> {
  const cfg = parseMountArgs(process.argv.slice(2))
  const serving = await startServing(cfg, cfg.dir, (msg) => { process.stderr.write(`ledfs: ${msg}\n`) })
  const { system, mount } = serving
  const late = new Histogram()
  let changes = 0
  let wakes = 0
  let lastT = NaN
  system.timeline.addSink((e) => {
    late.record(system.clock.now() - e.t)
    changes++
    if (e.t !== lastT) {
      wakes++
      lastT = e.t
    }
  })
  mount.onUnmounted(() => process.exit(1))
  let open = false
  process.on('SIGUSR2', () => {
    if (!open) {
      late.reset()
      changes = 0
      wakes = 0
      mount.requests = 0
    } else {
      process.stdout.write(JSON.stringify({ wakes, changes, late: late.summary(), timelineEvents: system.timeline.length, requests: mount.requests }) + '\n')
    }
    open = !open
  })
  process.on('SIGTERM', () => {
    serving.stop().finally(() => process.exit(0))
  })
  process.stdout.write('ready\n')
}

main().catch((e) => { process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exit(1) })
