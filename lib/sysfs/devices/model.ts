import type { LedDriver } from '../../drivers/driver'
import { Sc27xxDriver, type Sc27xxController } from '../../drivers/sc27xx'
import type { DirNode } from '../nodes'
import { addBusDriver, addDevice } from './device'
import { dtRoot, type DtNode } from './devicetree'
import { relativeLink, SysTree, type SysPath } from './tree'

/** The LED class's directory of links. */
export const CLASS_LEDS: SysPath = ['class', 'leds']

/**
 * The uleds misc device (Linux 6.1 as the kernel oracle boots it): major 10,
 * a dynamic minor; LEDs made through it are its children.
 */
export const ULEDS_DEVT = { major: 10, minor: 124, name: 'uleds' }
const ULEDS: SysPath = ['devices', 'virtual', 'misc', 'uleds']

/**
 * The SC27xx PMIC as a devicetree describes it (the sc2731 binding): the PMIC
 * is an SPI device (chip select N) on the SoC's ADI bus controller, and its
 * breathing-light controller a child node `led-controller@BASE`, compatible
 * "sprd,sc2731-bltc", with one `led@LINE` node per output. The driver core
 * names the controller's platform device after its node and the untranslatable
 * parents: "41800000.spi:pmic@N:led-controller@BASE".
 */
const ADI_ADDR = 0x41800000
const ADI_NAME = `${ADI_ADDR.toString(16)}.spi`
const SOC: SysPath = ['devices', 'platform', 'soc']
const ADI: SysPath = [...SOC, ADI_NAME]
const SPI_MASTER: SysPath = [...ADI, 'spi_master', 'spi0']
export const SC27XX_DRIVER_NAME = 'sprd-bltc'

/** Where one LED's class directory goes and the link texts it carries. */
export interface LedPlacement {
  /** The class device's directory. */
  path: SysPath
  /** Text of its `device` link; none for an LED without a parent device. */
  device?: string
  /** Text of its `subsystem` link. */
  subsystem: string
}

/**
 * The device model around the LEDs: where each LED's class device sits under
 * /sys/devices, its parent devices with their files, the links /sys/class
 * and /sys/bus keep to them, and the devicetree nodes of platform devices.
 *
 *  - memory LED: a uleds LED, under the uleds misc device;
 *  - sc27xx LED: under the PMIC's breathing-light controller, a platform
 *    device made from the devicetree (driver sprd-bltc);
 *  - sysfs:PATH LED: a class device registered without a parent, as the
 *    kernel puts those: /sys/devices/virtual/leds/NAME, no `device` link.
 */
export class DeviceModel {
  readonly tree = new SysTree()
  private uledsReady = false
  private readonly controllers = new Map<Sc27xxController, { path: SysPath, dt: DtNode }>()

  constructor () {
    this.tree.dir(CLASS_LEDS)
  }

  get root (): DirNode {
    return this.tree.root.node
  }

  /** Decide where the LED `name` driven by `driver` goes, making its parents. */
  place (name: string, driver: LedDriver): LedPlacement {
    let parent: SysPath | undefined
    let path: SysPath
    if (driver instanceof Sc27xxDriver) {
      parent = this.sc27xxController(driver.controller)
      const ctl = this.controllers.get(driver.controller)
      ctl?.dt.child(`led@${driver.line}`).set('reg', { cells: [driver.line] })
      path = [...parent, 'leds', name]
    } else if (driver.kind === 'sysfs') {
      path = ['devices', 'virtual', 'leds', name]
    } else {
      parent = this.uleds()
      path = [...parent, name]
    }
    return {
      path,
      device: parent === undefined ? undefined : relativeLink(path, parent),
      subsystem: relativeLink(path, CLASS_LEDS)
    }
  }

  /** Put the LED's class directory in place and its link in /sys/class/leds. */
  attach (placement: LedPlacement, node: DirNode): void {
    this.tree.dir(placement.path.slice(0, -1)).add(node)
    this.tree.link(CLASS_LEDS, node.name, placement.path)
  }

  private uleds (): SysPath {
    if (!this.uledsReady) {
      addDevice(this.tree, { path: ULEDS, subsystem: { class: 'misc' }, devt: ULEDS_DEVT })
      this.uledsReady = true
    }
    return ULEDS
  }

  /** The SoC, its ADI bus controller and SPI master, made once. */
  private adiBus (): DtNode {
    const root = dtRoot(this.tree)
    const soc = root.child('soc')
    const adi = soc.child(`spi@${ADI_ADDR.toString(16)}`)
    if (!this.tree.has(ADI)) {
      root.set('#address-cells', { cells: [2] }).set('#size-cells', { cells: [2] })
      soc.set('compatible', { strings: ['simple-bus'] }).set('#address-cells', { cells: [2] }).set('#size-cells', { cells: [2] }).set('ranges', { cells: [] })
      adi.set('compatible', { strings: ['sprd,sc9860-adi'] }).set('reg', { cells: [0, ADI_ADDR, 0, 0x100000] })
        .set('#address-cells', { cells: [1] }).set('#size-cells', { cells: [0] })
      addDevice(this.tree, { path: SOC, subsystem: { bus: 'platform' }, ofNode: soc, modalias: soc.modalias() })
      addBusDriver(this.tree, 'platform', 'sprd-adi')
      addDevice(this.tree, { path: ADI, subsystem: { bus: 'platform' }, driver: 'sprd-adi', ofNode: adi, modalias: adi.modalias() })
      addDevice(this.tree, { path: SPI_MASTER, subsystem: { class: 'spi_master' }, parent: ADI, ofNode: adi })
    }
    return adi
  }

  /** The PMIC on chip select N and its breathing-light controller, once per controller. */
  private sc27xxController (ctl: Sc27xxController): SysPath {
    const known = this.controllers.get(ctl)
    if (known !== undefined) return known.path
    const adi = this.adiBus()
    const cs = this.controllers.size
    const pmic = adi.child(`pmic@${cs}`)
    pmic.set('compatible', { strings: ['sprd,sc2731'] }).set('reg', { cells: [cs] })
      .set('#address-cells', { cells: [1] }).set('#size-cells', { cells: [0] })
    const base = ctl.base
    const bltc = pmic.child(`led-controller@${base.toString(16)}`)
    bltc.set('compatible', { strings: ['sprd,sc2731-bltc'] }).set('reg', { cells: [base] })
      .set('#address-cells', { cells: [1] }).set('#size-cells', { cells: [0] })
    const spiDev: SysPath = [...SPI_MASTER, `spi0.${cs}`]
    addBusDriver(this.tree, 'spi', 'sc27xx-pmic')
    addDevice(this.tree, { path: spiDev, subsystem: { bus: 'spi' }, driver: 'sc27xx-pmic', ofNode: pmic, modalias: 'spi:sc2731' })
    const path: SysPath = [...spiDev, `${ADI_NAME}:pmic@${cs}:led-controller@${base.toString(16)}`]
    addBusDriver(this.tree, 'platform', SC27XX_DRIVER_NAME)
    addDevice(this.tree, { path, subsystem: { bus: 'platform' }, driver: SC27XX_DRIVER_NAME, ofNode: bltc, modalias: bltc.modalias() })
    this.controllers.set(ctl, { path, dt: bltc })
    return path
  }
}
