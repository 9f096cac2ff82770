import type { Kernfs, NodeStat } from '../sysfs/kernfs'
import type { SysfsNode } from '../sysfs/nodes'
import { SysfsVfs, STATFS, type NameOp } from './vfs'

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

function splitPath (path: string): { parent: string, name: string } {
  const i = path.lastIndexOf('/')
  return { parent: i <= 0 ? '/' : path.slice(0, i), name: path.slice(i + 1) }
}

/**
 * fuse-native's path-based calls: find the node by path, then do what
 * SysfsVfs does for every transport.
 */
export function makeFuseOps (fs: Kernfs, log: (msg: string) => void = (m) => console.error(`ledfs: ${m}`), beforeOp?: () => void): FuseOps {
  const vfs = new SysfsVfs(fs, log)
  const fail = (e: unknown): number => vfs.errno(e)

  /** Run a handler that answers with an errno only. */
  const run = (cb: Cb, fn: () => void): void => {
    let err = 0
    try { fn() } catch (e) { err = fail(e) }
    cb(err)
  }
  const refuse = (op: NameOp, path: string, cb: Cb): void => run(cb, () => {
    const { parent, name } = splitPath(path)
    vfs.refuse(op, fs.lookup(parent), name)
  })
  const nodeOf = (path: string, fd?: number): SysfsNode => (fd !== undefined ? vfs.fileNode(fd) : undefined) ?? fs.lookup(path)

  const ops: FuseOps = {
    getattr (path, cb) {
      try { cb(0, vfs.stat(fs.lookup(path))) } catch (e) { cb(fail(e)) }
    },
    fgetattr (path, fd, cb) {
      try { cb(0, vfs.stat(nodeOf(path, fd))) } catch (e) { cb(fail(e)) }
    },
    readdir (path, cb) {
      try { cb(0, vfs.list(fs.lookup(path)).map(n => n.name)) } catch (e) { cb(fail(e)) }
    },
    readlink (path, cb) {
      try { cb(0, vfs.readlink(fs.lookup(path))) } catch (e) { cb(fail(e)) }
    },
    open (path, flags, cb) {
      try { cb(0, vfs.open(fs.lookup(path), flags)) } catch (e) { cb(fail(e)) }
    },
    release (_path, fd, cb) {
      vfs.release(fd)
      cb(0)
    },
    read (_path, fd, buf, len, pos, cb) {
      try {
        const out = vfs.read(fd, pos, len)
        out.copy(buf, 0, 0, out.length)
        cb(out.length)
      } catch (e) { cb(fail(e)) }
    },
    write (_path, fd, buf, len, pos, cb) {
      try { cb(vfs.write(fd, buf.subarray(0, len), pos)) } catch (e) { cb(fail(e)) }
    },
    truncate (path, size, cb) { run(cb, () => vfs.setattr(fs.lookup(path), { size })) },
    ftruncate (path, fd, size, cb) { run(cb, () => vfs.setattr(nodeOf(path, fd), { size })) },
    chmod (path, mode, cb) { run(cb, () => vfs.setattr(fs.lookup(path), { mode })) },
    chown (path, _uid, _gid, cb) { run(cb, () => vfs.setattr(fs.lookup(path), { other: true })) },
    utimens (path, _a, _m, cb) { run(cb, () => vfs.setattr(fs.lookup(path), { other: true })) },
    create (path, _mode, cb) { refuse('create', path, cb) },
    mknod (path, _mode, _dev, cb) { refuse('mknod', path, cb) },
    unlink (path, cb) { refuse('unlink', path, cb) },
    rmdir (path, cb) { refuse('rmdir', path, cb) },
    mkdir (path, _mode, cb) { refuse('mkdir', path, cb) },
    rename (src, _dest, cb) { refuse('rename', src, cb) },
    link (src, _dest, cb) { refuse('link', src, cb) },
    symlink (_target, path, cb) { refuse('symlink', path, cb) },
    statfs (_path, cb) { cb(0, STATFS) }
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
