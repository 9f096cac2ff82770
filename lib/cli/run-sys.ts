import { mkdtempSync, rmdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { graftSysTree, type Graft } from '../harness/sys-graft'
import { UsageError } from './args'
import { startServing, type MountConfig, type Serving } from './mount'

/**
 * `ledfs run`'s default layout, inside the private mount namespace: the
 * /sys-shaped tree is mounted on a temporary directory and grafted onto /sys
 * (class/leds replaced whole, the LEDs' parent devices, their class and bus
 * links and devicetree nodes added beside the machine's own). Stopping takes
 * the graft away first, then unmounts and removes the directory.
 */
export async function startSysServing (cfg: MountConfig, warn: (msg: string) => void, controlPath: string): Promise<Serving> {
  const dir = mkdtempSync(join(tmpdir(), 'ledfs-sys-'))
  let serving: Serving
  try {
    serving = await startServing({ ...cfg, layout: 'sys' }, dir, warn, controlPath)
  } catch (e) {
    rmdirSync(dir)
    throw e
  }
  let graft: Graft | undefined
  const stop = async (): Promise<void> => {
    try {
      await graft?.undo()
    } catch (e) {
      warn(`taking the /sys overlay away failed: ${(e as Error).message.split('\n')[0]}`)
    }
    graft = undefined
    try {
      await serving.stop()
    } finally {
      try { rmdirSync(dir) } catch { /* still busy: it goes with the namespace's tmp cleanup */ }
    }
  }
  try {
    graft = await graftSysTree(dir, '/sys', ['class/leds'])
  } catch (e) {
    await stop()
    throw new UsageError(`cannot lay the emulated devices over /sys in the private namespace: ${(e as Error).message.split('\n')[0]}`)
  }
  // sd-device (libudev) accepts only device directories on a sysfs superblock;
  // a FUSE mount reports its own magic, so the command is told, by systemd's
  // own switch for testing, not to check it.
  return { ...serving, stop, env: { SYSTEMD_DEVICE_VERIFY_SYSFS: '0' } }
}
