/**
 * Watched loads refreshed from their parents' list pages, for all three kinds, against the emulator in
 * each of its list orders (AWS documents none): loads of one parent spread over several pages, new loads
 * pushing watched ones to later pages or off the pages read, and the list answering in another order.
 * Every watched load still gets every change and its terminal state, the states equal what a query
 * returns, and the calls spent are far fewer than one read per watched load per poll.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graph/ids.js';
import type { LoadRef } from '../../src/upstream/loadRef.js';
import type { TestGateway } from '../helpers/gateway.js';
import {
  advanceUntil,
  createCleanup,
  field,
  hubPolls,
  liveWorld,
  scene,
  startLiveGateway,
  watch,
  wsClient,
  type Watch,
} from '../helpers/live.js';

const cleanup = createCleanup();
afterAll(() => cleanup.run());

const FIELDS = `id status terminal upstreamStatus
  ...on DataSourceRun { runStatisticsForAssets { added updated failed } }
  ...on FlowExecution { message }`;

/** Watches `refs` over as many `loadsChanged` subscriptions as it takes (100 ids each). */
function watchAll(gw: TestGateway, refs: readonly LoadRef[]): Watch[] {
  const client = wsClient(gw, cleanup);
  const watches: Watch[] = [];
  for (let i = 0; i < refs.length; i += 100)
    watches.push(
      watch(client, `subscription($ids: [ID!]!) { loadsChanged(ids: $ids) { ${FIELDS} } }`, {
        ids: refs.slice(i, i + 100).map(toGlobalId),
      }),
    );
  return watches;
}

async function runScene(order: string, env: Record<string, string> = {}) {
  const gw = await startLiveGateway(cleanup, { EMULATOR_LIST_ORDER: order, ...env });
  const world = await liveWorld(gw);
  const flowName: string = (await gw.world()).supplychain.instances[0].flows[0];
  const dataSourceId = world.dataSources[0]!.id;
  const common = { durationMs: 1_000, spreadMs: 4_000 };
  // 50 executions (3 pages of 20), 45 events of one type (3 pages), 70 runs (2 pages of 50).
  const executions = await scene(gw, {
    kind: 'executions',
    instanceId: world.instanceId,
    flowName,
    count: 50,
    ...common,
  });
  const events = await scene(gw, { kind: 'events', instanceId: world.instanceId, count: 45, ...common });
  const runs = await scene(gw, {
    kind: 'runs',
    domainId: world.domainId,
    dataSourceId,
    count: 70,
    ...common,
  });
  const refs: LoadRef[] = [
    ...executions.map((executionId): LoadRef => ({
      kind: 'FLOW_EXECUTION',
      key: { instanceId: world.instanceId, flowName, executionId },
    })),
    ...events.map((eventId): LoadRef => ({
      kind: 'DATA_INTEGRATION_EVENT',
      key: { instanceId: world.instanceId, eventId },
    })),
    ...runs.map((runId): LoadRef => ({ kind: 'DATA_SOURCE_RUN', key: { domainId: world.domainId, runId } })),
  ];
  await gw.resetCalls();
  const pollsBefore = hubPolls(gw);
  const watches = watchAll(gw, refs);
  await Promise.all(watches.map((w, i) => w.count(Math.min(100, refs.length - i * 100), 20_000)));

  // New loads under the same parents, unwatched: in any order they move watched loads between pages, and
  // push some beyond the pages a refresh reads.
  await scene(gw, { kind: 'executions', instanceId: world.instanceId, flowName, count: 30, ...common });
  await scene(gw, { kind: 'events', instanceId: world.instanceId, count: 30, ...common });
  await scene(gw, { kind: 'runs', domainId: world.domainId, dataSourceId, count: 60, ...common });

  const terminal = new Set<string>();
  await advanceUntil(
    gw,
    () => {
      for (const w of watches) for (const p of w.payloads) if (field(p)?.terminal) terminal.add(field(p).id);
      return terminal.size === refs.length;
    },
    250,
    'every watched load reaching a terminal state',
    80,
  );
  for (const w of watches) expect((await w.end(10_000)).kind).toBe('complete');
  return { gw, refs, watches, polls: hubPolls(gw) - pollsBefore, calls: await gw.calls() };
}

/** Every load's last payload is terminal and is what a query returns now. */
async function expectFinalStates(gw: TestGateway, refs: readonly LoadRef[], watches: readonly Watch[]) {
  const payloads = watches.flatMap((w) => w.payloads.map(field));
  const ids = refs.map(toGlobalId);
  const now = await gw.data(`query($ids: [ID!]!) { loads(ids: $ids) { ${FIELDS} } }`, {
    ids: ids.slice(0, 100),
  });
  const later = await gw.data(`query($ids: [ID!]!) { loads(ids: $ids) { ${FIELDS} } }`, {
    ids: ids.slice(100),
  });
  const queried = [...now.loads, ...later.loads];
  for (const [i, id] of ids.entries()) {
    const last = payloads.filter((p) => p.id === id).at(-1);
    expect(last?.terminal, `the terminal state of ${refs[i]!.kind} ${id}`).toBe(true);
    expect(last).toEqual(queried[i]);
  }
}

describe('list refresh of watched loads', () => {
  // The most calls per poll each order may cost. Newest first, the watched loads fill the first pages;
  // shuffled, they share pages with the others; oldest first, the seeded history fills the pages a refresh
  // may read, so most loads are read alone (listing rests when it does not pay), still under one call each.
  const BOUND = { newest: 1 / 4, shuffled: 1 / 2, oldest: 1 } as const;
  for (const order of ['newest', 'shuffled', 'oldest'] as const) {
    it(`delivers every change and terminal state of loads spread over list pages, with fewer calls than polls (lists ${order} first)`, async () => {
      const { gw, refs, watches, polls, calls } = await runScene(order);
      await expectFinalStates(gw, refs, watches);
      const lists =
        (calls.ListDataIntegrationFlowExecutions ?? 0) +
        (calls.ListDataIntegrationEvents ?? 0) +
        (calls.ListDataSourceRuns ?? 0);
      const reads =
        (calls.GetDataIntegrationFlowExecution ?? 0) +
        (calls.GetDataIntegrationEvent ?? 0) +
        (calls.GetDataSourceRun ?? 0);
      expect(calls.ListDataIntegrationFlowExecutions).toBeGreaterThan(0);
      expect(calls.ListDataIntegrationEvents).toBeGreaterThan(0);
      expect(calls.ListDataSourceRuns).toBeGreaterThan(0);
      console.info(`list refresh, ${order} first: ${lists} list and ${reads} read calls for ${polls} polls`);
      expect(lists + reads).toBeLessThan(polls * BOUND[order]);
      expect(gw.gateway.live.stats.refreshes.served).toBeGreaterThan(0);
    }, 120_000);
  }

  it('reads on their own the loads beyond the pages a refresh may read, and misses none of them', async () => {
    const { gw, refs, watches, calls } = await runScene('newest', { LIVE_LIST_MAX_PAGES: '1' });
    await expectFinalStates(gw, refs, watches);
    // One page per refresh: the loads pushed off it were read alone.
    expect(calls.GetDataSourceRun ?? 0).toBeGreaterThan(70);
    expect(gw.gateway.live.stats.refreshes.missed).toBeGreaterThan(0);
    // What an operator sees of it.
    const metrics = await (await fetch(new URL('/metrics', gw.url))).text();
    for (const result of ['pages', 'served', 'missed'])
      expect(metrics).toMatch(new RegExp(`^loadgraph_list_refresh_total\\{result="${result}"\\} [1-9]`, 'm'));
  }, 120_000);
});
