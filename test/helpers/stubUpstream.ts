/**
 * A stub upstream: a small HTTP proxy in front of a real emulator that does what the emulator cannot,
 * hang or rewrite what AWS answers, request by request. Requests are forwarded byte for byte (the `host`
 * header included, so SigV4 signatures still verify); a rule may hold a request without ever answering
 * (until the client gives up) or rewrite the JSON body of the answer (a status AWS added, say).
 *
 * `startStubbedGateway` starts the whole chain a test needs: emulator (frozen clock) → stub → a gateway in
 * real-AWS mode whose two endpoints are the stub.
 */
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { startGateway } from '../../src/server/gateway.js';
import type { AppLogger } from '../../src/server/logger.js';
import { EMULATOR_CREDENTIALS } from '../../src/upstream/clients.js';
import { testGatewayFor, type TestGateway } from './gateway.js';

export interface StubRequest {
  readonly method: string;
  /** The request target, query string included. */
  readonly path: string;
}

export interface StubAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Sent as JSON. */
  readonly body?: unknown;
}

export interface StubRule {
  /** Which requests the rule applies to; all when absent. */
  readonly match?: (req: StubRequest) => boolean;
  /**
   * Never answer: the request stays open until the client closes it (or the stub closes). `'request'`
   * holds it without forwarding; `'response'` forwards it (the upstream acts on it) and withholds the answer;
   * `'body'` sends the answer's head and half its body, then nothing more.
   */
  readonly hang?: 'request' | 'response' | 'body';
  /** Answers in place of the upstream (which never sees the request), e.g. an AWS error. */
  readonly respond?: (req: StubRequest) => StubAnswer;
  /** Rewrites the parsed JSON body of the upstream answer (return the new body). */
  readonly rewrite?: (body: any, req: StubRequest) => unknown;
  /** How many requests the rule applies to before it retires; unlimited when absent. */
  readonly times?: number;
}

export interface StubUpstream {
  /** Base URL to give a client (or the gateway) as its endpoint. */
  readonly endpoint: string;
  /** Adds a rule (the first matching rule applies); returns a function that removes it. */
  use(rule: StubRule): () => void;
  /** Removes every rule. */
  clear(): void;
  /** Requests received so far that `match` accepts (all when absent). */
  count(match?: (req: StubRequest) => boolean): number;
  /** Resolves once `n` requests accepted by `match` have been received (counting those already seen). */
  received(n: number, match?: (req: StubRequest) => boolean): Promise<void>;
  /** Resolves once `n` held (hanging) requests have been closed by their client. */
  abandoned(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A matcher on the request path (e.g. `path(/data-source-runs\//)`). */
export const path =
  (pattern: RegExp) =>
  (req: StubRequest): boolean =>
    pattern.test(req.path);

export async function startStubUpstream(target: string): Promise<StubUpstream> {
  const upstream = new URL(target);
  let rules: { rule: StubRule; left: number }[] = [];
  const seen: StubRequest[] = [];
  let abandonedCount = 0;
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((check) => check());
  const sockets = new Set<Socket>();

  const readAll = async (stream: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  const server: Server = createServer(async (req, res) => {
    const info: StubRequest = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const body = await readAll(req);
    seen.push(info);
    notify();
    const entry = rules.find(({ rule, left }) => left > 0 && (rule.match?.(info) ?? true));
    if (entry) entry.left -= 1;
    const rule = entry?.rule;
    if (rule?.hang) {
      res.on('close', () => {
        abandonedCount += 1;
        notify();
      });
    }
    if (rule?.hang === 'request') return;
    if (rule?.respond) {
      const { status, headers = {}, body: answer = {} } = rule.respond(info);
      const text = JSON.stringify(answer);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...headers,
      });
      return void res.end(text);
    }
    const forwarded = request({
      host: upstream.hostname,
      port: upstream.port,
      method: info.method,
      path: info.path,
      headers: req.headers,
    });
    forwarded.end(body);
    let answer: IncomingMessage;
    let payload: Buffer;
    try {
      [answer] = (await once(forwarded, 'response')) as [IncomingMessage];
      if (rule?.hang === 'response') return void answer.resume();
      payload = await readAll(answer);
    } catch {
      // The upstream hung up (it is closing): so does the stub.
      return void res.destroy();
    }
    const isJson = /json/.test(String(answer.headers['content-type'] ?? ''));
    if (rule?.rewrite && isJson && payload.length > 0) {
      payload = Buffer.from(JSON.stringify(rule.rewrite(JSON.parse(payload.toString('utf8')), info)));
    }
    const headers = { ...answer.headers, 'content-length': String(payload.length) };
    delete headers['transfer-encoding'];
    res.writeHead(answer.statusCode ?? 502, headers);
    if (rule?.hang === 'body') return void res.write(payload.subarray(0, payload.length >> 1));
    res.end(payload);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const waitFor = (done: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  const count = (match?: (req: StubRequest) => boolean): number =>
    match ? seen.filter(match).length : seen.length;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    use(rule) {
      const entry = { rule, left: rule.times ?? Infinity };
      rules.push(entry);
      return () => void (rules = rules.filter((e) => e !== entry));
    },
    clear: () => void (rules = []),
    count,
    received: (n, match) => waitFor(() => count(match) >= n),
    abandoned: (n) => waitFor(() => abandonedCount >= n),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface StubbedGateway extends TestGateway {
  readonly stub: StubUpstream;
  readonly upstream: RunningEmulator;
}

/**
 * emulator → stub → gateway (real-AWS mode, endpoints on the stub, the emulator's key pair). `env`
 * overrides settings on top of the test defaults of `startTestGateway`.
 */
export async function startStubbedGateway(
  env: Record<string, string> = {},
  { logger = pino({ level: 'silent' }) }: { logger?: AppLogger } = {},
): Promise<StubbedGateway> {
  const upstream = await startEmulator({ port: 0, seed: 1, clockSpeed: 0 });
  const stub = await startStubUpstream(upstream.endpoint);
  const config = loadConfig({
    PORT: '0',
    LOADGRAPH_EMULATOR: '0',
    AWS_REGION: 'us-east-1',
    SUPPLYCHAIN_ENDPOINT: stub.endpoint,
    DATAZONE_ENDPOINT: stub.endpoint,
    AUTH_MODE: 'none',
    UPSTREAM_MAX_ATTEMPTS: '1',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_PER_SECOND: '0',
    ...env,
  });
  const gateway = await startGateway({
    config,
    logger,
    credentials: EMULATOR_CREDENTIALS,
  });
  const test = testGatewayFor(gateway, upstream.endpoint);
  return {
    ...test,
    stub,
    upstream,
    async stop() {
      await gateway.stop();
      await stub.close();
      await upstream.close();
    },
  };
}
