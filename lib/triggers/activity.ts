import { kstrtoul } from '../abi/kstrtox'
import { KernelTimer } from '../kernel-time/timer-wheel'
import type { LedClassdev } from '../led/led-core'
import { startTriggerBlink, stopTriggerBlink } from '../led/led-blink'
import { triggerState, type LedTrigger } from '../led/led-triggers'
import type { CpuSource } from '../machine/cpu'
import { textAttr, type SysfsNode } from '../sysfs/nodes'

/** The longest the trigger sleeps before looking at the counters again (ms). */
const MAX_SLEEP = 100

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v))

/** Per-LED state of the activity trigger. */
class ActivityState {
  lastUsed = 0n
  lastBoot = 0n
  /** ms left in the current on/off phase. */
  timeLeft = 0
  /** 1 while in an "on" phase. */
  state = 0
  invert = false
  readonly timer: KernelTimer

  constructor (private readonly led: LedClassdev, private readonly cpu: CpuSource) {
    this.timer = new KernelTimer(() => this.tick())
  }

  /** CPU use in percent since the last look, with the kernel's 64→32-bit arithmetic. */
  private usage (): { usage: number, cpus: number } {
    const { cpus, usedNs, bootNs } = this.cpu.sample()
    const currBoot = BigInt.asUintN(64, bootNs * BigInt(cpus))
    const currUsed = BigInt.asUintN(64, usedNs)
    // Differences in units of 2^16 ns, kept in a signed 32-bit int.
    const diffBoot = s32(BigInt.asUintN(64, currBoot - this.lastBoot) >> 16n)
    const diffUsed = s32(BigInt.asUintN(64, currUsed - this.lastUsed) >> 16n)
    this.lastBoot = currBoot
    this.lastUsed = currUsed
    let usage: number
    if (diffBoot <= 0 || diffUsed < 0) usage = 0
    else if (diffUsed >= diffBoot) usage = 100
    else usage = Math.trunc(Math.imul(100, diffUsed) / diffBoot) >>> 0
    return { usage, cpus }
  }

  /**
   * One look at the counters: flip the phase when its time is up, then size
   * the next phase — 10 ms on and up to 990 ms off when idle, 10 Hz with a
   * duty cycle growing with the load past one busy CPU (or half of one) —
   * and sleep at most 100 ms before looking again.
   */
  tick (): void {
    const led = this.led
    const b = led.blink
    if (b.brightnessChange) {
      b.brightnessChange = false
      b.blinkBrightness = b.newBlinkBrightness
    }
    const { usage, cpus } = this.usage()
    this.timeLeft = (this.timeLeft - MAX_SLEEP) | 0
    if (this.timeLeft <= 0) {
      this.timeLeft = 0
      this.state = this.state === 0 ? 1 : 0
      led.setBrightness((this.state !== 0) !== this.invert ? b.blinkBrightness : 0)
    }
    const target = cpus > 1 ? Math.trunc(100 / cpus) : 50
    let delay: number
    if (usage < target) {
      delay = this.state !== 0 ? 10 : (990 - Math.trunc((900 * usage) / target)) | 0
    } else {
      const over = Math.trunc((80 * ((usage - target) >>> 0)) / (100 - target))
      delay = (this.state !== 0 ? 10 + over : 90 - over) | 0
    }
    if (this.timeLeft === 0 || delay <= this.timeLeft) this.timeLeft = delay
    const sleep = Math.min(this.timeLeft, MAX_SLEEP)
    const wheel = led.wheel
    wheel.modTimer(this.timer, wheel.jiffies + wheel.msToJiffies(sleep >>> 0))
  }
}

/**
 * `activity`: blinks with the machine's CPU use, read from the CPU time
 * counters (user, nice, system, irq, softirq of every CPU against the time
 * since boot) every 100 ms at most. It lights the LED with the blink
 * brightness and marks the LED as software-blinking, so a brightness write
 * only changes the brightness of the next "on" phase.
 */
export class ActivityTrigger implements LedTrigger {
  readonly name = 'activity'

  constructor (private readonly cpu: CpuSource) {}

  private state (led: LedClassdev): ActivityState {
    return triggerState(led, ActivityState, 'activity')
  }

  activate (led: LedClassdev): void {
    const s = new ActivityState(led, this.cpu)
    led.triggerData = s
    startTriggerBlink(led, () => s.tick())
  }

  deactivate (led: LedClassdev): void {
    stopTriggerBlink(led, this.state(led).timer)
  }

  /** kstrtoul base 0; any non-zero value means inverted. Seen at the next phase change. */
  private storeInvert (led: LedClassdev, buf: Buffer): number {
    this.state(led).invert = kstrtoul(buf, 0) !== 0n
    return buf.length
  }

  attributes (led: LedClassdev): SysfsNode[] {
    return [
      textAttr('invert', 0o644, { show: () => `${this.state(led).invert ? 1 : 0}\n`, store: (b) => this.storeInvert(led, b) })
    ]
  }
}
