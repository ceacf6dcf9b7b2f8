/**
 * The bounded send buffer on real sockets: a WebSocket client that stops reading is closed with 1013 once
 * what waits for it passes the limit, and nothing more is queued for it.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SLOW_CONSUMER_CLOSE_CODE, boundedSocketClass } from '../../src/server/streamLimits.js';

const LIMIT = 64 * 1024;
let wss: WebSocketServer | undefined;

afterEach(async () => {
  for (const socket of wss?.clients ?? []) socket.terminate();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  wss = undefined;
});

/** The client's TCP socket, to stop and restart reading. */
const tcpOf = (socket: WebSocket) =>
  (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;

/** A server bounded at {@link LIMIT} (no terminate within the test) and one client, both ends open. */
async function connect(): Promise<{ server: WebSocket; client: WebSocket }> {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, WebSocket: boundedSocketClass(LIMIT, 60_000) });
  await once(wss, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await once(client, 'open');
  const [server] = await accepted;
  return { server, client };
}

describe('boundedSocketClass', () => {
  it('closes a client that does not read with 1013 once its unsent bytes pass the limit, then queues nothing more', async () => {
    const { server, client } = await connect();
    tcpOf(client).pause();

    const chunk = Buffer.alloc(256 * 1024, 'x');
    let sends = 0;
    // What the kernel cannot take waits in the server's own buffer, until it passes the limit.
    while (server.readyState === WebSocket.OPEN && sends < 4_000) {
      server.send(chunk);
      sends++;
    }
    expect(server.readyState).toBe(WebSocket.CLOSING);
    expect(server.bufferedAmount).toBeGreaterThan(LIMIT);
    const queued = server.bufferedAmount;
    server.send(chunk);
    expect(server.bufferedAmount).toBe(queued);

    const closed = once(client, 'close') as Promise<[number, Buffer]>;
    tcpOf(client).resume();
    const [code, reason] = await closed;
    expect(code).toBe(SLOW_CONSUMER_CLOSE_CODE);
    expect(String(reason)).toContain('Slow consumer');
  });

  it('leaves a client that reads alone', async () => {
    const { server, client } = await connect();
    let received = 0;
    const all = new Promise<void>((resolve) =>
      client.on('message', () => {
        if (++received === 20) resolve();
      }),
    );
    // Each send waits for the previous one to leave: the buffer never holds more than one small message.
    for (let i = 0; i < 20; i++)
      await new Promise<void>((resolve) => server.send('x'.repeat(1024), () => resolve()));
    await all;
    expect(server.readyState).toBe(WebSocket.OPEN);
    client.close();
  });
});
