/**
 * Leases, fencing, stored last states and the shared rate budget of `RedisScaleOut`, against the real
 * Redis on 127.0.0.1:6379 (a key prefix of its own per run). Two or three instances stand for replicas.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../src/live/pubsub.js';
import { createRedisScaleOut, VERSION_SPAN, type RedisScaleOut } from '../../src/live/redis/scaleOut.js';
import { createCleanup, eventually } from '../helpers/live.js';
import { startRedisServer } from '../helpers/replicas.js';

const URL = 'redis://127.0.0.1:6379';
const PREFIX = `loadgraph-test:${randomUUID()}:`;
const raw = new Redis(URL);
const cleanup = createCleanup();
afterAll(async () => {
  await cleanup.run();
  const keys = await raw.keys(`${PREFIX}*`);
  if (keys.length > 0) await raw.del(...keys);
  await raw.quit();
});

function replica(
  options: { ratePerSecond?: number; leaseTtlMs?: number; url?: string; fallbackMaxPollers?: number } = {},
): RedisScaleOut {
  const scaleOut = createRedisScaleOut({
    url: options.url ?? URL,
    keyPrefix: PREFIX,
    commandTimeoutMs: 1_000,
    leaseTtlMs: options.leaseTtlMs ?? 5_000,
    stateTtlMs: 60_000,
    fallbackMaxPollers: options.fallbackMaxPollers ?? 10,
    ratePerSecond: options.ratePerSecond ?? 1_000,
    operationRates: {},
    logger: pino({ level: 'silent' }),
  });
  cleanup.add(() => scaleOut.close());
  return scaleOut;
}

async function connected(...replicas: RedisScaleOut[]): Promise<void> {
  await eventually(() => replicas.every((r) => r.stats.connected), 'the replicas to connect to Redis');
}

/** Subscribes to `topic` and records what arrives (after the channel is subscribed and the state re-read). */
async function listen(replica: RedisScaleOut, topic: string): Promise<LiveMessage[]> {
  const got: LiveMessage[] = [];
  replica.subscribe(topic, (m) => got.push(m));
  await replica.refresh(topic);
  return got;
}

const state = (version: number, status: string, terminal = false): LiveMessage => ({
  version,
  state: { status },
  terminal,
});

describe('leases', () => {
  it('lets exactly one replica poll a topic, and another take over once it is released', async () => {
    const [a, b, c] = [replica(), replica(), replica()];
    await connected(a, b, c);
    const topic = `load:${randomUUID()}`;

    const turns = await Promise.all([a, b, c].map((r) => r.claim(topic, 0)));
    expect(turns.filter((t) => t.poll)).toHaveLength(1);
    const holder = [a, b, c][turns.findIndex((t) => t.poll)]!;
    const first = turns.find((t) => t.poll)!.versionBase!;
    expect(first).toBeGreaterThan(0);
    // The holder keeps its turn without another acquisition; the others still wait.
    expect(await holder.claim(topic, first)).toEqual({ poll: true });
    const other = holder === a ? b : a;
    expect(await other.claim(topic, 0)).toEqual({ poll: false });

    holder.release(topic);
    await eventually(async () => (await raw.exists(`${PREFIX}lease:${topic}`)) === 0, 'the release');
    const next = await other.claim(topic, 0);
    expect(next.poll).toBe(true);
    expect(next.versionBase).toBeGreaterThan(first);
    expect(holder.stats.leasesHeld).toBe(0);
    expect(other.stats.leasesHeld).toBe(1);
  });

  it('lets a replica take the lease when the holder stops renewing it (dies)', async () => {
    const a = replica({ leaseTtlMs: 300 });
    const b = replica({ leaseTtlMs: 300 });
    await connected(a, b);
    const topic = `load:${randomUUID()}`;
    // A lease is renewed while someone here listens to its topic (the poller does).
    a.subscribe(topic, () => {});
    expect((await a.claim(topic, 0)).poll).toBe(true);
    // Renewals keep it alive well past its TTL...
    const until = performance.now() + 700;
    await eventually(() => performance.now() > until, 'several lease lifetimes', 2_000);
    expect((await b.claim(topic, 0)).poll).toBe(false);
    // ...and once the holder is gone, the lease expires and the other replica takes it.
    // (A dead replica releases nothing: its lease only expires.)
    await raw.set(`${PREFIX}lease:${topic}`, 'a-dead-replica', 'PX', 300);
    await a.close();
    await eventually(async () => (await b.claim(topic, 0)).poll, 'the other replica to take the lease');
  });

  it('ignores the results of a holder whose lease was taken over (a fenced, stale holder)', async () => {
    const [a, b, c] = [replica(), replica(), replica()];
    await connected(a, b, c);
    const topic = `load:${randomUUID()}`;
    const seen = await listen(c, topic);
    const turnA = await a.claim(topic, 0);
    a.publishResult(topic, state(turnA.versionBase! + 1, 'RUNNING'), true);
    await eventually(() => seen.length === 1, 'the first result');

    // A pauses past its lease: the lease expires (deleted here) and B takes it with a higher fence.
    await raw.del(`${PREFIX}lease:${topic}`);
    const turnB = await b.claim(topic, turnA.versionBase! + 1);
    expect(turnB.poll).toBe(true);
    expect(turnB.versionBase).toBeGreaterThan(turnA.versionBase! + 1);

    // A wakes up and publishes what it read: refused, and A no longer believes it holds the lease.
    a.publishResult(topic, state(turnA.versionBase! + 2, 'STALE'), true);
    b.publishResult(topic, state(turnB.versionBase! + 1, 'SUCCEEDED', true), true);
    await eventually(() => seen.length === 2, 'the new holder’s result');
    await eventually(() => a.stats.leasesHeld === 0, 'the stale holder to drop its lease');
    expect(seen.map((m) => ('state' in m ? m.state : m))).toEqual([
      { status: 'RUNNING' },
      { status: 'SUCCEEDED' },
    ]);
    expect(await raw.hget(`${PREFIX}state:${topic}`, 'm')).toContain('SUCCEEDED');
  });

  it('refuses a version not above the stored one', async () => {
    const a = replica();
    const c = replica();
    await connected(a, c);
    const topic = `load:${randomUUID()}`;
    const seen = await listen(c, topic);
    const { versionBase } = await a.claim(topic, 0);
    a.publishResult(topic, state(versionBase! + 2, 'RUNNING'), true);
    a.publishResult(topic, state(versionBase! + 1, 'QUEUED'), true);
    a.publishResult(topic, state(versionBase! + 3, 'SUCCEEDED', true), true);
    await eventually(() => seen.length >= 2, 'two results');
    expect(seen).toEqual([state(versionBase! + 2, 'RUNNING'), state(versionBase! + 3, 'SUCCEEDED', true)]);
    // The refused write was an older result of the holder's own: it keeps its lease.
    expect(a.stats.leasesHeld).toBe(1);
  });

  it('keeps versions growing when Redis lost its data (a restart without persistence)', async () => {
    const [a, b] = [replica(), replica()];
    await connected(a, b);
    const topic = `load:${randomUUID()}`;
    const first = await a.claim(topic, 0);
    await raw.del(`${PREFIX}lease:${topic}`, `${PREFIX}fence:${topic}`, `${PREFIX}state:${topic}`);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a restart takes far longer
    // B has seen nothing (floor 0), yet its versions start above any A could have published.
    const second = await b.claim(topic, 0);
    expect(second.poll).toBe(true);
    expect(second.versionBase).toBeGreaterThanOrEqual(first.versionBase! + VERSION_SPAN);
    expect(Number.isSafeInteger(second.versionBase! + 1_000_000)).toBe(true);
  });
});

describe('leases by list parent', () => {
  const under = (key: string, watched = true) => ({ key, watched });

  /** Records what `replica` is told to poll for other replicas, per parent. */
  function members(replica: RedisScaleOut): Map<string, readonly string[]> {
    const told = new Map<string, readonly string[]>();
    replica.onMembers((parent, topics) => told.set(parent, [...topics].sort()));
    return told;
  }

  it('grants the loads of a parent only to its holder, and tells it the loads others watch', async () => {
    const [a, b, c] = [replica(), replica(), replica()];
    await connected(a, b, c);
    const toldA = members(a);
    const parent = `FLOW_EXECUTIONS/${randomUUID()}`;
    const [t1, t2, t3] = [`load:${randomUUID()}`, `load:${randomUUID()}`, `load:${randomUUID()}`];
    for (const [r, t] of [
      [a, t1],
      [b, t2],
      [c, t3],
    ] as const)
      r.subscribe(t, () => {});

    const first = await a.claim(t1, 0, under(parent));
    expect(first.poll).toBe(true);
    expect(first.versionBase).toBeGreaterThan(0);
    // The others' loads of the parent are not theirs to poll, however free their own leases are.
    expect((await b.claim(t2, 0, under(parent))).poll).toBe(false);
    expect((await c.claim(t3, 0, under(parent))).poll).toBe(false);
    expect(b.stats.leasesHeld + c.stats.leasesHeld + b.stats.parentLeasesHeld).toBe(0);
    // The holder's next claim learns that the member set grew, and polls the others' loads for them.
    expect(await a.claim(t1, first.versionBase! + 1, under(parent))).toEqual({ poll: true });
    expect(toldA.get(parent)).toEqual([t1, t2, t3].sort());
    const forB = await a.claim(t2, 0, under(parent, false));
    expect(forB.poll).toBe(true);
    expect(forB.versionBase).toBeGreaterThan(0);
    expect(a.stats).toMatchObject({ leasesHeld: 2, parentLeasesHeld: 1 });

    // Once no poller of the parent is left on the holder, it gives the parent up and another takes it.
    a.release(t1);
    a.release(t2);
    expect(toldA.get(parent)).toEqual([]);
    await eventually(async () => (await raw.exists(`${PREFIX}parent:${parent}`)) === 0, 'the release');
    const next = await b.claim(t2, forB.versionBase! + 5, under(parent));
    expect(next.poll).toBe(true);
    expect(next.versionBase).toBeGreaterThan(forB.versionBase! + 5);
  });

  it('makes a holder that lost its parent give its loads up, and ignores what it publishes meanwhile', async () => {
    const [a, b, c] = [replica(), replica(), replica()];
    await connected(a, b, c);
    const toldA = members(a);
    const parent = `FLOW_EXECUTIONS/${randomUUID()}`;
    const topic = `load:${randomUUID()}`;
    a.subscribe(topic, () => {});
    b.subscribe(topic, () => {});
    const seen = await listen(c, topic);
    const turnA = await a.claim(topic, 0, under(parent));
    a.publishResult(topic, state(turnA.versionBase! + 1, 'RUNNING'), true);
    await eventually(() => seen.length === 1, 'the first result');

    // A pauses past its parent lease: B takes the parent, but not the load while A's lease on it lasts.
    await raw.del(`${PREFIX}parent:${parent}`);
    expect((await b.claim(topic, turnA.versionBase! + 1, under(parent))).poll).toBe(false);
    expect(b.stats.parentLeasesHeld).toBe(1);
    // A wakes up and publishes what it read: refused, since its parent is gone.
    a.publishResult(topic, state(turnA.versionBase! + 2, 'STALE'), true);
    await eventually(() => a.stats.leasesHeld === 0, 'the stale holder to drop the load');
    // Its next claim finds the parent gone: it gives the load's lease up and polls nothing for others.
    toldA.set(parent, ['not told']);
    expect((await a.claim(topic, turnA.versionBase! + 1, under(parent))).poll).toBe(false);
    expect(toldA.get(parent)).toEqual([]);
    expect(await raw.exists(`${PREFIX}lease:${topic}`)).toBe(0);
    const turnB = await b.claim(topic, turnA.versionBase! + 1, under(parent));
    expect(turnB.poll).toBe(true);
    expect(turnB.versionBase).toBeGreaterThan(turnA.versionBase! + 2);
    b.publishResult(topic, state(turnB.versionBase! + 1, 'SUCCEEDED', true), true);
    await eventually(() => seen.length === 2, 'the new holder’s result');
    expect(seen.map((m) => ('state' in m ? m.state : m))).toEqual([
      { status: 'RUNNING' },
      { status: 'SUCCEEDED' },
    ]);
  });

  it('keeps versions growing when a load leased alone is then claimed under its parent elsewhere', async () => {
    const [a, b] = [replica(), replica()];
    await connected(a, b);
    const parent = `DATA_INTEGRATION_EVENTS/${randomUUID()}`;
    const topic = `load:${randomUUID()}`;
    a.subscribe(topic, () => {});
    b.subscribe(topic, () => {});
    // A leases the load alone (its parent is not known before the first read) and publishes.
    const alone = await a.claim(topic, 0);
    a.publishResult(topic, state(alone.versionBase! + 3, 'RUNNING'), true);
    await eventually(async () => (await raw.hget(`${PREFIX}state:${topic}`, 'v')) !== null, 'the write');
    // B, knowing the parent, takes the parent; the load waits for A, which gives it up once it claims
    // under the parent it now knows too.
    expect((await b.claim(topic, 0, under(parent))).poll).toBe(false);
    expect((await a.claim(topic, alone.versionBase! + 3, under(parent))).poll).toBe(false);
    const turnB = await b.claim(topic, 0, under(parent));
    expect(turnB.poll).toBe(true);
    expect(turnB.versionBase).toBeGreaterThan(alone.versionBase! + 3);
  });

  it('polls locally only what this replica watches while Redis is down', async () => {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    const a = replica({ url: redis.url });
    await connected(a);
    const parent = `FLOW_EXECUTIONS/${randomUUID()}`;
    await redis.stop();
    await eventually(() => !a.stats.connected, 'the replica to notice');
    expect((await a.claim('load:mine', 0, under(parent))).poll).toBe(true);
    expect((await a.claim('load:theirs', 0, under(parent, false))).poll).toBe(false);
    expect(a.stats.fallbackPollers).toBe(1);
  });
});

describe('last state', () => {
  it('gives a subscriber on any replica the stored state at once, and a replica taking over adopts it', async () => {
    const [a, b] = [replica(), replica()];
    await connected(a, b);
    const topic = `load:${randomUUID()}`;
    const { versionBase } = await a.claim(topic, 0);
    const published = state(versionBase! + 1, 'RUNNING');
    const onA = await listen(a, topic);
    a.publishResult(topic, published, true);
    await eventually(() => onA.length === 1, 'the publish');

    // A late subscriber on B gets it from Redis, without anyone polling.
    expect(await listen(b, topic)).toEqual([published]);
    // B's claim (A still holds the lease) also hands it the stored state.
    const onB: LiveMessage[] = [];
    b.subscribe(topic, (m) => onB.push(m));
    expect(await b.claim(topic, 0)).toEqual({ poll: false });
    expect(onB).toEqual([published]);
    // Once B has that version, its later claims do not fetch it again.
    expect(await b.claim(topic, published.version)).toEqual({ poll: false });
    expect(onB).toEqual([published]);
  });

  it('does not store what `keep: false` publishes (new-load announcements)', async () => {
    const a = replica();
    await connected(a);
    const topic = `started:${randomUUID()}`;
    const onA = await listen(a, topic);
    const { versionBase } = await a.claim(topic, 0);
    a.publishResult(topic, state(versionBase! + 1, 'NEW'), false);
    await eventually(() => onA.length === 1, 'the announcement');
    expect(await raw.exists(`${PREFIX}state:${topic}`)).toBe(0);
  });
});

describe('shared rate budget', () => {
  it('lets no more polls of an operation start per second across replicas than the rate', async () => {
    const replicas = [
      replica({ ratePerSecond: 5 }),
      replica({ ratePerSecond: 5 }),
      replica({ ratePerSecond: 5 }),
    ];
    await connected(...replicas);
    const operation = `Get${randomUUID().replaceAll('-', '')}`;
    const startedAt: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      replicas.flatMap((r) =>
        Array.from({ length: 5 }, () => r.take(operation).then(() => startedAt.push(performance.now() - t0))),
      ),
    );
    // A burst of one second's worth, then one every 200 ms: the 15th no sooner than 2 s after the start.
    expect(startedAt).toHaveLength(15);
    startedAt.sort((a, b) => a - b);
    startedAt.slice(5).forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual((i + 1) * 200 - 20));
  });
});

describe('close', () => {
  it('gives every lease up (compare-and-delete), so another replica need not wait for them to expire', async () => {
    const a = replica();
    const b = replica();
    await connected(a, b);
    const topics = [`load:${randomUUID()}`, `load:${randomUUID()}`];
    for (const topic of topics) {
      a.subscribe(topic, () => {});
      expect((await a.claim(topic, 0)).poll).toBe(true);
    }
    // A lease another replica holds is left alone.
    const theirs = `load:${randomUUID()}`;
    expect((await b.claim(theirs, 0)).poll).toBe(true);
    await raw.set(`${PREFIX}lease:${theirs}`, 'another-token');
    await a.close();
    for (const topic of topics) expect(await raw.exists(`${PREFIX}lease:${topic}`)).toBe(0);
    expect(await raw.get(`${PREFIX}lease:${theirs}`)).toBe('another-token');
    expect((await b.claim(topics[0]!, 0)).poll).toBe(true);
  });
});

describe('Redis connection lost', () => {
  it('re-reads the stored states after a reconnect, so a change published meanwhile is not lost', async () => {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    const b = replica({ url: redis.url });
    await connected(b);
    const topic = `load:${randomUUID()}`;
    const seen = await listen(b, topic);

    const own = new Redis(redis.url);
    cleanup.add(() => own.quit());
    await own.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await eventually(() => !b.stats.connected, 'the replica to notice');
    // What a holder published while this replica was away (stored; the notification is lost to it).
    const terminal = state(3 * 2 ** 20 + 1, 'SUCCEEDED', true);
    await own.hset(`${PREFIX}state:${topic}`, 'v', terminal.version, 'm', JSON.stringify(terminal));
    await eventually(() => b.stats.connected, 'the replica to reconnect');
    await eventually(() => seen.length === 1, 'the stored state after the reconnect');
    expect(seen).toEqual([terminal]);
  });

  it('writes again, once Redis is back, what the holder published while it was away', async () => {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    const [a, b] = [replica({ url: redis.url }), replica({ url: redis.url })];
    await connected(a, b);
    const topic = `load:${randomUUID()}`;
    a.subscribe(topic, () => {}); // the holder's poller listens to its own topic
    const { versionBase } = await a.claim(topic, 0);
    const seen = await listen(b, topic);

    const own = new Redis(redis.url);
    cleanup.add(() => own.quit());
    await own.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await eventually(() => !a.stats.connected, 'the holder to notice');
    // Delivered to the holder's own subscribers at once; Redis has not got it.
    const running = state(versionBase! + 1, 'RUNNING');
    a.publishResult(topic, running, true);

    await eventually(() => seen.length >= 1, 'the result, written again after the reconnect', 10_000);
    // Once or twice: by the re-read after the reconnect and by pub/sub when the write falls between the two
    // (the hub drops the repeat by its version).
    for (const message of seen) expect(message).toEqual(running);
    expect(JSON.parse((await own.hget(`${PREFIX}state:${topic}`, 'm'))!)).toEqual(running);
  });

  it('polls at most `fallbackMaxPollers` loads locally while Redis is down, and names the problem', async () => {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    const a = replica({ url: redis.url, fallbackMaxPollers: 2 });
    await connected(a);
    expect(a.problems()).toEqual([]);
    await redis.stop();
    await eventually(() => !a.stats.connected, 'the replica to notice');
    expect(a.problems()[0]).toMatch(/^Redis is unreachable since .*local polling of up to 2 loads/);

    const turns = await Promise.all(['x', 'y', 'z'].map((t) => a.claim(`load:${t}`, 0)));
    expect(turns.map((t) => t.poll)).toEqual([true, true, false]);
    expect(a.stats.fallbackPollers).toBe(2);
    // Delivered to this replica's subscribers only, at once (nothing is queued for Redis).
    const got: LiveMessage[] = [];
    a.subscribe('load:x', (m) => got.push(m));
    a.publishResult('load:x', state(1, 'RUNNING'), true);
    expect(got).toEqual([state(1, 'RUNNING')]);
    await expect(a.refresh('load:x')).resolves.toBeUndefined();

    await redis.start();
    await eventually(() => a.stats.connected, 'the replica to reconnect', 10_000);
    expect(a.problems()).toEqual([]);
    const back = await a.claim('load:x', 1);
    expect(back.poll).toBe(true);
    expect(back.versionBase).toBeGreaterThan(1);
    expect(a.stats.fallbackPollers).toBe(2 - 1);
  });
});
