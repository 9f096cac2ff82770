import { execFileSync } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs'
import { userInfo } from 'node:os'
import { resolve } from 'node:path'
import type { Kernfs } from '../sysfs/kernfs'
import { makeFuseOps } from './adapter'
import { loadAddon, type NativeAddon } from '../native/addon'
import { Fuse3Session } from './fuse3'
import type { Transport } from './transport'

/** A failure a user can fix; `message` is one line that says how. */
export class MountError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'MountError'
  }
}

export interface MountOptions {
  transport?: Transport
  /** Let other users see the mount (needs user_allow_other in /etc/fuse.conf when not root). */
  allowOther?: boolean
  log?: (msg: string) => void
  /** Called before every FUSE request is handled (the engine catches up on due timers). */
  beforeOp?: () => void
}

interface FuseInstance {
  mount (cb: (err: Error | null) => void): void
  unmount (cb: (err: Error | null) => void): void
  _fuseOptions (): string
}

type FuseCtor = (new (mnt: string, ops: object, opts: object) => FuseInstance) & {
  unmount: (mnt: string, cb: (err: Error | null) => void) => void
}

/** What every transport needs: /dev/fuse, and for other users access to it and a user name. */
function checkFuseDevice (): void {
  if (!existsSync('/dev/fuse')) {
    throw new MountError('FUSE is not available: /dev/fuse is missing (load the module with `modprobe fuse`, or in a container run with --device /dev/fuse --cap-add SYS_ADMIN)')
  }
  const why = cannotMountAsUser()
  if (why !== undefined) throw new MountError(why)
}

function hasProgram (name: string): boolean {
  try {
    execFileSync(name, ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * The addon when the libfuse 3 transport can be used here, else why not.
 * Root mounts directly; anyone else through the setuid fusermount3.
 */
function fuse3Addon (): NativeAddon | string {
  const addon = loadAddon()
  if (addon instanceof Error) return addon.message
  if (process.getuid?.() !== 0 && !hasProgram('fusermount3')) return 'fusermount3 was not found, and mounting as a user other than root needs it (install it: `apt-get install fuse3`, or run `make deps`)'
  return addon
}

type Choice = { transport: 'fuse3', addon: NativeAddon } | { transport: 'fuse-native', why?: string }

/** The transport a mount will use: fuse3 with its addon, or fuse-native and why `auto` did not pick fuse3. */
export function chooseTransport (wanted: Transport = 'auto'): Choice {
  if (wanted === 'fuse-native') return { transport: 'fuse-native' }
  const addon = fuse3Addon()
  if (typeof addon !== 'string') return { transport: 'fuse3', addon }
  if (wanted === 'fuse3') throw new MountError(`the fuse3 transport is not available: ${addon}; or choose --transport fuse-native`)
  return { transport: 'fuse-native', why: addon }
}

function loadFuseNative (): FuseCtor {
  try {
    execFileSync('fusermount', ['-V'], { stdio: 'ignore' })
  } catch {
    throw new MountError('FUSE is not available: fusermount was not found (install it: `apt-get install fuse`, or run `make deps`)')
  }
  let Base: FuseCtor
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    Base = require('fuse-native') as FuseCtor
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e)
    throw new MountError(`FUSE is not available: the fuse-native binding did not load (${why}); install libfuse 2: \`apt-get install libfuse2\`, or run \`make deps\``)
  }
  return Base
}

/**
 * Why a user other than root cannot mount here, or undefined. libfuse mounts
 * through the setuid fusermount, which opens /dev/fuse as the user and needs
 * the user's name; when either fails libfuse only says "fuse failed".
 */
function cannotMountAsUser (): string | undefined {
  const uid = process.getuid?.()
  if (uid === undefined || uid === 0) return undefined
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK)
  } catch {
    return `uid ${uid} cannot open /dev/fuse for reading and writing: mount as root, or give users access as stock distributions do (\`chmod 0666 /dev/fuse\`, or a udev rule setting MODE="0666")`
  }
  try {
    userInfo()
  } catch {
    return `uid ${uid} has no entry in the user database (/etc/passwd), and fusermount needs a user name: add the user, or mount as root`
  }
  return undefined
}

/** Mount options ledfs needs beyond what fuse-native exposes by name. */
const EXTRA_OPTIONS = [
  // Every read and write goes to the handlers: no page cache, one write(2) = one store().
  'direct_io',
  // Without these libfuse 2 splits a write into 4 KiB requests, and a 4097-byte
  // write(2) would reach store() twice. With them a write is one request up to
  // 128 KiB; past that the kernel stops at our short (4096-byte) answer.
  'big_writes', 'max_write=131072',
  // Files come and go with triggers: every path walk looks the names up afresh
  // (and a lookup's reply refreshes the attributes, so caching those for a
  // second is safe; it saves a GETATTR per open).
  'entry_timeout=0', 'attr_timeout=1', 'negative_timeout=0'
]

function mountsAt (dir: string): boolean {
  try {
    const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    return lines.some(l => l.split(' ')[4] === dir.replace(/ /g, '\\040'))
  } catch {
    return false
  }
}

/**
 * Check DIR and clear a stale FUSE mount left there by a killed run
 * (stat fails with ENOTCONN). A live mount is an error, not something to steal.
 */
export function prepareMountpoint (dir: string, log: (msg: string) => void): string {
  const abs = resolve(dir)
  let st
  try {
    st = statSync(abs)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOTCONN' || code === 'ECONNABORTED') {
      log(`clearing a stale mount at ${abs} left by an earlier run`)
      try {
        execFileSync(hasProgram('fusermount3') ? 'fusermount3' : 'fusermount', ['-uz', abs], { stdio: 'ignore' })
      } catch {
        try { execFileSync('umount', ['-l', abs], { stdio: 'ignore' }) } catch {
          throw new MountError(`${abs} holds a stale mount that could not be removed: run \`fusermount -uz ${abs}\` as its owner or root`)
        }
      }
      return prepareMountpoint(abs, log)
    }
    if (code === 'ENOENT') throw new MountError(`mount point ${abs} does not exist: create it with \`mkdir -p ${abs}\``)
    throw new MountError(`cannot use mount point ${abs}: ${(e as Error).message}`)
  }
  if (!st.isDirectory()) throw new MountError(`mount point ${abs} is not a directory: give a directory (for example \`mkdir -p ./leds\`)`)
  if (mountsAt(abs)) throw new MountError(`${abs} is already a mount point (is another ledfs running there?): unmount it with \`fusermount -u ${abs}\` or choose another directory`)
  return abs
}

/** A live FUSE mount of a kernfs tree. */
export class FuseMount {
  private fuse: FuseInstance | null = null
  private fuse3: Fuse3Session | null = null
  /** FUSE requests the handlers saw (libfuse answers a few itself: FLUSH, STATFS on fuse3). */
  requests = 0
  private readonly unmountedListeners: Array<() => void> = []
  private unmountPoll: NodeJS.Timeout | undefined
  private constructor (readonly dir: string, readonly transport: 'fuse3' | 'fuse-native', readonly fallbackReason?: string) {}

  static async mount (dir: string, fs: Kernfs, opts: MountOptions = {}): Promise<FuseMount> {
    const log = opts.log ?? ((m: string) => console.error(`ledfs: ${m}`))
    checkFuseDevice()
    const choice = chooseTransport(opts.transport)
    let m: FuseMount | undefined
    const given = opts.beforeOp
    const beforeOp = (): void => {
      if (m !== undefined) m.requests++
      given?.()
    }
    opts = { ...opts, beforeOp }
    if (choice.transport === 'fuse3') {
      m = FuseMount.mountFuse3(choice.addon, dir, fs, opts, log)
      return m
    }
    const Base = loadFuseNative()
    const abs = prepareMountpoint(dir, log)
    class LedFuse extends (Base as unknown as new (mnt: string, ops: object, opts: object) => FuseInstance) {
      override _fuseOptions (): string {
        const base = super._fuseOptions()
        const extra = EXTRA_OPTIONS.join(',')
        return base === '' ? `-o${extra}` : `${base},${extra}`
      }
    }
    m = new FuseMount(abs, 'fuse-native', choice.why)
    const fuse = new LedFuse(abs, makeFuseOps(fs, log, opts.beforeOp), {
      fsname: 'ledfs',
      subtype: 'ledfs',
      allowOther: opts.allowOther === true,
      // With other users on the mount, the kernel checks their access against
      // the owner and modes ledfs reports, as sysfs's inode permissions do.
      defaultPermissions: opts.allowOther === true,
      timeout: false
    })
    await new Promise<void>((resolve, reject) => {
      fuse.mount((err) => {
        if (err === null || err === undefined) { resolve(); return }
        reject(new MountError(`mounting at ${abs} failed: ${err.message}${opts.allowOther === true ? ' (allow_other needs root or user_allow_other in /etc/fuse.conf)' : ''}`))
      })
    })
    m.fuse = fuse
    return m
  }

  private static mountFuse3 (addon: NativeAddon, dir: string, fs: Kernfs, opts: MountOptions, log: (msg: string) => void): FuseMount {
    const abs = prepareMountpoint(dir, log)
    const m = new FuseMount(abs, 'fuse3')
    const session = new Fuse3Session(addon, fs, {
      allowOther: opts.allowOther === true,
      log,
      beforeOp: opts.beforeOp,
      onUnmounted: () => {
        m.fuse3 = null
        m.goneFromOutside()
      }
    })
    try {
      session.mount(abs)
    } catch (e) {
      throw new MountError(`mounting at ${abs} failed: ${(e as Error).message}${opts.allowOther === true ? ' (allow_other needs root or user_allow_other in /etc/fuse.conf)' : ''}`)
    }
    m.fuse3 = session
    return m
  }

  /** Whether the kernel still has this mount (someone may have run fusermount -u). */
  stillMounted (): boolean {
    return mountsAt(this.dir)
  }

  /**
   * Call `fn` once when the mount goes without unmount() (fusermount -u,
   * umount). The fuse3 transport hears it from the kernel (its /dev/fuse
   * ends); fuse-native cannot, so /proc/self/mountinfo is read once a second.
   */
  onUnmounted (fn: () => void): void {
    this.unmountedListeners.push(fn)
    if (this.transport === 'fuse-native' && this.unmountPoll === undefined && this.fuse !== null) {
      this.unmountPoll = setInterval(() => { if (!this.stillMounted()) this.goneFromOutside() }, 1000)
    }
  }

  private goneFromOutside (): void {
    if (this.unmountPoll !== undefined) clearInterval(this.unmountPoll)
    this.unmountPoll = undefined
    const listeners = this.unmountedListeners.splice(0)
    for (const fn of listeners) fn()
  }

  async unmount (): Promise<void> {
    if (this.unmountPoll !== undefined) clearInterval(this.unmountPoll)
    this.unmountPoll = undefined
    this.unmountedListeners.length = 0
    const fuse3 = this.fuse3
    if (fuse3 !== null) {
      this.fuse3 = null
      fuse3.close()
      return
    }
    const fuse = this.fuse
    if (fuse === null) return
    this.fuse = null
    if (!this.stillMounted()) return // already unmounted from outside
    await new Promise<void>((resolve, reject) => {
      fuse.unmount((err) => { if (err === null || err === undefined) resolve(); else reject(err) })
    })
  }
}
