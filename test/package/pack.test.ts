// The package as a user gets it: `npm pack` of a tree without dist/ (as a
// fresh clone is), installed into a new project the way CI installs it
// (npm ci from a lockfile, offline from the npm cache) and globally; then the
// CLI, a mount, the API, the types and the CI recipes of examples/ci run from
// the installed copy, not from this tree.
import t from 'tap'
import { type ChildProcess, execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ROOT } from '../support/mount'
import { tempDir } from '../support/tmp'

// It compiles, installs three times and runs every example: on a loaded
// machine that takes longer than the suite's limit per file.
t.setTimeout(900000)

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string, version: string, dependencies: Record<string, string> }
const TARBALL = `${pkg.name}-${pkg.version}.tgz`
const NETWORK_ERROR = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ECONNRESET/

function run (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 300000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, ...env } })
}

const out = (r: SpawnSyncReturns<string>): string => `exit ${String(r.status)}${r.error !== undefined ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`

t.test('npm pack of a clean tree, installed into a project and globally', async t => {
  const stage = tempDir(t, 'pack')

  // A copy of what git would check out (tracked and new files; no dist/), with this tree's dev dependencies.
  const src = join(stage, 'src')
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(f => f !== '' && existsSync(join(ROOT, f)))
  for (const f of files) {
    mkdirSync(dirname(join(src, f)), { recursive: true })
    copyFileSync(join(ROOT, f), join(src, f))
  }
  t.notOk(existsSync(join(src, 'dist')), 'the copy has no dist/')
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'))

  const packed = run('npm', ['pack', '--pack-destination', stage], src)
  t.equal(packed.status, 0, out(packed))
  const tgz = join(stage, TARBALL)
  const list = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).split('\n').filter(l => l !== '').map(l => l.replace(/^package\//, ''))
  for (const f of ['bin/ledfs', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/cli/main.js', 'README.md', 'LICENSE', 'package.json', 'docs/testing-in-ci.md', 'examples/ci/github-actions.yml']) {
    t.ok(list.includes(f), `the package holds ${f}`)
  }
  t.same(list.filter(f => /^(test|lib|bench|dist\/bench)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts')), [], 'no tests, sources, benchmarks or source maps')
  // What runs and its docs, well under the 305 kB the test suite once made it.
  t.ok(statSync(tgz).size < 250000, `${statSync(tgz).size} bytes`)
  t.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License/, 'the license package.json names')

  // A user's project: ledfs as a dev dependency, installed by `npm ci` from its lockfile.
  const project = join(stage, 'project')
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'led-project', version: '1.0.0', private: true, devDependencies: { ledfs: `file:../${TARBALL}` } }, null, 2))
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(projectLock(tgz), null, 2))
  const ci = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project)
  t.equal(ci.status, 0, `npm ci --offline (the dependencies come from the npm cache): ${out(ci)}`)
  const bin = join(project, 'node_modules', '.bin', 'ledfs')

  /** `ledfs mount MNT` of one virtual-clock LED, run from the installed package; `ready` resolves at its ready line. */
  const mountInstalled = (mnt: string): { child: ChildProcess, log: () => string, exited: Promise<number | null>, ready: Promise<void> } => {
    const child = spawn(bin, ['mount', mnt, '--led', 'status', '--clock', 'virtual'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    child.stdout.on('data', (d: Buffer) => { log += d.toString() })
    child.stderr.on('data', (d: Buffer) => { log += d.toString() })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 20 s: ${log}`)), 20000)
      child.stdout.on('data', () => { if (log.includes('ledfs: mounted')) { clearTimeout(timer); resolve() } })
      void exited.then(() => { clearTimeout(timer); reject(new Error(`exited: ${log}`)) })
    })
    return { child, log: () => log, exited, ready }
  }

  t.test('npx ledfs --help and --version', async t => {
    const help = run('npx', ['--no-install', 'ledfs', '--help'], project)
    t.equal(help.status, 0, out(help))
    t.match(help.stdout, /^ledfs - the Linux LED class sysfs ABI/)
    t.match(help.stdout, /ledfs run \[options\] -- CMD/)
    const v = run('npx', ['--no-install', 'ledfs', '--version'], project)
    t.equal(v.stdout, `${pkg.version}\n`, out(v))
  })

  t.test('ledfs mount, timeline and clock from the installed package', async t => {
    const mnt = join(stage, 'mnt')
    mkdirSync(mnt)
    const { child, log, exited, ready } = mountInstalled(mnt)
    t.teardown(async () => { if (child.exitCode === null) child.kill('SIGTERM'); await exited })
    await ready
    writeFileSync(join(mnt, 'status', 'brightness'), '7')
    t.equal(readFileSync(join(mnt, 'status', 'brightness'), 'utf8'), '7\n')
    const tl = run(bin, ['timeline', mnt], project)
    t.equal(tl.stdout, '{"t":0,"led":"status","brightness":7}\n', out(tl))
    const adv = run(bin, ['clock', mnt, 'advance', '1000'], project)
    t.equal(adv.stdout, '1000\n', out(adv))
    child.kill('SIGTERM')
    t.equal(await exited, 0, log())
  })

  t.test('the libfuse 3 transport: a clean fallback until built, then built from the installed package', async t => {
    const pkgDir = join(project, 'node_modules', 'ledfs')
    const addon = join(pkgDir, 'build', 'ledfs_fuse3.node')
    const mnt = join(stage, 'mnt3')
    mkdirSync(mnt)
    const readyLine = async (): Promise<string> => {
      const { child, log, exited, ready } = mountInstalled(mnt)
      try {
        await ready
        writeFileSync(join(mnt, 'status', 'brightness'), '9')
        t.equal(readFileSync(join(mnt, 'status', 'brightness'), 'utf8'), '9\n')
      } finally {
        if (child.exitCode === null) child.kill('SIGTERM')
        t.equal(await exited, 0, log())
      }
      return log()
    }
    if (!existsSync(addon)) {
      // npm did not run the install hook (newer npm may skip a dependency's install script until it is approved).
      const log = await readyLine()
      t.match(log, /ledfs: using the fuse-native transport: the libfuse 3 addon is not built \(.*native\/build\.js/, 'the fallback says why and how to build')
      t.match(log, /fuse-native transport\): status/)
      const b = run(process.execPath, [join(pkgDir, 'native', 'build.js')], project)
      t.equal(b.status, 0, out(b))
    }
    t.ok(existsSync(addon), 'the addon is built inside the installed package')
    t.match(await readyLine(), /fuse3 transport\): status/)
  })

  t.test('the API and its types from the installed package', async t => {
    writeFileSync(join(project, 'api.js'), `
      const { withLedfs, readTrace, LedSystem } = require('ledfs')
      const fs = require('node:fs')
      withLedfs({ leds: ['a', { name: 'b', driver: 'sc27xx' }], clock: 'virtual' }, async (l) => {
        fs.writeFileSync(l.ledPath('a') + '/brightness', '9')
        const before = await l.timeline('a')
        await l.clearTimeline()
        const regs = await l.inspect('b')
        console.log(JSON.stringify({ before, after: await l.timeline(), regs: Object.keys(regs).length > 0, now: await l.advance(20), sys: typeof LedSystem, trace: typeof readTrace }))
      }).catch((e) => { console.error(e); process.exit(1) })
    `)
    const r = run(process.execPath, ['api.js'], project)
    t.equal(r.status, 0, out(r))
    t.same(JSON.parse(r.stdout), { before: [{ t: 0, led: 'a', brightness: 9 }], after: [], regs: true, now: 20, sys: 'function', trace: 'function' })

    // TypeScript resolves the package's "exports" and "types": a wrong call fails to compile.
    writeFileSync(join(project, 'check.ts'), `
      import { withLedfs, readTrace, type Ledfs, type TimelineEvent } from 'ledfs'
      export async function f (): Promise<TimelineEvent[]> {
        // @ts-expect-error clock is 'real' | 'virtual'
        await withLedfs({ clock: 'sometimes' }, async () => {})
        const events: TimelineEvent[] = readTrace('x.jsonl')
        return await withLedfs({ leds: ['a'] }, async (l: Ledfs) => [...events, ...await l.timeline('a')])
      }
    `)
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'] }, files: ['check.ts'] }))
    const tsc = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project)
    t.equal(tsc.status, 0, out(tsc))
  })

  t.test('the GitHub Actions recipe: its run steps, in the project', async t => {
    cpSync(join(project, 'node_modules', 'ledfs', 'examples'), join(project, 'examples'), { recursive: true })
    const steps = workflowRunSteps(readFileSync(join(project, 'examples', 'ci', 'github-actions.yml'), 'utf8'))
    t.same(steps.map(s => s.name), ['FUSE', 'npm dependencies', 'JavaScript', 'Shell', 'Python'])
    const shims = join(stage, 'shims')
    mkdirSync(shims)
    // pytest's tmp_path and the mounts' temporary folders go here, and with the stage.
    const tmp = join(stage, 'tmp')
    mkdirSync(tmp)
    if (spawnSync('sudo', ['-n', 'true']).status !== 0) {
      // As root (the test needs it for FUSE anyway) sudo only runs the command.
      writeFileSync(join(shims, 'sudo'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 })
    }
    for (const step of steps) {
      // apt-get is not run (the machine is Debian, the runner Ubuntu); its packages, under their Debian names, must be installed.
      const lines = step.run.split('\n').filter(l => l.trim() !== '')
      for (const l of lines.filter(l => l.includes('apt-get install'))) {
        const names = l.replace(/.*apt-get install/, '').split(/\s+/).filter(w => w !== '' && !w.startsWith('-')).map(n => n.replace(/t64$/, ''))
        const q = run('dpkg-query', ['-W', '-f=${Status}\\n', ...names], project)
        t.equal(q.stdout.trim().split('\n').filter(s => s === 'install ok installed').length, names.length, `${step.name}: ${names.join(' ')} installed: ${out(q)}`)
      }
      const script = lines.filter(l => !l.includes('apt-get')).join('\n')
      if (script === '') continue
      const r = run('bash', ['-e', '-c', script], project, { PATH: `${shims}:${process.env.PATH ?? ''}`, PYTHONDONTWRITEBYTECODE: '1', TMPDIR: tmp })
      t.equal(r.status, 0, `${step.name}: ${script}\n${out(r)}`)
    }
  })

  t.test('the container recipe: its packages, and the commands the workflow ran (docker itself is not run)', async t => {
    const dockerfile = readFileSync(join(project, 'examples', 'ci', 'Dockerfile'), 'utf8')
    t.match(dockerfile, /--device \/dev\/fuse --cap-add SYS_ADMIN/)
    const apt = /apt-get install -y -qq ([a-z0-9 .-]+)/.exec(dockerfile)?.[1].trim().split(/\s+/) ?? []
    t.same(apt, ['fuse3', 'libfuse3-dev', 'libfuse2', 'python3-pytest'])
    const q = run('dpkg-query', ['-W', '-f=${Status}\\n', ...apt], project)
    t.equal(q.stdout.trim().split('\n').filter(s => s === 'install ok installed').length, apt.length, out(q))
    // The container runs as root with node_modules/.bin on PATH: the workflow's test commands without sudo, which ran above as root.
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[]
    t.same(cmd.slice(0, 2), ['sh', '-c'])
    const workflow = workflowRunSteps(readFileSync(join(project, 'examples', 'ci', 'github-actions.yml'), 'utf8'))
      .filter(s => ['JavaScript', 'Shell', 'Python'].includes(s.name))
      .map(s => s.run.split('\n').filter(l => !l.includes('apt-get')).join('').replace(/^sudo env "PATH=[^"]*" /, ''))
    t.same((cmd[2] ?? '').split(' && ').sort(), workflow.sort())
  })

  t.test('npm install -g of the tarball', async t => {
    const prefix = join(stage, 'global')
    const g = run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tgz], stage)
    if (g.status !== 0 && NETWORK_ERROR.test(g.stderr)) {
      // A global install resolves fuse-native's version range, which needs the registry's metadata (npm ci's cache has only tarballs).
      const why = `the npm registry is unreachable, so a global install cannot resolve fuse-native: ${g.stderr.split('\n')[0]}`
      t.test('ledfs from a global install', { skip: why }, async () => {})
      return
    }
    t.equal(g.status, 0, out(g))
    const help = run(join(prefix, 'bin', 'ledfs'), ['mount', '--help'], stage)
    t.equal(help.status, 0, out(help))
    t.match(help.stdout, /^ledfs mount DIR \[options\]/)
  })
})

/** The lockfile `npm install --save-dev ledfs.tgz` would write: the tarball and fuse-native's tree as this tree's lock pins it. */
function projectLock (tgz: string): object {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string>, optionalDependencies?: Record<string, string>, dev?: boolean, devOptional?: boolean, optional?: boolean }> }
  const packages: Record<string, object> = {
    '': { name: 'led-project', version: '1.0.0', devDependencies: { ledfs: `file:../${TARBALL}` } },
    'node_modules/ledfs': {
      version: pkg.version,
      resolved: `file:../${TARBALL}`,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`,
      dev: true,
      license: 'MIT',
      dependencies: pkg.dependencies,
      bin: { ledfs: 'bin/ledfs' },
      engines: { node: '>=20' },
      os: ['linux']
    }
  }
  const todo = Object.keys(pkg.dependencies)
  while (todo.length > 0) {
    const name = todo.pop() as string
    const key = `node_modules/${name}`
    if (key in packages || lock.packages[key] === undefined) continue
    const { dev: _d, devOptional: _o, ...entry } = lock.packages[key]
    packages[key] = { ...entry, dev: true }
    todo.push(...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}))
  }
  return { name: 'led-project', version: '1.0.0', lockfileVersion: 3, requires: true, packages }
}

/** The `run:` steps of a workflow written as examples/ci/github-actions.yml is (name, then run, plain or `|` block). */
function workflowRunSteps (yml: string): Array<{ name: string, run: string }> {
  const steps: Array<{ name: string, run: string }> = []
  const lines = yml.split('\n')
  let name = ''
  for (let i = 0; i < lines.length; i++) {
    const n = /^\s+- name: (.*)$/.exec(lines[i])
    if (n !== null) { name = n[1]; continue }
    const r = /^(\s+)run: (.*)$/.exec(lines[i])
    if (r === null) continue
    if (r[2] !== '|') { steps.push({ name, run: r[2] }); continue }
    const block: string[] = []
    while (i + 1 < lines.length && (lines[i + 1].startsWith(r[1] + '  ') || lines[i + 1].trim() === '')) block.push(lines[++i].trim())
    steps.push({ name, run: block.join('\n') })
  }
  return steps
}
