import { calcColorComponents } from '../drivers/multicolor'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { activeTrigger } from '../abi/sysfs'
import { printable } from '../plot/ascii'
import { one, parseArgs, UsageError } from './args'

export const WATCH_HELP = `ledfs watch DIR [--interval MS] [--once]

A live view of every LED under DIR (a ledfs mount, or any directory laid out
like /sys/class/leds): one row per LED with its name, active trigger,
brightness/max_brightness and a bar proportional to the brightness.
Redrawn every MS milliseconds (default 50, i.e. 20 times a second) in the
terminal's alternate screen; press q or Ctrl-C to quit.

  --interval MS   time between updates (default 50)
  --once          print one frame as plain text (no escape sequences) and exit
`

const USAGE = 'usage: ledfs watch DIR [--interval MS] [--once]'
const DEFAULT_INTERVAL = 50
const BAR_MAX = 40
const BAR_MIN = 10

/** What one LED's files said; '?' where a file could not be read. */
export interface LedRow {
  name: string
  trigger: string
  brightness: string
  max: string
  /** A multicolor LED's channel levels as the class computes them, with their colours. */
  channels?: Array<{ colour: string, level: number }>
}

export interface Frame {
  rows: LedRow[]
  /** Set when DIR itself could not be listed (e.g. the mount went away). */
  error?: string
}

async function field (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

/** A short printable form of a number file's contents. */
function value (s: string | undefined): string {
  if (s === undefined) return '?'
  const v = printable(s.trim())
  return v === '' ? '?' : v.length > 12 ? v.slice(0, 12) : v
}

/** Read every LED under `dir` (subdirectories, or symlinks to directories), with async calls only. */
export async function readFrame (dir: string): Promise<Frame> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (e) {
    return { rows: [], error: `cannot list ${dir}: ${(e as Error).message}` }
  }
  names.sort()
  const rows = await Promise.all(names.map(async (name): Promise<LedRow | undefined> => {
    const path = join(dir, name)
    try {
      if (!(await stat(path)).isDirectory()) return undefined
    } catch (e) {
      // Gone since readdir: no row. Anything else: a row of '?'.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    }
    const [trigger, brightness, max, index, intensity] = await Promise.all(['trigger', 'brightness', 'max_brightness', 'multi_index', 'multi_intensity'].map(async f => await field(join(path, f))))
    const active = trigger === undefined ? undefined : activeTrigger(trigger)
    const row: LedRow = {
      name: printable(name),
      trigger: active === undefined || active === '' ? '?' : printable(active),
      brightness: value(brightness),
      max: value(max)
    }
    const colours = index?.trim().split(' ')
    const ints = intensity?.trim().split(' ').map(v => Number(v) >>> 0)
    if (colours !== undefined && ints !== undefined && colours.length === ints.length && /^[0-9]+$/.test(row.brightness) && /^[0-9]+$/.test(row.max) && Number(row.max) > 0) {
      const levels = calcColorComponents(Number(row.brightness), ints, Number(row.max))
      row.channels = colours.map((c, i) => ({ colour: printable(c), level: levels[i] }))
    }
    return row
  }))
  return { rows: rows.filter((r): r is LedRow => r !== undefined) }
}

/** The bar of a row: '#' for the lit part, '.' for the rest; blank when a value is unknown. */
export function bar (brightness: string, max: string, width: number): string {
  const b = Number(brightness)
  const m = Number(max)
  if (!/^[0-9]+$/.test(brightness) || !/^[0-9]+$/.test(max) || m <= 0) return '[' + ' '.repeat(width) + ']'
  const lit = Math.round(Math.min(b / m, 1) * width)
  return '[' + '#'.repeat(lit) + '.'.repeat(width - lit) + ']'
}

/** Where each column of a frame's rows starts and how wide the bar is, fitted to `columns`. */
function layoutOf (frame: Frame, columns: number): { nameW: number, trigW: number, valW: number, barAt: number, barW: number } {
  const nameW = Math.max(3, ...frame.rows.map(r => r.name.length))
  const trigW = Math.max(7, ...frame.rows.map(r => r.trigger.length))
  const valW = Math.max(10, ...frame.rows.map(r => `${r.brightness}/${r.max}`.length))
  const barAt = nameW + 2 + trigW + 2 + valW + 2
  return { nameW, trigW, valW, barAt, barW: Math.max(BAR_MIN, Math.min(BAR_MAX, columns - barAt - 2)) }
}

/** The lines of one frame (no escape sequences), fitted to `columns`. */
export function renderFrame (frame: Frame, columns: number): string[] {
  if (frame.error !== undefined) return [frame.error]
  if (frame.rows.length === 0) return ['(no LEDs)']
  const { nameW, trigW, valW, barW } = layoutOf(frame, columns)
  const line = (a: string, b: string, c: string, d: string): string => `${a.padEnd(nameW)}  ${b.padEnd(trigW)}  ${c.padStart(valW)}  ${d}`.replace(/ +$/, '')
  return [
    line('LED', 'TRIGGER', 'BRIGHTNESS', ''),
    ...frame.rows.map(r => line(r.name, r.trigger, `${r.brightness}/${r.max}`, bar(r.brightness, r.max, barW) + channelText(r)))
  ]
}

/**
 * A frame's lines cut to `columns`; where the terminal shows colour, a
 * multicolor LED's bar is drawn in the light's colour. The colour goes in
 * after the cut, so it never counts toward the width or loses its reset.
 */
export function frameLines (frame: Frame, columns: number, colour: boolean): string[] {
  const lines = renderFrame(frame, columns).map(l => l.slice(0, columns))
  if (!colour || frame.error !== undefined || frame.rows.length === 0) return lines
  const { barAt, barW } = layoutOf(frame, columns)
  return lines.map((l, i) => {
    const r = frame.rows[i - 1] // line 0 is the header
    const rgb = r?.channels === undefined ? undefined : mixedColour(r.channels, Number(r.max))
    if (rgb === undefined || l.length <= barAt) return l
    const end = Math.min(barAt + barW + 2, l.length)
    return `${l.slice(0, barAt)}${ESC}38;2;${rgb[0]};${rgb[1]};${rgb[2]}m${l.slice(barAt, end)}${ESC}0m${l.slice(end)}`
  })
}

/** A multicolor LED's channel levels after its bar: " red 255 green 128 blue 0". */
function channelText (r: LedRow): string {
  return r.channels === undefined ? '' : ' ' + r.channels.map(c => `${c.colour} ${c.level}`).join(' ')
}

/** The light's colour as a terminal sees it, mixed from the channels it knows (red, green, blue, white...). */
export function mixedColour (channels: Array<{ colour: string, level: number }>, max: number): [number, number, number] | undefined {
  const rgb = [0, 0, 0]
  let known = false
  const add = (c: number[], v: number): void => { for (let k = 0; k < 3; k++) rgb[k] += c[k] * v }
  for (const ch of channels) {
    const c = COLOUR_RGB[ch.colour]
    if (c === undefined) continue
    known = true
    add(c, Math.min(ch.level / max, 1))
  }
  return known ? rgb.map(v => Math.round(Math.min(v, 1) * 255)) as [number, number, number] : undefined
}

const COLOUR_RGB: Record<string, number[]> = {
  white: [1, 1, 1], red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1], amber: [1, 0.75, 0], violet: [0.56, 0, 1],
  yellow: [1, 1, 0], purple: [0.5, 0, 0.5], orange: [1, 0.65, 0], pink: [1, 0.75, 0.8], cyan: [0, 1, 1], lime: [0.75, 1, 0]
}

const ESC = '\x1b['

/** Whether the output is a terminal that takes 24-bit colour (and NO_COLOR is not set). */
function colourTerminal (out: NodeJS.WriteStream): boolean {
  return out.isTTY === true && process.env.NO_COLOR === undefined && typeof out.getColorDepth === 'function' && out.getColorDepth() >= 24
}
const ALT_ON = `${ESC}?1049h`
const ALT_OFF = `${ESC}?1049l`
const CURSOR_HIDE = `${ESC}?25l`
const CURSOR_SHOW = `${ESC}?25h`
const HOME = `${ESC}H`
const CLEAR_EOL = `${ESC}K`
const CLEAR_EOS = `${ESC}J`

async function live (dir: string, interval: number): Promise<number> {
  const out = process.stdout
  const stdin = process.stdin
  const rawInput = stdin.isTTY === true && typeof stdin.setRawMode === 'function'
  let stopped = false
  let wake: (() => void) | undefined
  const stop = (): void => { stopped = true; wake?.() }
  const onKey = (d: Buffer | string): void => {
    for (const ch of typeof d === 'string' ? d : d.toString('latin1')) if (ch === 'q' || ch === 'Q' || ch === '\x03') stop()
  }
  let last = ''
  const onResize = (): void => { last = '' }
  let restored = false
  const restore = (): void => {
    if (restored) return
    restored = true
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    process.off('exit', restore)
    out.off('resize', onResize)
    if (rawInput) {
      stdin.off('data', onKey)
      stdin.setRawMode(false)
      stdin.pause()
    }
    out.write(CURSOR_SHOW + ALT_OFF)
  }

  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  process.on('exit', restore) // last resort: never leave the terminal in the alternate screen
  out.on('resize', onResize)
  if (rawInput) {
    stdin.setRawMode(true)
    stdin.on('data', onKey)
    stdin.resume()
  }
  out.write(ALT_ON + CURSOR_HIDE + HOME + `${ESC}2J`)
  try {
    while (!stopped) {
      const started = Date.now()
      const frame = await readFrame(dir)
      if (stopped) break
      const columns = out.isTTY && out.columns > 0 ? out.columns : 80
      const rows = out.isTTY && out.rows > 0 ? out.rows : 1000
      const title = `ledfs watch ${printable(dir)}  every ${interval} ms  (q to quit)`
      let lines = [title.slice(0, columns), '', ...frameLines(frame, columns, colourTerminal(out))]
      if (lines.length > rows) {
        const hidden = lines.length - rows + 1
        lines = [...lines.slice(0, rows - 1), `... ${hidden} more`.slice(0, columns)]
      }
      // Overwrite in place: no clear screen, so no flicker; lines are cut to the width so none wraps.
      const text = HOME + lines.map(l => l + CLEAR_EOL).join('\r\n') + CLEAR_EOS
      if (text !== last) {
        out.write(text)
        last = text
      }
      const wait = Math.max(0, interval - (Date.now() - started))
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait)
        wake = () => { clearTimeout(timer); resolve() }
      })
      wake = undefined
    }
  } finally {
    restore()
  }
  return 0
}

export async function watchCommand (argv: string[]): Promise<number> {
  const p = parseArgs(argv, { interval: { value: true }, once: { value: false }, help: { value: false } }, 'watch')
  if (p.options.has('help')) { process.stdout.write(WATCH_HELP); return 0 }
  if (p.positionals.length !== 1 || p.rest.length > 0) throw new UsageError(USAGE)
  const dir = p.positionals[0]
  const iv = one(p, 'interval')
  let interval = DEFAULT_INTERVAL
  if (iv !== undefined) {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(iv) || Number(iv) < 1) throw new UsageError(`--interval takes a number of milliseconds, at least 1 (got "${iv}")`)
    interval = Number(iv)
  }
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`${dir} is not a directory (expected a ledfs mount, e.g. the DIR of \`ledfs mount DIR\`)`)
  } catch (e) {
    if (e instanceof UsageError) throw e
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UsageError(`${dir} does not exist (expected a ledfs mount, e.g. the DIR of \`ledfs mount DIR\`)`)
    throw new UsageError(`cannot open ${dir}: ${(e as Error).message}`)
  }
  if (p.options.has('once')) {
    const frame = await readFrame(dir)
    process.stdout.write(renderFrame(frame, 80).join('\n') + '\n')
    return frame.error === undefined ? 0 : 1
  }
  return await live(dir, interval)
}
