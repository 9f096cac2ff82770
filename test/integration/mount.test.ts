import t from 'tap'
import { tempDir } from '../support/tmp'
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CLI, startMount } from '../support/mount'
import { singleWrite } from '../support/syscall'

/** The trigger list the real 6.1 kernel showed for the oracle's LED (recorded transcript). */
// Debian 6.1 with every LED trigger module loaded lists these around pattern (the kernel oracle's 6.1-all).
const MODULES_BEFORE = 'activity audio-mute audio-micmute backlight flash torch default-on gpio heartbeat netdev oneshot'
const MODULES_AFTER = 'timer transient'
const KERNEL_TRIGGERS = 'kbd-scrolllock kbd-numlock kbd-capslock kbd-kanalock kbd-shiftlock kbd-altgrlock kbd-ctrllock kbd-altlock kbd-shiftllock kbd-shiftrlock kbd-ctrlllock kbd-ctrlrlock disk-activity disk-read disk-write ide-disk mtd nand-disk cpu cpu0 panic'

const sh = (cmd: string, cwd: string): { out: string, err: string, code: number | null } => {
  const r = spawnSync('bash', ['-c', cmd], { cwd, encoding: 'latin1' })
  return { out: r.stdout, err: r.stderr, code: r.status }
}

/** One open + one write(2) + close, like `ledprobe write`; returns bytes written or the errno code. */
function write1 (path: string, data: string | Buffer, flags = 'w'): number | string {
  let fd: number | undefined
  try {
    fd = fs.openSync(path, flags === 'w' ? fs.constants.O_WRONLY : fs.constants.O_WRONLY | fs.constants.O_TRUNC)
    return fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e)
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

function errCode (fn: () => unknown): string | undefined {
  try { fn(); return undefined } catch (e) { return (e as NodeJS.ErrnoException).code }
}

t.test('the README example through bash, byte for byte', async t => {
  const m = await startMount(['--led', 'oracle'])
  t.teardown(async () => { await m.stop() })
  const dir = m.ledDir('oracle')
  t.same(fs.readdirSync(m.dir), ['oracle'])
  t.same(fs.readdirSync(dir).sort(), ['brightness', 'device', 'max_brightness', 'power', 'subsystem', 'trigger', 'uevent'])
  t.equal(readFileSync(join(dir, 'trigger'), 'latin1'), `[none] ${KERNEL_TRIGGERS} ${MODULES_BEFORE} pattern ${MODULES_AFTER}\n`)
  const r = sh('echo pattern > trigger && echo 0 1000 255 2000 > pattern && cat pattern && echo 3 > repeat && cat repeat trigger', dir)
  t.equal(r.code, 0, r.err)
  t.equal(r.out, `0 1000 255 2000\n3\nnone ${KERNEL_TRIGGERS} ${MODULES_BEFORE} [pattern] ${MODULES_AFTER}\n`)
  t.same(fs.readdirSync(dir).sort(), ['brightness', 'device', 'max_brightness', 'pattern', 'power', 'repeat', 'subsystem', 'trigger', 'uevent'])
  const bad = sh('echo 0 1000 255 > pattern', dir)
  t.not(bad.code, 0)
  t.match(bad.err, /Invalid argument/)
  t.equal(readFileSync(join(dir, 'pattern'), 'latin1'), '', 'a failed write clears the pattern')
})

t.test('errno and byte counts of single writes', async t => {
  const m = await startMount(['--led', 'oracle'])
  t.teardown(async () => { await m.stop() })
  const p = (f: string): string => join(m.ledDir('oracle'), f)
  t.equal(write1(p('pattern'), '0 1000 255 2000\n'), 'ENOENT', 'no pattern file before the trigger is set')
  t.equal(write1(p('trigger'), 'nosuchtrigger\n'), 'EINVAL')
  t.equal(write1(p('trigger'), 'pattern'), 7)
  t.equal(write1(p('pattern'), '0 1000 256 2000\n'), 'EINVAL', 'brightness above max_brightness')
  t.equal(write1(p('pattern'), '0 4294967296 255 2000\n'), 22)
  t.equal(readFileSync(p('pattern'), 'latin1'), '0 0 255 2000\n', 'durations wrap modulo 2^32')
  t.equal(write1(p('repeat'), '2147483648\n'), 'ERANGE')
  t.equal(write1(p('repeat'), '0\n'), 'EINVAL')
  t.equal(singleWrite(p('pattern'), Buffer.from('0 1 '.repeat(1100), 'latin1')), 4096, 'a write over a page is cut to 4096 bytes')
  t.equal(singleWrite(p('pattern'), Buffer.alloc(200000, '0 1 ')), 4096, 'also past the 128 KiB FUSE request size')
  const text = readFileSync(p('pattern'), 'latin1')
  t.equal(text.length, 4095, 'show() output is cut at one page')
  t.equal(text.slice(-8), ' 0 1 0 \n', 'the last tuple is cut by the page and its last byte becomes the newline')
  t.equal(write1(p('pattern'), ''), 0, 'an empty write is a no-op')
  t.equal(readFileSync(p('pattern'), 'latin1').length, 4095)
  t.equal(write1(p('pattern'), '\n'), 1, 'a one-byte write clears and succeeds')
  t.equal(readFileSync(p('pattern'), 'latin1'), '')
  t.equal(write1(p('max_brightness'), '1\n'), 'EACCES')
  t.equal(write1(p('brightness'), '100\n', 'trunc'), 4, 'O_TRUNC is accepted as on sysfs')
  fs.truncateSync(p('brightness'), 0)
  t.equal(readFileSync(p('brightness'), 'latin1'), '100\n', 'truncate does not change an attribute')
  t.equal(write1(p('brightness'), '300\n'), 4)
  t.equal(readFileSync(p('brightness'), 'latin1'), '255\n', 'brightness clamps to max_brightness')
  t.equal(write1(p('brightness'), '-1\n'), 'EINVAL')
})

t.test('one write(2) is one store() whatever the offset; stat is sysfs-like', async t => {
  const m = await startMount(['--led', 'oracle'])
  t.teardown(async () => { await m.stop() })
  const p = (f: string): string => join(m.ledDir('oracle'), f)
  write1(p('trigger'), 'pattern\n')
  const fd = fs.openSync(p('pattern'), 'r+')
  t.equal(fs.writeSync(fd, Buffer.from('255 500 0 500\n'), 0, 14, 100), 14)
  t.equal(fs.writeSync(fd, Buffer.from('1 2 3 4\n')), 8, 'a second write on the same fd is a new store')
  fs.closeSync(fd)
  t.equal(readFileSync(p('pattern'), 'latin1'), '1 2 3 4\n')
  const st = fs.statSync(p('pattern'))
  t.equal(st.size, 4096)
  t.equal(st.mode & 0o7777, 0o644)
  t.equal(st.uid, 0)
  t.equal(fs.statSync(p('trigger')).size, 0)
  t.equal(fs.statSync(p('max_brightness')).mode & 0o7777, 0o444)
  t.equal(readFileSync(p('pattern'), 'latin1'), '1 2 3 4\n')
  t.equal(fs.statSync(p('pattern')).size, 4096, 'a short read does not change the reported size')
})

t.test('entries cannot be created, removed or renamed', async t => {
  const m = await startMount(['--led', 'oracle'])
  t.teardown(async () => { await m.stop() })
  const p = (f: string): string => join(m.ledDir('oracle'), f)
  t.equal(errCode(() => fs.closeSync(fs.openSync(p('newfile'), 'wx'))), 'EACCES')
  t.equal(errCode(() => fs.unlinkSync(p('brightness'))), 'EPERM')
  t.equal(errCode(() => fs.mkdirSync(p('x'))), 'EPERM')
  t.equal(errCode(() => fs.renameSync(p('brightness'), p('b2'))), 'EPERM')
  t.equal(errCode(() => fs.symlinkSync('brightness', p('l'))), 'EPERM')
  t.equal(errCode(() => fs.unlinkSync(p('nothere'))), 'ENOENT')
  t.equal(fs.readlinkSync(p('subsystem')), '../../../../../class/leds')
  t.same(fs.readdirSync(m.ledDir('oracle')).sort(), ['brightness', 'device', 'max_brightness', 'power', 'subsystem', 'trigger', 'uevent'])
})

t.test('reads are fresh, held fds go stale when the trigger goes', async t => {
  const m = await startMount(['--led', 'oracle'])
  t.teardown(async () => { await m.stop() })
  const p = (f: string): string => join(m.ledDir('oracle'), f)
  write1(p('trigger'), 'pattern\n')
  write1(p('pattern'), '0 500 255 500\n')
  const seen = new Set<string>()
  const end = Date.now() + 400
  while (Date.now() < end) seen.add(readFileSync(p('brightness'), 'latin1'))
  t.ok(seen.size >= 4, `brightness reads follow the ramp (${seen.size} distinct values)`)
  const fd = fs.openSync(p('pattern'), 'r')
  write1(p('trigger'), 'none\n')
  const buf = Buffer.alloc(100)
  t.equal(errCode(() => fs.readSync(fd, buf, 0, 100, 0)), 'ENODEV', 'the file was removed under the open fd')
  fs.closeSync(fd)
  t.equal(errCode(() => readFileSync(p('pattern'))), 'ENOENT')
})

t.test('--trace writes the timeline as JSON lines', async t => {
  const work = tempDir(t, 'trace')
  const trace = join(work, 'trace.jsonl')
  const m = await startMount(['--led', 'a', '--led', 'b', '--trace', trace])
  const p = (f: string): string => join(m.ledDir('a'), f)
  write1(p('trigger'), 'pattern\n')
  write1(p('repeat'), '1\n')
  write1(p('pattern'), '0 100 255 100\n')
  await new Promise(resolve => setTimeout(resolve, 400))
  write1(join(m.ledDir('b'), 'brightness'), '7\n')
  t.equal(await m.stop(), 0, 'SIGTERM: clean exit')
  const events = readFileSync(trace, 'utf8').trim().split('\n').map(l => JSON.parse(l) as { t: number, led: string, brightness: number })
  t.same(events.filter(e => e.led === 'a').map(e => e.brightness), [127, 255, 128, 0], 'kernel sequence for 0 100 255 100 repeat 1')
  const a = events.filter(e => e.led === 'a').map(e => e.t)
  t.same(a.slice(1).map((x, i) => x - a[i]), [56, 112, 56], 'dimming steps 56 ms apart on the jiffy grid (the 255 at the tuple boundary is no change)')
  t.same(events.filter(e => e.led === 'b').map(e => e.brightness), [7])
})

t.test('stale mounts are recovered; SIGTERM leaves no mount', async t => {
  const dir = tempDir(t, 'stale')
  const m1 = await startMount(['--led', 'x'], { dir })
  m1.child.kill('SIGKILL')
  await new Promise(resolve => m1.child.once('exit', resolve))
  t.equal(errCode(() => fs.statSync(dir)), 'ENOTCONN', 'SIGKILL leaves a dead mount behind')
  const m2 = await startMount(['--led', 'y'], { dir })
  t.match(m2.output(), /stale mount/)
  t.same(fs.readdirSync(dir), ['y'])
  t.equal(await m2.stop(), 0)
  const mounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some(l => l.split(' ')[4] === dir)
  t.notOk(mounted, 'unmounted after SIGTERM')
  fs.rmdirSync(dir)
})

for (const transport of ['fuse3', 'fuse-native']) {
  t.test(`unmounted from outside (${transport} transport): the mount stops by itself`, async t => {
    const m = await startMount(['--led', 'x', '--transport', transport])
    t.match(m.output(), new RegExp(`${transport} transport\\): x`))
    execFileSync('fusermount', ['-u', m.dir])
    const stopped = await Promise.race([
      new Promise<boolean>(resolve => m.child.once('exit', () => resolve(true))),
      new Promise<boolean>(resolve => setTimeout(() => resolve(m.child.exitCode !== null), 5000))
    ])
    t.ok(stopped || m.child.exitCode !== null, 'the process ended within 5 s')
    t.equal(await m.stop(), 0, 'a clean exit')
    t.match(m.output(), /was unmounted from outside; stopping/)
  })
}

t.test('CLI errors are one line with the fix', async t => {
  const run = (...args: string[]): { code: number | null, err: string } => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })
    return { code: r.status, err: r.stderr }
  }
  const work = tempDir(t, 'cli')
  const file = join(work, 'f')
  writeFileSync(file, '')
  const cases: Array<[string[], RegExp]> = [
    [['mount', join(work, 'missing')], /does not exist: create it with `mkdir -p/],
    [['mount', file], /is not a directory/],
    [['mount', work, '--hz', '123'], /--hz: "hz" must be one of 100, 250, 300, 1000 \(got 123\)/],
    [['mount', work, '--kernel', '5.4'], /--kernel: "kernel" must be one of "4.20", "6.1", "6.12", "mainline" \(mainline: the newest recorded kernel, 6.12\) \(got "5.4"\)/],
    [['mount', work, '--bogus'], /unknown option --bogus/],
    [['mount'], /mount takes one directory/],
    [['mount', work, '--led', 'a/b'], /--led a\/b: LED "a\/b": "name" must not be/],
    [['mount', work, '--led', 'a', '--led', 'a'], /defined twice/],
    [['frobnicate'], /unknown command/]
  ]
  for (const [args, re] of cases) {
    const r = run(...args)
    t.equal(r.code, 2, args.join(' '))
    t.match(r.err, re, args.join(' '))
    t.equal(r.err.trim().split('\n').length, 1, 'one line')
  }
  // libfuse 2 mounts and unmounts through fusermount (the fuse3 transport needs fusermount3 only when not root).
  const nofuse = spawnSync(process.execPath, [CLI, 'mount', work, '--led', 'x', '--transport', 'fuse-native'], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } })
  t.equal(nofuse.status, 2, 'FUSE tools missing')
  t.match(nofuse.stderr, /^ledfs: FUSE is not available: fusermount was not found \(install it: `apt-get install fuse`, or run `make deps`\)\n$/)
  const help = spawnSync(process.execPath, [CLI, 'mount', '--help'], { encoding: 'utf8' })
  t.equal(help.status, 0)
  t.match(help.stdout, /--trace FILE/)
  t.equal(execFileSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).trim(), JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version)
})
