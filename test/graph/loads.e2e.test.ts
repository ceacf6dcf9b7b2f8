/**
 * Global ids: `node(id)` and `loads(ids)` over all three kinds of load, with ids taken from list queries.
 * A bad or missing item is null with its own error at its index; its siblings still resolve.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graph/ids.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const FRAGMENTS = `__typename id kind status terminal
  ... on DataIntegrationEvent { instanceId eventId }
  ... on FlowExecution { instanceId flowName executionId }
  ... on DataSourceRun { domainId runId }`;

let gw: TestGateway;
let instanceId: string;
let domainId: string;
/** Loads as read from list queries, two of each kind. */
let events: any[];
let executions: any[];
let runs: any[];

const loadsQuery = `query($ids: [ID!]!) { loads(ids: $ids) { ${FRAGMENTS} } }`;

beforeAll(async () => {
  // No cross-request cache: the upstream calls of each request are exactly its own reads.
  gw = await startTestGateway({ TERMINAL_CACHE_MAX: '0' });
  const world = await gw.world();
  instanceId = world.supplychain.instances[0].instanceId;
  domainId = world.datazone.domains[0].domainId;
  const lists = await gw.data(
    `query($i: ID!, $d: ID!, $s: ID!) {
       dataIntegrationEvents(instanceId: $i, first: 2) { nodes { ...on Load { ${FRAGMENTS} } } }
       flowExecutions(instanceId: $i, flowName: "wms-inventory-snapshot", first: 2) { nodes { ...on Load { ${FRAGMENTS} } } }
       dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 2) { nodes { ...on Load { ${FRAGMENTS} } } } }`,
    { i: instanceId, d: domainId, s: world.datazone.domains[0].dataSources[1].id },
  );
  events = lists.dataIntegrationEvents.nodes;
  executions = lists.flowExecutions.nodes;
  runs = lists.dataSourceRuns.nodes;
});

afterAll(async () => {
  await gw?.stop();
});

describe('node', () => {
  it('returns each kind of load by the id its list gave', async () => {
    for (const load of [events[0], executions[0], runs[0]]) {
      const { node } = await gw.data(`query($id: ID!) { node(id: $id) { ...on Load { ${FRAGMENTS} } } }`, {
        id: load.id,
      });
      expect(node).toEqual(load);
    }
    expect([events[0].kind, executions[0].kind, runs[0].kind]).toEqual([
      'DATA_INTEGRATION_EVENT',
      'FLOW_EXECUTION',
      'DATA_SOURCE_RUN',
    ]);
  });

  it('is null with BAD_USER_INPUT for an id that is not a load id, without an upstream call', async () => {
    await gw.resetCalls();
    const res = await gw.query(`query($id: ID!) { node(id: $id) { id } }`, { id: 'not a load id' });
    expect(res.data).toEqual({ node: null });
    expect(res.errors).toEqual([
      expect.objectContaining({ path: ['node'], extensions: { code: 'BAD_USER_INPUT', field: 'id' } }),
    ]);
    expect(await gw.calls()).toEqual({});
  });

  it('is null with NOT_FOUND for the well-formed id of a load that does not exist', async () => {
    const id = toGlobalId({ kind: 'DATA_SOURCE_RUN', key: { domainId, runId: 'nosuchrun123' } });
    const res = await gw.query(`query($id: ID!) { node(id: $id) { id } }`, { id });
    expect(res.data).toEqual({ node: null });
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ['node'],
        extensions: expect.objectContaining({
          code: 'NOT_FOUND',
          awsErrorName: 'ResourceNotFoundException',
          awsOperation: 'GetDataSourceRun',
        }),
      }),
    ]);
  });
});

describe('loads', () => {
  it('returns a mix of all three kinds in the order asked, repeats included', async () => {
    const order = [runs[1], events[0], executions[1], events[1], runs[0], executions[0], events[0], runs[1]];
    const { loads } = await gw.data(loadsQuery, { ids: order.map((l) => l.id) });
    expect(loads).toEqual(order);
    expect(loads.map((l: any) => l.__typename)).toEqual([
      'DataSourceRun',
      'DataIntegrationEvent',
      'FlowExecution',
      'DataIntegrationEvent',
      'DataSourceRun',
      'FlowExecution',
      'DataIntegrationEvent',
      'DataSourceRun',
    ]);
  });

  it('returns an empty list for no ids', async () => {
    expect(await gw.data(loadsQuery, { ids: [] })).toEqual({ loads: [] });
  });

  it('makes bad and missing items null with their own error at their index while the others resolve', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const missingEvent = toGlobalId({
      kind: 'DATA_INTEGRATION_EVENT',
      key: { instanceId, eventId: randomUUID() },
    });
    const missingExecution = toGlobalId({
      kind: 'FLOW_EXECUTION',
      key: { instanceId, flowName: 'wms-inventory-snapshot', executionId: randomUUID() },
    });
    const missingInstance = toGlobalId({
      kind: 'DATA_INTEGRATION_EVENT',
      key: { instanceId: randomUUID(), eventId: events[0].eventId },
    });
    const ids = [
      events[0].id, // 0
      'not-a-load-id!', // 1: not base64url
      missingEvent, // 2
      executions[0].id, // 3
      b64(`Widget:${instanceId}:x`), // 4: names no known type
      missingExecution, // 5
      b64(`DataIntegrationEvent:${instanceId.toUpperCase()}:${events[0].eventId}`), // 6: malformed key
      runs[0].id, // 7
      missingInstance, // 8
    ];
    await gw.resetCalls();
    const res = await gw.query(loadsQuery, { ids });
    expect(res.data!.loads).toEqual([events[0], null, null, executions[0], null, null, null, runs[0], null]);
    const byIndex = new Map(res.errors!.map((e) => [e.path![1], e]));
    expect(res.errors).toHaveLength(6);
    for (const i of [1, 4, 6]) {
      expect(byIndex.get(i)).toMatchObject({
        path: ['loads', i],
        extensions: { code: 'BAD_USER_INPUT', field: `ids[${i}]` },
      });
    }
    for (const [i, awsOperation] of [
      [2, 'GetDataIntegrationEvent'],
      [5, 'GetDataIntegrationFlowExecution'],
      [8, 'GetDataIntegrationEvent'],
    ] as const) {
      expect(byIndex.get(i)).toMatchObject({
        path: ['loads', i],
        extensions: { code: 'NOT_FOUND', awsErrorName: 'ResourceNotFoundException', awsOperation },
      });
    }
    // Only the well-formed ids reached the upstream, each once.
    expect(await gw.calls()).toEqual({
      GetDataIntegrationEvent: 3,
      GetDataIntegrationFlowExecution: 2,
      GetDataSourceRun: 1,
    });
  });

  it('accepts 100 ids and rejects 101 as BAD_USER_INPUT, without an upstream call', async () => {
    const all = [...events, ...executions, ...runs].map((l) => l.id);
    const hundred = Array.from({ length: 100 }, (_, i) => all[i % all.length]!);
    const { loads } = await gw.data(loadsQuery, { ids: hundred });
    expect(loads).toHaveLength(100);
    expect(loads.map((l: any) => l.id)).toEqual(hundred);

    await gw.resetCalls();
    const res = await gw.query(loadsQuery, { ids: [...hundred, all[0]] });
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({ path: ['loads'], extensions: { code: 'BAD_USER_INPUT', field: 'ids' } }),
    ]);
    expect(await gw.calls()).toEqual({});
  });
});
