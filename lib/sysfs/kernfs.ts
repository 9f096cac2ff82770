import { KernelError } from '../abi/errno'
import { PAGE_SIZE } from '../abi/sysfs'
import type { DirNode, SysfsNode, TextAttribute, BinaryAttribute } from './nodes'

export const S_IFDIR = 0o040000
export const S_IFREG = 0o100000
export const S_IFLNK = 0o120000

export interface NodeStat {
  /** File type and permission bits. */
  mode: number
  size: number
  uid: number
  gid: number
  nlink: number
  mtime: Date
  atime: Date
  ctime: Date
}

export interface OpenFlags { read: boolean, write: boolean }

/**
 * An open file of an attribute. Text attributes keep the last show() output
 * the way seq_file does: a read at offset 0 (or anywhere but where the last
 * read ended) calls show() again; a read that continues where the last one
 * ended is served from the same snapshot.
 */
export class OpenFile {
  snapshot: Buffer | null = null
  readPos = 0
  constructor (readonly node: TextAttribute | BinaryAttribute, readonly flags: OpenFlags) {}
}

function typeBits (node: SysfsNode): number {
  switch (node.kind) {
    case 'dir': return S_IFDIR
    case 'symlink': return S_IFLNK
    default: return S_IFREG
  }
}

/**
 * File semantics of sysfs (fs/kernfs, fs/sysfs) over a tree of typed nodes:
 * lookup, stat, open permission checks, page-capped stores, seq_file reads,
 * and the errors sysfs gives for everything it does not allow.
 */
export class Kernfs {
  private readonly time: Date
  constructor (readonly root: DirNode, readonly owner = { uid: 0, gid: 0 }, time = new Date()) {
    this.time = time
  }

  /** Resolve an absolute path ('/', '/led/brightness'); symlinks are not followed. */
  lookup (path: string): SysfsNode {
    let node: SysfsNode = this.root
    for (const part of path.split('/')) {
      if (part === '' || part === '.') continue
      if (node.kind !== 'dir') throw new KernelError('ENOTDIR')
      const child: SysfsNode | undefined = node.child !== undefined ? node.child(part) : node.entries().find(e => e.name === part)
      if (child === undefined) throw new KernelError('ENOENT')
      node = child
    }
    return node
  }

  stat (node: SysfsNode): NodeStat {
    let size = 0
    if (node.kind === 'text') size = PAGE_SIZE
    else if (node.kind === 'binary') size = node.size
    else if (node.kind === 'symlink') size = node.target.length
    return {
      mode: typeBits(node) | node.mode,
      size,
      uid: this.owner.uid,
      gid: this.owner.gid,
      nlink: node.kind === 'dir' ? 2 : 1,
      mtime: this.time,
      atime: this.time,
      ctime: this.time
    }
  }

  readdir (node: SysfsNode): string[] {
    if (node.kind !== 'dir') throw new KernelError('ENOTDIR')
    return node.entries().map(e => e.name)
  }

  readlink (node: SysfsNode): string {
    if (node.kind !== 'symlink') throw new KernelError('EINVAL')
    return node.target
  }

  /**
   * kernfs_fop_open(): opening for reading needs a read bit in the mode, for
   * writing a write bit (whoever asks: root included). Whether the attribute
   * has a show or store only matters when it is called (EIO).
   */
  open (node: SysfsNode, flags: OpenFlags): OpenFile {
    if (node.kind === 'dir') throw new KernelError('EISDIR')
    if (node.kind === 'symlink') throw new KernelError('ELOOP')
    if (!node.active) throw new KernelError('ENOENT')
    if (flags.read && (node.mode & 0o444) === 0) throw new KernelError('EACCES')
    if (flags.write && (node.mode & 0o222) === 0) throw new KernelError('EACCES')
    return new OpenFile(node, flags)
  }

  read (of: OpenFile, pos: number, len: number): Buffer {
    const node = of.node
    if (node.kind === 'binary') {
      if (!node.active) throw new KernelError('ENODEV')
      const count = Math.min(len, PAGE_SIZE)
      if (count === 0) return Buffer.alloc(0)
      if (node.size > 0) {
        if (pos >= node.size) return Buffer.alloc(0)
        if (pos + count > node.size) return this.binRead(node, pos, node.size - pos)
      }
      return this.binRead(node, pos, count)
    }
    if (of.snapshot !== null && pos !== 0 && pos === of.readPos) {
      // A continuing read: serve the rest of the snapshot. At its end seq_file asks
      // for the next record, which needs the node to still be there.
      if (pos >= of.snapshot.length && !node.active) throw new KernelError('ENODEV')
    } else {
      if (!node.active) throw new KernelError('ENODEV')
      of.snapshot = this.show(node)
    }
    const out = of.snapshot.subarray(Math.min(pos, of.snapshot.length), Math.min(pos + len, of.snapshot.length))
    of.readPos = pos + out.length
    return Buffer.from(out)
  }

  private binRead (node: BinaryAttribute, pos: number, count: number): Buffer {
    if (node.read === undefined) throw new KernelError('EIO')
    return node.read(pos, count)
  }

  private show (node: TextAttribute): Buffer {
    if (node.show === undefined) throw new KernelError('EIO')
    const out = node.show()
    const buf = typeof out === 'string' ? Buffer.from(out, 'latin1') : out
    // A show() that fills the page is cut to PAGE_SIZE - 1, as sysfs does.
    return buf.length >= PAGE_SIZE ? buf.subarray(0, PAGE_SIZE - 1) : buf
  }

  /** One write(2): at most a page reaches store(), whatever the offset; an empty write is a no-op. */
  write (of: OpenFile, data: Buffer, pos: number): number {
    const node = of.node
    if (!node.active) throw new KernelError('ENODEV')
    let buf = data.length > PAGE_SIZE ? data.subarray(0, PAGE_SIZE) : data
    if (node.kind === 'binary') {
      if (node.size > 0) {
        if (node.size <= pos) throw new KernelError('EFBIG')
        buf = buf.subarray(0, Math.min(buf.length, node.size - pos))
      }
      if (buf.length === 0) return 0
      if (node.write === undefined) throw new KernelError('EIO')
      return node.write(Buffer.from(buf), pos)
    }
    if (buf.length === 0) return 0
    if (node.store === undefined) throw new KernelError('EIO')
    return node.store(Buffer.from(buf))
  }

  /** truncate(2) / O_TRUNC: sysfs accepts and ignores a size change. */
  truncate (node: SysfsNode): void {
    if (node.kind === 'dir') throw new KernelError('EISDIR')
  }
}
