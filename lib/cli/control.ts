import { controlRequest } from '../control/client'
import type { ControlRequest } from '../control/protocol'
import { eventToJson, type TimelineEvent } from '../timeline/timeline'
import { one, parseArgs, UsageError } from './args'

export const CLOCK_HELP = `ledfs clock DIR now
ledfs clock DIR advance MS

Talks to the mount running at DIR. \`now\` prints its clock (ms) and jiffies;
\`advance MS\` (only with --clock virtual) runs every timer due in the next MS
milliseconds, in order, and returns when done.
`

export const INSPECT_HELP = `ledfs inspect DIR LED

Prints, as JSON, the state of LED in the mount running at DIR: "brightness"
as its brightness file shows it, "timelineLevel" the level last recorded on
the timeline (they differ while a hardware pattern runs), the trigger, and
its backend's state: for an sc27xx LED its PMIC registers (CTRL, DUTY,
CURVE0, CURVE1 and the fields decoded), for a sysfs LED its target and what
will be restored.
`

export const TIMELINE_HELP = `ledfs timeline DIR [--led NAME] [--clear]

Prints the brightness timeline the mount at DIR has recorded, one JSON line
per change: {"t":MS,"led":NAME,"brightness":VALUE}. --clear empties it after.
`

async function ask (dir: string, req: ControlRequest): Promise<Record<string, unknown>> {
  let res
  try {
    res = await controlRequest(dir, req)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  if (!res.ok) throw new UsageError(res.error)
  return res
}

export async function clockCommand (argv: string[]): Promise<number> {
  const p = parseArgs(argv, { help: { value: false } }, 'clock')
  const [dir, sub, ms] = p.positionals
  if (dir === undefined || (sub !== 'now' && sub !== 'advance')) throw new UsageError('usage: ledfs clock DIR now | ledfs clock DIR advance MS')
  if (sub === 'now') {
    if (p.positionals.length !== 2) throw new UsageError('usage: ledfs clock DIR now')
    const r = await ask(dir, { cmd: 'now' })
    process.stdout.write(`${String(r.now)} ms (jiffies ${String(r.jiffies)})\n`)
    return 0
  }
  if (ms === undefined || p.positionals.length !== 3 || !/^[0-9]+(\.[0-9]+)?$/.test(ms)) throw new UsageError(`advance takes a number of milliseconds (got ${ms === undefined ? 'nothing' : `"${ms}"`})`)
  const r = await ask(dir, { cmd: 'advance', ms: Number(ms) })
  process.stdout.write(`${String(r.now)}\n`)
  return 0
}

export async function inspectCommand (argv: string[]): Promise<number> {
  const p = parseArgs(argv, { help: { value: false } }, 'inspect')
  if (p.positionals.length !== 2) throw new UsageError('usage: ledfs inspect DIR LED')
  const r = await ask(p.positionals[0], { cmd: 'inspect', led: p.positionals[1] })
  delete r.ok
  process.stdout.write(JSON.stringify(r, null, 2) + '\n')
  return 0
}

export async function timelineCommand (argv: string[]): Promise<number> {
  const p = parseArgs(argv, { led: { value: true }, clear: { value: false }, help: { value: false } }, 'timeline')
  if (p.positionals.length !== 1) throw new UsageError('usage: ledfs timeline DIR [--led NAME] [--clear]')
  const r = await ask(p.positionals[0], { cmd: 'timeline', led: one(p, 'led'), clear: p.options.has('clear') })
  for (const e of r.events as TimelineEvent[]) process.stdout.write(eventToJson(e) + '\n')
  return 0
}
