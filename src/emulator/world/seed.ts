/**
 * Builds the initial world from a seed. Every id, name choice, timeline and outcome is drawn from one
 * seeded stream in a fixed order, with times relative to the clock at seed time, so the same seed gives
 * the same world (same ids) whenever it is created.
 *
 * Internal to the emulator.
 */
import type { ArnScope } from './arns.js';
import type { DomainRecord, InstanceRecord } from './records.js';
import type { Rng } from './rng.js';
import { seedDataZone } from './seed.datazone.js';
import { seedSupplyChain } from './seed.supplychain.js';
import type { Timing } from './timing.js';

/**
 * What seeding reads: the seed and its random source, the timing, the clock time and the account and region
 * of the ARNs.
 */
export interface SeedContext extends ArnScope {
  readonly seed: number;
  readonly timing: Timing;
  /** The clock at seed time; seeded history lies before it, live loads straddle it. */
  readonly nowMs: number;
  readonly rng: Rng;
}

/** The resources of a freshly seeded world, by id. */
export interface SeededWorld {
  readonly instances: Map<string, InstanceRecord>;
  readonly domains: Map<string, DomainRecord>;
}

/** Seeds both services. The same context gives the same world, ids and timelines included. */
export function seedWorld(ctx: SeedContext): SeededWorld {
  return { instances: seedSupplyChain(ctx), domains: seedDataZone(ctx) };
}
