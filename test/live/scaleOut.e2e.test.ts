/**
 * Replicas that behave as one. Gateway processes on one emulator (frozen clock) and one Redis:
 *
 * - three replicas, 300 graphql-ws subscribers over 20 loads: each load is polled once per interval
 *   cluster-wide (one lease holder), not once per replica;
 * - SIGKILL the replica holding the most leases: every subscriber on the survivors still gets every load's
 *   terminal state (the leases expire and the survivors take over);
 * - the loads share a parent: one replica holds the parent and every load's lease, and lists for all;
 * - two replicas watching five loads each of one parent stay within one shared rate; SIGTERM releases the
 *   holder's leases; a late subscriber gets the stored state while every upstream read fails;
 * - stop and restart Redis (a redis-server of the test's own, no persistence): `/readyz` says so, the
 *   replicas poll locally meanwhile, reconcile when it returns, and no terminal state is missed.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { createCleanup, eventually, field, STATUS_RANK, watch, type Watch } from '../helpers/live.js';
import { startRedisServer, startReplica, type Replica } from '../helpers/replicas.js';

const INTERVAL_MS = 100;
const LOADS = 20;
const EVENT_SUB = `subscription($i: ID!, $e: ID!) { dataIntegrationEventChanged(instanceId: $i, eventId: $e) { id status terminal } }`;

const cleanup = createCleanup();
afterAll(() => cleanup.run(), 60_000);

const liveEnv = (redisUrl: string, keyPrefix: string): Record<string, string> => ({
  LIVE_POLL_EVENT_MS: String(INTERVAL_MS),
  LIVE_POLL_JITTER: '0',
  LIVE_MAX_BACKOFF_MS: '400',
  LIVE_MAX_POLLS_PER_SECOND: '100000',
  LIVE_LEASE_TTL_MS: '1000',
  LIVE_SHARED_RATE_PER_SECOND: '10000',
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: keyPrefix,
  // Hundreds of sockets opening at once on a busy machine.
  WS_CONNECTION_INIT_TIMEOUT_MS: '15000',
});

/** Deletes the keys under `prefix` from the shared Redis once the tests are done. */
function forgetKeys(prefix: string): void {
  cleanup.add(async () => {
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
}

async function startEmulator(): Promise<TestEmulator> {
  const emulator = await startTestEmulator();
  cleanup.add(() => emulator.close());
  return emulator;
}

async function replicas(count: number, emulator: TestEmulator, env: Record<string, string>) {
  const started = await Promise.all(
    Array.from({ length: count }, () => startReplica(emulator.endpoint, env)),
  );
  for (const r of started) cleanup.add(() => r.stop());
  return started;
}

async function graphql(replica: Replica, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors ?? []).toEqual([]);
  return body.data;
}

/** Sends `count` DATASET events through `replica`; returns their event ids. */
async function sendEvents(replica: Replica, instanceId: string, count: number): Promise<string[]> {
  const { dataLakeDataset } = await graphql(
    replica,
    `
      query ($i: ID!) {
        dataLakeDataset(instanceId: $i, namespace: "default", name: "carrier_tracking") {
          arn
        }
      }
    `,
    { i: instanceId },
  );
  return Promise.all(
    Array.from({ length: count }, async () => {
      const { sendEvent } = await graphql(
        replica,
        `
          mutation ($input: SendEventInput!) {
            sendEvent(input: $input) {
              eventId
            }
          }
        `,
        {
          input: {
            instanceId,
            eventType: 'DATASET',
            data: JSON.stringify({ tracking_number: '1Z999AA10123456784', event_ts: '2025-01-03T10:00:00Z' }),
            eventGroupId: `group-${randomUUID()}`,
            datasetTarget: { datasetIdentifier: dataLakeDataset.arn, operationType: 'APPEND' },
          },
        },
      );
      return sendEvent.eventId as string;
    }),
  );
}

function wsClient(replica: Replica): Client {
  const client = createClient({
    url: replica.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  cleanup.add(() => client.dispose());
  return client;
}

interface Subscriber {
  readonly replica: Replica;
  readonly eventId: string;
  readonly watch: Watch;
}

/** `clients × perClient` subscribers on each replica, subscriber n watching load n mod loads. */
function subscribe(
  all: readonly Replica[],
  instanceId: string,
  eventIds: readonly string[],
  clients: number,
  perClient: number,
): Subscriber[] {
  let n = 0;
  return all.flatMap((replica) =>
    Array.from({ length: clients }, () => wsClient(replica)).flatMap((client) =>
      Array.from({ length: perClient }, () => {
        const eventId = eventIds[n++ % eventIds.length]!;
        return { replica, eventId, watch: watch(client, EVENT_SUB, { i: instanceId, e: eventId }) };
      }),
    ),
  );
}

const isTerminal = (w: Watch): boolean => w.payloads.some((p) => field(p)?.terminal);

/** Moves the emulator clock in 5 s steps until `done`, waiting after each step for the polls to see it. */
async function advanceUntil(emulator: TestEmulator, done: () => boolean, what: string): Promise<void> {
  for (let step = 0; !done(); step++) {
    if (step === 40) throw new Error(`${what} did not happen within 40 clock steps`);
    await emulator.control.advance(5_000);
    // A poll reads a load, or a list call refreshes the loads of one parent: wait for two rounds of either.
    const calls = async () => {
      const counts = await emulator.control.calls();
      return (counts['GetDataIntegrationEvent'] ?? 0) + (counts['ListDataIntegrationEvents'] ?? 0);
    };
    const target = (await calls()) + 2 * 3;
    await eventually(
      async () => done() || (await calls()) >= target,
      `the polls after step ${step + 1}`,
      10_000,
    );
  }
}

/** A subscriber's statuses go up to one terminal state, the last one, and the subscription completes. */
async function expectTerminal(s: Subscriber): Promise<void> {
  expect(await s.watch.end(10_000)).toEqual({ kind: 'complete' });
  const values = s.watch.payloads.map(field);
  expect(values.at(-1)).toMatchObject({ terminal: true });
  expect(values.filter((v) => v.terminal)).toHaveLength(1);
  const ranks = values.map((v) => STATUS_RANK[v.status]!);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
}

describe('three replicas on one Redis', () => {
  const prefix = `loadgraph-test:${randomUUID()}:`;
  let emulator: TestEmulator;
  let all: Replica[];
  let subscribers: Subscriber[];
  let eventIds: string[];

  beforeAll(async () => {
    emulator = await startEmulator();
    all = await replicas(3, emulator, liveEnv('redis://127.0.0.1:6379', prefix));
    forgetKeys(prefix);
    const instanceId = emulator.world.supplychain.instances[0]!.instanceId;
    eventIds = await sendEvents(all[0]!, instanceId, LOADS);
    // 3 replicas × 10 sockets × 10 subscriptions = 300 subscribers, 15 per load, 5 per load on each replica.
    subscribers = subscribe(all, instanceId, eventIds, 10, 10);
    await eventually(
      () => subscribers.every((s) => s.watch.payloads.length > 0),
      () =>
        `a first payload for every subscriber; without one: ${all.map((r) => subscribers.filter((s) => s.replica === r && s.watch.payloads.length === 0).length).join('/')} per replica`,
      30_000,
    );
  }, 60_000);

  it('polls each load once per interval cluster-wide, however many replicas watch it', async () => {
    expect(subscribers).toHaveLength(300);
    // The loads share a parent (the DATASET events of one instance): once each has been read and its
    // parent is known, one replica holds the parent and every load's lease, and lists for all.
    const held = (name: string) => Promise.all(all.map(async (r) => (await r.metrics())[name]!));
    await eventually(
      async () =>
        (await held('loadgraph_live_parent_leases_held')).reduce((a, b) => a + b, 0) === 1 &&
        (await held('loadgraph_live_leases_held')).includes(LOADS),
      'one replica to hold the parent and every load',
      10_000,
    );
    const leases = await held('loadgraph_live_leases_held');
    expect(leases.reduce((a, b) => a + b, 0)).toBe(LOADS);
    for (const r of all) expect((await r.metrics())['loadgraph_redis_connected']).toBe(1);

    await emulator.control.resetCalls();
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const calls = await emulator.control.calls();
    const elapsedMs = performance.now() - startedAt;
    // One poller per load: at most one call per load per interval (slowness only makes fewer); the loads
    // share a parent, so the lease holders refresh theirs from the list instead of reading each.
    const onePerLoad = LOADS * (Math.floor(elapsedMs / INTERVAL_MS) + 1);
    const total = (calls['GetDataIntegrationEvent'] ?? 0) + (calls['ListDataIntegrationEvents'] ?? 0);
    expect(Object.keys(calls).filter((op) => !/^(Get|List)DataIntegrationEvents?$/.test(op))).toEqual([]);
    expect(total).toBeLessThanOrEqual(onePerLoad);
    expect(total).toBeGreaterThan(0);
    console.info(
      `scale-out: ${total} GetDataIntegrationEvent + ListDataIntegrationEvents calls in ${Math.round(elapsedMs)} ms for ${LOADS} loads × 3 replicas (one poller per load: at most ${onePerLoad}); leases per replica ${leases.join('/')}`,
    );
  });

  it('still gives every subscriber on the survivors every terminal state after the lease holder is killed', async () => {
    const leases = await Promise.all(
      all.map(async (r) => (await r.metrics())['loadgraph_live_leases_held']!),
    );
    const holder = all[leases.indexOf(Math.max(...leases))]!;
    const survivors = subscribers.filter((s) => s.replica !== holder);
    await holder.kill();
    const alive = all.filter((r) => r !== holder);
    const killedAt = performance.now();
    // Nothing changes upstream (the clock is frozen): the survivors take every lease once the dead ones expire.
    const survivorLeases = async () => {
      const counts = await Promise.all(
        alive.map(async (r) => (await r.metrics())['loadgraph_live_leases_held']!),
      );
      return counts.reduce((a, b) => a + b, 0);
    };
    await eventually(
      async () => (await survivorLeases()) === LOADS,
      'the survivors to take every lease',
      15_000,
    );
    const takeoverMs = Math.round(performance.now() - killedAt);

    const startedAt = performance.now();
    await advanceUntil(emulator, () => survivors.every((s) => isTerminal(s.watch)), 'every load to finish');
    for (const s of survivors) await expectTerminal(s);
    expect(survivors).toHaveLength(200);
    expect(new Set(survivors.map((s) => s.eventId)).size).toBe(LOADS);
    console.info(
      `scale-out: killed the holder of ${Math.max(...leases)} leases; the survivors held all ${LOADS} after ${takeoverMs} ms (lease TTL 1000 ms, interval ${INTERVAL_MS} ms); ${survivors.length} subscribers on the survivors all got their terminal state within ${Math.round(performance.now() - startedAt)} ms of clock steps`,
    );
    for (const r of alive) expect((await r.metrics())['loadgraph_live_leases_held']).toBe(0);
  });
});

describe('two replicas, each watching its own loads of one parent', () => {
  it('holds the polls of an operation to its rate; the stopped parent holder gives its leases up; a late subscriber gets the stored state', async () => {
    const emulator = await startEmulator();
    const RATE = 10;
    const prefix = `loadgraph-test:${randomUUID()}:`;
    forgetKeys(prefix);
    const all = await replicas(2, emulator, {
      ...liveEnv('redis://127.0.0.1:6379', prefix),
      LIVE_SHARED_RATE_BY_OPERATION: `GetDataIntegrationEvent=${RATE},ListDataIntegrationEvents=${RATE}`,
    });
    const instanceId = emulator.world.supplychain.instances[0]!.instanceId;
    const eventIds = await sendEvents(all[0]!, instanceId, 10);
    // Loads 0-4 watched on one replica only, 5-9 on the other: they share a parent, so the replica holding
    // it holds all ten leases and polls them for both.
    const subscribers = [
      ...subscribe([all[0]!], instanceId, eventIds.slice(0, 5), 1, 5),
      ...subscribe([all[1]!], instanceId, eventIds.slice(5), 1, 5),
    ];
    await Promise.all(subscribers.map((s) => s.watch.count(1, 20_000)));
    const held = () => Promise.all(all.map(async (r) => (await r.metrics())['loadgraph_live_leases_held']!));
    await eventually(
      async () => (await held()).sort((a, b) => a - b).join() === '0,10',
      'one replica to hold every lease',
      10_000,
    );
    const holder = all[(await held()).indexOf(10)]!;

    await emulator.control.resetCalls();
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const counts = await emulator.control.calls();
    const reads = counts['GetDataIntegrationEvent'] ?? 0;
    const lists = counts['ListDataIntegrationEvents'] ?? 0;
    const elapsedMs = performance.now() - startedAt;
    // Unbounded: 10 loads every 100 ms (100/s), or a list call every 100 ms (10/s and more pages).
    const shared = Math.ceil((RATE * elapsedMs) / 1_000) + RATE;
    expect(reads).toBeLessThanOrEqual(shared);
    expect(lists).toBeLessThanOrEqual(shared);
    expect(reads + lists).toBeGreaterThan(0);
    console.info(
      `scale-out: ${reads} GetDataIntegrationEvent and ${lists} ListDataIntegrationEvents calls in ${Math.round(elapsedMs)} ms from 2 replicas watching 5 loads each of one parent at a shared ${RATE}/s per operation (at most ${shared} with the burst)`,
    );

    // SIGTERM: the holder gives its leases up on the way out (no loads finished: the clock is frozen): none
    // is its own any more (the other replica may have taken them since).
    const redis = new Redis('redis://127.0.0.1:6379');
    cleanup.add(() => redis.quit());
    const leaseValues = async () => {
      const keys = [...(await redis.keys(`${prefix}lease:*`)), ...(await redis.keys(`${prefix}parent:*`))];
      return keys.length > 0 ? await redis.mget(...keys) : [];
    };
    const before = await leaseValues();
    expect(before).toHaveLength(11);
    const token = before[0];
    expect(before.every((v) => v === token)).toBe(true);
    await holder.stop();
    expect(holder.process.exitCode).toBe(0);
    expect((await leaseValues()).filter((v) => v === token)).toEqual([]);
    const survivor = all.find((r) => r !== holder)!;

    // A late subscriber to a load nobody watches any more gets its last state from Redis at once: every
    // upstream read now fails, so it cannot have come from AWS.
    const stored = subscribers.find((s) => s.eventId === eventIds[0])!.watch.payloads.at(-1);
    await emulator.control.addFault({ operation: '*', kind: 'error', status: 503 });
    const late = watch(wsClient(survivor), EVENT_SUB, { i: instanceId, e: eventIds[0] });
    await late.count(1, 10_000);
    expect(late.payloads[0]).toEqual(stored);
    await emulator.control.clearFaults();
  }, 60_000);
});

describe('Redis stopped and restarted', () => {
  it('keeps the subscriptions moving on local polls, says so in /readyz, and misses no terminal state', async () => {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    const emulator = await startEmulator();
    const all = await replicas(2, emulator, liveEnv(redis.url, `loadgraph-test:${randomUUID()}:`));
    const instanceId = emulator.world.supplychain.instances[0]!.instanceId;
    // Two batches 12 s apart (loads take 23 s): the first finishes while Redis is down, the second after.
    const early = await sendEvents(all[0]!, instanceId, 5);
    await emulator.control.advance(12_000);
    const late = await sendEvents(all[1]!, instanceId, 5);
    const subscribers = subscribe(all, instanceId, [...early, ...late], 2, 10);
    await Promise.all(subscribers.map((s) => s.watch.count(1, 20_000)));
    for (const r of all) expect(await r.readyz()).toMatchObject({ status: 200, body: { status: 'ready' } });

    await redis.stop();
    for (const r of all) {
      await eventually(async () => (await r.readyz()).body.status === 'degraded', '/readyz to report Redis');
      const { status, body } = await r.readyz();
      expect(status).toBe(200);
      expect(body.degraded[0]).toMatch(/^Redis is unreachable since .*local polling/);
      expect((await r.metrics())['loadgraph_redis_connected']).toBe(0);
    }
    // The first batch finishes while Redis is down: each replica polls it for its own subscribers.
    await emulator.control.advance(12_000);
    const finishedEarly = subscribers.filter((s) => early.includes(s.eventId));
    await eventually(
      () => finishedEarly.every((s) => isTerminal(s.watch)),
      'the subscribers of the first batch to see it finish without Redis',
      10_000,
    );
    expect(subscribers.filter((s) => isTerminal(s.watch))).toHaveLength(finishedEarly.length);

    await redis.start();
    for (const r of all) {
      await eventually(
        async () => (await r.readyz()).body.status === 'ready',
        '/readyz to be ready again',
        10_000,
      );
    }
    await advanceUntil(emulator, () => subscribers.every((s) => isTerminal(s.watch)), 'every load to finish');
    for (const s of subscribers) await expectTerminal(s);
    for (const r of all) expect(r.stderr()).toContain('Redis is unreachable: falling back to local polling');
    for (const r of all) expect(r.stderr()).toContain('Redis is reachable again');
  }, 90_000);
});
