/**
 * The simulated world behind the emulator: Supply Chain instances and DataZone domains with everything
 * they hold, seeded deterministically and moved by the clock. Handlers read and add records; statuses are
 * derived from each record's timeline at `clock.now()` (see `schedules.ts`), never stored.
 *
 * Internal to the emulator.
 */
import type { Clock } from '../types.js';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import type { DomainRecord, InstanceRecord } from './records.js';
import { createRng, hashString, type Rng } from './rng.js';
import { seedWorld } from './seed.js';
import { resolveTiming, type Timing } from './timing.js';

/** The AWS account id of every simulated resource (AWS's documentation example account). */
export const DEFAULT_ACCOUNT_ID = '123456789012';
/** The region of a world when none is given. */
export const DEFAULT_REGION = 'us-east-1';

/** What a world is created from; the seed and the clock are required, the rest defaults. */
export interface WorldOptions {
  /** Seed of every id, timeline and outcome; an integer (used modulo 2^32). */
  readonly seed: number;
  /** The only time source: the world never reads the wall clock. */
  readonly clock: Clock;
  /** Overrides of {@link defaultTiming}; a bad value throws a `RangeError` naming it. */
  readonly timing?: Partial<Timing>;
  /** Region in ARNs and configurations. Default `us-east-1`. */
  readonly region?: string;
  /**
   * Which world of this emulator process this is (0 at start, one more per reset): run-time ids are
   * drawn from a stream of the seed and the generation, so a reset to the same seed hands out new ids.
   */
  readonly generation?: number;
  /**
   * Ids handed out at run time by earlier worlds of the process; the new world never hands one out
   * again and adds its own. Default: a set of its own.
   */
  readonly issuedIds?: Set<string>;
}

/** The ids a test or demo needs, served by the control API at `GET /_emulator/world`. */
export interface WorldSummary {
  readonly supplychain: {
    readonly instances: {
      readonly instanceId: string;
      readonly instanceName: string;
      readonly namespaces: { readonly name: string; readonly datasets: string[] }[];
      readonly flows: string[];
      readonly eventCount: number;
      readonly executionCount: number;
    }[];
  };
  readonly datazone: {
    readonly domains: {
      readonly domainId: string;
      readonly name: string;
      readonly projects: { readonly id: string; readonly name: string }[];
      readonly dataSources: {
        readonly id: string;
        readonly name: string;
        readonly projectId: string;
        readonly type: string;
      }[];
      readonly runCount: number;
    }[];
  };
}

/**
 * The simulated state of both services: seeded resources, the resources created since, and the clock every
 * status is read at. Only the emulator's services mutate it.
 */
export interface World {
  readonly seed: number;
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  readonly timing: Readonly<Timing>;
  /** Supply Chain instances by id, in seed order. */
  readonly instances: Map<string, InstanceRecord>;
  /** DataZone domains by id, in seed order. */
  readonly domains: Map<string, DomainRecord>;
  readonly idempotency: IdempotencyStore;
  /**
   * Ids of resources created after seeding (sent events, started runs): deterministic per seed,
   * generation and call order, and never one an earlier world of the process handed out.
   */
  readonly ids: Pick<Rng, 'uuid' | 'shortId'>;
  /** Ids and counts of the current world, each list in the order its List operation uses (by name). */
  summary(): WorldSummary;
}

/** Creates and seeds a world. Throws a `RangeError` for a non-finite seed or a bad timing value. */
export function createWorld({
  seed,
  clock,
  timing: overrides,
  region = DEFAULT_REGION,
  generation = 0,
  issuedIds = new Set(),
}: WorldOptions): World {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const normalizedSeed = seed >>> 0;
  const timing = resolveTiming(overrides);
  const accountId = DEFAULT_ACCOUNT_ID;
  const { instances, domains } = seedWorld({
    seed: normalizedSeed,
    timing,
    nowMs: clock.now(),
    rng: createRng(normalizedSeed),
    region,
    accountId,
  });
  return {
    seed: normalizedSeed,
    accountId,
    region,
    clock,
    timing,
    instances,
    domains,
    idempotency: createIdempotencyStore(),
    ids: uniqueIds(
      createRng(hashString(generation === 0 ? 'runtime-ids' : `runtime-ids/${generation}`, normalizedSeed)),
      issuedIds,
    ),
    summary: () => summarize(instances, domains),
  };
}

/** Draws from `rng`, skipping any id in `issued`, and records each id drawn there. */
function uniqueIds(rng: Rng, issued: Set<string>): Pick<Rng, 'uuid' | 'shortId'> {
  const fresh = (draw: () => string): string => {
    let id = draw();
    while (issued.has(id)) id = draw();
    issued.add(id);
    return id;
  };
  return { uuid: () => fresh(() => rng.uuid()), shortId: (length) => fresh(() => rng.shortId(length)) };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = <T extends { name: string }>(a: T, b: T): number => compare(a.name, b.name);
const byInstanceName = (a: InstanceRecord, b: InstanceRecord): number =>
  compare(a.instanceName, b.instanceName);

function summarize(instances: Map<string, InstanceRecord>, domains: Map<string, DomainRecord>): WorldSummary {
  return {
    supplychain: {
      instances: [...instances.values()].sort(byInstanceName).map((instance) => ({
        instanceId: instance.instanceId,
        instanceName: instance.instanceName,
        namespaces: [...instance.namespaces.values()].sort(byName).map((ns) => ({
          name: ns.name,
          datasets: [...ns.datasets.keys()].sort(),
        })),
        flows: [...instance.flows.keys()].sort(),
        eventCount: instance.events.size,
        executionCount: instance.executions.size,
      })),
    },
    datazone: {
      domains: [...domains.values()].sort(byName).map((domain) => ({
        domainId: domain.id,
        name: domain.name,
        projects: [...domain.projects.values()].sort(byName).map((p) => ({ id: p.id, name: p.name })),
        dataSources: [...domain.dataSources.values()]
          .sort(byName)
          .map((ds) => ({ id: ds.id, name: ds.name, projectId: ds.projectId, type: ds.type })),
        runCount: domain.runs.size,
      })),
    },
  };
}
