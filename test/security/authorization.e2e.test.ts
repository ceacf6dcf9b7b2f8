/**
 * Authorization on every path that reaches a resource: root fields, `node`, `loads`, federation
 * `_entities`, links, subscriptions and the mutations. A resource in an instance or domain the caller may
 * not touch answers exactly as a missing one does, with no upstream call; a missing scope is FORBIDDEN.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graph/ids.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { LIVE_ENV, createCleanup, watch, wsClient } from '../helpers/live.js';
import { KEYS, apiKey, apiKeysJson, post, shapeOf } from './helpers.js';

let gw: TestGateway;
const cleanup = createCleanup();
let instanceA: string;
let instanceB: string;
let domainD1: string;
let domainD2: string;
let eventA: { instanceId: string; eventId: string };
let eventB: { instanceId: string; eventId: string };
let runD2: { domainId: string; runId: string };
let sourceD2: string;
let sourceD1: string;

const EVENTS = `query($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 1) { nodes { instanceId eventId } } }`;
const RUNS = `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 1) { nodes { domainId runId } } }`;

beforeAll(async () => {
  // The world is the same for the same seed: read its ids first, to give the principals their rights.
  const probe = await startTestGateway();
  const world = await probe.world();
  await probe.stop();
  instanceA = world.supplychain.instances[0].instanceId;
  instanceB = world.supplychain.instances[1].instanceId;
  domainD1 = world.datazone.domains[0].domainId;
  domainD2 = world.datazone.domains[1].domainId;
  sourceD1 = world.datazone.domains[0].dataSources[0].id;
  sourceD2 = world.datazone.domains[1].dataSources[0].id;
  gw = await startTestGateway({
    ...LIVE_ENV,
    AUTH_MODE: 'apikey',
    AUTH_API_KEYS: apiKeysJson(instanceA, domainD1),
    TERMINAL_CACHE_MAX: '0',
    AUTH_RATE_LIMIT_PER_SECOND: '0',
  });
  const reader = apiKey(KEYS.reader);
  [eventA] = (await post(gw, EVENTS, { i: instanceA }, reader)).body.data.dataIntegrationEvents.nodes;
  [eventB] = (await post(gw, EVENTS, { i: instanceB }, reader)).body.data.dataIntegrationEvents.nodes;
  [runD2] = (await post(gw, RUNS, { d: domainD2, s: sourceD2 }, reader)).body.data.dataSourceRuns.nodes;
  expect([eventA, eventB, runD2].every(Boolean)).toBe(true);
});

afterAll(async () => {
  await cleanup.run();
  await gw?.stop();
});

const mine = apiKey(KEYS.mine);

describe('the account-wide lists', () => {
  it('show a restricted caller only the instances and domains it may touch', async () => {
    const query = `{ instances(first: 20) { nodes { instanceId } } domains(first: 25) { nodes { id } } }`;
    const res = await post(gw, query, {}, mine);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.instances.nodes.map((i: any) => i.instanceId)).toEqual([instanceA]);
    expect(res.body.data.domains.nodes.map((d: any) => d.id)).toEqual([domainD1]);
    const all = await post(gw, query, {}, apiKey(KEYS.reader));
    expect(all.body.data.instances.nodes.length).toBeGreaterThan(1);
  });
});

/** Runs a subscription to its end: every payload, and how it ended. */
async function collect(
  client: Parameters<typeof watch>[0],
  { query, variables }: { query: string; variables: Record<string, unknown> },
): Promise<{ results: any[]; ending: unknown }> {
  const w = watch(client, query, variables);
  const ending = await w.end();
  return { results: w.payloads, ending };
}

/** Asks as `mine` for a hidden and a missing resource; both must answer alike, the hidden with no call. */
async function hiddenLikeMissing(query: string, hidden: object, missing: object): Promise<any> {
  await gw.resetCalls();
  const a = await post(gw, query, hidden as Record<string, unknown>, mine);
  expect(await gw.calls()).toEqual({});
  const b = await post(gw, query, missing as Record<string, unknown>, mine);
  expect(a.status).toBe(b.status);
  expect(a.body.data).toEqual(b.body.data);
  expect(shapeOf(a.body.errors)).toEqual(shapeOf(b.body.errors));
  expect(a.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  return a.body;
}

describe('root fields', () => {
  it('answers an event of a foreign instance exactly as a missing one, without an upstream call', async () => {
    const body = await hiddenLikeMissing(
      `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) { eventId } }`,
      { i: instanceB, e: eventB.eventId },
      { i: instanceA, e: randomUUID() },
    );
    expect(body.errors[0]).toMatchObject({
      message: 'not found',
      extensions: { code: 'NOT_FOUND', awsErrorName: 'ResourceNotFoundException' },
    });
  });

  it('hides the lists, instance, run, data source and domain of a foreign instance or domain', async () => {
    await hiddenLikeMissing(
      `query($i: ID!) { dataIntegrationEvents(instanceId: $i) { nodes { eventId } } }`,
      { i: instanceB },
      { i: randomUUID() },
    );
    await hiddenLikeMissing(
      `query($i: ID!) { instance(instanceId: $i) { instanceId } }`,
      { i: instanceB },
      { i: randomUUID() },
    );
    await hiddenLikeMissing(
      `query($d: ID!, $r: ID!) { dataSourceRun(domainIdentifier: $d, identifier: $r) { runId } }`,
      { d: runD2.domainId, r: runD2.runId },
      { d: domainD1, r: 'nosuchrun123' },
    );
    await hiddenLikeMissing(
      `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s) { nodes { runId } } }`,
      { d: domainD2, s: sourceD2 },
      { d: domainD1, s: 'nosuchsource1' },
    );
    await hiddenLikeMissing(
      `query($d: ID!, $s: ID!) { dataSource(domainIdentifier: $d, identifier: $s) { name } }`,
      { d: domainD2, s: sourceD2 },
      { d: domainD1, s: 'nosuchsource1' },
    );
    await hiddenLikeMissing(
      `query($d: ID!) { domain(identifier: $d) { id } }`,
      { d: domainD2 },
      { d: 'dzd_nosuchdomain' },
    );
  });

  it('still answers what the principal may touch', async () => {
    const res = await post(
      gw,
      `query($i: ID!, $e: ID!, $d: ID!, $s: ID!) {
         dataIntegrationEvent(instanceId: $i, eventId: $e) { eventId instance { instanceId } }
         dataSource(domainIdentifier: $d, identifier: $s) { id runs(first: 1) { nodes { runId } } } }`,
      { i: instanceA, e: eventA.eventId, d: domainD1, s: sourceD1 },
      mine,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.dataIntegrationEvent).toEqual({
      eventId: eventA.eventId,
      instance: { instanceId: instanceA },
    });
  });

  it('refuses reads without loads:read with FORBIDDEN, and no upstream call', async () => {
    await gw.resetCalls();
    const res = await post(
      gw,
      `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) { eventId } }`,
      { i: instanceA, e: eventA.eventId },
      apiKey(KEYS.sender),
    );
    expect(res.body.data).toEqual({ dataIntegrationEvent: null });
    expect(res.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', scope: 'loads:read' });
    expect(await gw.calls()).toEqual({});
  });
});

describe('node and loads', () => {
  it('answers the global id of a foreign load as a missing one', async () => {
    const q = `query($id: ID!) { node(id: $id) { id } }`;
    await hiddenLikeMissing(
      q,
      { id: toGlobalId({ kind: 'DATA_INTEGRATION_EVENT', key: eventB }) },
      {
        id: toGlobalId({
          kind: 'DATA_INTEGRATION_EVENT',
          key: { instanceId: instanceA, eventId: randomUUID() },
        }),
      },
    );
    await hiddenLikeMissing(
      q,
      { id: toGlobalId({ kind: 'DATA_SOURCE_RUN', key: runD2 }) },
      { id: toGlobalId({ kind: 'DATA_SOURCE_RUN', key: { domainId: domainD1, runId: 'nosuchrun123' } }) },
    );
  });

  it('gives a foreign and a missing id in loads the same error, and resolves the others', async () => {
    const ids = [
      toGlobalId({ kind: 'DATA_INTEGRATION_EVENT', key: eventA }),
      toGlobalId({ kind: 'DATA_INTEGRATION_EVENT', key: eventB }),
      toGlobalId({ kind: 'DATA_INTEGRATION_EVENT', key: { instanceId: instanceA, eventId: randomUUID() } }),
    ];
    await gw.resetCalls();
    const res = await post(gw, `query($ids: [ID!]!) { loads(ids: $ids) { id } }`, { ids }, mine);
    expect(res.body.data.loads).toEqual([{ id: ids[0] }, null, null]);
    const [hidden, missing] = res.body.errors;
    expect(hidden.path).toEqual(['loads', 1]);
    expect(missing.path).toEqual(['loads', 2]);
    expect(shapeOf([hidden])).toEqual(shapeOf([missing]));
    // Two reads: the own event and the missing one; none for the foreign one.
    expect(await gw.calls()).toEqual({ GetDataIntegrationEvent: 2 });
  });
});

describe('federation _entities', () => {
  it('answers a reference to a foreign load as one to a missing load, without an upstream call', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on DataIntegrationEvent { eventId } ... on DataSourceRun { runId } } }`;
    await hiddenLikeMissing(
      q,
      { r: [{ __typename: 'DataIntegrationEvent', ...eventB }] },
      { r: [{ __typename: 'DataIntegrationEvent', instanceId: instanceA, eventId: randomUUID() }] },
    );
    await hiddenLikeMissing(
      q,
      { r: [{ __typename: 'DataSourceRun', ...runD2 }] },
      { r: [{ __typename: 'DataSourceRun', domainId: domainD1, runId: 'nosuchrun123' }] },
    );
  });
});

describe('mutations', () => {
  const SEND = `mutation($in: SendEventInput!) { sendEvent(input: $in) { eventId clientToken } }`;
  const input = (instanceId: string) => ({
    instanceId,
    eventType: 'FORECAST',
    data: '{"id":1}',
    eventGroupId: 'group-1',
  });

  it('refuses sendEvent without events:send with FORBIDDEN, and sends nothing', async () => {
    await gw.resetCalls();
    const res = await post(gw, SEND, { in: input(instanceA) }, apiKey(KEYS.reader));
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await gw.calls()).toEqual({});
  });

  it('answers sendEvent to a foreign instance as one to a missing instance, and sends nothing', async () => {
    await hiddenLikeMissing(SEND, { in: input(instanceB) }, { in: input(randomUUID()) });
  });

  it('sends to an own instance; selecting the event needs loads:read', async () => {
    const ok = await post(gw, SEND, { in: input(instanceA) }, mine);
    expect(ok.body.errors).toBeUndefined();
    const res = await post(
      gw,
      `mutation($in: SendEventInput!) { sendEvent(input: $in) { clientToken event { eventId } } }`,
      { in: input(instanceA) },
      apiKey(KEYS.sender),
    );
    expect(res.body.data.sendEvent.clientToken).toEqual(expect.any(String));
    expect(res.body.errors[0]).toMatchObject({
      path: ['sendEvent', 'event'],
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('answers startDataSourceRun in a foreign domain as in a missing one', async () => {
    await hiddenLikeMissing(
      `mutation($d: ID!, $s: ID!) { startDataSourceRun(domainIdentifier: $d, dataSourceIdentifier: $s) { runId } }`,
      { d: domainD2, s: sourceD2 },
      { d: 'dzd_nosuchdomain', s: sourceD2 },
    );
  });
});

describe('subscriptions', () => {
  const SUB = `subscription($i: ID!, $e: ID!) { dataIntegrationEventChanged(instanceId: $i, eventId: $e) { eventId } }`;

  it('ends a subscription to a foreign event as one to a missing event, with no poller or upstream call', async () => {
    const client = wsClient(gw, cleanup, { connectionParams: { apiKey: KEYS.mine } });
    await gw.resetCalls();
    const pollersBefore = gw.gateway.live.stats.pollers;
    const hidden = await collect(client, { query: SUB, variables: { i: instanceB, e: eventB.eventId } });
    expect(gw.gateway.live.stats.pollers).toBe(pollersBefore);
    expect(await gw.calls()).toEqual({});
    const missing = await collect(client, { query: SUB, variables: { i: instanceA, e: randomUUID() } });
    expect(hidden).toEqual(missing);
    expect(hidden.results[0].errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('ends an SSE subscription to a foreign event as one to a missing event, with no upstream call', async () => {
    const sse = async (variables: Record<string, string>) => {
      const res = await fetch(`${gw.url}/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...mine },
        body: JSON.stringify({ query: SUB, variables }),
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('data: ') && line.length > 6)
        .map((line) => JSON.parse(line.slice(6)));
    };
    await gw.resetCalls();
    const hidden = await sse({ i: instanceB, e: eventB.eventId });
    expect(await gw.calls()).toEqual({});
    const missing = await sse({ i: instanceA, e: randomUUID() });
    expect(hidden).toEqual(missing);
    expect(hidden[0].errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('ends loadsChanged with a foreign id as with a missing one, with no poller', async () => {
    const client = wsClient(gw, cleanup, { connectionParams: { apiKey: KEYS.mine } });
    const q = `subscription($ids: [ID!]!) { loadsChanged(ids: $ids) { id } }`;
    await gw.resetCalls();
    const hidden = await collect(client, {
      query: q,
      variables: { ids: [toGlobalId({ kind: 'DATA_SOURCE_RUN', key: runD2 })] },
    });
    expect(await gw.calls()).toEqual({});
    const missing = await collect(client, {
      query: q,
      variables: {
        ids: [toGlobalId({ kind: 'DATA_SOURCE_RUN', key: { domainId: domainD1, runId: 'nosuchrun123' } })],
      },
    });
    expect(hidden).toEqual(missing);
  });

  it('refuses a subscription without loads:read with FORBIDDEN before any poller', async () => {
    const client = wsClient(gw, cleanup, { connectionParams: { apiKey: KEYS.sender } });
    const pollersBefore = gw.gateway.live.stats.pollers;
    const subscriptionsBefore = gw.gateway.live.stats.subscriptions;
    await gw.resetCalls();
    const refused = await collect(client, { query: SUB, variables: { i: instanceA, e: eventA.eventId } });
    expect(refused.results[0].errors[0].extensions).toEqual({ code: 'FORBIDDEN', scope: 'loads:read' });
    expect(gw.gateway.live.stats.pollers).toBe(pollersBefore);
    expect(gw.gateway.live.stats.subscriptions).toBe(subscriptionsBefore);
    expect(await gw.calls()).toEqual({});
  });
});
