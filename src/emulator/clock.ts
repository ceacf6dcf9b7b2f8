/**
 * The emulator's simulated clock: starts at a given instant (default: the real now), runs at `speed`
 * simulated milliseconds per real millisecond, and jumps forward on `advance`. Tests advance it to move
 * loads through their states without waiting; demos speed it up.
 */
import type { Clock } from './types.js';

/** How a clock starts and runs; all optional, with the defaults given per field. */
export interface ClockOptions {
  /** Simulated time at creation, epoch ms. Default: the real now. */
  readonly startMs?: number;
  /** Simulated ms per real ms. Default 1; 0 freezes time (only `advance` moves it). */
  readonly speed?: number;
  /** The real time source, epoch ms (injectable for tests). */
  readonly realNow?: () => number;
}

/**
 * A simulated clock (see {@link Clock}), reading whole epoch ms. Throws a RangeError for a negative or
 * non-finite `speed`.
 */
export function createClock({ startMs, speed = 1, realNow = Date.now }: ClockOptions = {}): Clock {
  if (!(speed >= 0) || !Number.isFinite(speed))
    throw new RangeError(`speed must be a finite number >= 0, got ${speed}`);
  let baseReal = realNow();
  let baseSim = startMs ?? baseReal;
  let factor = speed;
  const now = (): number => Math.floor(baseSim + (realNow() - baseReal) * factor);
  return {
    now,
    advance(ms: number): void {
      if (!(ms >= 0)) throw new RangeError(`advance takes a non-negative number of ms, got ${ms}`);
      baseSim += ms;
    },
    setSpeed(next: number): void {
      if (!(next >= 0) || !Number.isFinite(next))
        throw new RangeError(`speed must be a finite number >= 0, got ${next}`);
      baseSim = now();
      baseReal = realNow();
      factor = next;
    },
    get speed(): number {
      return factor;
    },
  };
}
