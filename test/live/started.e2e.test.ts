/**
 * `flowExecutionsStarted` and `dataSourceRunsStarted` end to end (real emulator over HTTP, graphql-ws) in
 * each of the emulator's list orders (AWS documents none), on parents whose lists span several pages:
 * executions and runs started after subscribing, one at a time and several at one instant, are each
 * announced exactly once, oldest first, and none that was there before; the pages a poll reads stay within
 * what the order needs (every page of an unordered list, fewer of one proven newest first). A list cut by
 * the page cap is warned about once and counted in the metrics.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  createCleanup,
  LIVE_ENV,
  eventually,
  field,
  hubPolls,
  liveWorld,
  scene,
  startLiveGateway,
  startRun,
  watch,
  wsClient,
  type LiveWorld,
  type Watch,
} from '../helpers/live.js';

const cleanup = createCleanup();
afterAll(() => cleanup.run());

const EXECUTIONS_SUB = `subscription($i: ID!, $f: String!) {
  flowExecutionsStarted(instanceId: $i, flowName: $f) { id executionId startedAt } }`;
const RUNS_SUB = `subscription($d: ID!, $s: ID!) {
  dataSourceRunsStarted(domainIdentifier: $d, dataSourceIdentifier: $s) { id runId createdAt } }`;

/** Subscribes with `query` as the only poller of the gateway, and waits until its first poll is done. */
async function watchStarted(gw: TestGateway, query: string, variables: Record<string, unknown>) {
  const { live } = gw.gateway;
  await eventually(() => live.stats.pollers === 0, 'no poller left from the previous test');
  const before = hubPolls(gw);
  const w = watch(wsClient(gw, cleanup), query, variables);
  // Two polls done: the first (what is already there) has been answered.
  await eventually(() => hubPolls(gw) >= before + 2, 'the first polls of the list');
  return w;
}

/**
 * Waits until `expected` ids have been announced, lets three more polls pass, and checks that the
 * announcements are exactly `expected`, in that order (`inOrder`), and free of errors. Answers the pages
 * read per poll during those three polls. Without an order of the list, a load started while a poll reads
 * its pages may land on a page the poll has read while a later one lands on a page it has not: each is
 * announced once, but the later one a poll earlier (`inOrder: false` checks each once, in any order).
 */
async function expectAnnounced(
  gw: TestGateway,
  w: Watch,
  key: string,
  expected: readonly string[],
  inOrder: boolean,
) {
  const announced = () => w.payloads.map((p) => field(p)?.[key] as string);
  await w.count(expected.length, 10_000).catch((error: unknown) => {
    throw new Error(`${String(error)}; announced: ${JSON.stringify(announced())}`);
  });
  const { started } = gw.gateway.live.stats;
  const [polls, pages] = [hubPolls(gw), started.pages];
  await eventually(() => hubPolls(gw) >= polls + 3, 'three more polls');
  const pagesPerPoll = (started.pages - pages) / (hubPolls(gw) - polls);
  w.unsubscribe();
  for (const p of w.payloads) expect(p.errors).toBeUndefined();
  if (inOrder) expect(announced()).toEqual(expected);
  else expect([...announced()].sort()).toEqual([...expected].sort());
  expect(started.cut).toBe(0);
  return pagesPerPoll;
}

const pagesPerPoll: Record<string, { executions: number; runs: number }> = {};

describe.each(['newest', 'oldest', 'shuffled'] as const)('in %s-first lists', (order) => {
  let gw: TestGateway;
  let world: LiveWorld;
  let flowName: string;
  const measured = (pagesPerPoll[order] = { executions: 0, runs: 0 });

  it('announces each execution started after subscribing once, oldest first, and none of those before', async () => {
    gw = await startLiveGateway(cleanup, { EMULATOR_LIST_ORDER: order });
    world = await liveWorld(gw);
    flowName = (await gw.world()).supplychain.instances[0].flows[0];
    const parent = { instanceId: world.instanceId, flowName };
    // The flow's seeded executions and 50 more at one instant: five pages or more of 20.
    await scene(gw, { kind: 'executions', ...parent, count: 50, durationMs: 60_000 });
    const w = await watchStarted(gw, EXECUTIONS_SUB, { i: world.instanceId, f: flowName });

    const expected: string[] = [];
    for (let i = 0; i < 4; i++) {
      await gw.advance(1_000);
      expected.push(...(await scene(gw, { kind: 'executions', ...parent, count: 1, durationMs: 60_000 })));
    }
    await gw.advance(1_000);
    // Three at one instant: announced by id.
    expected.push(
      ...(await scene(gw, { kind: 'executions', ...parent, count: 3, durationMs: 60_000 })).sort(),
    );
    measured.executions = await expectAnnounced(gw, w, 'executionId', expected, order !== 'shuffled');
  });

  it('announces each run started after subscribing once, oldest first, and none of those before', async () => {
    const ds = world.dataSources[1]!;
    const parent = { domainId: world.domainId, dataSourceId: ds.id };
    // The data source's seeded runs and 80 more at one instant: two pages or more of 50.
    await scene(gw, { kind: 'runs', ...parent, count: 80, durationMs: 60_000 });
    const w = await watchStarted(gw, RUNS_SUB, { d: world.domainId, s: ds.id });

    const expected: string[] = [];
    for (let i = 0; i < 3; i++) {
      await gw.advance(1_000);
      expected.push((await startRun(gw, world, ds.id)).runId);
    }
    await gw.advance(1_000);
    expected.push(...(await scene(gw, { kind: 'runs', ...parent, count: 3, durationMs: 60_000 })).sort());
    measured.runs = await expectAnnounced(gw, w, 'runId', expected, order !== 'shuffled');
  });
});

it('reads every page of an unordered list each poll, and fewer of a list it proves newest first', () => {
  const { newest, oldest, shuffled } = pagesPerPoll as Record<string, { executions: number; runs: number }>;
  // At least 5 pages of executions and 2 of runs.
  for (const all of [oldest!, shuffled!]) {
    expect(all.executions).toBeGreaterThanOrEqual(5);
    expect(all.runs).toBeGreaterThanOrEqual(2);
  }
  expect(newest!.executions).toBeLessThan(oldest!.executions);
  expect(newest!.runs).toBeLessThan(oldest!.runs);
});

it('warns once per watch and counts every poll when the page cap cuts a list that may hold new loads', async () => {
  const warnings: { msg: string; topic?: string; pages?: number }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) warnings.push(JSON.parse(line));
      done();
    },
  });
  const gw = await startTestGateway(
    { ...LIVE_ENV, EMULATOR_LIST_ORDER: 'shuffled', LIVE_STARTED_MAX_PAGES: '2' },
    { logger: pino({ level: 'warn' }, sink) },
  );
  cleanup.add(() => gw.stop());
  const world = await liveWorld(gw);
  const flowName: string = (await gw.world()).supplychain.instances[0].flows[0];
  await scene(gw, { kind: 'executions', instanceId: world.instanceId, flowName, count: 50, durationMs: 1 });
  const w = await watchStarted(gw, EXECUTIONS_SUB, { i: world.instanceId, f: flowName });
  const polls = hubPolls(gw);
  await eventually(() => hubPolls(gw) >= polls + 3, 'three more polls');
  w.unsubscribe();

  // Every poll of the watch is cut (2 pages of 5 or more), and each reads 2 pages.
  const metrics = await (await fetch(gw.url.replace(/\/graphql$/, '/metrics'))).text();
  const sample = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
  const cut = sample('loadgraph_live_started_cut_total');
  expect(cut).toBeGreaterThanOrEqual(3);
  expect(sample('loadgraph_live_started_pages_total')).toBe(2 * cut);
  const cuts = warnings.filter((l) => l.msg.startsWith('a started watch read its page cap'));
  expect(cuts).toEqual([
    expect.objectContaining({ topic: `started:FLOW_EXECUTIONS/${world.instanceId}/${flowName}`, pages: 2 }),
  ]);
});
