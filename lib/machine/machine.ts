import type { Clock } from '../clock/clock'
import { HostCpu, VirtualCpu, type CpuSource } from './cpu'
import { HostNet, VirtualNet, type NetSource } from './net'

/**
 * Where the event triggers' outside world comes from: the network
 * interfaces (netdev) and the CPU time counters (activity). `host` reads
 * the machine the mount runs on; `virtual` is a quiet machine like the
 * kernel oracle's (only `lo`, idle, one CPU) that the control protocol and
 * the API can change.
 */
export type MachineKind = 'host' | 'virtual'

export const MACHINE_KINDS: readonly MachineKind[] = ['host', 'virtual']

export interface Machine {
  readonly kind: MachineKind
  readonly net: NetSource
  readonly cpu: CpuSource
}

export function makeMachine (kind: MachineKind, clock: Clock): Machine {
  return kind === 'host'
    ? { kind, net: new HostNet(), cpu: new HostCpu() }
    : { kind, net: new VirtualNet(), cpu: new VirtualCpu(clock) }
}
