/**
 * With the cross-request terminal cache turned off (`TERMINAL_CACHE_MAX=0`), terminal loads are batched
 * within a request as always, but every request reads them from the upstream again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ TERMINAL_CACHE_MAX: '0' });
});

afterAll(async () => {
  await gw?.stop();
});

describe('with the terminal cache off', () => {
  it('reads terminal loads from the upstream again on a repeated query, once per distinct load', async () => {
    const world = await gw.world();
    const domain = world.datazone.domains[0];
    const listed = await gw.query(
      `query($i: ID!, $d: ID!, $s: ID!) {
         events: dataIntegrationEvents(instanceId: $i, first: 20) { nodes { id terminal } }
         executions: flowExecutions(instanceId: $i, flowName: "purchase-orders-ingest", first: 3) { nodes { id terminal } }
         runs: dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 3) { nodes { id terminal } } }`,
      { i: world.supplychain.instances[0].instanceId, d: domain.domainId, s: domain.dataSources[1].id },
    );
    expect(listed.errors).toBeUndefined();
    const done = (nodes: any[]) => nodes.filter((n) => n.terminal).map((n) => n.id as string);
    const events = done(listed.data.events.nodes).slice(0, 4);
    const executions = done(listed.data.executions.nodes).slice(0, 2);
    const runs = done(listed.data.runs.nodes).slice(0, 2);
    expect([events.length, executions.length, runs.length]).toEqual([4, 2, 2]);
    const ids = [...events, ...executions, ...runs, ...runs, ...events];

    for (let request = 0; request < 2; request++) {
      await gw.resetCalls();
      const res = await gw.query(`query($ids: [ID!]!) { loads(ids: $ids) { id terminal } }`, { ids });
      expect(res.errors).toBeUndefined();
      expect(res.data.loads).toEqual(ids.map((id) => ({ id, terminal: true })));
      expect(await gw.calls()).toEqual({
        GetDataIntegrationEvent: 4,
        GetDataIntegrationFlowExecution: 2,
        GetDataSourceRun: 2,
      });
    }
  });
});
