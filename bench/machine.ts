/**
 * Machine-wide CPU accounting, to tell how much of the machine other processes took during a run (the
 * benchmarks share the machine with whatever else runs on it). Internal to the benchmarks.
 */
import os from 'node:os';

/** CPU time of every core since boot, ms: busy (user, nice, sys, irq) and in all. */
export interface MachineCpu {
  readonly busyMs: number;
  readonly totalMs: number;
}

export function readMachineCpu(): MachineCpu {
  let busyMs = 0;
  let totalMs = 0;
  for (const { times } of os.cpus()) {
    const busy = times.user + times.nice + times.sys + times.irq;
    busyMs += busy;
    totalMs += busy + times.idle;
  }
  return { busyMs, totalMs };
}

/** Cores kept busy between two readings over `wallMs`, less `ownCpuMs` (the benchmark's own processes). */
export function otherCores(from: MachineCpu, to: MachineCpu, wallMs: number, ownCpuMs: number): number {
  return Math.max(0, (to.busyMs - from.busyMs - ownCpuMs) / wallMs);
}
