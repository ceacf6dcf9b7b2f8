/**
 * The graphql-ws transport's protocol rules, seen from raw sockets and the graphql-ws client: subprotocol
 * (4406), connection_init timeout (4408), message size (1009), queries and mutations over the socket,
 * validation errors, no introspection in production (over WS and SSE), and 1001 when the gateway stops.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import {
  GRAPHQL_WS_PROTOCOL,
  rawSocket as openRawSocket,
  type RawSocket,
  createCleanup,
  deferred,
  field,
  liveWorld,
  sseClient,
  startLiveGateway,
  startRun,
  watch,
  within,
  wsClient,
  type LiveWorld,
} from '../helpers/live.js';

const PROTOCOL = GRAPHQL_WS_PROTOCOL;
const INIT_TIMEOUT_MS = 300;
const MAX_PAYLOAD_BYTES = 2_048;

const cleanup = createCleanup();
afterAll(() => cleanup.run());

/** A bare WebSocket to the gateway (no graphql-ws client), closed by `cleanup`. */
const rawSocket = (gw: TestGateway, protocol: string | null = null): RawSocket =>
  openRawSocket(gw, cleanup, protocol);

/** Upgrades a bare TCP socket asking for `protocol`; returns the reply and the code of the server's close frame. */
async function rawUpgrade(
  gw: TestGateway,
  protocol: string,
): Promise<{ status: number; headers: Record<string, unknown>; closeCode: number }> {
  const request = http.request({
    host: '127.0.0.1',
    port: gw.gateway.port,
    path: '/graphql',
    headers: {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-key': randomBytes(16).toString('base64'),
      'sec-websocket-version': '13',
      'sec-websocket-protocol': protocol,
    },
  });
  const upgraded = deferred<{ status: number; headers: Record<string, unknown>; closeCode: number }>();
  request.on('upgrade', (res, socket, head) => {
    cleanup.add(() => socket.destroy());
    let frame = head;
    const read = (chunk: Buffer) => {
      frame = Buffer.concat([frame, chunk]);
      // A close frame (opcode 8) from the server is unmasked: 0x88, length, then the 2-byte code.
      if (frame.length >= 4 && frame[0] === 0x88) {
        upgraded.resolve({ status: res.statusCode!, headers: res.headers, closeCode: frame.readUInt16BE(2) });
      }
    };
    socket.on('data', read);
    read(Buffer.alloc(0));
  });
  request.on('error', (err) => upgraded.reject(err));
  request.end();
  return within(upgraded.promise, 5_000, 'the upgrade and the close frame');
}

describe('the graphql-ws protocol', () => {
  let gw: TestGateway;
  let world: LiveWorld;
  beforeAll(async () => {
    gw = await startLiveGateway(cleanup, {
      WS_CONNECTION_INIT_TIMEOUT_MS: String(INIT_TIMEOUT_MS),
      WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES),
    });
    world = await liveWorld(gw);
  });

  it('closes a socket that asks for no subprotocol with 4406', async () => {
    const raw = rawSocket(gw);
    expect((await raw.closed).code).toBe(4406);
  });

  it('selects the legacy graphql-ws subprotocol so the client reads why, and closes it with 4406 naming graphql-transport-ws', async () => {
    // Had no subprotocol been selected, a conforming client would fail the handshake (a bare 1006) itself.
    const reply = await rawUpgrade(gw, 'graphql-ws');
    expect(reply.status).toBe(101);
    expect(reply.headers['sec-websocket-protocol']).toBe('graphql-ws');
    expect(reply.closeCode).toBe(4406);
    const closed = await rawSocket(gw, 'graphql-ws').closed;
    expect(closed).toEqual({ code: 4406, reason: expect.stringContaining('use graphql-transport-ws') });
  });

  it('closes a socket that sends no connection_init in time with 4408, not before', async () => {
    const raw = rawSocket(gw, PROTOCOL);
    await raw.opened;
    const openedAt = performance.now();
    expect((await raw.closed).code).toBe(4408);
    expect(performance.now() - openedAt).toBeGreaterThanOrEqual(INIT_TIMEOUT_MS - 50);
  });

  it('closes a socket that sends a message over WS_MAX_PAYLOAD_BYTES with 1009', async () => {
    const raw = rawSocket(gw, PROTOCOL);
    await raw.opened;
    raw.socket.send(JSON.stringify({ type: 'connection_init' }));
    expect(await raw.next()).toMatchObject({ type: 'connection_ack' });
    const query = `{ __typename ${'a: __typename '.repeat(MAX_PAYLOAD_BYTES / 10)}}`;
    raw.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    expect((await raw.closed).code).toBe(1009);
  });

  it('serves a query and a mutation over the socket too', async () => {
    const client = wsClient(gw, cleanup);
    const run = watch(
      client,
      `mutation($d: ID!, $s: ID!) { startDataSourceRun(domainIdentifier: $d, dataSourceIdentifier: $s) { runId status } }`,
      { d: world.domainId, s: world.dataSources[0]!.id },
    );
    expect(await run.end()).toEqual({ kind: 'complete' });
    const started = field(run.payloads[0]);
    expect(started).toMatchObject({ status: 'QUEUED' });

    const read = watch(
      client,
      `query($d: ID!, $r: ID!) { dataSourceRun(domainIdentifier: $d, identifier: $r) { runId status dataSource { name } } }`,
      { d: world.domainId, r: started.runId },
    );
    expect(await read.end()).toEqual({ kind: 'complete' });
    expect(read.payloads).toEqual([
      {
        data: {
          dataSourceRun: {
            runId: started.runId,
            status: 'QUEUED',
            dataSource: { name: world.dataSources[0]!.name },
          },
        },
      },
    ]);
  });

  it('answers an operation that fails validation (an unknown field) with GRAPHQL_VALIDATION_FAILED, saying what is wrong', async () => {
    const w = watch(wsClient(gw, cleanup), `subscription { noSuchField }`);
    const ending = await w.end();
    expect(w.payloads).toEqual([]);
    expect(ending).toEqual({
      kind: 'error',
      error: [
        expect.objectContaining({
          message: expect.stringContaining('Cannot query field "noSuchField" on type "Subscription"'),
          extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
        }),
      ],
    });
  });
});

describe('in production', () => {
  let gw: TestGateway;
  beforeAll(async () => void (gw = await startLiveGateway(cleanup, { NODE_ENV: 'production' })));

  it('refuses introspection over WebSocket and SSE, and still serves other operations', async () => {
    const INTROSPECTION = `{ __schema { queryType { name } } }`;
    const ws = watch(wsClient(gw, cleanup), INTROSPECTION);
    const wsEnding = await ws.end();
    expect(ws.payloads.filter((p) => p.data)).toEqual([]);
    expect(wsEnding.kind).toBe('error');
    expect((wsEnding as { error: unknown[] }).error.length).toBeGreaterThan(0);

    const sse = watch(sseClient(gw, cleanup), INTROSPECTION);
    const sseEnding = await sse.end();
    expect(sse.payloads.filter((p) => p.data)).toEqual([]);
    const sseErrors = [
      ...sse.payloads.flatMap((p) => p.errors ?? []),
      ...(sseEnding.kind === 'error' ? [sseEnding.error] : []),
    ];
    expect(sseErrors.length).toBeGreaterThan(0);

    const typename = watch(wsClient(gw, cleanup), `{ __typename }`);
    expect(await typename.end()).toEqual({ kind: 'complete' });
    expect(typename.payloads).toEqual([{ data: { __typename: 'Query' } }]);
  });
});

describe('stopping the gateway', () => {
  it('closes open sockets with 1001, those with a live subscription included', async () => {
    const gw = await startLiveGateway(cleanup);
    const world = await liveWorld(gw);
    const run = await startRun(gw, world, world.dataSources[0]!.id);
    const client = wsClient(gw, cleanup);
    const clientClosed = deferred<number>();
    client.on('closed', (event) => clientClosed.resolve((event as { code: number }).code));
    const live = watch(
      client,
      `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) { status } }`,
      { d: world.domainId, r: run.runId },
    );
    await live.count(1);
    const raw = rawSocket(gw, PROTOCOL);
    await raw.opened;
    raw.socket.send(JSON.stringify({ type: 'connection_init' }));
    expect(await raw.next()).toMatchObject({ type: 'connection_ack' });

    await gw.stop();
    expect((await raw.closed).code).toBe(1001);
    expect(await within(clientClosed.promise, 5_000, 'the client to see the close')).toBe(1001);
    await live.end();
  });
});
