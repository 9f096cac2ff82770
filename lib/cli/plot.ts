import { writeFile } from 'node:fs/promises'
import { readTraceFile, TraceError } from '../timeline/trace'
import type { TimelineEvent } from '../timeline/timeline'
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, renderAscii } from '../plot/ascii'
import { ledNames, timeRange } from '../plot/axis'
import { renderSvg } from '../plot/svg'
import { one, parseArgs, UsageError, type Parsed } from './args'

export const PLOT_HELP = `ledfs plot TRACE [--led NAME] [--from MS] [--to MS] [--width N] [--height N]
           [--max N] [--svg FILE]

Draws the brightness timeline in TRACE (a trace file: one JSON line per
change, {"t":MS,"led":NAME,"brightness":VALUE}, as written by \`ledfs mount
--trace\` or printed by \`ledfs timeline\`) as an ASCII chart on stdout, in
the style of the kernel's pattern trigger documentation. Brightness is a
step function: each value holds until the next change.

  --led NAME    only this LED (default: one chart per LED in the trace)
  --from MS     start of the time range (default: the first event)
  --to MS       end of the time range (default: the last event)
  --width N     characters per line, labels included (default ${DEFAULT_WIDTH})
  --height N    rows of the chart (default ${DEFAULT_HEIGHT})
  --max N       brightness at the top of the y axis (default: the largest
                value in the trace for that LED)
  --svg FILE    also write the chart, all LEDs on one set of axes, as SVG
`

const USAGE = 'usage: ledfs plot TRACE [--led NAME] [--from MS] [--to MS] [--width N] [--height N] [--max N] [--svg FILE]'

function numberOption (p: Parsed, name: string, check: { integer?: boolean, min?: number, positive?: boolean } = {}): number | undefined {
  const s = one(p, name)
  if (s === undefined) return undefined
  const re = check.integer === true ? /^[+-]?[0-9]+$/ : /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/
  const v = Number(s)
  if (!re.test(s.trim()) || !Number.isFinite(v)) throw new UsageError(`--${name} takes ${check.integer === true ? 'a whole number' : 'a number'} (got "${s}")`)
  if (check.min !== undefined && v < check.min) throw new UsageError(`--${name} must be at least ${check.min} (got ${s})`)
  if (check.positive === true && v <= 0) throw new UsageError(`--${name} must be more than 0 (got ${s})`)
  return v
}

export async function plotCommand (argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    led: { value: true },
    from: { value: true },
    to: { value: true },
    width: { value: true },
    height: { value: true },
    max: { value: true },
    svg: { value: true },
    help: { value: false }
  }, 'plot')
  if (p.options.has('help')) { process.stdout.write(PLOT_HELP); return 0 }
  if (p.positionals.length !== 1 || p.rest.length > 0) throw new UsageError(USAGE)
  const file = p.positionals[0]
  const led = one(p, 'led')
  const from = numberOption(p, 'from')
  const to = numberOption(p, 'to')
  const width = numberOption(p, 'width', { integer: true, min: 30 })
  const height = numberOption(p, 'height', { integer: true, min: 2 })
  const max = numberOption(p, 'max', { positive: true })
  const svg = one(p, 'svg')
  if (svg === '') throw new UsageError('--svg needs a file name')
  if (from !== undefined && to !== undefined && from >= to) throw new UsageError(`--from (${from}) must be less than --to (${to})`)

  let events: TimelineEvent[]
  try {
    events = readTraceFile(file)
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(e.message)
    throw e
  }
  if (events.length === 0) throw new UsageError(`${file} has no events`)
  const leds = ledNames(events)
  if (led !== undefined && !leds.includes(led)) {
    throw new UsageError(`no LED "${led}" in ${file}; LEDs present: ${[...leds].sort().join(', ')}`)
  }
  const chosen = led === undefined ? events : events.filter(e => e.led === led)
  try {
    timeRange(chosen, { from, to })
  } catch {
    const ts = chosen.map(e => e.t)
    throw new UsageError(`empty time range: from ${from ?? Math.min(...ts)} ms to ${to ?? Math.max(...ts)} ms (the trace${led !== undefined ? ` of ${led}` : ''} runs from ${Math.min(...ts)} to ${Math.max(...ts)} ms); --from must be less than --to`)
  }

  let chart: string
  let doc: string | undefined
  try {
    chart = renderAscii(events, { led, from, to, width, height, maxBrightness: max })
    if (svg !== undefined) doc = renderSvg(events, { led, from, to, maxBrightness: max })
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message.replace(/^plot: /, ''))
    throw e
  }
  if (svg !== undefined) {
    try {
      await writeFile(svg, doc ?? '')
    } catch (e) {
      throw new UsageError(`cannot write ${svg}: ${(e as Error).message}`)
    }
  }
  process.stdout.write(chart)
  return 0
}
