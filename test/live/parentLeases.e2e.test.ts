/**
 * Loads of one list parent watched on several replicas (in-process hubs, each with its own clients,
 * readers and Redis connections, on one emulator with a frozen clock and the real Redis): the replica
 * holding the parent's lease lists it for everyone, so the emulator sees the parent listed by one replica
 * per interval, not one per replica; every subscriber on every replica still gets every change and the
 * terminal state; and when the holder stops (or dies) another replica takes the parent and goes on.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createLiveHub, type LiveHub } from '../../src/live/hub.js';
import { createRedisScaleOut, type RedisScaleOut } from '../../src/live/redis/scaleOut.js';
import type { LoadRef } from '../../src/upstream/loadKinds.js';
import { createReaders } from '../../src/upstream/readers.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { createCleanup, eventually } from '../helpers/live.js';

const URL = 'redis://127.0.0.1:6379';
const INTERVAL_MS = 100;
const LEASE_TTL_MS = 1_000;
const LOADS = 24;
const LIST = 'ListDataIntegrationFlowExecutions';
const GET = 'GetDataIntegrationFlowExecution';

const cleanup = createCleanup();
const raw = new Redis(URL);
const prefixes: string[] = [];
afterAll(async () => {
  await cleanup.run();
  for (const prefix of prefixes) {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
  }
  await raw.quit();
}, 30_000);

interface Replica {
  readonly name: string;
  readonly hub: LiveHub;
  readonly scaleOut: RedisScaleOut;
  stop(): Promise<void>;
}

/** A replica: its own upstream clients and readers (no shared cache or coalescing), hub and scale-out. */
function replica(emulator: TestEmulator, prefix: string, name: string): Replica {
  const scaleOut = createRedisScaleOut({
    url: URL,
    keyPrefix: prefix,
    commandTimeoutMs: 1_000,
    leaseTtlMs: LEASE_TTL_MS,
    stateTtlMs: 60_000,
    fallbackMaxPollers: 100,
    ratePerSecond: 100_000,
    operationRates: {},
    logger: pino({ level: 'silent' }),
  });
  const clients = emulator.clients({ maxAttempts: 1 });
  const readers = createReaders({ ...clients, destroy: () => {} }, undefined, {
    concurrency: 16,
    definitionTtlMs: 60_000,
  });
  const hub = createLiveHub({
    readers,
    pubsub: scaleOut,
    coordinator: scaleOut,
    rateBudget: scaleOut,
    intervalsMs: {
      DATA_INTEGRATION_EVENT: INTERVAL_MS,
      FLOW_EXECUTION: INTERVAL_MS,
      DATA_SOURCE_RUN: INTERVAL_MS,
      STARTED: INTERVAL_MS,
    },
    jitterRatio: 0,
    maxBackoffMs: 400,
    failureToleranceMs: 60_000,
    maxPollsPerSecond: 100_000,
  });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      hub.close();
      await scaleOut.close();
    })());
  cleanup.add(stop);
  return { name, hub, scaleOut, stop };
}

/** One subscriber: the states it got, and whether its subscription completed. */
interface Subscriber {
  readonly replica: Replica;
  readonly executionId: string;
  readonly states: { executionId: string; status: string }[];
  done: boolean;
}

function subscribe(replica: Replica, ref: LoadRef & { kind: 'FLOW_EXECUTION' }): Subscriber {
  const s: Subscriber = { replica, executionId: ref.key.executionId, states: [], done: false };
  const it = replica.hub.watch(ref);
  cleanup.add(() => it.return?.());
  void (async () => {
    for await (const state of it) s.states.push(state as Subscriber['states'][number]);
    s.done = true;
  })();
  return s;
}

async function setup(replicas: number, loads = LOADS) {
  const emulator = await startTestEmulator({ maxAttempts: 1 });
  cleanup.add(() => emulator.close());
  const prefix = `loadgraph-test:${randomUUID()}:`;
  prefixes.push(prefix);
  const all = Array.from({ length: replicas }, (_, i) => replica(emulator, prefix, `r${i}`));
  await eventually(() => all.every((r) => r.scaleOut.stats.connected), 'the replicas to connect to Redis');
  const instance = emulator.world.supplychain.instances[0]!;
  const instanceId = instance.instanceId;
  const flowName = instance.flows[0]!;
  const res = await fetch(`${emulator.endpoint}/_emulator/scene`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // Running 30 s of the frozen clock, then finishing one after another over 10 s more.
    body: JSON.stringify({
      kind: 'executions',
      instanceId,
      flowName,
      count: loads,
      durationMs: 30_000,
      spreadMs: 10_000,
    }),
  });
  expect(res.status).toBe(201);
  const { ids } = (await res.json()) as { ids: string[] };
  const refs = ids.map(
    (executionId) => ({ kind: 'FLOW_EXECUTION', key: { instanceId, flowName, executionId } }) as const,
  );
  // Load n is watched on replica n mod replicas, and the first three on every replica.
  const subscribers = refs.flatMap((ref, n) =>
    all.filter((_, i) => n < 3 || i === n % replicas).map((r) => subscribe(r, ref)),
  );
  await eventually(
    () => subscribers.every((s) => s.states.length > 0),
    'a first state for every subscriber',
    15_000,
  );
  return { emulator, all, refs, subscribers, prefix };
}

/** How many loads `subscribers` watch. */
const watchedBy = (subscribers: readonly Subscriber[]): number =>
  new Set(subscribers.map((s) => s.executionId)).size;

/** The one replica holding the parent's lease, once exactly one holds it and every topic lease. */
async function settledHolder(replicas: readonly Replica[], loads = LOADS): Promise<Replica> {
  let holder: Replica | undefined;
  await eventually(
    () => {
      const holders = replicas.filter((r) => r.scaleOut.stats.parentLeasesHeld === 1);
      holder = holders[0];
      return (
        holders.length === 1 &&
        holder!.scaleOut.stats.leasesHeld === loads &&
        replicas.every((r) => r === holder || r.scaleOut.stats.leasesHeld === 0)
      );
    },
    () =>
      `one replica to hold the parent and all ${loads} loads; parents/loads held: ${replicas.map((r) => `${r.scaleOut.stats.parentLeasesHeld}/${r.scaleOut.stats.leasesHeld}`).join(', ')}`,
    10_000,
  );
  return holder!;
}

/**
 * Upstream calls per replica (hub counters) and per operation (the emulator) over a window of `ms`, once
 * the holder has refreshed the parent a few times (loads watched only elsewhere were never read before it
 * polled them: their first reads are not what is measured).
 */
async function measure(emulator: TestEmulator, replicas: readonly Replica[], ms: number) {
  await emulator.control.resetCalls();
  await eventually(async () => ((await emulator.control.calls())[LIST] ?? 0) >= 6, 'a few refreshes');
  const before = replicas.map((r) => r.hub.stats.calls);
  await emulator.control.resetCalls();
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const calls = await emulator.control.calls();
  const elapsedMs = performance.now() - startedAt;
  return {
    calls,
    elapsedMs,
    perReplica: replicas.map((r, i) => r.hub.stats.calls - before[i]!),
    // At most one refresh per interval (slowness only makes fewer), plus one started at each edge.
    onePerInterval: Math.floor(elapsedMs / INTERVAL_MS) + 2,
  };
}

/** Moves the clock in 5 s steps until `done`, letting the holder refresh twice after each step. */
async function advanceUntil(emulator: TestEmulator, done: () => boolean, what: string): Promise<void> {
  for (let step = 0; !done(); step++) {
    if (step === 20) throw new Error(`${what} did not happen within 20 clock steps`);
    await emulator.control.advance(5_000);
    const calls = async () => {
      const c = await emulator.control.calls();
      return (c[LIST] ?? 0) + (c[GET] ?? 0);
    };
    const target = (await calls()) + 2;
    await eventually(async () => done() || (await calls()) >= target, `the polls after step ${step + 1}`);
  }
}

/** Every subscriber got RUNNING states then exactly one SUCCEEDED, last, and its subscription completed. */
async function expectAllFinished(subscribers: readonly Subscriber[]): Promise<void> {
  await eventually(() => subscribers.every((s) => s.done), 'every subscription to complete');
  for (const s of subscribers) {
    const statuses = s.states.map((state) => state.status);
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    expect(statuses.slice(0, -1).every((status) => status === 'IN_PROGRESS')).toBe(true);
    expect(s.states.every((state) => state.executionId === s.executionId)).toBe(true);
  }
}

describe('loads of one parent watched on three replicas', () => {
  it('are listed by the parent holder alone, once per interval, and every subscriber gets every terminal state', async () => {
    const { emulator, all, subscribers } = await setup(3);
    expect(subscribers).toHaveLength(LOADS + 3 * 2);
    const holder = await settledHolder(all);

    const { calls, elapsedMs, perReplica, onePerInterval } = await measure(emulator, all, 2_000);
    const lists = calls[LIST] ?? 0;
    // One list per interval cluster-wide (24 loads fit on two pages of 20): per replica it would be three
    // times that, and per load 24 reads an interval.
    expect(lists).toBeGreaterThan(0);
    expect(lists).toBeLessThanOrEqual(2 * onePerInterval);
    expect(calls[GET] ?? 0).toBeLessThanOrEqual(LOADS);
    expect(perReplica.filter((n) => n > 0)).toHaveLength(1);
    // The holder made them all (its own count and the emulator's may differ by a call in flight at an edge).
    expect(Math.abs(perReplica[all.indexOf(holder)]! - (lists + (calls[GET] ?? 0)))).toBeLessThanOrEqual(2);
    console.info(
      `parent leases: ${lists} ${LIST} (+${calls[GET] ?? 0} ${GET}) calls in ${Math.round(elapsedMs)} ms for ${LOADS} loads watched on 3 replicas (interval ${INTERVAL_MS} ms); calls per replica ${perReplica.join('/')}`,
    );

    await advanceUntil(emulator, () => subscribers.every((s) => s.done), 'every load to finish');
    await expectAllFinished(subscribers);
    // Every replica's subscribers saw a change (IN_PROGRESS → SUCCEEDED) published by the holder alone.
    for (const r of all) expect(subscribers.some((s) => s.replica === r)).toBe(true);
    await eventually(
      () => all.every((r) => r.hub.stats.pollers === 0 && r.scaleOut.stats.parentLeasesHeld === 0),
      'every poller and parent lease to be gone',
    );
  }, 60_000);

  it('lists the parent as often with one replica (the same number of refreshes)', async () => {
    const { emulator, all } = await setup(1);
    await settledHolder(all);
    const { calls, elapsedMs, onePerInterval } = await measure(emulator, all, 2_000);
    const lists = calls[LIST] ?? 0;
    expect(lists).toBeGreaterThan(0);
    expect(lists).toBeLessThanOrEqual(2 * onePerInterval);
    console.info(
      `parent leases: ${lists} ${LIST} (+${calls[GET] ?? 0} ${GET}) calls in ${Math.round(elapsedMs)} ms for ${LOADS} loads watched on 1 replica`,
    );
  }, 60_000);
});

describe('the parent holder gone', () => {
  it('stopped: another replica takes the parent and every subscriber left gets its terminal state', async () => {
    const { emulator, all, subscribers } = await setup(3);
    const holder = await settledHolder(all);
    await holder.stop();
    const survivors = all.filter((r) => r !== holder);
    const left = subscribers.filter((s) => s.replica !== holder);
    // The loads only the stopped replica watched leave the parent's member set within the TTL.
    const next = await settledHolder(survivors, watchedBy(left));
    expect(next).not.toBe(holder);

    const { calls, perReplica, onePerInterval } = await measure(emulator, survivors, 1_000);
    expect(calls[LIST] ?? 0).toBeLessThanOrEqual(2 * onePerInterval);
    expect(perReplica.filter((n) => n > 0)).toHaveLength(1);

    await advanceUntil(emulator, () => left.every((s) => s.done), 'every load to finish');
    await expectAllFinished(left);
  }, 60_000);

  it('dead (its leases only expire): another replica takes the parent within the lease TTL', async () => {
    const { emulator, all, subscribers, prefix } = await setup(3);
    const holder = await settledHolder(all);
    // A dead replica releases nothing: its leases are made another token's, so its compare-and-delete on
    // the way out finds nothing of its own, and they stay until they expire.
    const keys = [...(await raw.keys(`${prefix}lease:*`)), ...(await raw.keys(`${prefix}parent:*`))];
    expect(keys).toHaveLength(LOADS + 1);
    const pipeline = raw.pipeline();
    for (const key of keys) pipeline.set(key, 'a-dead-replica', 'PX', LEASE_TTL_MS);
    await pipeline.exec();
    const diedAt = performance.now();
    await holder.stop();
    const survivors = all.filter((r) => r !== holder);
    const left = subscribers.filter((s) => s.replica !== holder);
    await settledHolder(survivors, watchedBy(left));
    const takeoverMs = performance.now() - diedAt;
    // Within the TTL plus a few intervals (generous: a busy machine).
    expect(takeoverMs).toBeLessThan(LEASE_TTL_MS + 3_000);

    await advanceUntil(emulator, () => left.every((s) => s.done), 'every load to finish');
    await expectAllFinished(left);
    console.info(
      `parent leases: the survivors took the parent ${Math.round(takeoverMs)} ms after the holder died`,
    );
  }, 60_000);
});
