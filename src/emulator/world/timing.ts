/**
 * How fast simulated loads move and how often they fail. Every duration is simulated time (the world's
 * `Clock`), so a test advances the clock instead of waiting and a demo can speed it up.
 *
 * Internal to the emulator.
 */

export interface Timing {
  /**
   * A received Supply Chain event waits this long before its dataset load starts. The model has no
   * queued status, so the wait reads as `IN_PROGRESS`. Default 3 s.
   */
  readonly eventQueuedMs: number;
  /** A dataset load runs this long before it is `SUCCEEDED` or `FAILED`. Default 20 s. */
  readonly eventRunMs: number;
  /** A flow execution runs this long (seeded executions vary from half to twice this). Default 90 s. */
  readonly executionRunMs: number;
  /** A started DataZone run stays `REQUESTED` this long before `RUNNING`. Default 5 s. */
  readonly runRequestedMs: number;
  /** A DataZone run stays `RUNNING` this long before it finishes. Default 45 s. */
  readonly runRunningMs: number;
  /** Share of loads (events, executions, runs) that end `FAILED`, 0..1. Default 0.15. */
  readonly failureRatio: number;
  /** Share of DataZone runs that end `PARTIALLY_SUCCEEDED`, 0..1; with `failureRatio` at most 1. Default 0.15. */
  readonly partialRatio: number;
}

/**
 * The emulator's default pacing: phases in ms (an event queued 3 s then loading 20 s, an execution 90 s, a
 * run requested 5 s then running 45 s) and the shares of loads that fail (15%) or, for runs, partly succeed
 * (15%).
 */
export const defaultTiming: Readonly<Timing> = Object.freeze({
  eventQueuedMs: 3_000,
  eventRunMs: 20_000,
  executionRunMs: 90_000,
  runRequestedMs: 5_000,
  runRunningMs: 45_000,
  failureRatio: 0.15,
  partialRatio: 0.15,
});

/** Merges overrides onto the defaults; throws a `RangeError` naming the bad option. */
export function resolveTiming(overrides: Partial<Timing> = {}): Readonly<Timing> {
  const timing: Timing = { ...defaultTiming, ...stripUndefined(overrides) };
  for (const key of [
    'eventQueuedMs',
    'eventRunMs',
    'executionRunMs',
    'runRequestedMs',
    'runRunningMs',
  ] as const) {
    const value = timing[key];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`timing.${key} must be a finite number of ms >= 0, got ${value}`);
    }
  }
  for (const key of ['failureRatio', 'partialRatio'] as const) {
    const value = timing[key];
    if (!(value >= 0 && value <= 1))
      throw new RangeError(`timing.${key} must be between 0 and 1, got ${value}`);
  }
  if (timing.failureRatio + timing.partialRatio > 1) {
    throw new RangeError(
      `timing.failureRatio + timing.partialRatio must be at most 1, got ${timing.failureRatio + timing.partialRatio}`,
    );
  }
  return Object.freeze(timing);
}

function stripUndefined(overrides: Partial<Timing>): Partial<Timing> {
  return Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<Timing>;
}
