/**
 * Federation end to end: a real `@apollo/gateway` in the test process composes (IntrospectAndCompose,
 * over `_service { sdl }`) two real HTTP subgraphs, Loadgraph on its emulator and a small orders subgraph
 * whose orders point at real events of the emulator's world, and queries resolve across both. The
 * emulator's counters prove the entity fetches are batched: 100 order references to 10 events are 10
 * `GetDataIntegrationEvent` calls. Loadgraph runs with a shared secret, which the gateway sends on every
 * subgraph request (as a router is configured to) and without which Loadgraph answers nothing.
 *
 * The terminal cache is off, so every count below is what one request costs with nothing cached.
 */
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';
import { startOrdersSubgraph, type EventKey, type RunningOrders } from './orders.subgraph.js';

const SECRET = 'test-router-secret-0123456789abcdef';
const HEADER = 'router-authorization';
const ORDER_COUNT = 100;
const EVENT_COUNT = 10;

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const disposers: (() => Promise<unknown>)[] = [];

let loadgraph: TestGateway;
let orders: RunningOrders;
let routerUrl: string;
/** DATASET events of the world, with the state and dataset Loadgraph reports for them. */
let events: (EventKey & { id: string; status: string; terminal: boolean; dataset: { name: string } })[];

/** POSTs to a GraphQL endpoint with the given headers; never throws on GraphQL errors. */
async function post<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

/** Loadgraph directly, with the router's header. */
const subgraph = <T = any>(query: string, variables?: Record<string, unknown>) =>
  post<T>(loadgraph.url, query, variables, { [HEADER]: SECRET });
/** The federation gateway, as a client of the supergraph. */
const router = <T = any>(query: string, variables?: Record<string, unknown>) =>
  post<T>(routerUrl, query, variables);

async function data(response: Promise<GraphQLResponse>): Promise<any> {
  const res = await response;
  expect(res.errors ?? []).toEqual([]);
  expect(res.status).toBe(200);
  return res.data;
}

/** Resets the emulator's counters, runs `run`, and resolves to its result and the upstream calls made. */
async function counted<T>(run: () => Promise<T>): Promise<{ result: T; calls: Record<string, number> }> {
  await loadgraph.resetCalls();
  const result = await run();
  return { result, calls: await loadgraph.calls() };
}

beforeAll(async () => {
  loadgraph = await startTestGateway({ SUBGRAPH_SHARED_SECRET: SECRET, TERMINAL_CACHE_MAX: '0' });
  disposers.push(() => loadgraph.stop());
  const world = await loadgraph.world();
  const instanceId = world.supplychain.instances[0].instanceId;
  const listed = await data(
    subgraph(
      `query($i: ID!) { dataIntegrationEvents(instanceId: $i, eventType: DATASET, first: 20) {
         nodes { id instanceId eventId status terminal dataset { name } } } }`,
      { i: instanceId },
    ),
  );
  events = listed.dataIntegrationEvents.nodes.slice(0, EVENT_COUNT);
  expect(events).toHaveLength(EVENT_COUNT);

  orders = await startOrdersSubgraph(
    events.map(({ instanceId, eventId }) => ({ instanceId, eventId })),
    ORDER_COUNT,
  );
  disposers.push(() => orders.stop());

  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs: [
        { name: 'loadgraph', url: loadgraph.url },
        { name: 'orders', url: orders.url },
      ],
    }),
    // The router's side of the shared secret: every subgraph request carries it (composition included).
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request }) {
          request.http?.headers.set(HEADER, SECRET);
        },
      }),
    logger: silent,
  });
  const server = new ApolloServer({ gateway, logger: silent });
  ({ url: routerUrl } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } }));
  disposers.push(() => server.stop());
});

afterAll(async () => {
  for (const dispose of disposers.reverse()) await dispose();
});

describe('queries through a federation gateway', () => {
  it('resolves orders with their events’ status, terminal and dataset across both subgraphs, 100 references in 10 event reads', async () => {
    const { result, calls } = await counted(() =>
      data(router(`{ orders { id number loadEvent { eventId status terminal dataset { name } } } }`)),
    );
    expect(result.orders).toHaveLength(ORDER_COUNT);
    for (const [i, order] of (result.orders as any[]).entries()) {
      const event = events[i % EVENT_COUNT]!;
      expect(order.loadEvent).toEqual({
        eventId: event.eventId,
        status: event.status,
        terminal: event.terminal,
        dataset: { name: event.dataset.name },
      });
    }
    const datasets = new Set(events.map((e) => e.dataset.name)).size;
    expect(calls).toEqual({ GetDataIntegrationEvent: EVENT_COUNT, GetDataLakeDataset: datasets });
  });

  it('resolves the field the orders subgraph adds to Loadgraph’s event', async () => {
    const event = events[3]!;
    const result = await data(
      router(
        `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) {
           id status orders { id loadEvent { eventId } } } }`,
        { i: event.instanceId, e: event.eventId },
      ),
    );
    const expected = orders.orders.filter((o) => o.event.eventId === event.eventId).map((o) => o.id);
    expect(expected).toHaveLength(ORDER_COUNT / EVENT_COUNT);
    expect(result.dataIntegrationEvent.id).toBe(event.id);
    expect(result.dataIntegrationEvent.orders.map((o: any) => o.id)).toEqual(expected);
    for (const o of result.dataIntegrationEvent.orders) expect(o.loadEvent.eventId).toBe(event.eventId);
  });

  it('shares PageInfo between the subgraphs', async () => {
    const result = await data(
      router(`{ orderPage(first: 2) { nodes { id } pageInfo { hasNextPage endCursor } } }`),
    );
    expect(result.orderPage).toEqual({
      nodes: [{ id: 'order-1' }, { id: 'order-2' }],
      pageInfo: { hasNextPage: true, endCursor: '1' },
    });
  });
});

describe('_entities on Loadgraph', () => {
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
    __typename
    ... on Load { id status terminal }
    ... on DataIntegrationEvent { instanceId eventId }
    ... on FlowExecution { instanceId flowName executionId }
    ... on DataSourceRun { domainId runId }
    ... on DataIntegrationFlow { instanceId name }
    ... on DataLakeDataset { instanceId namespace name }
    ... on DataSource { domainId id name }
  } }`;

  it('makes one upstream read per distinct event for 100 references, by either key', async () => {
    const representations = Array.from({ length: ORDER_COUNT }, (_, i) => {
      const e = events[(i * 7) % EVENT_COUNT]!;
      return i % 2
        ? { __typename: 'DataIntegrationEvent', instanceId: e.instanceId, eventId: e.eventId }
        : { __typename: 'DataIntegrationEvent', id: e.id };
    });
    const { result, calls } = await counted(() => data(subgraph(ENTITIES, { r: representations })));
    expect(calls).toEqual({ GetDataIntegrationEvent: EVENT_COUNT });
    expect(result._entities).toHaveLength(ORDER_COUNT);
    for (const [i, entity] of (result._entities as any[]).entries()) {
      const e = events[(i * 7) % EVENT_COUNT]!;
      expect(entity).toEqual({
        __typename: 'DataIntegrationEvent',
        id: e.id,
        status: e.status,
        terminal: e.terminal,
        instanceId: e.instanceId,
        eventId: e.eventId,
      });
    }
  });

  it('resolves every entity type, the loads by either key', async () => {
    const world = await loadgraph.world();
    const instance = world.supplychain.instances[0];
    const domain = world.datazone.domains[0];
    const namespace = instance.namespaces.find((n: any) => n.datasets.length > 0);
    const dataSource = domain.dataSources[0];
    const flowName = instance.flows[0];
    const lists = await data(
      subgraph(
        `query($i: ID!, $f: String!, $d: ID!, $s: ID!) {
           flowExecutions(instanceId: $i, flowName: $f, first: 1) { nodes { id executionId } }
           dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 1) { nodes { id runId } } }`,
        { i: instance.instanceId, f: flowName, d: domain.domainId, s: dataSource.id },
      ),
    );
    const execution = lists.flowExecutions.nodes[0];
    const run = lists.dataSourceRuns.nodes[0];
    const event = events[0]!;
    const representations = [
      { __typename: 'DataIntegrationEvent', instanceId: event.instanceId, eventId: event.eventId },
      { __typename: 'DataIntegrationEvent', id: event.id },
      {
        __typename: 'FlowExecution',
        instanceId: instance.instanceId,
        flowName,
        executionId: execution.executionId,
      },
      { __typename: 'FlowExecution', id: execution.id },
      { __typename: 'DataSourceRun', domainId: domain.domainId, runId: run.runId },
      { __typename: 'DataSourceRun', id: run.id },
      { __typename: 'DataIntegrationFlow', instanceId: instance.instanceId, name: flowName },
      {
        __typename: 'DataLakeDataset',
        instanceId: instance.instanceId,
        namespace: namespace.name,
        name: namespace.datasets[0],
      },
      { __typename: 'DataSource', domainId: domain.domainId, id: dataSource.id },
    ];
    const { result, calls } = await counted(() => data(subgraph(ENTITIES, { r: representations })));
    const got = result._entities as any[];
    expect(got.map((e) => e.__typename)).toEqual(representations.map((r) => r.__typename));
    // Each entity answers with the key it was asked by (and the loads with the other key too).
    for (const [i, ref] of representations.entries()) expect(got[i]).toMatchObject(ref);
    expect(got[0]).toEqual(got[1]);
    expect(got[2]).toEqual(got[3]);
    expect(got[4]).toEqual(got[5]);
    expect(got[8].name).toBe(dataSource.name);
    // Both keys of a load are one read.
    expect(calls).toEqual({
      GetDataIntegrationEvent: 1,
      GetDataIntegrationFlowExecution: 1,
      GetDataSourceRun: 1,
      GetDataIntegrationFlow: 1,
      GetDataLakeDataset: 1,
      GetDataSource: 1,
    });
  });

  it('fails only the references that are malformed, of another kind, or missing; the others resolve', async () => {
    const event = events[0]!;
    const missing = '00000000-0000-4000-8000-000000000000';
    const { result, calls } = await counted(() =>
      subgraph(ENTITIES, {
        r: [
          { __typename: 'DataIntegrationEvent', instanceId: event.instanceId, eventId: 'not-a-uuid' },
          { __typename: 'FlowExecution', id: event.id },
          { __typename: 'DataIntegrationEvent', instanceId: event.instanceId, eventId: missing },
          { __typename: 'DataIntegrationEvent', id: event.id },
        ],
      }),
    );
    expect(result.status).toBe(200);
    expect(result.data?._entities).toEqual([null, null, null, expect.objectContaining({ id: event.id })]);
    const errors = (result.errors ?? []).map((e) => [
      e.path,
      e.extensions?.['code'],
      e.extensions?.['field'],
    ]);
    expect(errors).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT', 'DataIntegrationEvent.eventId'],
      [['_entities', 1], 'BAD_USER_INPUT', 'FlowExecution.id'],
      [['_entities', 2], 'NOT_FOUND', undefined],
    ]);
    // The malformed references never reached the upstream.
    expect(calls).toEqual({ GetDataIntegrationEvent: 2 });
  });

  it('serves its subgraph SDL with the entity keys', async () => {
    const result = await data(subgraph(`{ _service { sdl } }`));
    expect(result._service.sdl).toContain('@key(fields: "instanceId eventId")');
    expect(result._service.sdl).toContain('https://specs.apollo.dev/federation/v2.14');
  });
});

describe('the shared secret', () => {
  const QUERY = `{ _service { sdl } }`;

  it('refuses a request without the header with 401 before anything runs', async () => {
    const { result, calls } = await counted(() =>
      post(
        loadgraph.url,
        `{ dataIntegrationEvents(instanceId: "${events[0]!.instanceId}") { nodes { id } } }`,
      ),
    );
    expect(result.status).toBe(401);
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      { message: expect.stringContaining(HEADER), extensions: { code: 'UNAUTHENTICATED' } },
    ]);
    expect(calls).toEqual({});
  });

  it('refuses a wrong secret with 403, and a second header line too', async () => {
    const wrong = await post(loadgraph.url, QUERY, {}, { [HEADER]: `${SECRET}x` });
    expect(wrong.status).toBe(403);
    expect(wrong.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
    const res = await fetch(loadgraph.url, {
      method: 'POST',
      headers: [
        ['content-type', 'application/json'],
        [HEADER, SECRET],
        [HEADER, SECRET],
      ],
      body: JSON.stringify({ query: QUERY }),
    });
    expect(res.status).toBe(403);
  });

  it('guards GET, SSE and the WebSocket upgrade too, and leaves health open', async () => {
    const get = await fetch(`${loadgraph.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(401);
    const sse = await fetch(loadgraph.url.replace(/\/graphql$/, '/graphql/stream'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(sse.status).toBe(401);
    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(loadgraph.url.replace(/^http/, 'ws'), 'graphql-transport-ws', {
          headers,
        });
        socket.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          socket.terminate();
        });
        socket.on('open', () => {
          resolve(101);
          socket.close();
        });
        socket.on('error', reject);
      });
    expect(await upgrade({})).toBe(401);
    expect(await upgrade({ [HEADER]: 'wrong-secret-0123456789' })).toBe(403);
    expect(await upgrade({ [HEADER]: SECRET })).toBe(101);
    const health = await fetch(loadgraph.url.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
  });

  it('accepts the router’s requests, which carry it', async () => {
    const res = await router(`{ orders { loadEvent { eventId } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.orders).toHaveLength(ORDER_COUNT);
  });
});

describe('with introspection off (NODE_ENV=production)', () => {
  it('still serves _service and _entities, which is why only the router may reach the port', async () => {
    const production = await startTestGateway({ NODE_ENV: 'production' });
    disposers.push(() => production.stop());
    const introspection = await production.query(`{ __schema { queryType { name } } }`);
    expect(introspection.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    const service = await production.query(`{ _service { sdl } }`);
    expect(service.errors).toBeUndefined();
    expect(service.data._service.sdl).toContain('type DataIntegrationEvent');
  });
});
