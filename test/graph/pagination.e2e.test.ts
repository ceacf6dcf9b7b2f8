/**
 * Relay pagination over the AWS list operations: every connection paged to its end with `first` and
 * `after: endCursor` yields each item exactly once, as many as the emulator's world holds; a mid-page
 * edge cursor resumes right after its edge; `first` outside the upstream page-size range and cursors
 * that are not of this list are BAD_USER_INPUT before any upstream call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const EVENT_TYPES = [
  'FORECAST',
  'INVENTORY_LEVEL',
  'INBOUND_ORDER',
  'INBOUND_ORDER_LINE',
  'INBOUND_ORDER_LINE_SCHEDULE',
  'OUTBOUND_ORDER_LINE',
  'OUTBOUND_SHIPMENT',
  'PROCESS_HEADER',
  'PROCESS_OPERATION',
  'PROCESS_PRODUCT',
  'RESERVATION',
  'SHIPMENT',
  'SHIPMENT_STOP',
  'SHIPMENT_STOP_ORDER',
  'SUPPLY_PLAN',
  'DATASET',
];

/** The selection of a connection whose nodes are aliased to one `key`. */
const page = (key: string) =>
  `edges { cursor node { key: ${key} } } nodes { key: ${key} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

const EVENTS = `query($i: ID!, $t: DataIntegrationEventType, $first: Int, $after: String) {
  c: dataIntegrationEvents(instanceId: $i, eventType: $t, first: $first, after: $after) { ${page('eventId')} } }`;
const EXECUTIONS = `query($i: ID!, $f: String!, $first: Int, $after: String) {
  c: flowExecutions(instanceId: $i, flowName: $f, first: $first, after: $after) { ${page('executionId')} } }`;
const RUNS = `query($d: ID!, $s: ID!, $status: DataSourceRunStatus, $first: Int, $after: String) {
  c: dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, status: $status, first: $first, after: $after) { ${page('runId')} } }`;
const FLOWS = `query($i: ID!, $first: Int, $after: String) {
  c: dataIntegrationFlows(instanceId: $i, first: $first, after: $after) { ${page('name')} } }`;
const DATASETS = `query($i: ID!, $n: String!, $first: Int, $after: String) {
  c: dataLakeDatasets(instanceId: $i, namespace: $n, first: $first, after: $after) { ${page('name')} } }`;

let gw: TestGateway;
let world: any;

interface Connection {
  edges: { cursor: string; node: { key: string } }[];
  nodes: { key: string }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

type Pick = (data: any) => Connection;
const root: Pick = (data) => data.c;
/** The connection aliased `c` under the root field aliased `parent`. */
const under =
  (parent: string): Pick =>
  (data) =>
    data[parent].c;

/** One page of a connection (its query must have no errors). */
async function fetchPage(
  query: string,
  variables: Record<string, unknown>,
  pick = root,
): Promise<Connection> {
  const res = await gw.query(query, variables);
  expect(res.errors).toBeUndefined();
  return pick(res.data);
}

/** Pages a connection to its end with `first`, checking each page's shape; returns the keys in order. */
async function pageAll(
  query: string,
  variables: Record<string, unknown>,
  first: number,
  pick = root,
): Promise<string[]> {
  const keys: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const c = await fetchPage(query, { ...variables, first, after }, pick);
    expect(c.edges.length).toBeLessThanOrEqual(first);
    expect(c.nodes).toEqual(c.edges.map((e) => e.node));
    expect(c.pageInfo.startCursor).toBe(c.edges[0]?.cursor ?? null);
    keys.push(...c.nodes.map((n) => n.key));
    if (!c.pageInfo.hasNextPage) return keys;
    expect(c.pageInfo.endCursor).toEqual(expect.any(String));
    after = c.pageInfo.endCursor;
  }
  throw new Error('the connection did not end within 200 pages');
}

/** Runs `query` and returns its errors, asserting it made no upstream call at all. */
async function errorsWithoutUpstreamCall(query: string, variables: Record<string, unknown>) {
  await gw.resetCalls();
  const res = await gw.query(query, variables);
  expect(await gw.calls()).toEqual({});
  return res.errors ?? [];
}

const instances = (): any[] => world.supplychain.instances;
const domains = (): any[] => world.datazone.domains;

beforeAll(async () => {
  gw = await startTestGateway();
  world = await gw.world();
});

afterAll(async () => {
  await gw?.stop();
});

describe('paging to the end', () => {
  it('yields every event of each instance exactly once, as many as the world holds', async () => {
    for (const [n, instance] of instances().entries()) {
      const keys = await pageAll(EVENTS, { i: instance.instanceId }, n === 0 ? 20 : 13);
      expect(keys).toHaveLength(instance.eventCount);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('yields, over the per-type filtered lists, each event of the instance exactly once', async () => {
    const instance = instances()[1];
    const all = await pageAll(EVENTS, { i: instance.instanceId }, 20);
    const byType: string[] = [];
    for (const t of EVENT_TYPES) byType.push(...(await pageAll(EVENTS, { i: instance.instanceId, t }, 20)));
    expect(byType).toHaveLength(instance.eventCount);
    expect(new Set(byType)).toEqual(new Set(all));
  });

  it('yields, over every flow, each execution of the instance exactly once', async () => {
    for (const instance of instances()) {
      const keys: string[] = [];
      for (const f of instance.flows)
        keys.push(...(await pageAll(EXECUTIONS, { i: instance.instanceId, f }, 20)));
      expect(keys).toHaveLength(instance.executionCount);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('yields, over every data source, each run of the domain exactly once', async () => {
    for (const domain of domains()) {
      const keys: string[] = [];
      for (const ds of domain.dataSources)
        keys.push(...(await pageAll(RUNS, { d: domain.domainId, s: ds.id }, 9)));
      expect(keys).toHaveLength(domain.runCount);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('yields a status-filtered run list as the matching part of the unfiltered one', async () => {
    const domain = domains()[0];
    const s = domain.dataSources.find((d: any) => d.name === 'Sales marts').id;
    const statuses = await fetchPage(
      `query($d: ID!, $s: ID!) { c: dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 50) { ${page('runStatus')} } }`,
      { d: domain.domainId, s },
    );
    const all = await pageAll(RUNS, { d: domain.domainId, s }, 50);
    const successful = all.filter((_, i) => statuses.nodes[i]!.key === 'SUCCESS');
    expect(successful.length).toBeGreaterThan(1);
    expect(await pageAll(RUNS, { d: domain.domainId, s, status: 'SUCCESS' }, 3)).toEqual(successful);
  });

  it('yields flows and datasets in the world order', async () => {
    for (const instance of instances()) {
      expect(await pageAll(FLOWS, { i: instance.instanceId }, 4)).toEqual(instance.flows);
      for (const ns of instance.namespaces)
        expect(await pageAll(DATASETS, { i: instance.instanceId, n: ns.name }, 4)).toEqual(ns.datasets);
    }
  });

  it("yields nested connections (a flow's executions, a data source's runs, a run's activities) like their root lists", async () => {
    const instance = instances()[0];
    const f = 'purchase-orders-ingest';
    const nestedExecutions = `query($i: ID!, $f: String!, $first: Int, $after: String) {
      flow: dataIntegrationFlow(instanceId: $i, name: $f) { c: executions(first: $first, after: $after) { ${page('executionId')} } } }`;
    const flowPages = await pageAll(nestedExecutions, { i: instance.instanceId, f }, 20, under('flow'));
    expect(flowPages).toEqual(await pageAll(EXECUTIONS, { i: instance.instanceId, f }, 20));

    const domain = domains()[0];
    const s = domain.dataSources[0].id;
    const nestedRuns = `query($d: ID!, $s: ID!, $first: Int, $after: String) {
      ds: dataSource(domainIdentifier: $d, identifier: $s) { c: runs(first: $first, after: $after) { ${page('runId')} } } }`;
    const runs = await pageAll(nestedRuns, { d: domain.domainId, s }, 7, under('ds'));
    expect(runs).toEqual(await pageAll(RUNS, { d: domain.domainId, s }, 50));

    const nestedActivities = `query($d: ID!, $r: ID!, $first: Int, $after: String) {
      run: dataSourceRun(domainIdentifier: $d, identifier: $r) { c: activities(first: $first, after: $after) { ${page('technicalName')} } } }`;
    const oneByOne = await pageAll(nestedActivities, { d: domain.domainId, r: runs.at(-1) }, 1, under('run'));
    const inOne = await pageAll(nestedActivities, { d: domain.domainId, r: runs.at(-1) }, 50, under('run'));
    expect(oneByOne.length).toBeGreaterThan(1);
    expect(oneByOne).toEqual(inOne);
  });
});

describe('cursors', () => {
  it("resumes from a mid-page edge's cursor exactly after that edge", async () => {
    const i = instances()[0].instanceId;
    const reference = (await fetchPage(EVENTS, { i, first: 20 })).nodes.map((n) => n.key);
    const firstPage = await fetchPage(EVENTS, { i, first: 5 });
    const resumed: string[] = [];
    let after: string | null = firstPage.edges[1]!.cursor;
    while (resumed.length < 12) {
      const c = await fetchPage(EVENTS, { i, first: 5, after });
      expect(c.nodes.length).toBeGreaterThan(0);
      resumed.push(...c.nodes.map((n) => n.key));
      after = c.pageInfo.endCursor;
    }
    expect(resumed.slice(0, 12)).toEqual(reference.slice(2, 14));

    const domain = domains()[0];
    const runs = { d: domain.domainId, s: domain.dataSources[2].id };
    const runReference = (await fetchPage(RUNS, { ...runs, first: 20 })).nodes.map((n) => n.key);
    const runPage = await fetchPage(RUNS, { ...runs, first: 6 });
    const fromEdge = await fetchPage(RUNS, { ...runs, first: 6, after: runPage.edges[3]!.cursor });
    expect(fromEdge.nodes.map((n) => n.key)).toEqual(runReference.slice(4, 4 + fromEdge.nodes.length));
    expect(fromEdge.nodes.length).toBeGreaterThan(0);
  });

  it('never returns more than `first` items, even when resuming from a mid-page cursor', async () => {
    const i = instances()[0].instanceId;
    const reference = (await fetchPage(EVENTS, { i, first: 20 })).nodes.map((n) => n.key);
    const firstPage = await fetchPage(EVENTS, { i, first: 10 });
    const resumed = await fetchPage(EVENTS, { i, first: 2, after: firstPage.edges[1]!.cursor });
    expect(resumed.nodes.map((n) => n.key)).toEqual(reference.slice(2, 4));
    expect(resumed.edges).toHaveLength(2);
    expect(resumed.pageInfo.hasNextPage).toBe(true);
    // ...and its endCursor continues right after the last item returned.
    const next = await fetchPage(EVENTS, { i, first: 3, after: resumed.pageInfo.endCursor });
    expect(next.nodes.map((n) => n.key)).toEqual(reference.slice(4, 7));
  });

  it('reports hasPreviousPage true exactly when the page was reached with after', async () => {
    const i = instances()[0].instanceId;
    const first = await fetchPage(EVENTS, { i, first: 5 });
    const second = await fetchPage(EVENTS, { i, first: 5, after: first.pageInfo.endCursor });
    const midPage = await fetchPage(EVENTS, { i, first: 5, after: first.edges[2]!.cursor });
    const flows = await fetchPage(FLOWS, { i, first: 20 });
    const pastTheEnd = await fetchPage(FLOWS, { i, first: 20, after: flows.pageInfo.endCursor });
    expect([first, second, midPage, flows, pastTheEnd].map((c) => c.pageInfo.hasPreviousPage)).toEqual([
      false,
      true,
      true,
      false,
      true,
    ]);
  });

  it('answers the last endCursor with an empty final page, without an upstream call', async () => {
    const i = instances()[0].instanceId;
    const c = await fetchPage(FLOWS, { i, first: 20 });
    expect(c.pageInfo.hasNextPage).toBe(false);
    await gw.resetCalls();
    const after = await fetchPage(FLOWS, { i, first: 20, after: c.pageInfo.endCursor });
    expect(after).toEqual({
      edges: [],
      nodes: [],
      pageInfo: expect.objectContaining({ hasNextPage: false, startCursor: null, endCursor: null }),
    });
    expect(await gw.calls()).toEqual({});
  });

  it('rejects a cursor of another list as BAD_USER_INPUT on `after`, without an upstream call', async () => {
    const [a, b] = instances();
    const domain = domains()[0];
    const eventsCursor = (await fetchPage(EVENTS, { i: a.instanceId, first: 3 })).pageInfo.endCursor;
    const runsCursor = (await fetchPage(RUNS, { d: domain.domainId, s: domain.dataSources[2].id, first: 3 }))
      .pageInfo.endCursor;
    const misuses: [string, Record<string, unknown>][] = [
      [EVENTS, { i: b.instanceId, after: eventsCursor }],
      [EVENTS, { i: a.instanceId, t: 'DATASET', after: eventsCursor }],
      [EXECUTIONS, { i: a.instanceId, f: a.flows[0], after: eventsCursor }],
      [FLOWS, { i: a.instanceId, after: eventsCursor }],
      [RUNS, { d: domain.domainId, s: domain.dataSources[3].id, after: runsCursor }],
      [RUNS, { d: domain.domainId, s: domain.dataSources[2].id, status: 'FAILED', after: runsCursor }],
    ];
    for (const [query, variables] of misuses) {
      const errors = await errorsWithoutUpstreamCall(query, variables);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(errors[0]!.path).toEqual(['c']);
    }
  });

  it('rejects a cursor that is not one of this graph as BAD_USER_INPUT, without an upstream call', async () => {
    const i = instances()[0].instanceId;
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const awsToken = b64(JSON.stringify(['events', 1_700_000_000_000, 'x']));
    for (const after of [
      'garbage',
      '!!!',
      b64('{}'),
      b64('{"v":2,"l":"x","t":null,"o":0,"n":5}'),
      awsToken,
    ]) {
      const errors = await errorsWithoutUpstreamCall(EVENTS, { i, after });
      expect(errors.map((e) => e.extensions)).toEqual([
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }),
      ]);
    }
  });
});

describe('first', () => {
  const scn = () => ({ i: instances()[0].instanceId });
  const lists: [string, string, () => Record<string, unknown>, number][] = [
    ['dataIntegrationEvents', EVENTS, scn, 20],
    ['flowExecutions', EXECUTIONS, () => ({ ...scn(), f: instances()[0].flows[0] }), 20],
    ['dataIntegrationFlows', FLOWS, scn, 20],
    ['dataLakeDatasets', DATASETS, () => ({ ...scn(), n: 'asc' }), 20],
    ['dataSourceRuns', RUNS, () => ({ d: domains()[0].domainId, s: domains()[0].dataSources[2].id }), 50],
  ];

  it.each(lists)('%s accepts first from 1 to its upstream maximum', async (_name, query, variables, max) => {
    for (const first of [1, max]) {
      const c = await fetchPage(query, { ...variables(), first });
      expect(c.nodes.length).toBeGreaterThan(0);
      expect(c.nodes.length).toBeLessThanOrEqual(first);
    }
  });

  it.each(lists)(
    '%s rejects first 0, negative or above its maximum as BAD_USER_INPUT, without an upstream call',
    async (_name, query, variables, max) => {
      for (const first of [0, -1, max + 1]) {
        const errors = await errorsWithoutUpstreamCall(query, { ...variables(), first });
        expect(errors).toHaveLength(1);
        expect(errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      }
    },
  );

  it('rejects an out-of-range first on a nested connection without calling its list operation', async () => {
    const instance = instances()[0];
    const domain = domains()[0];
    const run = (await fetchPage(RUNS, { d: domain.domainId, s: domain.dataSources[2].id, first: 1 }))
      .nodes[0]!.key;
    const cases: [string, Record<string, unknown>, string][] = [
      [
        `query($i: ID!) { p: dataIntegrationFlow(instanceId: $i, name: "purchase-orders-ingest") { name c: executions(first: 21) { nodes { executionId } } } }`,
        { i: instance.instanceId },
        'ListDataIntegrationFlowExecutions',
      ],
      [
        `query($d: ID!, $s: ID!) { p: dataSource(domainIdentifier: $d, identifier: $s) { name c: runs(first: 51) { nodes { runId } } } }`,
        { d: domain.domainId, s: domain.dataSources[2].id },
        'ListDataSourceRuns',
      ],
      [
        `query($d: ID!, $r: ID!) { p: dataSourceRun(domainIdentifier: $d, identifier: $r) { runId c: activities(first: 0) { nodes { technicalName } } } }`,
        { d: domain.domainId, r: run },
        'ListDataSourceRunActivities',
      ],
    ];
    for (const [query, variables, listOperation] of cases) {
      await gw.resetCalls();
      const res = await gw.query(query, variables);
      expect(Object.keys(await gw.calls())).not.toContain(listOperation);
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.path).toEqual(['p', 'c']);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(res.data.p).toBeNull();
    }
  });
});
