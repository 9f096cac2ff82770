import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * ledfs's native addon (native/ledfs_fuse3.c, built into
 * build/ledfs_fuse3.node): the libfuse 3 transport, and a timerfd the real
 * clock sleeps on. Optional: without it ledfs runs on fuse-native and
 * Node's own timers.
 */
export interface NativeAddon {
  mount: (dir: string, args: string[], handlers: object, attr: Float64Array, entryTimeout: number, attrTimeout: number, spinUs: number) => object
  invalEntry: (session: object, parent: number, name: string) => void
  close: (session: object) => void
  timerCreate: (fn: () => void) => object
  /** Fire at `ms` on CLOCK_MONOTONIC (process.hrtime's clock); a negative time disarms. */
  timerArm: (timer: object, ms: number) => void
  timerClose: (timer: object) => void
}

function packageRoot (): string {
  let dir = __dirname
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try { if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ledfs') return dir } catch { /* keep looking */ }
    }
    const up = dirname(dir)
    if (up === dir) return join(__dirname, '..', '..')
    dir = up
  }
}

const ROOT = packageRoot()
/** Where `npm install` / `make build` put the addon. */
export const ADDON_PATH = join(ROOT, 'build', 'ledfs_fuse3.node')
const BUILD_COMMAND = `node ${join(ROOT, 'native', 'build.js')}`

let loaded: NativeAddon | Error | undefined

/** The addon, or why it cannot be used (not built, or built for another Node.js). */
export function loadAddon (): NativeAddon | Error {
  if (loaded !== undefined) return loaded
  if (!existsSync(ADDON_PATH)) {
    loaded = new Error(`the libfuse 3 addon is not built (${ADDON_PATH} is missing; \`${BUILD_COMMAND}\` builds it, with libfuse3-dev and a C compiler installed)`)
    return loaded
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    loaded = require(ADDON_PATH) as NativeAddon
  } catch (e) {
    loaded = new Error(`the libfuse 3 addon did not load (${e instanceof Error ? e.message.split('\n')[0] : String(e)}; rebuild it with \`${BUILD_COMMAND}\`)`)
  }
  return loaded
}
