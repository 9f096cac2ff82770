import { constants } from 'node:fs'
import { isKernelError, errnoNumber, KernelError } from '../abi/errno'
import type { Kernfs, NodeStat, OpenFile } from '../sysfs/kernfs'
import type { SysfsNode } from '../sysfs/nodes'

const O_ACCMODE = 3

/** The name operations sysfs has no inode operation for. */
export type NameOp = 'mknod' | 'mkdir' | 'unlink' | 'rmdir' | 'symlink' | 'rename' | 'link' | 'create'

/** What a setattr request changes. */
export interface AttrChange {
  mode?: number
  /** truncate(2), ftruncate(2), or O_TRUNC where the transport sends it apart. */
  size?: number
  /** chown or utimes: sysfs accepts and keeps nothing we report. */
  other?: boolean
}

/** The statfs answer: sysfs counts no blocks; FUSE shows its own type, so only the sizes matter. */
export const STATFS = { bsize: 4096, frsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, favail: 0, fsid: 0, flag: 0, namemax: 255 }

/**
 * What every FUSE transport does with a request once it knows which node it
 * is about: the open-file table and the translation into kernfs calls. A
 * transport only finds the node (by path or by inode number) and turns the
 * answer or the thrown KernelError into its reply.
 */
export class SysfsVfs {
  private readonly files = new Map<number, OpenFile>()
  private nextFh = 1

  constructor (readonly fs: Kernfs, readonly log: (msg: string) => void = (m) => console.error(`ledfs: ${m}`)) {}

  /** The negative errno to answer for a failure; a bug (not a KernelError) is logged and answered EIO. */
  errno (e: unknown): number {
    if (isKernelError(e)) return -e.errno
    this.log(`internal error, answered EIO: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
    return -errnoNumber('EIO')
  }

  stat (node: SysfsNode): NodeStat {
    return this.fs.stat(node)
  }

  /** The node behind an open file handle, or undefined for an unknown handle. */
  fileNode (fh: number): SysfsNode | undefined {
    return this.files.get(fh)?.node
  }

  /** One entry of a directory (no symlinks followed); ENOTDIR when `dir` is not one. */
  child (dir: SysfsNode, name: string): SysfsNode | undefined {
    if (dir.kind !== 'dir') throw new KernelError('ENOTDIR')
    return dir.child !== undefined ? dir.child(name) : dir.entries().find(e => e.name === name)
  }

  /** A directory's entries in listing order, as kernfs lists them. */
  list (dir: SysfsNode): SysfsNode[] {
    if (dir.kind !== 'dir') throw new KernelError('ENOTDIR')
    return dir.entries()
  }

  readlink (node: SysfsNode): string {
    return this.fs.readlink(node)
  }

  /** open(2) with the flags the kernel passed; answers the file handle. */
  open (node: SysfsNode, flags: number): number {
    const acc = flags & O_ACCMODE
    const of = this.fs.open(node, { read: acc !== constants.O_WRONLY, write: acc !== constants.O_RDONLY })
    if ((flags & constants.O_TRUNC) !== 0 && acc !== constants.O_RDONLY) this.fs.truncate(node)
    const fh = this.nextFh++
    this.files.set(fh, of)
    return fh
  }

  release (fh: number): void {
    this.files.delete(fh)
  }

  read (fh: number, pos: number, len: number): Buffer {
    const of = this.files.get(fh)
    if (of === undefined) throw new KernelError('EBADF')
    const out = this.fs.read(of, pos, len)
    return out.length > len ? out.subarray(0, len) : out
  }

  write (fh: number, data: Buffer, pos: number): number {
    const of = this.files.get(fh)
    if (of === undefined) throw new KernelError('EBADF')
    return this.fs.write(of, data, pos)
  }

  /** chmod, truncate, chown, utimes: sysfs keeps a new mode and ignores the rest. */
  setattr (node: SysfsNode, change: AttrChange): void {
    if (change.size !== undefined) this.fs.truncate(node)
    if (change.mode !== undefined) node.mode = change.mode & 0o7777
  }

  /**
   * A name operation in `parent`: sysfs directories have none, so the
   * answer is the error the VFS finds first (the name missing, or already
   * there), then EPERM, or EACCES for creating a file.
   */
  refuse (op: NameOp, parent: SysfsNode, name: string): never {
    const existing = this.child(parent, name)
    switch (op) {
      case 'unlink': case 'rmdir': case 'rename':
        if (existing === undefined) throw new KernelError('ENOENT')
        break
      case 'mknod': case 'mkdir': case 'symlink':
        if (existing !== undefined) throw new KernelError('EEXIST')
        break
      case 'create':
        throw new KernelError('EACCES')
      case 'link':
        break
    }
    throw new KernelError('EPERM')
  }
}
