import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startMount } from '../support/mount'

/**
 * Concurrent clients: STRESS_PROCS processes (default 8; `make stress`: 32)
 * write and read pattern, repeat, trigger and brightness of the same two LEDs
 * for STRESS_SECONDS (default 3; `make stress`: 60). Every pattern read must
 * be a complete value some writer wrote, or empty (never a mix); the mount
 * must not crash or hang, and the engine must still run afterwards.
 */
const PROCS = Number(process.env.STRESS_PROCS ?? 8)
const SECONDS = Number(process.env.STRESS_SECONDS ?? 3)

// Written in the kernel's own show() form, so a read returns exactly what was written.
const PATTERNS = ['0 100 255 100\n', '255 50 0 50\n', '10 60 10 0 200 60 200 0\n', '1 1 2 2 3 3 4 4 5 5 6 6\n', `${'0 1 '.repeat(200).trimEnd()}\n`]

const WORKER = `
const fs = require('fs')
const [dir, seconds, patternsJson] = process.argv.slice(1)
const patterns = JSON.parse(patternsJson)
const leds = ['a', 'b']
const ok = new Set(['', ...patterns])
const stats = { writes: 0, reads: 0, errors: {}, bad: [] }
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)]
function w (file, data) {
  try { const fd = fs.openSync(file, 'w'); try { fs.writeSync(fd, data) } finally { fs.closeSync(fd) } }
  catch (e) { stats.errors[e.code] = (stats.errors[e.code] || 0) + 1 }
  stats.writes++
}
const end = Date.now() + Number(seconds) * 1000
while (Date.now() < end) {
  const led = dir + '/' + pick(leds)
  const r = Math.random()
  if (r < 0.3) w(led + '/pattern', pick(patterns))
  else if (r < 0.35) w(led + '/pattern', 'garbage\\n')
  else if (r < 0.45) w(led + '/repeat', pick(['-1\\n', '1\\n', '3\\n', '0\\n']))
  else if (r < 0.52) w(led + '/trigger', pick(['pattern\\n', 'pattern\\n', 'none\\n']))
  else if (r < 0.57) w(led + '/brightness', pick(['0\\n', '128\\n', '255\\n']))
  else {
    try {
      const s = fs.readFileSync(led + '/' + pick(['pattern', 'pattern', 'repeat', 'brightness', 'trigger']), 'latin1')
      stats.reads++
      if (s.includes(' ') && /^[0-9 ]+\\n$/.test(s) && !ok.has(s) && s.split(' ').length > 1 && !/^-?[0-9]+\\n$/.test(s)) stats.bad.push(s.slice(0, 80))
    } catch (e) { stats.errors[e.code] = (stats.errors[e.code] || 0) + 1 }
  }
}
process.stdout.write(JSON.stringify(stats))
`

t.test(`${PROCS} processes for ${SECONDS} s on the same LEDs`, async t => {
  const m = await startMount(['--led', 'a', '--led', 'b'])
  t.teardown(async () => { await m.stop() })
  for (const l of ['a', 'b']) writeFileSync(join(m.ledDir(l), 'trigger'), 'pattern\n')
  const results = await Promise.all(Array.from({ length: PROCS }, async () => await new Promise<{ writes: number, reads: number, errors: Record<string, number>, bad: string[] }>((resolve, reject) => {
    const c = spawn(process.execPath, ['-e', WORKER, m.dir, String(SECONDS), JSON.stringify(PATTERNS)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    c.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const timer = setTimeout(() => { c.kill('SIGKILL'); reject(new Error('a client hung')) }, (SECONDS + 60) * 1000)
    c.on('exit', (code) => { clearTimeout(timer); code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${String(code)}`)) })
  })))
  const writes = results.reduce((a, r) => a + r.writes, 0)
  const reads = results.reduce((a, r) => a + r.reads, 0)
  const bad = results.flatMap(r => r.bad)
  const errors: Record<string, number> = {}
  for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v
  t.comment(`${PROCS} processes, ${SECONDS} s: ${writes} writes, ${reads} reads, errnos ${JSON.stringify(errors)}, torn reads ${bad.length}`)
  t.same(bad, [], 'every pattern read is a complete written value or empty')
  t.ok(writes > PROCS * 10, 'the clients made progress')
  // The kernel's answers in the same races: EINVAL for bad input, ENOENT for a trigger file
  // while the trigger is off, EACCES for opening it then with O_CREAT (as 'w' does), ENODEV
  // for a file removed by another client between open and read/write.
  const unexpected = Object.keys(errors).filter(k => !['EINVAL', 'ENOENT', 'EACCES', 'ENODEV'].includes(k))
  t.same(unexpected, [], 'only the errors the kernel gives in these races')
  t.equal(m.child.exitCode, null, 'the mount is still running')
  // The engine still runs: a fresh pattern moves the brightness.
  writeFileSync(join(m.ledDir('a'), 'trigger'), 'pattern\n')
  writeFileSync(join(m.ledDir('a'), 'pattern'), '0 200 255 200\n')
  const seen = new Set<string>()
  const end = Date.now() + 500
  while (Date.now() < end) seen.add(readFileSync(join(m.ledDir('a'), 'brightness'), 'latin1'))
  t.ok(seen.size >= 4, `the engine still runs (${seen.size} brightness values in 500 ms)`)
})
