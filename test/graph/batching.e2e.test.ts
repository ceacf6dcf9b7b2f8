/**
 * The batching proof: however many times a query names a resource (as a load or through a link), the
 * gateway reads it from the upstream once per request, counted by the emulator per AWS operation. Terminal
 * loads are then served across requests from the terminal cache; non-terminal loads never are.
 * (With the cache turned off, see batching.nocache.e2e.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const LOAD = `id kind status terminal`;
const LINKS = `... on DataIntegrationEvent { dataset { arn } instance { instanceId } }
  ... on FlowExecution { flowName flow { name } }
  ... on DataSourceRun { dataSourceId dataSource { id } }`;
const loadsQuery = (links: boolean) =>
  `query($ids: [ID!]!) { loads(ids: $ids) { ${LOAD} ${links ? LINKS : ''} } }`;

let gw: TestGateway;
/** Terminal and running loads read from list queries, by kind. */
const terminal = { events: [] as any[], executions: [] as any[], runs: [] as any[] };
const running = { events: [] as any[], executions: [] as any[], runs: [] as any[] };

/** Runs `query` after resetting the emulator's counters; resolves to its data and the calls it made. */
async function counted(query: string, variables: Record<string, unknown>) {
  await gw.resetCalls();
  const result = await gw.data(query, variables);
  return { result, calls: await gw.calls() };
}

const distinct = (values: string[]): number => new Set(values).size;

/**
 * `n` entries in which every item appears, most several times, shuffled deterministically (17 is coprime
 * with every `n` used here, so `j * 17 % n` is a permutation).
 */
const repeat = <T>(items: T[], n: number): T[] =>
  Array.from({ length: n }, (_, j) => items[((j * 17) % n) % items.length]!);

beforeAll(async () => {
  gw = await startTestGateway();
  const world = await gw.world();
  const instance = world.supplychain.instances[0];
  const domain = world.datazone.domains[0];
  const ds = (name: string) => domain.dataSources.find((d: any) => d.name === name).id;
  const node = `id status terminal ... on DataIntegrationEvent { datasetTargetDetails { datasetIdentifier } }
    ... on FlowExecution { flowName } ... on DataSourceRun { dataSourceId }`;
  const lists = await gw.data(
    `query($i: ID!, $d: ID!, $marts: ID!, $finance: ID!, $lake: ID!, $raw: ID!, $archive: ID!) {
       events: dataIntegrationEvents(instanceId: $i, eventType: DATASET, first: 20) { nodes { ...on Load { ${node} } } }
       po: flowExecutions(instanceId: $i, flowName: "purchase-orders-ingest", first: 3) { nodes { ...on Load { ${node} } } }
       sales: flowExecutions(instanceId: $i, flowName: "sales-orders-to-outbound-lines", first: 3) { nodes { ...on Load { ${node} } } }
       erp: flowExecutions(instanceId: $i, flowName: "erp-item-master-ingest", first: 3) { nodes { ...on Load { ${node} } } }
       marts: dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $marts, first: 3) { nodes { ...on Load { ${node} } } }
       finance: dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $finance, first: 3) { nodes { ...on Load { ${node} } } }
       archive: dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $archive, first: 3) { nodes { ...on Load { ${node} } } }
       lake: dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $lake, first: 1) { nodes { ...on Load { ${node} } } }
       raw: dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $raw, first: 1) { nodes { ...on Load { ${node} } } } }`,
    {
      i: instance.instanceId,
      d: domain.domainId,
      marts: ds('Sales marts'),
      finance: ds('Finance warehouse'),
      archive: ds('Clickstream archive'),
      lake: ds('Sales lakehouse'),
      raw: ds('Supply chain raw zone'),
    },
  );
  const all = Object.values(lists).flatMap((l: any) => l.nodes);
  const split = (nodes: any[], into: any[], done: boolean) =>
    into.push(...nodes.filter((n) => n.terminal === done));
  split(lists.events.nodes, terminal.events, true);
  split(lists.events.nodes, running.events, false);
  for (const l of [lists.po, lists.sales, lists.erp]) split(l.nodes, terminal.executions, true);
  split(lists.erp.nodes, running.executions, false);
  for (const l of [lists.marts, lists.finance, lists.archive]) split(l.nodes, terminal.runs, true);
  for (const l of [lists.lake, lists.raw]) split(l.nodes, running.runs, false);
  expect(all.length).toBeGreaterThan(30);
  expect(terminal.events.length).toBeGreaterThanOrEqual(9);
  expect(running.events.length).toBeGreaterThanOrEqual(2);
  expect(running.executions.length).toBeGreaterThanOrEqual(1);
  expect(running.runs.map((r) => r.status).sort()).toEqual(['QUEUED', 'RUNNING']);
});

afterAll(async () => {
  await gw?.stop();
});

describe('batching', () => {
  it('reads each distinct resource of a 50-load query once, links included, and a repeat reads nothing', async () => {
    // 6 events, 4 executions of 2 flows, 4 runs of 2 data sources: 14 loads named 50 times.
    const events = terminal.events.slice(0, 6);
    const executions = terminal.executions.filter((x) => x.flowName !== 'erp-item-master-ingest').slice(0, 4);
    const runs = terminal.runs.filter((_, i) => i < 4);
    const loads = [...events, ...executions, ...runs];
    expect(loads).toHaveLength(14);
    const ids = repeat(loads, 50).map((l) => l.id);
    expect(distinct(ids)).toBe(14);

    const datasets = distinct(events.map((e) => e.datasetTargetDetails.datasetIdentifier));
    const links = {
      GetDataLakeDataset: datasets,
      GetInstance: 1,
      GetDataIntegrationFlow: distinct(executions.map((x) => x.flowName)),
      GetDataSource: distinct(runs.map((r) => r.dataSourceId)),
    };
    expect(links.GetDataIntegrationFlow).toBe(2);
    expect(links.GetDataSource).toBe(2);

    const first = await counted(loadsQuery(true), { ids });
    expect(first.calls).toEqual({
      GetDataIntegrationEvent: 6,
      GetDataIntegrationFlowExecution: 4,
      GetDataSourceRun: 4,
      ...links,
    });
    expect(first.result.loads.map((l: any) => l.id)).toEqual(ids);
    for (const load of first.result.loads) {
      if (load.kind === 'DATA_INTEGRATION_EVENT') expect(load.dataset.arn).toMatch(/^arn:aws:scn:/);
      if (load.kind === 'FLOW_EXECUTION') expect(load.flow.name).toBe(load.flowName);
      if (load.kind === 'DATA_SOURCE_RUN') expect(load.dataSource.id).toBe(load.dataSourceId);
    }

    // Terminal loads come from the terminal cache; datasets, flows, the instance and (asked only for what
    // describes it) the data source from the definition cache.
    const second = await counted(loadsQuery(true), { ids });
    expect(second.result).toEqual(first.result);
    expect(second.calls).toEqual({});

    // A data source's run state moves with every run: a selection of it reads the data source fresh,
    // each request, whatever the fragments it hides in.
    const fresh = `fragment Live on DataSource { lastRunStatus }
      query($ids: [ID!]!) { loads(ids: $ids) { ${LOAD} ... on DataSourceRun { dataSource { id ...Live } } } }`;
    for (let i = 0; i < 2; i++) {
      const again = await counted(fresh, { ids });
      expect(again.calls).toEqual({ GetDataSource: links.GetDataSource });
    }
  });

  it('serves a repeated query for terminal loads from the terminal cache, with no upstream call', async () => {
    const loads = [
      ...terminal.events.slice(6, 9),
      ...terminal.executions.slice(-2),
      ...terminal.runs.slice(-2),
    ];
    const ids = repeat(loads, 20).map((l) => l.id);
    const first = await counted(loadsQuery(false), { ids });
    expect(first.calls).toEqual({
      GetDataIntegrationEvent: 3,
      GetDataIntegrationFlowExecution: 2,
      GetDataSourceRun: 2,
    });
    expect(first.result.loads.every((l: any) => l.terminal)).toBe(true);
    const second = await counted(loadsQuery(false), { ids });
    expect(second.calls).toEqual({});
    expect(second.result).toEqual(first.result);
  });

  it('re-reads a non-terminal load on every request, never serving it from an earlier one', async () => {
    const loads = [...running.events, ...running.executions, ...running.runs];
    const ids = repeat(loads, 12).map((l) => l.id);
    const expected = {
      GetDataIntegrationEvent: running.events.length,
      GetDataIntegrationFlowExecution: running.executions.length,
      GetDataSourceRun: running.runs.length,
    };
    for (let request = 0; request < 3; request++) {
      const { result, calls } = await counted(loadsQuery(false), { ids });
      expect(calls).toEqual(expected);
      expect(result.loads.map((l: any) => l.terminal)).toEqual(ids.map(() => false));
    }
  });

  it('reads each distinct resource once when the same loads are named through different root fields', async () => {
    const [event] = running.events;
    const [run] = running.runs;
    const { calls } = await counted(
      `query($e: ID!, $r: ID!) {
         a: node(id: $e) { id } b: loads(ids: [$e, $r, $e]) { id } c: node(id: $r) { id }
         d: loads(ids: [$r]) { ... on DataSourceRun { dataSource { id } } } }`,
      { e: event.id, r: run.id },
    );
    expect(calls).toEqual({
      GetDataIntegrationEvent: 1,
      GetDataSourceRun: 1,
      GetDataSource: 1,
    });
  });
});
