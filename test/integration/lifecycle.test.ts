import t from 'tap'
import { tempDir } from '../support/tmp'
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { makeFuseOps } from '../../lib/fuse/adapter'
import { Kernfs } from '../../lib/sysfs/kernfs'
import { dirNode, textAttr } from '../../lib/sysfs/nodes'
import { startMount } from '../support/mount'

const write = (p: string, s: string): void => { const fd = fs.openSync(p, 'w'); try { fs.writeSync(fd, s) } finally { fs.closeSync(fd) } }
const mounted = (dir: string): boolean => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some(l => l.split(' ')[4] === dir)

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  t.test(`${sig} unmounts while other processes hold files open`, async t => {
    const m = await startMount(['--led', 'a'])
    const holders = [0, 1, 2].map(() => spawn('sh', ['-c', `exec 3<"${join(m.ledDir('a'), 'brightness')}" 4>"${join(m.ledDir('a'), 'trigger')}"; sleep 30`], { stdio: 'ignore' }))
    await new Promise(resolve => setTimeout(resolve, 300))
    const t0 = performance.now()
    m.child.kill(sig)
    const code = await new Promise<number | null>(resolve => m.child.once('exit', resolve))
    const ms = performance.now() - t0
    t.equal(code, 0, 'clean exit')
    t.notOk(mounted(m.dir), 'unmounted')
    t.comment(`${sig}: exited ${ms.toFixed(0)} ms after the signal with 3 processes holding files open`)
    for (const h of holders) h.kill('SIGKILL')
    await m.stop()
  })
}

t.test('a second SIGTERM during shutdown still restores a real LED', async t => {
  const a = await startMount(['--led', 'real'])
  t.teardown(async () => { await a.stop() })
  write(join(a.ledDir('real'), 'brightness'), '77\n')
  const b = await startMount(['--led', `drv=sysfs:${a.ledDir('real')}`])
  b.child.kill('SIGTERM')
  b.child.kill('SIGTERM')
  b.child.kill('SIGTERM')
  t.equal(await b.stop(), 0)
  t.equal(readFileSync(join(a.ledDir('real'), 'brightness'), 'latin1'), '77\n')
})

t.test('an exception in a handler is logged and answered with EIO', async t => {
  const logged: string[] = []
  const root = dirNode('', () => [textAttr('bad', 0o644, { show: () => { throw new Error('bug in show') }, store: () => { throw new TypeError('bug in store') } })])
  const ops = makeFuseOps(new Kernfs(root), (m) => logged.push(m))
  const fh = await new Promise<number>((resolve, reject) => ops.open('/bad', 2, (err, fd) => err === 0 && fd !== undefined ? resolve(fd) : reject(new Error(String(err)))))
  const eio = -(require('node:os') as typeof import('node:os')).constants.errno.EIO
  const readRes = await new Promise<number>(resolve => ops.read('/bad', fh, Buffer.alloc(10), 10, 0, resolve))
  const writeRes = await new Promise<number>(resolve => ops.write('/bad', fh, Buffer.from('x'), 1, 0, resolve))
  t.equal(readRes, eio)
  t.equal(writeRes, eio)
  t.match(logged.join('\n'), /bug in show/)
  t.match(logged.join('\n'), /bug in store/)
  const attr = await new Promise<number>(resolve => ops.getattr('/bad', (err) => resolve(err)))
  t.equal(attr, 0, 'the file system keeps answering')
})

t.test('--allow-other: other users read, cannot write; max_brightness is read-only for everyone', async t => {
  const m = await startMount(['--led', 'a', '--allow-other'])
  t.teardown(async () => { await m.stop() })
  const led = m.ledDir('a')
  write(join(led, 'brightness'), '9\n')
  const asNobody = (cmd: string): { code: number | null, out: string, err: string } => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', '-c', cmd], { encoding: 'utf8' })
    return { code: r.status, out: r.stdout, err: r.stderr }
  }
  const r = asNobody(`cat "${led}/brightness" "${led}/trigger" | head -c 20`)
  t.equal(r.code, 0, r.err)
  t.match(r.out, /^9\n\[none\]/)
  const w = asNobody(`echo 1 > "${led}/brightness"`)
  t.not(w.code, 0)
  t.match(w.err, /Permission denied/)
  const trig = asNobody(`echo pattern > "${led}/trigger"`)
  t.match(trig.err, /Permission denied/)
  t.equal(readFileSync(join(led, 'brightness'), 'latin1'), '9\n', 'nothing changed')
  t.equal((() => { try { write(join(led, 'max_brightness'), '1\n'); return 'ok' } catch (e) { return (e as NodeJS.ErrnoException).code } })(), 'EACCES', 'root cannot write max_brightness either')
})

t.test('a mount started through the API goes away when its parent is killed', async t => {
  const dir = tempDir(t, 'orphan')
  const api = join(__dirname, '..', '..', 'lib', 'api')
  // A parent that starts a mount and is then killed outright, as a test runner's timeout does.
  const script = `require(${JSON.stringify(api)}).spawnMount([${JSON.stringify(dir)}, '--led', 'x']).then((m) => { process.stdout.write(String(m.child.pid)); process.kill(process.pid, 'SIGKILL') })`
  const r = spawnSync(process.execPath, ['--import=@tapjs/typescript/import', '-e', script], { encoding: 'utf8', cwd: join(__dirname, '..', '..') })
  t.equal(r.signal, 'SIGKILL')
  const pid = Number(r.stdout)
  t.ok(pid > 0, `the mount ran as pid ${pid}`)
  let alive = true
  for (let i = 0; i < 50 && alive; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    try { process.kill(pid, 0) } catch { alive = false }
  }
  t.notOk(alive, 'the orphaned mount process stopped')
  t.notOk(mounted(dir), 'and unmounted')
})
