import { execFile } from 'node:child_process'
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, type Stats } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'

/*
 * The tree grafted here is usually a FUSE mount served by this very process:
 * every call that reaches it (reading it, and mount(8) looking its paths up)
 * must leave the event loop free to answer, so those are asynchronous.
 * Calls on the machine's own /sys and on tmpfs may block.
 */

async function run (cmd: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(cmd, args, (err, _out, stderr) => {
      if (err === null) resolve()
      else reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`))
    })
  })
}

function lstatOrUndefined (path: string): Stats | undefined {
  try { return lstatSync(path) } catch { return undefined }
}

/** One step of the graft, as a command line. */
type Step = string[]

const quote = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`

/** The steps that put `from` (a directory or file) at `to`: a bind mount, or a symlink with the same text. */
function place (from: string, to: string, st: Stats, linkText: string | undefined): Step[] {
  if (st.isSymbolicLink()) return [['ln', '-s', linkText ?? '', to]]
  const mode = (st.mode & 0o7777).toString(8)
  // --no-canonicalize: the kernel, not mount(8), resolves /proc/PID/fd/N/NAME,
  // and so finds the entry under the covered directory, not its new mount point.
  if (st.isDirectory()) return [['mkdir', '-m', mode, to], ['mount', '--no-canonicalize', '--rbind', from, to]]
  return [['install', '-m', mode, '/dev/null', to], ['mount', '--no-canonicalize', '--bind', from, to]]
}

/** What graftSysTree did: the tmpfs mounts it made, in order, and how to take them away. */
export interface Graft {
  tmpfs: string[]
  /** Detach every tmpfs (and with it what was bound on it), innermost first. */
  undo: () => Promise<void>
}

/**
 * Inside a private mount namespace, make every entry of the /sys-shaped tree
 * at `ours` appear at the same place under `sys` (normally /sys), while every
 * entry the machine already has stays its own:
 *
 *  - an entry the machine lacks is added: its directory gets a tmpfs on which
 *    the machine's entries come back (directories and files bound from a
 *    handle taken before, links re-made with their own text, which resolves
 *    the same since it is relative) beside ours;
 *  - a directory both have is merged the same way one level down;
 *  - a path in `replace` is taken from ours whole, hiding the machine's
 *    (/sys/class/leds: the emulated LEDs are all the LEDs there are).
 *
 * Directories are handled top down, so each tmpfs lies over what is already
 * the namespace's view. Everything disappears with the namespace; undo()
 * takes it away earlier (so that the mount at `ours` is the only one left of
 * its file system and unmounts cleanly).
 */
export async function graftSysTree (ours: string, sys: string, replace: string[] = []): Promise<Graft> {
  const covered: string[] = []
  const steps: Step[] = []
  const fds: number[] = []
  const undo = async (): Promise<void> => {
    for (const m of [...covered].reverse()) await run('umount', ['-l', m])
    covered.length = 0
  }
  // Plan first (the machine's directories as they are now, ours through the
  // mount), then carry the plan out in one shell: a mount(8) per entry from
  // here would cost a process each.
  const walk = async (rel: string): Promise<void> => {
    const host = join(sys, rel)
    const mine = join(ours, rel)
    const names = await readdir(mine)
    const missing = names.filter(n => lstatOrUndefined(join(host, n)) === undefined || replace.includes(join(rel, n)))
    if (missing.length > 0) {
      // A handle on the machine's directory, kept until the plan has run, reaches its entries once covered.
      const fd = openSync(host, constants.O_RDONLY | constants.O_DIRECTORY)
      fds.push(fd)
      const original = `/proc/${process.pid}/fd/${fd}`
      steps.push(['mount', '-t', 'tmpfs', '-o', `mode=${(fstatSync(fd).mode & 0o7777).toString(8)}`, 'ledfs-sys', host])
      covered.push(host)
      for (const n of readdirSync(original)) {
        if (missing.includes(n)) continue
        const from = join(original, n)
        const st = lstatSync(from)
        steps.push(...place(from, join(host, n), st, st.isSymbolicLink() ? readlinkSync(from) : undefined))
      }
      for (const n of missing) {
        const from = join(mine, n)
        const st = await lstat(from)
        steps.push(...place(from, join(host, n), st, st.isSymbolicLink() ? await readlink(from) : undefined))
      }
    }
    for (const n of names) {
      if (missing.includes(n)) continue
      const h = lstatSync(join(host, n))
      const m = await lstat(join(mine, n))
      // A file or link the machine has where ours has one too: the machine's stays.
      if (h.isDirectory() && m.isDirectory()) await walk(join(rel, n))
    }
  }
  try {
    await walk('')
    if (steps.length > 0) await run('sh', ['-e', '-c', steps.map(s => s.map(quote).join(' ')).join('\n')])
  } catch (e) {
    await undo().catch(() => {})
    throw e
  } finally {
    for (const fd of fds) closeSync(fd)
  }
  return { tmpfs: covered, undo }
}
