/**
 * The 413 reaches ordinary clients: a body over GRAPHQL_MAX_BODY_BYTES is read and discarded to its end
 * before the answer, so Node's fetch (like a browser) gets the 413 and its JSON body every time instead of
 * EPIPE, on /graphql and on /graphql/stream. The discarding is bounded in bytes
 * (GRAPHQL_BODY_DRAIN_MAX_BYTES) and time (GRAPHQL_BODY_DRAIN_TIMEOUT_MS): past either, the 413 is sent and
 * the socket closed.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MB = 1024 * 1024;
const TRIES = 20;
const PAYLOAD_TOO_LARGE = (max: number) => ({
  errors: [{ message: `Request body exceeds ${max} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
});

let gw: TestGateway;
let bounded: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
  bounded = await startTestGateway({
    GRAPHQL_MAX_BODY_BYTES: '1000',
    GRAPHQL_BODY_DRAIN_MAX_BYTES: String(MB),
    GRAPHQL_BODY_DRAIN_TIMEOUT_MS: '200',
  });
});
afterAll(async () => {
  await gw?.stop();
  await bounded?.stop();
});

/** A 30 MB GraphQL request body (a query with a huge variable). */
const huge = Buffer.from(
  JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(30 * MB) } }),
);

/** The same 30 MB, streamed in 1 MB chunks without a declared length (chunked). */
const streamed = () =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < huge.length; i += MB) controller.enqueue(huge.subarray(i, i + MB));
      controller.close();
    },
  });

describe('a 30 MB body sent with fetch', () => {
  for (const path of ['', '/stream']) {
    it(`gets the 413 and its JSON body every time on /graphql${path} (${TRIES} tries, length declared or streamed)`, async () => {
      const answers: unknown[] = [];
      for (let i = 0; i < TRIES; i++) {
        const res = await fetch(`${gw.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          ...(i % 2 === 0 ? { body: huge } : { body: streamed(), duplex: 'half' }),
        } as RequestInit);
        answers.push([res.status, await res.json()]);
      }
      expect(answers).toEqual(Array(TRIES).fill([413, PAYLOAD_TOO_LARGE(5_000_000)]));
    }, 180_000);
  }
});

/** A raw connection to `gw` that sends the head of a POST and collects what comes back. */
async function rawPost(
  target: TestGateway,
  headers: string,
): Promise<{ socket: Socket; answer: () => string; closed: Promise<unknown> }> {
  const { hostname, port } = new URL(target.url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (d) => (answer += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(
    `POST /graphql HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\n${headers}\r\n`,
  );
  return { socket, answer: () => answer, closed };
}

describe('the discarding is bounded', () => {
  it('in bytes: a declared length over GRAPHQL_BODY_DRAIN_MAX_BYTES gets the 413 at once, and the socket closes', async () => {
    const { socket, answer, closed } = await rawPost(bounded, `content-length: ${30 * MB}\r\n`);
    socket.write(Buffer.alloc(64 * 1024, 0x20));
    await closed;
    expect(answer()).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer()).toContain('"code":"PAYLOAD_TOO_LARGE"');
  });

  it('in bytes: a streamed body is read only up to GRAPHQL_BODY_DRAIN_MAX_BYTES, then the socket is closed', async () => {
    const { socket, closed } = await rawPost(bounded, 'transfer-encoding: chunked\r\n');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const frame = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ]);
    let sent = 0;
    // Keep sending (never ending the body) until the gateway closes the connection.
    const pump = (): void => {
      while (!socket.destroyed && sent < 40 * MB) {
        sent += chunk.length;
        if (!socket.write(frame)) return void socket.once('drain', pump);
      }
    };
    pump();
    await closed;
    // The gateway stopped reading soon after the bound (socket buffers aside). Past the bound, the 413 is
    // written but may be lost to the reset of a client still sending: that is what the bound trades.
    expect(sent).toBeLessThan(8 * MB);
  });

  it('in time: a refused body that stalls gets the 413 after GRAPHQL_BODY_DRAIN_TIMEOUT_MS, and the socket closes', async () => {
    const { socket, answer, closed } = await rawPost(bounded, `content-length: ${MB / 2}\r\n`);
    socket.write(Buffer.alloc(2000, 0x20)); // over the 1,000-byte limit, then nothing more
    await closed;
    expect(answer()).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer()).toContain('"code":"PAYLOAD_TOO_LARGE"');
  });

  it('leaves the gateway serving', async () => {
    expect((await bounded.data('{ __typename }')).__typename).toBe('Query');
  });
});
