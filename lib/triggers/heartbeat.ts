import { kstrtoul } from '../abi/kstrtox'
import { KernelTimer } from '../kernel-time/timer-wheel'
import { LED_OFF, startTriggerBlink, stopTriggerBlink } from '../led/led-blink'
import type { LedClassdev } from '../led/led-core'
import type { LedTrigger } from '../led/led-triggers'
import { textAttr, type SysfsNode } from '../sysfs/nodes'

/** Fixed-point shift of the kernel's load averages (avenrun). */
const FSHIFT = 11
const FIXED_1 = 1 << FSHIFT
/** Each beat lasts this long (ms). */
const BEAT_MS = 70

/** avenrun[0] for a 1-minute load average as /proc/loadavg prints it. */
export function avenrunOf (loadavg: number): number {
  if (!Number.isFinite(loadavg) || loadavg < 0) throw new RangeError(`load average must be a finite number >= 0 (got ${loadavg})`)
  return Math.round(loadavg * FIXED_1)
}

/**
 * The heartbeat period in ms for a load average: 1260 ms idle, 860 at 1,
 * 510 at 5, towards 300 under heavy load (integer arithmetic as the kernel's).
 */
export function heartbeatPeriodMs (avenrun: number): number {
  return 300 + Math.floor((6720 * FIXED_1) / (5 * avenrun + 7 * FIXED_1))
}

class HeartbeatData {
  phase = 0
  /** In jiffies, fixed at the start of each beat. */
  period = 0
  invert = false
  readonly timer: KernelTimer
  constructor (readonly led: LedClassdev, private readonly loadavg: () => number) {
    this.timer = new KernelTimer(() => this.beat())
  }

  /** led_heartbeat_function(): thump, pause, thump, long pause. */
  beat (): void {
    const led = this.led
    const wheel = led.wheel
    const b = led.blink
    if (b.brightnessChange) {
      b.brightnessChange = false
      b.blinkBrightness = b.newBlinkBrightness
    }
    const beat = wheel.msToJiffies(BEAT_MS)
    let brightness = LED_OFF
    let delay: number
    switch (this.phase) {
      case 0:
        this.period = wheel.msToJiffies(heartbeatPeriodMs(avenrunOf(this.loadavg())))
        delay = beat
        this.phase++
        if (!this.invert) brightness = b.blinkBrightness
        break
      case 1:
        delay = Math.floor(this.period / 4) - beat
        this.phase++
        if (this.invert) brightness = b.blinkBrightness
        break
      case 2:
        delay = beat
        this.phase++
        if (!this.invert) brightness = b.blinkBrightness
        break
      default:
        delay = this.period - Math.floor(this.period / 4) - beat
        this.phase = 0
        if (this.invert) brightness = b.blinkBrightness
        break
    }
    led.setBrightness(brightness)
    wheel.modTimer(this.timer, wheel.jiffies + delay)
  }
}

/**
 * The `heartbeat` trigger (ledtrig-heartbeat.c): a double beat whose period
 * follows the 1-minute load average. It marks the LED as software-blinking,
 * so brightness writes change the beat's brightness (taken at the next
 * phase) instead of the LED; `invert` swaps on and off from the next phase.
 */
export class HeartbeatTrigger implements LedTrigger {
  readonly name = 'heartbeat'

  /** `loadavg` gives the current 1-minute load average (as /proc/loadavg shows it). */
  constructor (private readonly loadavg: () => number) {}

  private data (led: LedClassdev): HeartbeatData {
    return led.triggerData as HeartbeatData
  }

  activate (led: LedClassdev): void {
    const data = new HeartbeatData(led, this.loadavg)
    led.triggerData = data
    startTriggerBlink(led, () => data.beat())
  }

  deactivate (led: LedClassdev): void {
    stopTriggerBlink(led, this.data(led).timer)
  }

  attributes (led: LedClassdev): SysfsNode[] {
    const data = this.data(led)
    return [
      textAttr('invert', 0o644, {
        show: () => `${data.invert ? 1 : 0}\n`,
        store: (buf) => {
          data.invert = kstrtoul(buf, 0) !== 0n
          return buf.length
        }
      })
    ]
  }
}
