/**
 * The gateway's lean HTTP handler behaves as the SDK's `NodeHttpHandler` (with `throwOnRequestTimeout`)
 * where the gateway relies on it: every case runs against both handlers over a small stub server and
 * expects the same outcome (URL built the same, bodies sent and read the same, the same error names and
 * codes for a stall before the head, a stalled body, a refused connection and an abort). Then, through
 * the clients `createUpstreamClients` builds: calls to the real emulator verify, a stalled upstream is
 * retried and answers UPSTREAM_TIMEOUT, and a refused connection answers UPSTREAM_UNAVAILABLE.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { HttpRequest, type HttpResponse } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createUpstreamClients } from '../../src/upstream/clients.js';
import { codeOf } from '../../src/upstream/errors.js';
import { LeanHttpHandler } from '../../src/upstream/httpHandler.js';
import {
  GetDataIntegrationEventCommand,
  ListDataIntegrationEventsCommand,
} from '../../src/upstream/supplychain/index.js';
import {
  createDisposers,
  credentials,
  rejectionOf,
  startTestEmulator,
  type TestEmulator,
} from '../helpers/emulator.js';
import { path, startStubUpstream, type StubUpstream } from '../helpers/stubUpstream.js';

const TIMEOUT_MS = 150;
const disposers = createDisposers();
let server: Server;
let base: { hostname: string; port: number };
let closedPort: number;
let held = 0;

beforeAll(async () => {
  const sockets = new Set<Socket>();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      if (url.startsWith('/hang')) {
        held += 1;
        return;
      }
      const text = JSON.stringify({ method: req.method, url, body: Buffer.concat(chunks).toString('utf8') });
      if (url.startsWith('/stall')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length * 2 });
        res.write(text);
        return;
      }
      const status = url.startsWith('/fail') ? 500 : 200;
      res.writeHead(status, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] });
      res.end(text);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = { hostname: '127.0.0.1', port: (server.address() as AddressInfo).port };
  disposers.track({
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => disposers.dispose());

const HANDLERS = {
  NodeHttpHandler: () =>
    new NodeHttpHandler({
      connectionTimeout: TIMEOUT_MS,
      requestTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
      throwOnRequestTimeout: true,
    }),
  LeanHttpHandler: () =>
    new LeanHttpHandler({
      connectTimeoutMs: TIMEOUT_MS,
      requestTimeoutMs: TIMEOUT_MS,
      socketTimeoutMs: TIMEOUT_MS,
    }),
};

function req(p: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return new HttpRequest({
    protocol: 'http:',
    ...base,
    method: 'GET',
    path: p,
    headers: { host: 'localhost' },
    ...extra,
  });
}

/** The body as text: the lean handler gives bytes, NodeHttpHandler the response stream. */
async function bodyOf(response: HttpResponse): Promise<string> {
  const body = response.body as Uint8Array | AsyncIterable<Buffer>;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe.each(Object.entries(HANDLERS))('%s', (_, make) => {
  const handler = make();
  afterAll(() => handler.destroy());

  it('sends the path, query, fragment and body as given, and reads the answer', async () => {
    const { response } = await handler.handle(
      req('/ok/a%20b/c%3Ad', {
        method: 'POST',
        query: { b: ['2', '1'], a: 'x y/z', flag: null as never },
        body: '{"é":1}',
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-multi']).toBe('a, b');
    expect(JSON.parse(await bodyOf(response))).toEqual({
      method: 'POST',
      url: '/ok/a%20b/c%3Ad?a=x%20y%2Fz&b=2&b=1&flag',
      body: '{"é":1}',
    });
  });

  it('sends Uint8Array and stream bodies, and reads error answers', async () => {
    const bytes = await handler.handle(
      req('/fail', { method: 'PUT', body: new TextEncoder().encode('bytes') }),
    );
    expect(bytes.response.statusCode).toBe(500);
    expect(JSON.parse(await bodyOf(bytes.response)).body).toBe('bytes');
    const stream = await handler.handle(
      req('/ok', { method: 'PUT', body: Readable.from([Buffer.from('str'), Buffer.from('eam')]) }),
    );
    expect(JSON.parse(await bodyOf(stream.response)).body).toBe('stream');
  });

  it('cuts a request whose answer never starts: TimeoutError, code ETIMEDOUT', async () => {
    const before = held;
    const error = await rejectionOf(handler.handle(req('/hang')));
    expect(held).toBe(before + 1);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(codeOf(error)).toBe('UPSTREAM_TIMEOUT');
  });

  it('cuts an answer whose body stalls: TimeoutError', async () => {
    const error = await rejectionOf(handler.handle(req('/stall')).then(({ response }) => bodyOf(response)));
    expect(error.name).toBe('TimeoutError');
    expect(codeOf(error)).toBe('UPSTREAM_TIMEOUT');
  });

  it('passes a refused connection on as ECONNREFUSED', async () => {
    const error = await rejectionOf(handler.handle(req('/ok', { port: closedPort })));
    expect(error.code).toBe('ECONNREFUSED');
    expect(codeOf(error)).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('stops at an abort, before or during the call: AbortError', async () => {
    const early = await rejectionOf(handler.handle(req('/ok'), { abortSignal: AbortSignal.abort() }));
    expect(early.name).toBe('AbortError');
    const controller = new AbortController();
    const late = rejectionOf(handler.handle(req('/hang'), { abortSignal: controller.signal }));
    controller.abort(new Error('gone'));
    const error = await late;
    expect(error.name).toBe('AbortError');
    expect(error.message).toBe('Request aborted');
    expect(error.cause.message).toBe('gone');
  });
});

describe.each([
  ['lean', LeanHttpHandler],
  ['sdk', NodeHttpHandler],
] as const)('the gateway clients with UPSTREAM_HTTP=%s', (http, Handler) => {
  let emu: TestEmulator;
  let stub: StubUpstream;
  const aws = loadConfig({ LOADGRAPH_EMULATOR: '1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }).aws;
  const clients = (endpoint: string) => {
    const built = createUpstreamClients({
      aws: {
        ...aws,
        http,
        requestTimeoutMs: TIMEOUT_MS,
        maxAttempts: 2,
        supplyChainEndpoint: endpoint,
        dataZoneEndpoint: endpoint,
      },
      credentials,
    });
    disposers.track({ close: () => built.destroy() });
    return built;
  };

  beforeAll(async () => {
    emu = disposers.track(await startTestEmulator());
    stub = await startStubUpstream(emu.endpoint);
    disposers.track({ close: () => stub.close() });
  });

  it('are verified by the emulator, and retried then UPSTREAM_TIMEOUT when the upstream stalls', async () => {
    const { supplyChain } = clients(stub.endpoint);
    expect(supplyChain.config.requestHandler).toBeInstanceOf(Handler);
    const instanceId = emu.world.supplychain.instances[0]!.instanceId;
    const page = await supplyChain.send(new ListDataIntegrationEventsCommand({ instanceId, maxResults: 2 }));
    const eventId = page.events![0]!.eventId!;
    for (const hang of ['request', 'body'] as const) {
      const isGet = path(/\/data-integration-events\/[^/?]+$/);
      stub.use({ match: isGet, hang, times: 2 });
      const before = stub.count(isGet);
      const error = await rejectionOf(
        supplyChain.send(new GetDataIntegrationEventCommand({ instanceId, eventId })),
      );
      expect(error.name).toBe('TimeoutError');
      expect(codeOf(error)).toBe('UPSTREAM_TIMEOUT');
      expect(stub.count(isGet) - before).toBe(2);
      stub.clear();
    }
  });

  it('answer UPSTREAM_UNAVAILABLE when the upstream refuses connections', async () => {
    const { supplyChain } = clients(`http://127.0.0.1:${closedPort}`);
    const error = await rejectionOf(
      supplyChain.send(new ListDataIntegrationEventsCommand({ instanceId: 'i' })),
    );
    expect(error.code).toBe('ECONNREFUSED');
    expect(codeOf(error)).toBe('UPSTREAM_UNAVAILABLE');
  });
});
