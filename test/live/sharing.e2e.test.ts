/**
 * One poller per load, however many watch it: 200 graphql-ws subscribers (10 sockets × 20 subscriptions)
 * on one data source run make exactly the upstream calls the hub's polls account for, all get the same
 * payloads, and the poller stops when they leave. Throttling on the poll operation is absorbed by backoff.
 * Each test has its own gateway, so the emulator's counts and the hub's counters are its own.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import {
  advanceUntil,
  createCleanup,
  eventually,
  expectOrderedToTerminal,
  field,
  hubPolls,
  liveWorld,
  morePolls,
  sendDatasetEvent,
  startLiveGateway,
  startRun,
  watch,
  wsClient,
  type Watch,
} from '../helpers/live.js';

const CLIENTS = 10;
const PER_CLIENT = 20;
const RUN_SUB = `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) {
  id status runStatus terminal updatedAt runStatisticsForAssets { added updated unchanged skipped failed } } }`;
const EVENT_SUB = `subscription($i: ID!, $e: ID!) { dataIntegrationEventChanged(instanceId: $i, eventId: $e) { id status } }`;

const cleanup = createCleanup();
afterAll(() => cleanup.run());

/** `CLIENTS × PER_CLIENT` subscribers to one run, over `CLIENTS` sockets. */
function crowd(gw: TestGateway, variables: Record<string, unknown>, perClient = PER_CLIENT): Watch[] {
  return Array.from({ length: CLIENTS }, () => wsClient(gw, cleanup)).flatMap((client) =>
    Array.from({ length: perClient }, () => watch(client, RUN_SUB, variables)),
  );
}

const isTerminal = (w: Watch) => w.payloads.some((p) => field(p)?.terminal);
const stats = (gw: TestGateway) => JSON.stringify(gw.gateway.live.stats);

describe('one poller per load', () => {
  it('makes the upstream polls of one subscriber for 200, and gives all of them the same payloads to the end', async () => {
    const gw = await startLiveGateway(cleanup);
    const world = await liveWorld(gw);
    const run = await startRun(gw, world, world.dataSources[0]!.id);
    await gw.resetCalls();
    const pollsBefore = hubPolls(gw);

    const watches = crowd(gw, { d: world.domainId, r: run.runId });
    await Promise.all(watches.map((w) => w.count(1)));
    // One document, the same variables, one scope: the subscribers form one group with one watch.
    expect(gw.gateway.live.stats).toMatchObject({ pollers: 1, subscriptions: 1 });

    await advanceUntil(gw, () => watches.every(isTerminal), 5_000, 'the run to finish');
    for (const w of watches) expect(await w.end()).toEqual({ kind: 'complete' });
    expect(gw.gateway.live.stats).toMatchObject({ pollers: 0, subscriptions: 0 });

    const expected = watches[0]!.payloads;
    expect(field(expected[0])).toMatchObject({ status: 'QUEUED' });
    expectOrderedToTerminal(expected.map(field));
    for (const w of watches) expect(w.payloads).toEqual(expected);

    const polls = hubPolls(gw) - pollsBefore;
    expect(await gw.calls()).toEqual({ GetDataSourceRun: polls });
    expect(polls).toBeLessThan(CLIENTS * PER_CLIENT);
  });

  it('stops polling a load that is not terminal once every subscriber has unsubscribed', async () => {
    const gw = await startLiveGateway(cleanup);
    const world = await liveWorld(gw);
    const run = await startRun(gw, world, world.dataSources[1]!.id);
    // Another watched load, whose polls measure time passing (the clock is frozen: neither load changes).
    const event = await sendDatasetEvent(gw, world);
    const witness = watch(wsClient(gw, cleanup), EVENT_SUB, { i: world.instanceId, e: event.eventId });
    const watches = crowd(gw, { d: world.domainId, r: run.runId });
    await Promise.all([witness, ...watches].map((w) => w.count(1)));
    expect(gw.gateway.live.stats).toMatchObject({ pollers: 2, subscriptions: 2 });

    for (const w of watches) w.unsubscribe();
    await eventually(
      () => gw.gateway.live.stats.pollers === 1,
      () => `the run's poller to stop after its 200 subscribers left (hub stats: ${stats(gw)})`,
      2_000,
    );
    expect(gw.gateway.live.stats.subscriptions).toBe(1);
    const runCalls = (await gw.calls())['GetDataSourceRun'];
    await morePolls(gw, 5);
    expect((await gw.calls())['GetDataSourceRun']).toBe(runCalls);

    witness.unsubscribe();
    await eventually(
      () => gw.gateway.live.stats.pollers === 0,
      () => `every poller to stop (hub stats: ${stats(gw)})`,
      2_000,
    );
    expect(gw.gateway.live.stats.subscriptions).toBe(0);
  });

  it('stops polling a load once the only client watching it disconnects', async () => {
    const gw = await startLiveGateway(cleanup);
    const world = await liveWorld(gw);
    const run = await startRun(gw, world, world.dataSources[3]!.id);
    const client = wsClient(gw, cleanup);
    const watches = Array.from({ length: PER_CLIENT }, () =>
      watch(client, RUN_SUB, { d: world.domainId, r: run.runId }),
    );
    await Promise.all(watches.map((w) => w.count(1)));
    expect(gw.gateway.live.stats).toMatchObject({ pollers: 1, subscriptions: 1 });

    await client.dispose();
    await eventually(
      () => gw.gateway.live.stats.pollers === 0,
      () => `the poller to stop after its client disconnected (hub stats: ${stats(gw)})`,
      2_000,
    );
    expect(gw.gateway.live.stats.subscriptions).toBe(0);
  });

  it('backs off through throttling of the poll operation, and its subscribers still get the terminal state', async () => {
    const gw = await startLiveGateway(cleanup);
    const world = await liveWorld(gw);
    const run = await startRun(gw, world, world.dataSources[2]!.id);
    await gw.resetCalls();
    const pollsBefore = hubPolls(gw);
    await gw.addFault({ operation: 'GetDataSourceRun', kind: 'throttle', count: 5 });

    const watches = crowd(gw, { d: world.domainId, r: run.runId }, 2);
    await Promise.all(watches.map((w) => w.count(1)));
    expect(gw.gateway.live.stats.polls.throttled).toBeGreaterThanOrEqual(5);
    expect(gw.gateway.live.stats.polls.failed).toBe(0);
    for (const w of watches) expect(w.payloads).toEqual([watches[0]!.payloads[0]]);
    expect(field(watches[0]!.payloads[0])).toMatchObject({ status: 'QUEUED', terminal: false });

    await advanceUntil(gw, () => watches.every(isTerminal), 5_000, 'the run to finish');
    for (const w of watches) {
      expect(await w.end()).toEqual({ kind: 'complete' });
      expect(field(w.payloads.at(-1))).toMatchObject({ terminal: true });
      expect(w.payloads).toEqual(watches[0]!.payloads);
    }
    expect(await gw.calls()).toEqual({ GetDataSourceRun: hubPolls(gw) - pollsBefore });
  });
});
