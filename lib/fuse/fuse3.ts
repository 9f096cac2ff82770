import { errnoNumber, KernelError } from '../abi/errno'
import type { Kernfs } from '../sysfs/kernfs'
import { onNodesRemoved, type SysfsNode } from '../sysfs/nodes'
import type { NativeAddon } from '../native/addon'
import { SysfsVfs, type NameOp } from './vfs'

/**
 * What the addon calls, on the main thread, one request at a time. Numbers
 * below zero are errnos; attributes go into the shared array.
 */
interface Fuse3Handlers {
  lookup: (parent: number, name: string) => number
  forget: (ino: number, nlookup: number) => void
  getattr: (ino: number, fh: number) => number
  setattr: (ino: number, fh: number, what: number, mode: number, size: number) => number
  readlink: (ino: number) => string | number
  open: (ino: number, flags: number) => number
  read: (fh: number, size: number, off: number) => Buffer | number
  write: (fh: number, data: Buffer, off: number) => number
  release: (fh: number) => void
  opendir: (ino: number) => number
  readdir: (fh: number, off: number) => Array<string | number> | number
  releasedir: (fh: number) => void
  nameop: (kind: number, parent: number, name: string) => number
  unmounted: () => void
}

/** The addon's name operation codes, in its order. */
const NAME_OPS: NameOp[] = ['mknod', 'mkdir', 'unlink', 'rmdir', 'symlink', 'rename', 'link', 'create']

/** Attribute slots shared with the addon. */
const A = { ino: 0, mode: 1, nlink: 2, uid: 3, gid: 4, size: 5, atime: 6, mtime: 7, ctime: 8 } as const

/** setattr's change bits, as the addon folds them. */
const SET_MODE = 1
const SET_SIZE = 4

const ROOT_INO = 1

/**
 * How long the kernel may keep names and attributes. Names can be cached
 * because a removed file's name is invalidated before the request that
 * removed it is answered; a second is the bound if that ever has to wait.
 */
const ENTRY_TIMEOUT_S = 1
const ATTR_TIMEOUT_S = 1

/**
 * After answering a request, keep reading /dev/fuse this long before the
 * event loop sleeps: the rest of a file operation's requests usually follow
 * within microseconds, and a sleep and a wake-up cost more (bench/fuse-latency.ts
 * measures it: about 40% of an operation on a virtual machine). It costs
 * at most this much CPU after the last request of a burst, none when idle.
 */
export const REQUEST_SPIN_US = 50

/** A directory listing in progress: kernfs lists live, so offset 0 lists afresh. */
interface DirHandle { ino: number, entries: Array<string | number> }

/** An inode the kernel holds: the node, where it was found, and the kernel's lookup count. */
interface Inode { node: SysfsNode, parent: number, name: string, nlookup: number }

export interface Fuse3Options {
  allowOther: boolean
  log: (msg: string) => void
  beforeOp?: () => void
  /** The kernel unmounted the file system without us (fusermount -u, umount). */
  onUnmounted?: () => void
  /** How long to keep reading after a request before sleeping (default REQUEST_SPIN_US). */
  spinUs?: number
}

/**
 * A mount on libfuse 3's low-level API: inode numbers for nodes, the
 * kernel's lookup counts, and entry invalidation when files go.
 */
export class Fuse3Session {
  private readonly vfs: SysfsVfs
  private readonly attr = new Float64Array(16)
  private readonly inodes = new Map<number, Inode>()
  private readonly inoOf = new WeakMap<SysfsNode, number>()
  private nextIno = ROOT_INO + 1
  private readonly dirs = new Map<number, DirHandle>()
  private nextDirFh = 1
  private session: object | null = null
  private stopListening: () => void = () => {}

  constructor (private readonly addon: NativeAddon, fs: Kernfs, private readonly opts: Fuse3Options) {
    this.vfs = new SysfsVfs(fs, opts.log)
    this.inodes.set(ROOT_INO, { node: fs.root, parent: ROOT_INO, name: '', nlookup: 1 })
    this.inoOf.set(fs.root, ROOT_INO)
  }

  mount (dir: string): void {
    const o = ['fsname=ledfs', 'subtype=ledfs']
    // With other users on the mount, the kernel checks their access against
    // the owner and modes ledfs reports, as sysfs's inode permissions do.
    if (this.opts.allowOther) o.push('allow_other', 'default_permissions')
    this.stopListening = onNodesRemoved((nodes) => this.removed(nodes))
    try {
      this.session = this.addon.mount(dir, ['-o', o.join(',')], this.handlers(), this.attr, ENTRY_TIMEOUT_S, ATTR_TIMEOUT_S, this.opts.spinUs ?? REQUEST_SPIN_US)
    } catch (e) {
      this.stopListening()
      throw e
    }
  }

  /** Unmount (when still mounted) and let go of the session. */
  close (): void {
    const s = this.session
    if (s === null) return
    this.session = null
    this.stopListening()
    this.addon.close(s)
  }

  /** Names the kernel may have cached for removed nodes are dropped from its cache. */
  private removed (nodes: readonly SysfsNode[]): void {
    const s = this.session
    if (s === null) return
    for (const n of nodes) {
      const ino = this.inoOf.get(n)
      const inode = ino !== undefined ? this.inodes.get(ino) : undefined
      if (inode !== undefined) this.addon.invalEntry(s, inode.parent, inode.name)
    }
  }

  private inoFor (node: SysfsNode): number {
    let ino = this.inoOf.get(node)
    if (ino === undefined) {
      ino = this.nextIno++
      this.inoOf.set(node, ino)
    }
    return ino
  }

  private nodeOf (ino: number): SysfsNode {
    const inode = this.inodes.get(ino)
    if (inode === undefined) throw new KernelError('ESTALE')
    return inode.node
  }

  /**
   * The node a path walk through `ino` means now. A name the kernel still
   * had cached when its node went (an invalidation that had to wait) may
   * name a new node by now, the trigger having come back: use that one.
   * Undefined when the name is gone.
   */
  private currentNode (ino: number): SysfsNode | undefined {
    const inode = this.inodes.get(ino)
    if (inode === undefined) throw new KernelError('ESTALE')
    if (inode.node.active || ino === ROOT_INO) return inode.node
    const parent = this.currentNode(inode.parent)
    return parent !== undefined && parent.kind === 'dir' ? this.vfs.child(parent, inode.name) : undefined
  }

  /** As currentNode(), with ENOENT for a name that is gone. */
  private walked (ino: number): SysfsNode {
    const node = this.currentNode(ino)
    if (node === undefined) throw new KernelError('ENOENT')
    return node
  }

  private fillAttr (ino: number, node: SysfsNode): number {
    const st = this.vfs.stat(node)
    const a = this.attr
    a[A.ino] = ino
    a[A.mode] = st.mode
    a[A.nlink] = st.nlink
    a[A.uid] = st.uid
    a[A.gid] = st.gid
    a[A.size] = st.size
    a[A.atime] = st.atime.getTime()
    a[A.mtime] = st.mtime.getTime()
    a[A.ctime] = st.ctime.getTime()
    return 0
  }

  private handlers (): Fuse3Handlers {
    const vfs = this.vfs
    const guard = <T>(fn: () => T): T | number => {
      try { return fn() } catch (e) { return vfs.errno(e) }
    }
    const raw = this.rawHandlers(vfs, guard)
    const before = this.opts.beforeOp
    if (before === undefined) return raw
    // Every request lets the engine catch up on due timers first, as the kernel's would have run.
    const log = this.opts.log
    const wrapped: Record<string, unknown> = {}
    for (const [name, fn] of Object.entries(raw)) {
      wrapped[name] = name === 'unmounted'
        ? fn
        : (...args: unknown[]) => {
            try { before() } catch (e) { log(`catching up timers failed: ${e instanceof Error ? e.message : String(e)}`) }
            return (fn as (...a: unknown[]) => unknown)(...args)
          }
    }
    return wrapped as unknown as Fuse3Handlers
  }

  private rawHandlers (vfs: SysfsVfs, guard: <T>(fn: () => T) => T | number): Fuse3Handlers {
    return {
      lookup: (parent, name) => guard(() => {
        const child = vfs.child(this.walked(parent), name)
        if (child === undefined) return -errnoNumber('ENOENT')
        const ino = this.inoFor(child)
        const inode = this.inodes.get(ino)
        if (inode !== undefined) inode.nlookup++
        else this.inodes.set(ino, { node: child, parent, name, nlookup: 1 })
        return this.fillAttr(ino, child)
      }) as number,
      forget: (ino, nlookup) => {
        const inode = this.inodes.get(ino)
        if (inode === undefined || ino === ROOT_INO) return
        inode.nlookup -= nlookup
        if (inode.nlookup <= 0) this.inodes.delete(ino)
      },
      // By inode, a removed node still answers: a held descriptor's fstat works on sysfs.
      getattr: (ino, fh) => guard(() => this.fillAttr(ino, (fh >= 0 ? vfs.fileNode(fh) : undefined) ?? this.currentNode(ino) ?? this.nodeOf(ino))) as number,
      setattr: (ino, fh, what, mode, size) => guard(() => {
        const node = (fh >= 0 ? vfs.fileNode(fh) : undefined) ?? this.walked(ino)
        vfs.setattr(node, {
          mode: (what & SET_MODE) !== 0 ? mode : undefined,
          size: (what & SET_SIZE) !== 0 ? size : undefined,
          other: (what & ~(SET_MODE | SET_SIZE)) !== 0
        })
        return this.fillAttr(ino, node)
      }) as number,
      readlink: (ino) => guard(() => vfs.readlink(this.walked(ino))),
      open: (ino, flags) => guard(() => vfs.open(this.walked(ino), flags)) as number,
      read: (fh, size, off) => guard(() => vfs.read(fh, off, size)),
      write: (fh, data, off) => guard(() => vfs.write(fh, data, off)) as number,
      release: (fh) => { vfs.release(fh) },
      opendir: (ino) => guard(() => {
        vfs.list(this.walked(ino))
        const fh = this.nextDirFh++
        this.dirs.set(fh, { ino, entries: [] })
        return fh
      }) as number,
      readdir: (fh, off) => guard(() => {
        const d = this.dirs.get(fh)
        if (d === undefined) throw new KernelError('EBADF')
        if (off === 0) d.entries = this.listing(d.ino)
        return d.entries.slice(off * 3, off * 3 + 3 * 512)
      }),
      releasedir: (fh) => { this.dirs.delete(fh) },
      nameop: (kind, parent, name) => guard(() => vfs.refuse(NAME_OPS[kind] ?? 'mknod', this.walked(parent), name)) as number,
      unmounted: () => {
        const s = this.session
        this.session = null
        this.stopListening()
        if (s !== null) setImmediate(() => { this.addon.close(s) })
        this.opts.onUnmounted?.()
      }
    }
  }

  /** '.', '..', then the entries as kernfs lists them: [name, ino, mode] each. */
  private listing (ino: number): Array<string | number> {
    const inode = this.inodes.get(ino)
    if (inode === undefined) throw new KernelError('ESTALE')
    const out: Array<string | number> = ['.', ino, 0o040000, '..', inode.parent, 0o040000]
    for (const child of this.vfs.list(this.walked(ino))) out.push(child.name, this.inoFor(child), this.vfs.stat(child).mode)
    return out
  }
}
