/**
 * Hostile and malformed input over HTTP, WebSocket and SSE, against one gateway in production mode. Each
 * case asserts the exact HTTP status or WebSocket close code and the error code; every answer is checked
 * for leaks (stack traces, internal messages, schema hints); afterwards the process is still healthy, a
 * normal query works, and none of the rejected inputs reached the upstream (emulator counters).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TestGateway } from '../helpers/gateway.js';
import {
  GRAPHQL_WS_PROTOCOL,
  rawSocket as openRawSocket,
  type RawSocket,
  createCleanup,
  deferred,
  liveWorld,
  sendDatasetEvent,
  startLiveGateway,
  within,
  wsUrl,
  type LiveWorld,
} from '../helpers/live.js';

const PROTOCOL = GRAPHQL_WS_PROTOCOL;
const MAX_BODY_BYTES = 1_000_000;
const ALLOWED_ORIGIN = 'https://app.example.com';

const cleanup = createCleanup();
let gw: TestGateway;
let world: LiveWorld;
/** Every response body and WebSocket message seen, for the leak checks. */
const seen: string[] = [];

beforeAll(async () => {
  gw = await startLiveGateway(cleanup, {
    PRODUCTION_MODE: '1',
    CORS_ORIGINS: ALLOWED_ORIGIN,
    GRAPHQL_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    WS_CONNECTION_INIT_TIMEOUT_MS: '300',
    WS_MAX_SUBSCRIPTIONS: '2',
  });
  world = await liveWorld(gw);
  await gw.resetCalls();
});
afterAll(() => cleanup.run());

// ---------------------------------------------------------------------------------------------------
// Hostile documents, shared by the three transports

const repeat = (n: number, f: (i: number) => string, sep = ' ') =>
  Array.from({ length: n }, (_, i) => f(i)).join(sep);

/** 11 levels of fields (the limit is 10). */
const DEEP = `query($id: ID!) { node(id: $id) { ... on DataSourceRun { dataSource { runs { nodes { dataSource { runs { nodes { dataSource { runs { nodes { id } } } } } } } } } } } }`;
const ALIASES = `{ ${repeat(16, (i) => `a${i}: __typename`)} }`;
const ROOT_FIELDS = `{ ${repeat(21, () => '__typename')} }`;
const DIRECTIVES = `query($i: ID!) { instance(instanceId: $i) { ${repeat(51, () => 'instanceId @include(if: true)')} } }`;
const TOKENS = `{ instance(instanceId: [${repeat(6_000, () => '1')}]) { instanceId } }`;
const LONG = `{ __typename }\n#${'x'.repeat(15_100)}`;
const HUGE_FIRST = `query($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 1000000) { nodes { eventId } } }`;
const FIRST_VAR = `query($i: ID!, $n: Int) { dataIntegrationEvents(instanceId: $i, first: $n) { nodes { eventId status } } }`;
const LOADS = `query($ids: [ID!]!) { loads(ids: $ids) { id status } }`;
const LOADS_SUB = `subscription($ids: [ID!]!) { loadsChanged(ids: $ids) { id status } }`;
const SEND_EVENTS = `mutation($inputs: [SendEventInput!]!) { sendEvents(inputs: $inputs) { index error { code } } }`;
const INTROSPECTION = `{ __schema { types { name } } }`;
const SUGGESTION = `{ instanc(instanceId: "x") { instanceId } }`;
const SUB_SUGGESTION = `subscription { loadsChange(ids: ["x"]) { id } }`;
const FRAGMENT_CYCLE = `{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`;
/** Fragments spreading the next one twice, 24 levels: 2^24 expansions if walked naively. */
const FRAGMENT_BOMB = `query($i: ID!) { dataIntegrationEvents(instanceId: $i) { nodes { ...F0 } } } ${repeat(
  24,
  (i) => `fragment F${i} on DataIntegrationEvent { eventId ...F${i + 1} ...F${i + 1} }`,
)} fragment F24 on DataIntegrationEvent { eventId }`;
const manyIds = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
const manyInputs = (n: number) =>
  Array.from({ length: n }, () => ({ instanceId: world.instanceId, eventType: 'FORECAST', data: '{}' }));

// ---------------------------------------------------------------------------------------------------
// HTTP

interface HttpAnswer {
  status: number;
  code: string | null;
  limit?: string;
  body: any;
}

async function answer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  seen.push(text);
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  const error = body?.errors?.[0];
  return { status: res.status, code: error?.extensions?.code ?? null, limit: error?.extensions?.limit, body };
}

const postRaw = (
  body: RequestInit['body'],
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(gw.url, { method: 'POST', headers, body }).then(answer);
const postJson = (value: unknown, headers: Record<string, string> = {}) =>
  postRaw(JSON.stringify(value), { 'content-type': 'application/json', ...headers });
const get = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}?${new URLSearchParams(params)}`, { headers }).then(answer);

interface HttpCase {
  readonly name: string;
  readonly send: () => Promise<HttpAnswer>;
  readonly status: number;
  readonly code: string | null;
  readonly limit?: string;
}

const httpCases: HttpCase[] = [
  {
    name: 'deep nesting',
    send: () => postJson({ query: DEEP, variables: { id: 'x' } }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'depth',
  },
  {
    name: 'an alias bomb',
    send: () => postJson({ query: ALIASES }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'aliases',
  },
  {
    name: 'too many root fields',
    send: () => postJson({ query: ROOT_FIELDS }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'rootFields',
  },
  {
    name: 'a directive flood',
    send: () => postJson({ query: DIRECTIVES, variables: { i: world.instanceId } }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'directives',
  },
  {
    name: 'a token flood',
    send: () => postJson({ query: TOKENS }),
    status: 400,
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    name: 'a query over the character limit',
    send: () => postJson({ query: LONG }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'queryChars',
  },
  {
    name: 'a huge literal first',
    send: () => postJson({ query: HUGE_FIRST, variables: { i: world.instanceId } }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  {
    name: 'a huge first in a variable',
    send: () => postJson({ query: FIRST_VAR, variables: { i: world.instanceId, n: 100_000 } }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  {
    name: 'a huge ids list',
    send: () => postJson({ query: LOADS, variables: { ids: manyIds(6_000) } }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  {
    name: 'a sendEvents with 600 items',
    send: () => postJson({ query: SEND_EVENTS, variables: { inputs: manyInputs(600) } }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  {
    name: 'a fragment bomb',
    send: () => postJson({ query: FRAGMENT_BOMB, variables: { i: world.instanceId } }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  {
    name: 'a fragment cycle',
    send: () => postJson({ query: FRAGMENT_CYCLE }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a first out of Int range',
    send: () =>
      postJson({
        query: `{ dataIntegrationEvents(instanceId: "x", first: 99999999999) { nodes { eventId } } }`,
      }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a body over the size limit',
    send: () => postJson({ query: '{ __typename }', variables: { pad: 'x'.repeat(MAX_BODY_BYTES) } }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'an XML content type',
    send: () => postRaw('<query/>', { 'content-type': 'application/xml' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a text/plain body (CSRF simple request)',
    send: () => postRaw(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain' }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a form body (CSRF simple request)',
    send: () => postRaw('query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded' }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'no content type',
    send: () => postRaw(JSON.stringify({ query: '{ __typename }' }), {}),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'invalid JSON',
    send: () => postRaw('{"query": "{ __typename }"'),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'invalid UTF-8',
    send: () => postRaw(Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d])),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a JSON body that is not an object',
    send: () => postRaw('"{ __typename }"'),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a batched array',
    send: () => postJson([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'no query', send: () => postJson({ variables: {} }), status: 400, code: 'BAD_REQUEST' },
  {
    name: 'a query that is not a string',
    send: () => postJson({ query: { a: 1 } }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'variables that are not an object',
    send: () => postJson({ query: '{ __typename }', variables: 'x' }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a syntax error',
    send: () => postJson({ query: '{ instance(' }),
    status: 400,
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    name: 'an unknown operationName',
    send: () => postJson({ query: 'query A { __typename }', operationName: 'B' }),
    status: 400,
    code: 'OPERATION_RESOLUTION_FAILURE',
  },
  {
    name: 'a variable of the wrong type',
    send: () => postJson({ query: FIRST_VAR, variables: { i: world.instanceId, n: 'ten' } }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a missing required variable',
    send: () => postJson({ query: LOADS }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'introspection in production',
    send: () => postJson({ query: INTROSPECTION }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'field-suggestion probing',
    send: () => postJson({ query: SUGGESTION }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a GET without a CSRF preflight header',
    send: () => get({ query: '{ __typename }' }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a GET mutation',
    send: () =>
      get(
        { query: SEND_EVENTS, variables: JSON.stringify({ inputs: [] }) },
        { 'apollo-require-preflight': '1' },
      ),
    status: 405,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a POST from a disallowed Origin',
    send: () => postJson({ query: '{ __typename }' }, { origin: 'https://evil.example' }),
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'a CORS preflight from a disallowed Origin',
    send: () =>
      fetch(gw.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }).then(answer),
    status: 403,
    code: 'FORBIDDEN',
  },
];

describe('hostile input over HTTP', () => {
  it.each(httpCases.map((c) => [c.name, c] as const))('refuses %s', async (_name, c) => {
    const got = await c.send();
    expect({ status: got.status, code: got.code }).toEqual({ status: c.status, code: c.code });
    if (c.limit) expect(got.limit).toBe(c.limit);
    if (got.body?.errors) expect(got.body.data ?? null).toBeNull();
  });

  it('says which limit was exceeded and how to stay within it', async () => {
    const got = await postJson({ query: HUGE_FIRST, variables: { i: world.instanceId } });
    expect(got.body.errors[0]).toEqual({
      message: expect.stringMatching(/over the limit of 5000 .*ask for smaller pages \(first\)/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 5_000 },
    });
  });

  it('answers a CORS preflight from an allowed origin, and sets CORS headers on its requests', async () => {
    const preflight = await fetch(gw.url, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { origin: ALLOWED_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    seen.push(await res.text());
  });
});

// ---------------------------------------------------------------------------------------------------
// WebSocket

/** A bare socket to the test gateway; every message's text goes to the leak checks. */
const rawSocket = (protocol: string | null = PROTOCOL, options: WebSocket.ClientOptions = {}): RawSocket =>
  openRawSocket(gw, cleanup, protocol, options, (text) => seen.push(text));

/** A socket past connection_init and its ack. */
async function acked(): Promise<RawSocket> {
  const raw = rawSocket();
  await raw.opened;
  raw.send({ type: 'connection_init' });
  expect((await raw.next()).type).toBe('connection_ack');
  return raw;
}

/** Subscribes on a fresh acknowledged socket and returns the `error` message's first error. */
async function wsError(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ code: string; limit?: string }> {
  const raw = await acked();
  raw.send({ id: '1', type: 'subscribe', payload: { query, ...(variables ? { variables } : {}) } });
  const message = await raw.next();
  expect(message.type).toBe('error');
  raw.socket.close();
  return { code: message.payload[0].extensions.code, limit: message.payload[0].extensions.limit };
}

interface WsCloseCase {
  readonly name: string;
  readonly run: () => Promise<number>;
  readonly close: number;
}

const wsCloseCases: WsCloseCase[] = [
  { name: 'no subprotocol', run: async () => (await rawSocket(null).closed).code, close: 4406 },
  {
    name: 'no connection_init in time',
    run: async () => {
      const raw = rawSocket();
      await raw.opened;
      return (await raw.closed).code;
    },
    close: 4408,
  },
  {
    name: 'a second connection_init',
    run: async () => {
      const raw = await acked();
      raw.send({ type: 'connection_init' });
      return (await raw.closed).code;
    },
    close: 4429,
  },
  {
    name: 'a subscribe before the ack',
    run: async () => {
      const raw = rawSocket();
      await raw.opened;
      raw.send({ id: '1', type: 'subscribe', payload: { query: '{ __typename }' } });
      return (await raw.closed).code;
    },
    close: 4401,
  },
  {
    name: 'a duplicate subscription id',
    run: async () => {
      const raw = await acked();
      const subscribe = { id: 'same', type: 'subscribe', payload: { query: '{ __typename }' } };
      raw.send(subscribe);
      raw.send(subscribe);
      return (await raw.closed).code;
    },
    close: 4409,
  },
  {
    name: 'a message of an unknown type',
    run: async () => {
      const raw = await acked();
      raw.send({ type: 'nonsense' });
      return (await raw.closed).code;
    },
    close: 4400,
  },
  {
    name: 'a message that is not JSON',
    run: async () => {
      const raw = await acked();
      raw.send('{not json');
      return (await raw.closed).code;
    },
    close: 4400,
  },
  {
    name: 'a subscribe without a payload',
    run: async () => {
      const raw = await acked();
      raw.send({ id: '1', type: 'subscribe' });
      return (await raw.closed).code;
    },
    close: 4400,
  },
  {
    name: 'a message over the size limit (64 KiB)',
    run: async () => {
      const raw = await acked();
      raw.send({ id: '1', type: 'subscribe', payload: { query: `{ __typename } #${'x'.repeat(70_000)}` } });
      return (await raw.closed).code;
    },
    close: 1009,
  },
];

interface WsErrorCase {
  readonly name: string;
  readonly query: string;
  readonly variables?: () => Record<string, unknown>;
  readonly code: string;
  readonly limit?: string;
}

const wsErrorCases: WsErrorCase[] = [
  {
    name: 'deep nesting',
    query: DEEP,
    variables: () => ({ id: 'x' }),
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'depth',
  },
  { name: 'an alias bomb', query: ALIASES, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases' },
  {
    name: 'a directive flood',
    query: DIRECTIVES,
    variables: () => ({ i: world.instanceId }),
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'directives',
  },
  { name: 'a token flood', query: TOKENS, code: 'GRAPHQL_PARSE_FAILED' },
  {
    name: 'a query over the character limit',
    query: LONG,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'queryChars',
  },
  {
    name: 'a loadsChanged over a huge ids list',
    query: LOADS_SUB,
    variables: () => ({ ids: manyIds(3_000) }),
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  {
    name: 'a huge first',
    query: HUGE_FIRST,
    variables: () => ({ i: world.instanceId }),
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  { name: 'introspection in production', query: INTROSPECTION, code: 'GRAPHQL_VALIDATION_FAILED' },
  {
    name: 'a variable of the wrong type',
    query: LOADS_SUB,
    variables: () => ({ ids: { a: 1 } }),
    code: 'BAD_USER_INPUT',
  },
  { name: 'field-suggestion probing', query: SUB_SUGGESTION, code: 'GRAPHQL_VALIDATION_FAILED' },
];

describe('hostile input over WebSocket', () => {
  it.each(wsCloseCases.map((c) => [c.name, c] as const))('closes on %s', async (_name, c) => {
    expect(await c.run()).toBe(c.close);
  });

  it.each(wsErrorCases.map((c) => [c.name, c] as const))(
    'refuses %s with an error message',
    async (_name, c) => {
      const error = await wsError(c.query, c.variables?.());
      expect(error.code).toBe(c.code);
      if (c.limit) expect(error.limit).toBe(c.limit);
    },
  );

  it('refuses a handshake from a disallowed Origin with 403', async () => {
    const socket = new WebSocket(wsUrl(gw), PROTOCOL, { origin: 'https://evil.example' });
    cleanup.add(() => socket.terminate());
    const status = deferred<number>();
    socket.on('unexpected-response', (_req, res) => status.resolve(res.statusCode ?? 0));
    socket.on('error', () => undefined);
    expect(await within(status.promise, 5_000, 'the refused handshake')).toBe(403);
  });

  it('accepts a handshake from an allowed Origin', async () => {
    const raw = rawSocket(PROTOCOL, { origin: ALLOWED_ORIGIN });
    await raw.opened;
    raw.socket.close();
  });
});

// ---------------------------------------------------------------------------------------------------
// SSE

const sse = (body: RequestInit['body'], accept: string, contentType = 'application/json') =>
  fetch(`${gw.url}/stream`, { method: 'POST', headers: { accept, 'content-type': contentType }, body });

interface SseCase {
  readonly name: string;
  readonly send: () => Promise<HttpAnswer>;
  readonly status: number;
  readonly code: string | null;
  readonly limit?: string;
}

/** The first error of a `next` event on an event stream. */
async function streamAnswer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  seen.push(text);
  const data = text
    .split('\n')
    .find((line) => line.startsWith('data: {'))
    ?.slice('data: '.length);
  const body = data ? JSON.parse(data) : null;
  const error = body?.errors?.[0];
  return { status: res.status, code: error?.extensions?.code ?? null, limit: error?.extensions?.limit, body };
}

const sseStream = (payload: unknown) => sse(JSON.stringify(payload), 'text/event-stream').then(streamAnswer);

const sseCases: SseCase[] = [
  {
    name: 'a directive flood',
    send: () => sseStream({ query: DIRECTIVES, variables: { i: world.instanceId } }),
    status: 200,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'directives',
  },
  {
    name: 'a query over the character limit',
    send: () => sseStream({ query: LONG }),
    status: 200,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'queryChars',
  },
  {
    name: 'a huge first',
    send: () => sseStream({ query: HUGE_FIRST, variables: { i: world.instanceId } }),
    status: 200,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  {
    name: 'a variable of the wrong type',
    send: () => sseStream({ query: LOADS_SUB, variables: { ids: { a: 1 } } }),
    status: 200,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'invalid JSON',
    send: () => sse('{"query": ', 'text/event-stream').then(answer),
    status: 400,
    code: null,
  },
  {
    name: 'no query',
    send: () => sse('{"variables": {}}', 'text/event-stream').then(answer),
    status: 400,
    code: null,
  },
  {
    name: 'an alias bomb',
    send: () => sseStream({ query: ALIASES }),
    status: 200,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'aliases',
  },
  {
    name: 'a token flood',
    send: () => sseStream({ query: TOKENS }),
    status: 200,
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    name: 'a huge ids list (on the event stream)',
    send: () => sseStream({ query: LOADS_SUB, variables: { ids: manyIds(3_000) } }),
    status: 200,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'cost',
  },
  {
    name: 'deep nesting (on the event stream)',
    send: () => sseStream({ query: DEEP, variables: { id: 'x' } }),
    status: 200,
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'depth',
  },
  {
    name: 'introspection in production',
    send: () => sseStream({ query: INTROSPECTION }),
    status: 200,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'field-suggestion probing',
    send: () => sseStream({ query: SUB_SUGGESTION }),
    status: 200,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a body over the size limit',
    send: () =>
      sse(
        JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(MAX_BODY_BYTES) } }),
        'text/event-stream',
      ).then(answer),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'invalid UTF-8',
    send: () => sse(Buffer.from([0x7b, 0xff, 0x7d]), 'text/event-stream').then(answer),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'an XML content type',
    send: () => sse('<query/>', 'text/event-stream', 'application/xml').then(answer),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a POST from a disallowed Origin',
    send: () =>
      fetch(`${gw.url}/stream`, {
        method: 'POST',
        headers: {
          origin: 'https://evil.example',
          'content-type': 'application/json',
          accept: 'text/event-stream',
        },
        body: JSON.stringify({ query: '{ __typename }' }),
      }).then(answer),
    status: 403,
    code: 'FORBIDDEN',
  },
];

describe('hostile input over SSE', () => {
  it.each(sseCases.map((c) => [c.name, c] as const))('refuses %s', async (_name, c) => {
    const got = await c.send();
    expect({ status: got.status, code: got.code }).toEqual({ status: c.status, code: c.code });
    if (c.limit) expect(got.limit).toBe(c.limit);
  });
});

// ---------------------------------------------------------------------------------------------------
// Afterwards

describe('after the hostile input', () => {
  it('made no upstream call', async () => {
    expect(await gw.calls()).toEqual({});
  });

  it('leaked no stack trace, internal message or schema hint', () => {
    expect(seen.length).toBeGreaterThan(60);
    for (const text of seen) {
      expect(text).not.toMatch(/Did you mean/);
      expect(text).not.toMatch(/stacktrace|\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\.js:\d+/);
      expect(text).not.toMatch(/Internal server error:/);
      expect(text).not.toMatch(/"__Schema"|"__Type"|"kind":"OBJECT"/);
    }
  });

  it('is still healthy and answers a normal query', async () => {
    const health = await fetch(`${new URL(gw.url).origin}/healthz`);
    expect(health.status).toBe(200);
    const data = await gw.data(`query($i: ID!) { instance(instanceId: $i) { instanceId } }`, {
      i: world.instanceId,
    });
    expect(data.instance.instanceId).toBe(world.instanceId);
  });

  it('refuses a subscription over WS_MAX_SUBSCRIPTIONS on one connection, watching nothing for it', async () => {
    const { id } = await sendDatasetEvent(gw, world);
    const raw = await acked();
    const watchEvent = { query: LOADS_SUB, variables: { ids: [id] } };
    raw.send({ id: '1', type: 'subscribe', payload: watchEvent });
    raw.send({ id: '2', type: 'subscribe', payload: watchEvent });
    const first = await raw.next();
    const second = await raw.next();
    expect([first, second].map((m) => m.type)).toEqual(['next', 'next']);
    const runs = (await gw.calls())['GetDataSourceRun'] ?? 0;
    raw.send({
      id: '3',
      type: 'subscribe',
      payload: {
        query: `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) { id } }`,
        variables: { d: world.domainId, r: randomBytes(6).toString('hex') },
      },
    });
    const refused = await raw.next();
    expect(refused).toEqual({
      id: '3',
      type: 'error',
      payload: [
        {
          message: expect.stringContaining('already holds 2 subscriptions'),
          extensions: { code: 'BAD_REQUEST', limit: 'subscriptionsPerConnection', max: 2 },
        },
      ],
    });
    expect((await gw.calls())['GetDataSourceRun'] ?? 0).toBe(runs);
    raw.socket.close();
  });
});
