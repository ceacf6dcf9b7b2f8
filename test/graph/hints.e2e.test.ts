/**
 * Errors that say what to do, beyond the README's table: every variable problem at once with its field,
 * identifiers given in the wrong form, the introspection setting on every transport, and the transports'
 * own refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createCleanup, rawSocket, watch, wsClient } from '../helpers/live.js';

let gw: TestGateway;
let production: TestGateway;
let instanceId: string;
const cleanup = createCleanup();

beforeAll(async () => {
  [gw, production] = await Promise.all([
    startTestGateway(),
    startTestGateway({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: '1' }),
  ]);
  instanceId = (await gw.world()).supplychain.instances[0].instanceId;
});
afterAll(async () => {
  await cleanup.run();
  await Promise.all([gw?.stop(), production?.stop()]);
});

const SEND = `mutation ($input: SendEventInput!) { sendEvent(input: $input) { eventId } }`;
const SEND_MANY = `mutation ($inputs: [SendEventInput!]!) { sendEvents(inputs: $inputs) { __typename } }`;

describe('variable problems', () => {
  it('names every problem of every item in extensions.problems, at 400, before any upstream call', async () => {
    await gw.resetCalls();
    const res = await gw.query(SEND_MANY, {
      inputs: [
        { instanceId, eventType: 'FORECAST', data: '{}', eventGroupId: 'g', color: 'red' },
        { instanceId, eventType: 'dataset', data: ['x'], eventGroupId: 'g' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.errors).toHaveLength(1);
    const { code, field, problems } = res.errors![0]!.extensions!;
    expect(code).toBe('BAD_USER_INPUT');
    expect(field).toBe('inputs.0.color');
    expect(problems).toEqual([
      {
        field: 'inputs.0.color',
        message: expect.stringContaining('is not a field of SendEventInput: remove it'),
      },
      { field: 'inputs.1.eventType', message: expect.stringContaining('use DATASET') },
      { field: 'inputs.1.data', message: expect.stringContaining('must be a String, not an array') },
    ]);
    expect(await gw.calls()).toEqual({});
  });

  it('names a missing variable', async () => {
    const res = await gw.query(SEND, {});
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    expect(res.errors![0]!.message).toContain('input is required (SendEventInput!)');
  });

  it('lists the allowed enum values outside production, and not in production', async () => {
    const query = `query ($i: ID!, $t: DataIntegrationEventType) { dataIntegrationEvents(instanceId: $i, eventType: $t) { nodes { id } } }`;
    const dev = await gw.query(query, { i: instanceId, t: 'PURCHASE' });
    expect(dev.errors![0]!.message).toContain('use one of');
    expect(dev.errors![0]!.message).toContain('INBOUND_ORDER');
    const prod = await production.query(query, { i: instanceId, t: 'PURCHASE' });
    expect(prod.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 't' });
    expect(prod.errors![0]!.message).not.toContain('use one of');
  });

  it('leaves a valid sendEvent alone', async () => {
    const data = await gw.data(SEND, {
      input: { instanceId, eventType: 'FORECAST', data: '{"product_id":"P1"}', eventGroupId: 'g-ok' },
    });
    expect(data.sendEvent.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('identifiers in the wrong form', () => {
  it('a global event id given as eventId names the eventId to pass', async () => {
    const events = await gw.data(
      `query ($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 1) { nodes { id eventId } } }`,
      {
        i: instanceId,
      },
    );
    const event = events.dataIntegrationEvents.nodes[0];
    const res = await gw.query(
      `query ($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) { id } }`,
      {
        i: instanceId,
        e: event.id,
      },
    );
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventId' });
    expect(res.errors![0]!.message).toContain('It is the global id of a DataIntegrationEvent');
    expect(res.errors![0]!.message).toContain(`the load's \`eventId\` field (here "${event.eventId}")`);
  });

  it('an instance UUID given to loads(ids:) says it is an AWS id', async () => {
    const res = await gw.query(`query ($ids: [ID!]!) { loads(ids: $ids) { id } }`, { ids: [instanceId] });
    expect(res.errors![0]!.message).toContain('It looks like an AWS id');
  });
});

describe('introspection', () => {
  it('GRAPHQL_INTROSPECTION=1 turns it on in production', async () => {
    const res = await production.query(`{ __schema { queryType { name } } }`);
    expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('GRAPHQL_INTROSPECTION=0 refuses it over WebSocket too, naming the setting', async () => {
    const off = await startTestGateway({ GRAPHQL_INTROSPECTION: '0' });
    cleanup.add(() => off.stop());
    const http = await off.query(`{ __type(name: "Query") { name } }`);
    expect(http.errors).toHaveLength(1);
    expect(http.errors![0]!.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      setting: 'GRAPHQL_INTROSPECTION',
    });
    const ws = watch(wsClient(off, cleanup), `{ __schema { queryType { name } } }`);
    const ending = await ws.end();
    expect(ending.kind).toBe('error');
    expect(JSON.stringify((ending as { error: unknown }).error)).toContain('GRAPHQL_INTROSPECTION=1');
  });
});

describe('transports', () => {
  it('closes a WebSocket that asks for no subprotocol with 4406 naming graphql-transport-ws', async () => {
    const closed = await rawSocket(gw, cleanup, null).closed;
    expect(closed).toEqual({ code: 4406, reason: expect.stringContaining('use graphql-transport-ws') });
  });

  it('streams over SSE for a client that accepts text/event-stream among other types', async () => {
    const res = await fetch(`${gw.url}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(await res.text()).toContain('"__typename":"Query"');
  });
});
