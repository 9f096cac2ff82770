import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdirSync, openSync, readdirSync, statSync } from 'node:fs'

export const SYS_CLASS = '/sys/class'
export const LEDS_DIR = '/sys/class/leds'

function mount (...args: string[]): void {
  execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/**
 * Inside a private mount namespace, make sure /sys/class/leds is an empty
 * directory ledfs can mount on. Where the machine has one, it is used as it
 * is. Where it has none (no LED class driver, or a container), a tmpfs goes
 * over /sys/class and every class that was there is bound back from a
 * directory handle taken before, so the rest of /sys/class looks unchanged.
 * All of it disappears with the namespace.
 */
export function prepareSysClassLeds (): void {
  let exists = false
  try { exists = statSync(LEDS_DIR).isDirectory() } catch { exists = false }
  if (exists) return
  const fd = openSync(SYS_CLASS, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    const original = `/proc/${process.pid}/fd/${fd}`
    const names = readdirSync(original)
    mount('-t', 'tmpfs', '-o', 'mode=0755', 'ledfs-class', SYS_CLASS)
    for (const name of names) {
      mkdirSync(`${SYS_CLASS}/${name}`)
      mount('--bind', `${original}/${name}`, `${SYS_CLASS}/${name}`)
    }
    mkdirSync(LEDS_DIR, { mode: 0o755 })
  } finally {
    closeSync(fd)
  }
}
