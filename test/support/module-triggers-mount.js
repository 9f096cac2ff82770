'use strict'
// `ledfs mount ARGS...` with trigger modules of the catalog registered after
// the profile's own set: `node module-triggers-mount.js NAME,NAME,... ARGS...`.
// For testing triggers before the catalog holds every module the `all` set
// needs. Stops on SIGTERM/SIGINT or when stdin closes, like a test's mount.
const { join } = require('node:path')
const root = join(__dirname, '..', '..')
const { parseMountArgs, startServing } = require(join(root, 'dist/lib/cli/mount.js'))
const { TRIGGER_FACTORIES } = require(join(root, 'dist/lib/triggers/catalog.js'))

async function main () {
  const [names, ...args] = process.argv.slice(2)
  const cfg = parseMountArgs(args)
  const warn = (msg) => { process.stderr.write(`ledfs: ${msg}\n`) }
  const s = await startServing(cfg, cfg.dir, warn)
  const sys = s.system
  for (const n of names.split(',')) {
    const make = TRIGGER_FACTORIES[n]
    if (make === undefined) throw new Error(`no trigger ${n} in the catalog`)
    sys.registry.register(make({ wheel: sys.wheel, profile: sys.profile, machine: sys.machine, warn: (led, m) => warn(`${led.name}: ${m}`) }))
  }
  process.stdout.write(`ledfs: mounted ${sys.ledNames().join(', ')} at ${s.mount.dir}\n`)
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    s.stop().then(() => process.exit(0), (e) => { warn(String(e)); process.exit(1) })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}
main().catch((e) => { process.stderr.write(`ledfs: ${e && e.stack ? e.stack : String(e)}\n`); process.exit(1) })
