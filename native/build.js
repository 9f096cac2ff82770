#!/usr/bin/env node
'use strict'
/*
 * Builds the libfuse 3 transport (native/ledfs_fuse3.c) into
 * build/ledfs_fuse3.node with the system's C compiler, libfuse 3's
 * development files (pkg-config fuse3) and the headers of the Node.js that
 * runs this script. No node-gyp: it would fetch Node's headers from the
 * network, and the addon is one file.
 *
 * `node native/build.js` fails loudly; `--optional` (the npm install hook)
 * says what is missing and leaves ledfs on its fuse-native transport.
 */
const { execFileSync } = require('node:child_process')
const { existsSync, mkdirSync, renameSync } = require('node:fs')
const { dirname, join } = require('node:path')

const root = dirname(__dirname)
const source = join(root, 'native', 'ledfs_fuse3.c')
const out = join(root, 'build', 'ledfs_fuse3.node')
const optional = process.argv.includes('--optional')

function nodeIncludeDir () {
  const candidates = [
    join(dirname(dirname(process.execPath)), 'include', 'node'),
    process.config.variables.node_prefix && join(process.config.variables.node_prefix, 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node'
  ].filter(Boolean)
  return candidates.find(d => existsSync(join(d, 'node_api.h')))
}

function fail (why, fix) {
  const msg = `ledfs: the libfuse 3 transport was not built: ${why}${fix ? ` (${fix})` : ''}`
  if (optional) {
    console.warn(`${msg}; ledfs will use its fuse-native transport`)
    process.exit(0)
  }
  console.error(msg)
  process.exit(1)
}

const include = nodeIncludeDir()
if (include === undefined) fail(`Node.js's C headers (node_api.h) were not found beside ${process.execPath}`, 'install Node.js with its headers, as the official and NodeSource builds ship them')

let fuse
try {
  fuse = {
    cflags: execFileSync('pkg-config', ['--cflags', 'fuse3'], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean),
    libs: execFileSync('pkg-config', ['--libs', 'fuse3'], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean)
  }
} catch {
  fail('libfuse 3\'s development files were not found by pkg-config', 'apt-get install libfuse3-dev pkg-config, or run `make deps`')
}

const cc = process.env.CC || 'cc'
const tmp = `${out}.tmp-${process.pid}`
mkdirSync(dirname(out), { recursive: true })
try {
  execFileSync(cc, [
    '-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter', '-std=gnu11',
    `-I${include}`, ...fuse.cflags, '-DNAPI_VERSION=8',
    source, '-o', tmp, ...fuse.libs
  ], { stdio: ['ignore', 'inherit', 'inherit'] })
} catch (e) {
  fail(`${cc} failed (${e.status !== null ? `exit ${e.status}` : e.message})`, 'apt-get install build-essential libfuse3-dev, or run `make deps`')
}
// Built aside and moved in place: a running mount keeps its loaded copy.
renameSync(tmp, out)
console.log(`ledfs: built ${out}`)
