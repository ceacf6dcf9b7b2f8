/**
 * The live hub over fake readers (real `SharedReader`s whose fetches read a scripted upstream) and a
 * `MemoryPubSub`: one poller per resource, replay to late subscribers, change detection, versions,
 * terminal and NOT_FOUND endings, backoff and failure tolerance (on fake timers, so delays are exact),
 * `watchMany`, `watchStarted` and `close()`.
 */
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClaimParent, Coordinator, Turn } from '../../src/live/coordinator.js';
import { createLiveHub, type LiveHub, type LiveHubOptions } from '../../src/live/hub.js';
import { MemoryPubSub, type LiveMessage } from '../../src/live/pubsub.js';
import { SharedReader } from '../../src/upstream/reader.js';
import type { Readers } from '../../src/upstream/readers.js';
import type { LoadRef } from '../../src/upstream/loadRef.js';
import { deferred, within } from '../helpers/live.js';

const INSTANCE = '8928ae12-15e5-4441-825d-ec2184f0a43a';
const DOMAIN = 'dzd_test';
const eventRef = (eventId: string): LoadRef => ({
  kind: 'DATA_INTEGRATION_EVENT',
  key: { instanceId: INSTANCE, eventId },
});
const runRef = (runId: string): LoadRef => ({ kind: 'DATA_SOURCE_RUN', key: { domainId: DOMAIN, runId } });
const event = (eventId: string, status: string, message?: string) => ({
  eventId,
  eventType: 'DATASET',
  datasetTargetDetails: { datasetLoadExecution: { status, ...(message ? { message } : {}) } },
});
const run = (id: string, status: string) => ({ id, dataSourceId: 'ds1', domainId: DOMAIN, status });

/** An error shaped like an AWS SDK v3 service exception. */
const awsError = (name: string, status: number): Error =>
  Object.assign(new Error(`${name} (fake)`), { name, $metadata: { httpStatusCode: status } });

/**
 * A scripted upstream: `set(id, state or Error)` decides what the next reads of that resource return (no
 * state: ResourceNotFoundException); `fail(id, errors)` makes the next reads throw those errors first.
 * Lists are keyed `<domain>/<dataSource>` or `<instance>/<flow>`. Every fetch is logged with its time.
 */
function createFakeUpstream() {
  const states = new Map<string, object>();
  const failures = new Map<string, Error[]>();
  const log: { id: string; at: number }[] = [];
  const listeners = new Set<() => void>();
  let held: Promise<void> | undefined;
  let latencyMs = 0;
  const fetchOf = (idOf: (key: any) => string) => async (key: any) => {
    const id = idOf(key);
    log.push({ id, at: performance.now() });
    listeners.forEach((l) => l());
    if (held) await held;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const failure = failures.get(id)?.shift();
    if (failure) throw failure;
    const state = states.get(id);
    if (!state) throw awsError('ResourceNotFoundException', 404);
    return structuredClone(state);
  };
  const reader = (operation: string, idOf?: (key: any) => string) =>
    new SharedReader<any, object>({
      operation,
      keyOf: (k) => JSON.stringify(k, Object.keys(k).sort()),
      fetch: idOf ? fetchOf(idOf) : () => Promise.reject(new Error(`unexpected ${operation}`)),
      cache: undefined,
      concurrency: 16,
    });
  const readers = {
    event: reader('GetDataIntegrationEvent', (k) => k.eventId),
    flowExecution: reader('GetDataIntegrationFlowExecution', (k) => k.executionId),
    dataSourceRun: reader('GetDataSourceRun', (k) => k.runId),
    flowExecutionsPage: reader('ListDataIntegrationFlowExecutions', (k) => `${k.instanceId}/${k.flowName}`),
    runsPage: reader('ListDataSourceRuns', (k) => `${k.domainId}/${k.dataSourceId}`),
    ...Object.fromEntries(
      [
        'flow',
        'dataset',
        'instance',
        'dataSource',
        'domain',
        'eventsPage',
        'flowsPage',
        'datasetsPage',
        'activitiesPage',
      ].map((name) => [name, reader(name)]),
    ),
  } as unknown as Readers;
  const count = (id: string) => log.filter((f) => f.id === id).length;
  return {
    readers,
    set: (id: string, state: object) => void states.set(id, state),
    /** Every fetch takes this long (a timer) from now on. */
    slow: (ms: number) => void (latencyMs = ms),
    fail: (id: string, errors: Error[]) => void failures.set(id, errors),
    /** Fetches of `id` so far, with their `performance.now()` times. */
    times: (id: string) => log.filter((f) => f.id === id).map((f) => f.at),
    count,
    /** Resolves once `id` has been fetched `n` times in all. */
    fetched(id: string, n: number): Promise<void> {
      const done = deferred();
      const check = () => count(id) >= n && done.resolve();
      listeners.add(check);
      check();
      return within(done.promise, 2_000, `${n} fetches of ${id}`).finally(() => listeners.delete(check));
    },
    /** Makes every fetch hang until the returned function is called. */
    hold(): () => void {
      const release = deferred();
      held = release.promise;
      return () => ((held = undefined), release.resolve());
    },
  };
}

const intervals = (ms: number) => ({
  DATA_INTEGRATION_EVENT: ms,
  FLOW_EXECUTION: ms,
  DATA_SOURCE_RUN: ms,
  STARTED: ms,
});
const hubs: LiveHub[] = [];
afterEach(() => {
  hubs.splice(0).forEach((hub) => hub.close());
  vi.useRealTimers();
});

function createHub(
  upstream: ReturnType<typeof createFakeUpstream>,
  options: Partial<LiveHubOptions> = {},
): LiveHub {
  const hub = createLiveHub({
    readers: upstream.readers,
    pubsub: new MemoryPubSub(),
    intervalsMs: intervals(5),
    jitterRatio: 0,
    maxBackoffMs: 40,
    failureToleranceMs: 60_000,
    maxPollsPerSecond: 100_000,
    random: () => 0.5,
    ...options,
  });
  hubs.push(hub);
  return hub;
}

const next = async (it: AsyncIterator<object>, what = 'the next state'): Promise<any> => {
  const result = await within(it.next(), 2_000, what);
  expect(result.done).toBe(false);
  return result.value;
};
const expectDone = async (it: AsyncIterator<object>) =>
  expect(await within(it.next(), 2_000, 'the end')).toEqual({ value: undefined, done: true });
const codeOf = (err: unknown) => (err instanceof GraphQLError ? err.extensions['code'] : err);

describe('LiveHub.watch', () => {
  it('runs one poller per resource, shared by its subscribers, and stops it when the last one leaves', async () => {
    const upstream = createFakeUpstream();
    upstream.set('e1', event('e1', 'IN_PROGRESS'));
    // Another event type: events of one type are refreshed from their list (parentRefresh.test.ts).
    upstream.set('e2', { ...event('e2', 'IN_PROGRESS'), eventType: 'FORECAST' });
    const hub = createHub(upstream);
    const [a, b, other] = [hub.watch(eventRef('e1')), hub.watch(eventRef('e1')), hub.watch(eventRef('e2'))];
    expect(hub.stats).toMatchObject({ pollers: 2, subscriptions: 3 });
    expect([await next(a), await next(b)]).toEqual([event('e1', 'IN_PROGRESS'), event('e1', 'IN_PROGRESS')]);
    await next(other);

    await a.return!();
    expect(hub.stats).toMatchObject({ pollers: 2, subscriptions: 2 });
    await upstream.fetched('e1', upstream.count('e1') + 2);
    await b.return!();
    expect(hub.stats).toMatchObject({ pollers: 1, subscriptions: 1 });
    const fetches = upstream.count('e1');
    await upstream.fetched('e2', upstream.count('e2') + 5);
    expect(upstream.count('e1')).toBe(fetches);
  });

  it('replays the current state at once to a late subscriber, without waiting for a poll', async () => {
    const upstream = createFakeUpstream();
    upstream.set('r1', run('r1', 'RUNNING'));
    const hub = createHub(upstream);
    const early = hub.watch(runRef('r1'));
    const current = await next(early);
    const release = upstream.hold();
    await upstream.fetched('r1', upstream.count('r1') + 1);
    const late = hub.watch(runRef('r1'));
    expect(await within(late.next(), 100, 'the replayed state')).toEqual({ value: current, done: false });
    expect(hub.stats.pollers).toBe(1);
    release();
  });

  it('delivers a change of any field, such as the message, even when the status stays the same', async () => {
    const upstream = createFakeUpstream();
    upstream.set('e1', event('e1', 'IN_PROGRESS'));
    const hub = createHub(upstream);
    const it = hub.watch(eventRef('e1'));
    expect(await next(it)).toEqual(event('e1', 'IN_PROGRESS'));
    upstream.set('e1', event('e1', 'IN_PROGRESS', 'halfway'));
    expect(await next(it)).toEqual(event('e1', 'IN_PROGRESS', 'halfway'));
  });

  it('delivers each state once: unchanged polls publish nothing, and repeated or stale messages are dropped', async () => {
    /** Delivers every message twice, then the previous one again (an at-least-once, unordered channel). */
    class EchoingPubSub extends MemoryPubSub {
      private previous = new Map<string, LiveMessage>();
      override publish(topic: string, message: LiveMessage): void {
        super.publish(topic, message);
        super.publish(topic, message);
        const previous = this.previous.get(topic);
        if (previous) super.publish(topic, previous);
        this.previous.set(topic, message);
      }
    }
    const upstream = createFakeUpstream();
    upstream.set('e1', event('e1', 'IN_PROGRESS'));
    const hub = createHub(upstream, { pubsub: new EchoingPubSub() });
    const it = hub.watch(eventRef('e1'));
    const received: object[] = [];
    const drained = (async () => {
      for await (const state of it) received.push(state);
    })();
    await upstream.fetched('e1', 5);
    expect(received).toEqual([event('e1', 'IN_PROGRESS')]);
    upstream.set('e1', event('e1', 'IN_PROGRESS', 'halfway'));
    await upstream.fetched('e1', upstream.count('e1') + 5);
    upstream.set('e1', event('e1', 'SUCCEEDED'));
    await within(drained, 2_000, 'the terminal state');
    expect(received).toEqual([
      event('e1', 'IN_PROGRESS'),
      event('e1', 'IN_PROGRESS', 'halfway'),
      event('e1', 'SUCCEEDED'),
    ]);
    expect(hub.stats.polls.changed).toBe(3);
  });

  it('completes every subscriber after a terminal state and stops the poller', async () => {
    const upstream = createFakeUpstream();
    upstream.set('r1', run('r1', 'RUNNING'));
    upstream.set('e2', event('e2', 'IN_PROGRESS'));
    const hub = createHub(upstream);
    const subscribers = [hub.watch(runRef('r1')), hub.watch(runRef('r1'))];
    const witness = hub.watch(eventRef('e2'));
    for (const it of subscribers) expect(await next(it)).toEqual(run('r1', 'RUNNING'));
    upstream.set('r1', run('r1', 'SUCCESS'));
    for (const it of subscribers) {
      expect(await next(it)).toEqual(run('r1', 'SUCCESS'));
      await expectDone(it);
    }
    expect(hub.stats).toMatchObject({ pollers: 1, subscriptions: 1 });
    const fetches = upstream.count('r1');
    await upstream.fetched('e2', upstream.count('e2') + 5);
    expect(upstream.count('r1')).toBe(fetches);
    await witness.return!();
  });

  it('delivers an event with no dataset load once and completes: it is terminal at once', async () => {
    const upstream = createFakeUpstream();
    upstream.set('e1', { eventId: 'e1', eventType: 'FORECAST' });
    const hub = createHub(upstream);
    const it = hub.watch(eventRef('e1'));
    expect(await next(it)).toEqual({ eventId: 'e1', eventType: 'FORECAST' });
    await expectDone(it);
    expect(upstream.count('e1')).toBe(1);
  });

  it('fails every subscriber with NOT_FOUND when the load does not exist, after one poll', async () => {
    const upstream = createFakeUpstream();
    const hub = createHub(upstream);
    const subscribers = [hub.watch(eventRef('missing')), hub.watch(eventRef('missing'))];
    for (const it of subscribers) {
      const error = await within(it.next(), 2_000, 'the error').catch((e: unknown) => e);
      expect(codeOf(error)).toBe('NOT_FOUND');
    }
    expect(hub.stats).toMatchObject({ pollers: 0, subscriptions: 0 });
    expect(hub.stats.polls.notFound).toBe(1);
    expect(upstream.count('missing')).toBe(1);
  });
});

describe('LiveHub failures (fake timers)', () => {
  it('backs off on throttling and transient errors, doubling the delay up to the ceiling, then recovers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const upstream = createFakeUpstream();
    upstream.set('r1', run('r1', 'RUNNING'));
    const throttled = () => awsError('ThrottlingException', 400);
    const unavailable = () => awsError('InternalServerException', 500);
    upstream.fail('r1', [throttled(), throttled(), throttled(), unavailable(), unavailable(), unavailable()]);
    const hub = createHub(upstream, {
      intervalsMs: intervals(100),
      maxBackoffMs: 500,
    });
    const it = hub.watch(runRef('r1'));
    const first = it.next();
    await vi.advanceTimersByTimeAsync(2_750);
    expect(await first).toEqual({ value: run('r1', 'RUNNING'), done: false });
    const times = upstream.times('r1');
    const delays = times.slice(1).map((t, i) => t - times[i]!);
    // 6 failures: 200, 400, then the 500 ceiling; the 7th poll succeeds and the interval is back to 100.
    expect(delays.slice(0, 7)).toEqual([200, 400, 500, 500, 500, 500, 100]);
    expect(hub.stats.polls).toMatchObject({ throttled: 3, failed: 3, changed: 1 });
  });

  it('polls once per interval, counted from the start of each poll however long the polls take', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const upstream = createFakeUpstream();
    upstream.set('r1', run('r1', 'RUNNING'));
    upstream.slow(30);
    const hub = createHub(upstream, { intervalsMs: intervals(100) });
    const it = hub.watch(runRef('r1'));
    const first = it.next();
    await vi.advanceTimersByTimeAsync(1_000);
    await first;
    const times = upstream.times('r1');
    expect(times.length).toBeGreaterThanOrEqual(10);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual(times.slice(1).map(() => 100));
    await it.return!();
  });

  it('fails the subscribers with the error when failures last longer than failureToleranceMs, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const upstream = createFakeUpstream();
    upstream.set('r1', run('r1', 'RUNNING'));
    upstream.fail(
      'r1',
      Array.from({ length: 100 }, () => awsError('ThrottlingException', 400)),
    );
    const hub = createHub(upstream, {
      intervalsMs: intervals(100),
      maxBackoffMs: 400,
      failureToleranceMs: 1_000,
    });
    const it = hub.watch(runRef('r1'));
    let outcome: unknown = 'pending';
    void it.next().then(
      (r) => (outcome = r),
      (e: unknown) => (outcome = e),
    );
    // Failures at 0, 200, 600 and 1000 ms are within the tolerance; the one at 1400 ms is not.
    await vi.advanceTimersByTimeAsync(1_300);
    expect(outcome).toBe('pending');
    expect(hub.stats.pollers).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(codeOf(outcome)).toBe('THROTTLED');
    expect(upstream.times('r1')).toEqual(
      [0, 200, 600, 1_000, 1_400].map((t) => t + upstream.times('r1')[0]!),
    );
    expect(hub.stats).toMatchObject({ pollers: 0, subscriptions: 0 });
  });
});

describe('LiveHub.watchMany', () => {
  it('sends the states of every load, watches duplicates once, and completes only when all are terminal', async () => {
    const upstream = createFakeUpstream();
    upstream.set('e1', event('e1', 'IN_PROGRESS'));
    upstream.set('r1', run('r1', 'REQUESTED'));
    const hub = createHub(upstream);
    const it = hub.watchMany([eventRef('e1'), runRef('r1'), eventRef('e1')]);
    expect(hub.stats).toMatchObject({ pollers: 2, subscriptions: 2 });
    const current = [await next(it), await next(it)];
    expect(current).toEqual(expect.arrayContaining([event('e1', 'IN_PROGRESS'), run('r1', 'REQUESTED')]));
    upstream.set('e1', event('e1', 'FAILED'));
    expect(await next(it)).toEqual(event('e1', 'FAILED'));
    upstream.set('r1', run('r1', 'RUNNING'));
    expect(await next(it)).toEqual(run('r1', 'RUNNING'));
    upstream.set('r1', run('r1', 'PARTIALLY_SUCCEEDED'));
    expect(await next(it)).toEqual(run('r1', 'PARTIALLY_SUCCEEDED'));
    await expectDone(it);
    expect(hub.stats).toMatchObject({ pollers: 0, subscriptions: 0 });
  });

  it('fails when one of its loads fails, and stops watching the others', async () => {
    const upstream = createFakeUpstream();
    upstream.set('e1', event('e1', 'IN_PROGRESS'));
    const hub = createHub(upstream);
    const it = hub.watchMany([eventRef('e1'), eventRef('missing')]);
    const error = await (async () => {
      for (;;) await next(it);
    })().catch((e: unknown) => e);
    expect(codeOf(error)).toBe('NOT_FOUND');
    expect(hub.stats).toMatchObject({ pollers: 0, subscriptions: 0 });
  });
});

describe('LiveHub.watchStarted and close', () => {
  it('announces the runs that appear after the first poll, oldest first, and never the ones listed before', async () => {
    const upstream = createFakeUpstream();
    upstream.set(`${DOMAIN}/ds1`, { items: [{ id: 'old' }] });
    const hub = createHub(upstream);
    const it = hub.watchStarted({ kind: 'DATA_SOURCE_RUNS', domainId: DOMAIN, dataSourceId: 'ds1' });
    await upstream.fetched(`${DOMAIN}/ds1`, 2);
    upstream.set(`${DOMAIN}/ds1`, { items: [{ id: 'new2' }, { id: 'new1' }, { id: 'old' }] });
    expect(await next(it)).toEqual({ id: 'new1', domainId: DOMAIN });
    expect(await next(it)).toEqual({ id: 'new2', domainId: DOMAIN });
    const pending = it.next();
    await upstream.fetched(`${DOMAIN}/ds1`, upstream.count(`${DOMAIN}/ds1`) + 3);
    expect(await Promise.race([pending, 'nothing new'])).toBe('nothing new');
  });

  it('close() ends every subscription and stops every poller', async () => {
    const upstream = createFakeUpstream();
    upstream.set('e1', event('e1', 'IN_PROGRESS'));
    upstream.set('r1', run('r1', 'RUNNING'));
    upstream.set(`${INSTANCE}/flow-a`, { items: [] });
    const hub = createHub(upstream);
    const one = hub.watch(eventRef('e1'));
    const many = hub.watchMany([eventRef('e1'), runRef('r1')]);
    const started = hub.watchStarted({ kind: 'FLOW_EXECUTIONS', instanceId: INSTANCE, flowName: 'flow-a' });
    await next(one);
    await next(many);
    hub.close();
    for (const it of [one, many, started]) await expectDone(it);
    expect(hub.stats).toMatchObject({ pollers: 0, subscriptions: 0 });
    const fetches = upstream.count('e1') + upstream.count('r1');
    upstream.set('witness', event('witness', 'IN_PROGRESS'));
    const witness = createHub(upstream).watch(eventRef('witness'));
    await upstream.fetched('witness', 5);
    expect(upstream.count('e1') + upstream.count('r1')).toBe(fetches);
    await witness.return!();
  });
});

describe('LiveHub with a coordinator', () => {
  it('publishes what it reads first after taking a lease, even a state it knew already', async () => {
    const upstream = createFakeUpstream();
    upstream.set('e1', event('e1', 'IN_PROGRESS'));
    const pubsub = new MemoryPubSub();
    // Holder, then another replica's turn, then the lease taken again (Redis may have missed the first).
    const turns: Turn[] = [
      { poll: true, versionBase: 1024 },
      { poll: false },
      { poll: true, versionBase: 2048 },
    ];
    const published: LiveMessage[] = [];
    const coordinator: Coordinator = {
      claim: async () => turns.shift() ?? { poll: true },
      publishResult: (topic, message) => {
        published.push(message);
        pubsub.publish(topic, message);
      },
      refresh: async () => {},
      release: () => {},
      onMembers: () => {},
    };
    const hub = createHub(upstream, { pubsub, coordinator });
    const it = hub.watch(eventRef('e1'));
    await next(it);
    await upstream.fetched('e1', 3); // the third read, as holder still, changes nothing: not published
    expect(published.map((m) => m.version)).toEqual([1025, 2049]);
    expect((published[1] as { state: object }).state).toEqual((published[0] as { state: object }).state);
    await it.return!();
  });

  it('claims a load under its parent once known, and polls the loads the coordinator names for other replicas', async () => {
    const upstream = createFakeUpstream();
    for (const id of ['r1', 'r2', 'r3']) upstream.set(id, run(id, 'RUNNING'));
    const pubsub = new MemoryPubSub();
    const claims: { topic: string; parent: ClaimParent | undefined }[] = [];
    let tell: (parent: string, topics: readonly string[]) => void = () => {};
    const coordinator: Coordinator = {
      claim: async (topic, _version, parent) => (claims.push({ topic, parent }), { poll: true }),
      publishResult: (topic, message) => pubsub.publish(topic, message),
      refresh: async () => {},
      release: () => {},
      onMembers: (listener) => (tell = listener),
    };
    const hub = createHub(upstream, { pubsub, coordinator });
    const topic = (id: string) => `load:DATA_SOURCE_RUN/${DOMAIN}/${id}`;
    const parent = `DATA_SOURCE_RUNS/${DOMAIN}/ds1`;
    const it = hub.watch(runRef('r1'));
    await next(it);
    await upstream.fetched('r1', 2);
    // The run's data source (its parent) is known from its first read only.
    expect(claims[0]).toEqual({ topic: topic('r1'), parent: undefined });
    expect(claims.at(-1)).toEqual({ topic: topic('r1'), parent: { key: parent, watched: true } });

    // This replica holds the parent: r2 and r3 are watched elsewhere, and polled here with no subscriber.
    tell(parent, [topic('r1'), topic('r2'), topic('r3')]);
    expect(hub.stats).toMatchObject({ pollers: 3, subscriptions: 1 });
    await upstream.fetched('r2', 1);
    await vi.waitFor(() =>
      expect(claims).toContainEqual({ topic: topic('r3'), parent: { key: parent, watched: false } }),
    );
    // Its last subscriber gone, r1 is still watched elsewhere: polled on, for them.
    await it.return!();
    expect(hub.stats).toMatchObject({ pollers: 3, subscriptions: 0 });
    // r3 no longer watched anywhere, then the parent lost: their pollers stop.
    tell(parent, [topic('r1'), topic('r2')]);
    expect(hub.stats.pollers).toBe(2);
    tell(parent, []);
    expect(hub.stats.pollers).toBe(0);
    // A terminal load is not polled again for others while they are still told to watch it.
    upstream.set('r2', run('r2', 'SUCCESS'));
    tell(parent, [topic('r2')]);
    await vi.waitFor(() => expect(hub.stats.pollers).toBe(0));
    const reads = upstream.count('r2');
    tell(parent, [topic('r2'), topic('r1')]);
    expect(hub.stats.pollers).toBe(1);
    await upstream.fetched('r1', upstream.count('r1') + 2);
    expect(upstream.count('r2')).toBe(reads);
    hub.close();
  });
});
