import { execFile } from 'node:child_process'
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, symlinkSync, writeFileSync, type Stats } from 'node:fs'
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

const mount = async (...args: string[]): Promise<void> => await run('mount', args)

function lstatOrUndefined (path: string): Stats | undefined {
  try { return lstatSync(path) } catch { return undefined }
}

/** Put `from` (a directory or file) at `to` by a bind mount, or a symlink with the same text. */
async function place (from: string, to: string, st: Stats, text: () => Promise<string>): Promise<void> {
  if (st.isSymbolicLink()) {
    symlinkSync(await text(), to)
  } else if (st.isDirectory()) {
    mkdirSync(to, { mode: st.mode & 0o7777 })
    // --no-canonicalize: the kernel, not mount(8), resolves /proc/PID/fd/N/NAME,
    // and so finds the entry under the covered directory, not its new mount point.
    await mount('--no-canonicalize', '--rbind', from, to)
  } else {
    writeFileSync(to, '', { mode: st.mode & 0o7777 })
    await mount('--no-canonicalize', '--bind', from, to)
  }
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
  const undo = async (): Promise<void> => {
    for (const m of [...covered].reverse()) await run('umount', ['-l', m])
    covered.length = 0
  }
  const walk = async (rel: string): Promise<void> => {
    const host = join(sys, rel)
    const mine = join(ours, rel)
    const names = await readdir(mine)
    const missing = names.filter(n => lstatOrUndefined(join(host, n)) === undefined || replace.includes(join(rel, n)))
    if (missing.length > 0) {
      const fd = openSync(host, constants.O_RDONLY | constants.O_DIRECTORY)
      try {
        const original = `/proc/${process.pid}/fd/${fd}`
        const hostNames = readdirSync(original)
        const st = fstatSync(fd)
        await mount('-t', 'tmpfs', '-o', `mode=${(st.mode & 0o7777).toString(8)}`, 'ledfs-sys', host)
        covered.push(host)
        for (const n of hostNames) {
          if (missing.includes(n)) continue
          const from = join(original, n)
          await place(from, join(host, n), lstatSync(from), async () => readlinkSync(from))
        }
      } finally {
        closeSync(fd)
      }
      for (const n of missing) {
        const from = join(mine, n)
        await place(from, join(host, n), await lstat(from), async () => await readlink(from))
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
  } catch (e) {
    await undo().catch(() => {})
    throw e
  }
  return { tmpfs: covered, undo }
}
