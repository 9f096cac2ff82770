/**
 * The baseline for FUSE latency: a minimal fuse-native mount with trivial
 * handlers and the binding's default options (one directory, one file).
 * Usage: node baseline-fs.js DIR   (prints "ready" when mounted; SIGTERM unmounts)
 * SIGUSR2 opens a window, the next prints {"requests":N} for it, as mount-child does.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const Fuse = require('fuse-native') as any

const dir = process.argv[2]
const content = Buffer.from('0 1000 255 2000\n')
const now = new Date()
const stat = (mode: number, size: number): object => ({ mtime: now, atime: now, ctime: now, size, mode, uid: 0, gid: 0, nlink: 1 })
const ops = {
  readdir: (p: string, cb: (e: number, names?: string[]) => void) => cb(0, p === '/' ? ['led'] : ['pattern']),
  getattr: (p: string, cb: (e: number, st?: object) => void) => {
    if (p === '/' || p === '/led') return cb(0, stat(0o40755, 0))
    if (p === '/led/pattern') return cb(0, stat(0o100644, 4096))
    cb(Fuse.ENOENT)
  },
  open: (_p: string, _f: number, cb: (e: number, fd?: number) => void) => cb(0, 1),
  release: (_p: string, _fd: number, cb: (e: number) => void) => cb(0),
  truncate: (_p: string, _s: number, cb: (e: number) => void) => cb(0),
  read: (_p: string, _fd: number, buf: Buffer, len: number, pos: number, cb: (n: number) => void) => {
    if (pos >= content.length) return cb(0)
    const n = content.copy(buf, 0, pos, Math.min(content.length, pos + len))
    cb(n)
  },
  write: (_p: string, _fd: number, _buf: Buffer, len: number, _pos: number, cb: (n: number) => void) => cb(len)
}
let requests = 0
let open = false
process.on('SIGUSR2', () => {
  if (open) process.stdout.write(JSON.stringify({ requests }) + '\n')
  requests = 0
  open = !open
})
const counted: Record<string, unknown> = {}
for (const [name, fn] of Object.entries(ops)) counted[name] = (...args: unknown[]) => { requests++; return (fn as (...a: unknown[]) => unknown)(...args) }
const fuse = new Fuse(dir, counted, { force: true })
fuse.mount((err: Error | null) => {
  if (err !== null && err !== undefined) { console.error(err.message); process.exit(1) }
  console.log('ready')
})
const stop = (): void => { fuse.unmount(() => process.exit(0)) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
