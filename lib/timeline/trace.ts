import { readFileSync } from 'node:fs'
import type { TimelineEvent } from './timeline'

/** A trace file that cannot be read or parsed; the message names the file (and line). */
export class TraceError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'TraceError'
  }
}

const LINE_FORM = '{"t":MS,"led":NAME,"brightness":VALUE} (and "channels":[LEVEL,...] for a multicolor LED)'

/** A trace's text (JSON lines as --trace writes them); errors name the file and line. */
export function parseTrace (text: string, file: string): TimelineEvent[] {
  const events: TimelineEvent[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line === '') continue
    const where = `${file}:${i + 1}`
    let o: unknown
    try {
      o = JSON.parse(line)
    } catch {
      throw new TraceError(`${where}: not a JSON line (expected ${LINE_FORM}): ${line.length > 60 ? line.slice(0, 60) + '...' : line}`)
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new TraceError(`${where}: expected an object ${LINE_FORM}`)
    const r = o as Record<string, unknown>
    if (typeof r.t !== 'number' || !Number.isFinite(r.t)) throw new TraceError(`${where}: "t" must be a number of milliseconds`)
    if (typeof r.led !== 'string' || r.led === '') throw new TraceError(`${where}: "led" must be a non-empty string`)
    if (typeof r.brightness !== 'number' || !Number.isFinite(r.brightness)) throw new TraceError(`${where}: "brightness" must be a number`)
    if (r.channels !== undefined) {
      if (!Array.isArray(r.channels) || r.channels.length === 0 || !r.channels.every(c => typeof c === 'number' && Number.isInteger(c) && c >= 0)) throw new TraceError(`${where}: "channels" must be a list of channel levels (whole numbers >= 0)`)
      events.push({ t: r.t, led: r.led, brightness: r.brightness, channels: r.channels as number[] })
    } else {
      events.push({ t: r.t, led: r.led, brightness: r.brightness })
    }
  }
  return events
}

/** Read and parse a trace file. */
export function readTraceFile (file: string): TimelineEvent[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new TraceError(`trace file ${file} does not exist`)
    if (code === 'EISDIR') throw new TraceError(`${file} is a directory, not a trace file`)
    throw new TraceError(`cannot read trace file ${file}: ${(e as Error).message}`)
  }
  return parseTrace(text, file)
}
