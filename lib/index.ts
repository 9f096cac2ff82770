/**
 * ledfs as a library: start a mount for a test (startLedfs / withLedfs), or
 * build the emulated kernel directly (LedSystem) with a virtual clock.
 */
export { startLedfs, withLedfs, readTrace, type Ledfs, type LedfsOptions, type ApiLed } from './api'
export { LedSystem, type LedSpec, type SystemOptions } from './system'
export { VirtualClock } from './clock/virtual-clock'
export { RealClock } from './clock/real-clock'
export type { Clock } from './clock/clock'
export { PROFILES, PROFILE_ALIASES, type KernelProfile, type KernelVersion, type ProfileName } from './profiles'
export type { TimelineEvent } from './timeline/timeline'
export { compareTimelines } from './timeline/expect'
export { parseTrace, parseTrace as parseTimeline, TraceError } from './timeline/trace'
export { checkMount, ConfigError, type LedDecl, type MountDecl } from './decl/schema'
export { driverKinds } from './drivers/registry'
export type { DriverKind } from './drivers/kind'
export { KernelError } from './abi/errno'
export type { LedDriver, LedHost, LedPattern } from './drivers/driver'
export { MemoryDriver } from './drivers/memory'
export { Sc27xxDriver } from './drivers/sc27xx'
export { SysfsLedDriver } from './drivers/sysfs-led'
export { VirtualNet, HostNet, type NetSource, type NetdevState, type NetdevUpdate } from './machine/net'
export { VirtualCpu, HostCpu, type CpuSource } from './machine/cpu'
export type { Machine, MachineKind } from './machine/machine'
