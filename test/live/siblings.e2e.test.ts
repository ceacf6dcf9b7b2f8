/**
 * Watched siblings share one list call: several watched runs of one data source are refreshed by one
 * ListDataSourceRuns per interval instead of one GetDataSourceRun each, and every subscriber still sees
 * the same states a query returns. A load watched alone is read on its own.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  advanceUntil,
  createCleanup,
  field,
  hubPolls,
  liveWorld,
  startLiveGateway,
  startRun,
  watch,
  wsClient,
} from '../helpers/live.js';

const cleanup = createCleanup();
afterAll(() => cleanup.run());

const RUN_FIELDS = `id runId status runStatus terminal dataSourceConfigurationSnapshot runStatisticsForAssets { added updated failed }`;

describe('watched siblings', () => {
  it('refreshes the watched runs of one data source with list calls, fewer calls than polls, same states as queries', async () => {
    const gw = await startLiveGateway(cleanup);
    const world = await liveWorld(gw);
    const dataSourceId = world.dataSources[0]!.id;
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await startRun(gw, world, dataSourceId));
    await gw.resetCalls();
    const pollsBefore = hubPolls(gw);

    const sub = watch(
      wsClient(gw, cleanup),
      `subscription($ids: [ID!]!) { loadsChanged(ids: $ids) { ...on DataSourceRun { ${RUN_FIELDS} } } }`,
      {
        ids: runs.map((r) => r.id),
      },
    );
    const terminal = new Set<string>();
    await advanceUntil(
      gw,
      () => {
        for (const p of sub.payloads) if (field(p)?.terminal) terminal.add(field(p).id);
        return terminal.size === runs.length;
      },
      5_000,
      'every run reaching a terminal state',
      200,
    );
    expect((await sub.end()).kind).toBe('complete');

    const calls = await gw.calls();
    const polls = hubPolls(gw) - pollsBefore;
    expect(calls.ListDataSourceRuns ?? 0).toBeGreaterThan(0);
    expect((calls.GetDataSourceRun ?? 0) + (calls.ListDataSourceRuns ?? 0)).toBeLessThan(polls);

    // What the subscriber saw last for each run is what a query returns now (nothing lost to list summaries).
    for (const run of runs) {
      const last = sub.payloads
        .map(field)
        .filter((p) => p.id === run.id)
        .at(-1);
      const res = await gw.query(
        `query($d: ID!, $r: ID!) { dataSourceRun(domainIdentifier: $d, identifier: $r) { ${RUN_FIELDS} } }`,
        {
          d: world.domainId,
          r: run.runId,
        },
      );
      expect(last).toEqual(res.data.dataSourceRun);
    }
  });

  it('reads a load watched alone on its own, with no list call', async () => {
    const gw = await startLiveGateway(cleanup);
    const world = await liveWorld(gw);
    const run = await startRun(gw, world, world.dataSources[1]!.id);
    await gw.resetCalls();
    const sub = watch(
      wsClient(gw, cleanup),
      `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) { id terminal } }`,
      {
        d: world.domainId,
        r: run.runId,
      },
    );
    await advanceUntil(
      gw,
      () => sub.payloads.some((p) => field(p)?.terminal),
      5_000,
      'the run reaching a terminal state',
      200,
    );
    await sub.end();
    const calls = await gw.calls();
    expect(calls.ListDataSourceRuns).toBeUndefined();
    expect(calls.GetDataSourceRun).toBeGreaterThan(0);
  });
});
