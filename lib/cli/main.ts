import { mountCommand, MOUNT_HELP } from './mount'
import { runCommand, RUN_HELP } from './run'
import { plotCommand, PLOT_HELP } from './plot'
import { watchCommand, WATCH_HELP } from './watch'
import { clockCommand, CLOCK_HELP, cpuCommand, CPU_HELP, inspectCommand, netCommand, NET_HELP, INSPECT_HELP, timelineCommand, TIMELINE_HELP } from './control'
import { UsageError } from './args'
import { MountError } from '../fuse/mount'
import { ConfigError } from '../decl/schema'

const HELP = `ledfs - the Linux LED class sysfs ABI (with the pattern trigger) as a FUSE filesystem

Usage:
  ledfs mount DIR [options]     mount an emulated /sys/class/leds at DIR (foreground)
  ledfs run [options] -- CMD     run CMD with /sys/class/leds being an ledfs mount (private namespace)
  ledfs clock DIR now|advance MS  read or advance the virtual clock of a running mount
  ledfs inspect DIR LED         show an LED backend's state (e.g. SC27xx registers)
  ledfs net DIR IFACE [...]     change a virtual machine's network interface (netdev)
  ledfs cpu DIR LOAD            set a virtual machine's CPU load (activity)
  ledfs timeline DIR            print the recorded brightness timeline
  ledfs plot TRACE [--svg FILE] chart a trace file in the terminal (and as SVG)
  ledfs watch DIR               live view of every LED of a mount (q quits)
  ledfs help [COMMAND]          show help (also: ledfs COMMAND --help)
  ledfs --version

${MOUNT_HELP}`

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>, help: string }> = {
  mount: { run: mountCommand, help: MOUNT_HELP },
  run: { run: runCommand, help: RUN_HELP },
  clock: { run: clockCommand, help: CLOCK_HELP },
  inspect: { run: inspectCommand, help: INSPECT_HELP },
  net: { run: netCommand, help: NET_HELP },
  cpu: { run: cpuCommand, help: CPU_HELP },
  timeline: { run: timelineCommand, help: TIMELINE_HELP },
  plot: { run: plotCommand, help: PLOT_HELP },
  watch: { run: watchCommand, help: WATCH_HELP }
}

export async function main (argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv
  if (cmd === undefined || cmd === '--help' || cmd === '-h') { process.stdout.write(HELP); return cmd === undefined ? 2 : 0 }
  if (cmd === '--version') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    process.stdout.write(`${(require('../../../package.json') as { version: string }).version}\n`)
    return 0
  }
  if (cmd === 'help') {
    const c = rest[0] !== undefined ? COMMANDS[rest[0]] : undefined
    process.stdout.write(c !== undefined ? c.help : HELP)
    return 0
  }
  const c = COMMANDS[cmd]
  if (c === undefined) {
    process.stderr.write(`ledfs: unknown command "${cmd}"; commands: ${Object.keys(COMMANDS).join(', ')} (see \`ledfs --help\`)\n`)
    return 2
  }
  const beforeCommand = rest.indexOf('--') < 0 ? rest : rest.slice(0, rest.indexOf('--'))
  if (beforeCommand.includes('--help') || beforeCommand.includes('-h')) { process.stdout.write(c.help); return 0 }
  try {
    return await c.run(rest)
  } catch (e) {
    if (e instanceof UsageError || e instanceof MountError || e instanceof ConfigError) {
      process.stderr.write(`ledfs: ${e.message}\n`)
      return 2
    }
    throw e
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (e) => {
    process.stderr.write(`ledfs: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`)
    process.exitCode = 1
  })
}
