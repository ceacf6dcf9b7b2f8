/**
 * Status as a function of time. Each load stores its timeline when it is created; these functions read
 * it at `nowMs`, so nothing has to tick and any clock jump lands in a consistent state.
 *
 * Internal to the emulator.
 */
import type {
  ActivityPlan,
  DataSourceRunStatus,
  ExecutionRecord,
  LoadStatus,
  LoadTimeline,
  RunOutcome,
  RunRecord,
  TerminalLoadStatus,
} from './records.js';
import type { Timing } from './timing.js';

/** The `datasetLoadExecution` of an event at `nowMs`. */
export function loadStatusAt(load: LoadTimeline, nowMs: number): { status: LoadStatus; message?: string } {
  if (nowMs < load.endMs) return { status: 'IN_PROGRESS' };
  return load.message === undefined
    ? { status: load.outcome }
    : { status: load.outcome, message: load.message };
}

/** A flow execution at `nowMs`: in progress from `startMs` to `endMs`. */
export function executionStatusAt(
  execution: ExecutionRecord,
  nowMs: number,
): { status: LoadStatus; finished: boolean } {
  return nowMs < execution.endMs
    ? { status: 'IN_PROGRESS', finished: false }
    : { status: execution.outcome, finished: true };
}

/** The status of a run at `nowMs`: REQUESTED before its start, RUNNING until its stop, then its outcome. */
export function runStatusAt(run: RunRecord, nowMs: number): DataSourceRunStatus {
  if (nowMs < run.startMs) return 'REQUESTED';
  if (nowMs < run.stopMs) return 'RUNNING';
  return run.outcome;
}

/** Whether a run has not ended by `nowMs` (REQUESTED or RUNNING): a data source runs one at a time. */
export function isRunActive(run: RunRecord, nowMs: number): boolean {
  return nowMs < run.stopMs;
}

/** When the run's status last changed, as of `nowMs`. */
export function runUpdatedMs(run: RunRecord, nowMs: number): number {
  if (nowMs >= run.stopMs) return run.stopMs;
  if (nowMs >= run.startMs) return run.startMs;
  return run.createdMs;
}

/** The activities created so far: each appears when the run reaches its asset. */
export function activitiesAt(run: RunRecord, nowMs: number): ActivityPlan[] {
  return run.activities.filter((a) => a.atMs <= nowMs);
}

/** Counts of a run's asset activities by what happened to the asset, as DataZone reports them. */
export interface RunStatistics {
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

/** `runStatisticsForAssets` from the activities revealed so far. */
export function runStatistics(activities: readonly ActivityPlan[]): RunStatistics {
  const stats: RunStatistics = { added: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  for (const activity of activities) {
    switch (activity.dataAssetStatus) {
      case 'SUCCEEDED_CREATED':
        stats.added++;
        break;
      case 'SUCCEEDED_UPDATED':
        stats.updated++;
        break;
      case 'UNCHANGED':
        stats.unchanged++;
        break;
      case 'SKIPPED_ALREADY_IMPORTED':
      case 'SKIPPED_ARCHIVED':
      case 'SKIPPED_NO_ACCESS':
        stats.skipped++;
        break;
      case 'FAILED':
      case 'PUBLISHING_FAILED':
        stats.failed++;
        break;
      default:
        assertNever(activity.dataAssetStatus);
    }
  }
  return stats;
}

/** The outcome of an event load or flow execution from a stable draw `u` in [0, 1). */
export function loadOutcome(u: number, timing: Timing): TerminalLoadStatus {
  return u < timing.failureRatio ? 'FAILED' : 'SUCCEEDED';
}

/** The outcome of a DataZone run from a stable draw `u` in [0, 1). */
export function runOutcome(u: number, timing: Timing): RunOutcome {
  if (u < timing.failureRatio) return 'FAILED';
  if (u < timing.failureRatio + timing.partialRatio) return 'PARTIALLY_SUCCEEDED';
  return 'SUCCESS';
}

/**
 * For the end of an exhaustive switch: does not build when a case is missing, and throws if reached at run
 * time (a bug).
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
