/**
 * Compiled execution (server/jit.ts) answers exactly as graphql-js does. The gateway compiles a query
 * document on its second execution: each operation below, answers and errors alike, is sent three times,
 * the first run by graphql-js and the next two compiled, and the HTTP status and body must not change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let jit: TestGateway;
let ids: {
  instanceId: string;
  domainId: string;
  dataSourceId: string;
  flowName: string;
  loads: string[];
  eventId: string;
};

const LOAD_FIELDS = `__typename id kind status terminal startedAt finishedAt
  ... on DataIntegrationEvent { instanceId eventId eventType dataset { name namespace } }
  ... on FlowExecution { instanceId flowName executionId flow { name } }
  ... on DataSourceRun { domainId runId dataSource { name } }`;

beforeAll(async () => {
  jit = await startTestGateway({ GRAPHQL_JIT_HOT_AFTER: '1', NODE_ENV: 'production' });
  const world = await jit.world();
  const instance = world.supplychain.instances[0];
  const domain = world.datazone.domains[0];
  const lists = await jit.data(
    `query($i: ID!, $f: String!, $d: ID!, $s: ID!) {
       dataIntegrationEvents(instanceId: $i, first: 3) { nodes { id eventId } }
       flowExecutions(instanceId: $i, flowName: $f, first: 2) { nodes { id } }
       dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 2) { nodes { id } } }`,
    { i: instance.instanceId, f: instance.flows[0], d: domain.domainId, s: domain.dataSources[1].id },
  );
  ids = {
    instanceId: instance.instanceId,
    domainId: domain.domainId,
    dataSourceId: domain.dataSources[1].id,
    flowName: instance.flows[0],
    eventId: lists.dataIntegrationEvents.nodes[0].eventId,
    loads: [
      ...lists.dataIntegrationEvents.nodes.map((n: { id: string }) => n.id),
      ...lists.flowExecutions.nodes.map((n: { id: string }) => n.id),
      ...lists.dataSourceRuns.nodes.map((n: { id: string }) => n.id),
    ],
  };
});

afterAll(async () => {
  await jit?.stop();
});

/** The status and body of one POST. */
async function post(gw: TestGateway, body: object): Promise<{ status: number; body: unknown }> {
  const res = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
  // Ids of the request itself: a masked error's request id, an upstream error's AWS request id.
  for (const e of json.errors ?? []) {
    delete e.extensions?.['requestId'];
    delete e.extensions?.['awsRequestId'];
  }
  return { status: res.status, body: json };
}

const cases: [string, () => object][] = [
  [
    'loads of every kind, with links',
    () => ({
      query: `query($ids: [ID!]!) { loads(ids: $ids) { ${LOAD_FIELDS} } }`,
      variables: { ids: ids.loads },
    }),
  ],
  [
    'loads with a bad and a missing id among good ones',
    () => ({
      query: `query($ids: [ID!]!) { loads(ids: $ids) { id status } }`,
      variables: { ids: [ids.loads[0], 'not-an-id', ids.loads[0]!.slice(0, -2) + 'xx', ids.loads[3]] },
    }),
  ],
  [
    'node with aliases, fragments and __typename',
    () => ({
      query: `query N($a: ID!, $b: ID!) { first: node(id: $a) { ...L } second: node(id: $b) { __typename ...L } }
      fragment L on Load { id kind status terminal }`,
      variables: { a: ids.loads[0], b: ids.loads[4] },
      operationName: 'N',
    }),
  ],
  [
    '@include and @skip from variables',
    () => ({
      query: `query($id: ID!, $more: Boolean!) { node(id: $id) { id ... on Load { status @include(if: $more) kind @skip(if: $more) } } }`,
      variables: { id: ids.loads[1], more: true },
    }),
  ],
  [
    'a page with its cursor',
    () => ({
      query: `query($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 2) {
      nodes { id eventId eventType status } pageInfo { hasNextPage endCursor } } }`,
      variables: { i: ids.instanceId },
    }),
  ],
  [
    'a missing event (NOT_FOUND)',
    () => ({
      query: `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) { eventId status } }`,
      variables: { i: ids.instanceId, e: '00000000-0000-4000-8000-000000000000' },
    }),
  ],
  [
    'an argument out of range (BAD_USER_INPUT)',
    () => ({
      query: `query($i: ID!, $n: Int) { dataIntegrationEvents(instanceId: $i, first: $n) { nodes { id } } }`,
      variables: { i: ids.instanceId, n: 500 },
    }),
  ],
  [
    'a variable of the wrong type',
    () => ({
      query: `query($i: ID!, $n: Int) { dataIntegrationEvents(instanceId: $i, first: $n) { nodes { id } } }`,
      variables: { i: ids.instanceId, n: 'ten' },
    }),
  ],
  [
    'a missing required variable',
    () => ({
      query: `query($id: ID!) { node(id: $id) { id } }`,
      variables: {},
    }),
  ],
  [
    'a null for a non-null list item',
    () => ({
      query: `query($ids: [ID!]!) { loads(ids: $ids) { id } }`,
      variables: { ids: [ids.loads[0], null] },
    }),
  ],
  [
    'definitions and their lists',
    () => ({
      query: `query($i: ID!, $d: ID!, $s: ID!) {
      dataIntegrationFlows(instanceId: $i, first: 2) { nodes { name } }
      dataLakeDatasets(instanceId: $i, namespace: "asc", first: 2) { nodes { name namespace } }
      dataSource(domainIdentifier: $d, identifier: $s) { id name }
      domain(identifier: $d) { id name } }`,
      variables: { i: ids.instanceId, d: ids.domainId, s: ids.dataSourceId },
    }),
  ],
  [
    'entity references',
    () => ({
      query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename
      ... on Load { id status } ... on DataIntegrationEvent { eventId } } }`,
      variables: {
        r: [
          { __typename: 'DataIntegrationEvent', instanceId: ids.instanceId, eventId: ids.eventId },
          { __typename: 'DataIntegrationEvent', id: ids.loads[1] },
        ],
      },
    }),
  ],
];

describe('compiled execution', () => {
  it.each(cases)('answers %s as graphql-js does', async (_name, body) => {
    const interpreted = await post(jit, body());
    for (let i = 0; i < 2; i++) expect(await post(jit, body())).toEqual(interpreted);
  });

  it('compiled the documents it was asked for more than once, and runs them compiled', async () => {
    const text = await (await fetch(new URL('/metrics', jit.url))).text();
    const off = await startTestGateway({ GRAPHQL_JIT_HOT_AFTER: '0' });
    const offText = await (await fetch(new URL('/metrics', off.url))).text();
    await off.stop();
    expect(offText).not.toContain('loadgraph_graphql_jit');
    const compiled = Number(
      /loadgraph_graphql_jit_compilations_total\{outcome="compiled"\} (\d+)/.exec(text)?.[1],
    );
    const runs = Number(/loadgraph_graphql_jit_executions_total (\d+)/.exec(text)?.[1]);
    expect(compiled).toBeGreaterThanOrEqual(cases.length - 4); // those with variable errors never execute
    expect(runs).toBeGreaterThanOrEqual(2 * (cases.length - 4));
  });
});
