import { constants } from 'node:fs'
import { isKernelError, errnoNumber, KernelError } from '../abi/errno'
import type { Kernfs, NodeStat, OpenFile } from '../sysfs/kernfs'

type Cb<T = void> = T extends void ? (err: number) => void : (err: number, value?: T) => void

/** The subset of fuse-native's operation table that ledfs implements. */
export interface FuseOps {
  getattr: (path: string, cb: (err: number, stat?: NodeStat) => void) => void
  fgetattr: (path: string, fd: number, cb: (err: number, stat?: NodeStat) => void) => void
  readdir: (path: string, cb: (err: number, names?: string[]) => void) => void
  readlink: (path: string, cb: (err: number, target?: string) => void) => void
  open: (path: string, flags: number, cb: (err: number, fd?: number) => void) => void
  release: (path: string, fd: number, cb: Cb) => void
  read: (path: string, fd: number, buf: Buffer, len: number, pos: number, cb: (n: number) => void) => void
  write: (path: string, fd: number, buf: Buffer, len: number, pos: number, cb: (n: number) => void) => void
  truncate: (path: string, size: number, cb: Cb) => void
  ftruncate: (path: string, fd: number, size: number, cb: Cb) => void
  chmod: (path: string, mode: number, cb: Cb) => void
  chown: (path: string, uid: number, gid: number, cb: Cb) => void
  utimens: (path: string, atime: number, mtime: number, cb: Cb) => void
  create: (path: string, mode: number, cb: (err: number, fd?: number) => void) => void
  mknod: (path: string, mode: number, dev: number, cb: Cb) => void
  unlink: (path: string, cb: Cb) => void
  rmdir: (path: string, cb: Cb) => void
  mkdir: (path: string, mode: number, cb: Cb) => void
  rename: (src: string, dest: string, cb: Cb) => void
  link: (src: string, dest: string, cb: Cb) => void
  symlink: (target: string, path: string, cb: Cb) => void
  statfs: (path: string, cb: (err: number, st?: object) => void) => void
}

const O_ACCMODE = 3

/** How a handler failure is reported: the kernel's errno, or EIO for a bug (logged). */
function toErrno (e: unknown, log: (msg: string) => void): number {
  if (isKernelError(e)) return -e.errno
  log(`internal error, answered EIO: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
  return -errnoNumber('EIO')
}

function parentOf (path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}

/**
 * Translates FUSE calls into kernfs calls. Holds only the open-file table;
 * every decision about what a call does is kernfs's.
 */
export function makeFuseOps (fs: Kernfs, log: (msg: string) => void = (m) => console.error(`ledfs: ${m}`), beforeOp?: () => void): FuseOps {
  const files = new Map<number, OpenFile>()
  let nextFh = 1
  const fail = (e: unknown): number => toErrno(e, log)

  /** Run a handler that answers with an errno only. */
  const run = (cb: Cb, fn: () => void): void => {
    let err = 0
    try { fn() } catch (e) { err = fail(e) }
    cb(err)
  }

  /**
   * Calls sysfs has no inode operation for: they fail with EPERM, or with
   * the error the VFS finds first (the name missing, or already there).
   */
  const unsupported = (path: string, mustExist: boolean, cb: Cb): void => run(cb, () => {
    if (mustExist) fs.lookup(path)
    else {
      let exists = true
      try { fs.lookup(path) } catch { exists = false }
      if (exists) throw new KernelError('EEXIST')
      const parent = fs.lookup(parentOf(path))
      if (parent.kind !== 'dir') throw new KernelError('ENOTDIR')
    }
    throw new KernelError('EPERM')
  })

  const ops: FuseOps = {
    getattr (path, cb) {
      try { cb(0, fs.stat(fs.lookup(path))) } catch (e) { cb(fail(e)) }
    },
    fgetattr (path, fd, cb) {
      const of = files.get(fd)
      try { cb(0, fs.stat(of !== undefined ? of.node : fs.lookup(path))) } catch (e) { cb(fail(e)) }
    },
    readdir (path, cb) {
      try { cb(0, fs.readdir(fs.lookup(path))) } catch (e) { cb(fail(e)) }
    },
    readlink (path, cb) {
      try { cb(0, fs.readlink(fs.lookup(path))) } catch (e) { cb(fail(e)) }
    },
    open (path, flags, cb) {
      try {
        const acc = flags & O_ACCMODE
        const of = fs.open(fs.lookup(path), { read: acc !== constants.O_WRONLY, write: acc !== constants.O_RDONLY })
        const fh = nextFh++
        files.set(fh, of)
        cb(0, fh)
      } catch (e) { cb(fail(e)) }
    },
    release (_path, fd, cb) {
      files.delete(fd)
      cb(0)
    },
    read (_path, fd, buf, len, pos, cb) {
      const of = files.get(fd)
      if (of === undefined) { cb(-errnoNumber('EBADF')); return }
      try {
        const out = fs.read(of, pos, len)
        out.copy(buf, 0, 0, Math.min(out.length, len))
        cb(Math.min(out.length, len))
      } catch (e) { cb(fail(e)) }
    },
    write (_path, fd, buf, len, pos, cb) {
      const of = files.get(fd)
      if (of === undefined) { cb(-errnoNumber('EBADF')); return }
      try {
        cb(fs.write(of, buf.subarray(0, len), pos))
      } catch (e) { cb(fail(e)) }
    },
    truncate (path, _size, cb) { run(cb, () => fs.truncate(fs.lookup(path))) },
    ftruncate (path, fd, _size, cb) {
      run(cb, () => { const of = files.get(fd); fs.truncate(of !== undefined ? of.node : fs.lookup(path)) })
    },
    chmod (path, mode, cb) { run(cb, () => { fs.lookup(path).mode = mode & 0o7777 }) },
    chown (path, _uid, _gid, cb) { run(cb, () => { fs.lookup(path) }) },
    utimens (path, _a, _m, cb) { run(cb, () => { fs.lookup(path) }) },
    create (path, _mode, cb) {
      // The VFS asks the directory to create the file; sysfs directories cannot.
      try {
        const parent = fs.lookup(parentOf(path))
        if (parent.kind !== 'dir') throw new KernelError('ENOTDIR')
        throw new KernelError('EACCES')
      } catch (e) { cb(fail(e)) }
    },
    mknod (path, _mode, _dev, cb) { unsupported(path, false, cb) },
    unlink (path, cb) { unsupported(path, true, cb) },
    rmdir (path, cb) { unsupported(path, true, cb) },
    mkdir (path, _mode, cb) { unsupported(path, false, cb) },
    rename (src, _dest, cb) { unsupported(src, true, cb) },
    link (src, _dest, cb) { unsupported(src, true, cb) },
    symlink (_target, path, cb) { unsupported(path, false, cb) },
    statfs (_path, cb) {
      // sysfs reports its magic and zero blocks; FUSE shows its own type, so only the sizes matter.
      cb(0, { bsize: 4096, frsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, favail: 0, fsid: 0, flag: 0, namemax: 255 })
    }
  }
  if (beforeOp === undefined) return ops
  // Let the engine catch up first: when the event loop is busy with FUSE
  // requests, a timer that is already due runs before the request is answered.
  const wrapped: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(ops)) {
    wrapped[name] = (...args: unknown[]) => {
      try { beforeOp() } catch (e) { log(`catching up timers failed: ${e instanceof Error ? e.message : String(e)}`) }
      return (fn as (...a: unknown[]) => unknown)(...args)
    }
  }
  return wrapped as unknown as FuseOps
}
