/**
 * Deadlines that no client can stretch: an HTTP request past REQUEST_TIMEOUT_MS gets 504 REQUEST_TIMEOUT
 * (and the process carries on), the server pings WebSocket clients, and a connection with nothing to do
 * is closed once idle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TestGateway } from '../helpers/gateway.js';
import {
  createCleanup,
  deferred,
  liveWorld,
  startLiveGateway,
  within,
  wsUrl,
  type LiveWorld,
} from '../helpers/live.js';

const cleanup = createCleanup();
let gw: TestGateway;
let world: LiveWorld;

beforeAll(async () => {
  gw = await startLiveGateway(cleanup, {
    REQUEST_TIMEOUT_MS: '300',
    WS_IDLE_TIMEOUT_MS: '1000',
    WS_PING_INTERVAL_MS: '100',
  });
  world = await liveWorld(gw);
});
afterAll(() => cleanup.run());

const INSTANCE = `query($i: ID!) { instance(instanceId: $i) { instanceId } }`;

describe('the request timeout', () => {
  it('answers a request still running past REQUEST_TIMEOUT_MS with 504 REQUEST_TIMEOUT, then serves the next one', async () => {
    await gw.addFault({ operation: 'GetInstance', kind: 'latency', latencyMs: 2_000, count: 1 });
    const res = await gw.query(INSTANCE, { i: world.instanceId });
    expect(res.status).toBe(504);
    expect(res.errors).toEqual([
      {
        message: expect.stringContaining('took longer than 300 ms'),
        extensions: { code: 'REQUEST_TIMEOUT' },
      },
    ]);
    const next = await gw.data(INSTANCE, { i: world.instanceId });
    expect(next.instance.instanceId).toBe(world.instanceId);
  });
});

describe('WebSocket liveness', () => {
  /** An acknowledged graphql-ws socket and what the server did to it. */
  async function connect() {
    const socket = new WebSocket(wsUrl(gw), 'graphql-transport-ws');
    cleanup.add(() => socket.terminate());
    const pinged = deferred();
    const closed = deferred<number>();
    const acked = deferred();
    socket.on('ping', () => pinged.resolve());
    socket.on('close', (code) => closed.resolve(code));
    socket.on('message', (data) => {
      if (JSON.parse(data.toString()).type === 'connection_ack') acked.resolve();
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    await within(acked.promise, 5_000, 'the ack');
    return { socket, pinged: pinged.promise, closed: closed.promise };
  }

  it('pings its clients', async () => {
    const { socket, pinged } = await connect();
    await within(pinged, 5_000, 'a ping');
    socket.close();
  });

  it('closes a connection that runs nothing and says nothing with 1000', async () => {
    const { closed } = await connect();
    expect(await within(closed, 10_000, 'the idle close')).toBe(1000);
  });
});
