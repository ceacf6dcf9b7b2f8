/**
 * Credentials and per-principal limits on the streaming transports and over HTTP: graphql-ws checks the
 * `connection_init` payload (or the upgrade headers) at connect (4403) and the credentials' expiry at
 * every subscribe; connections per principal are bounded (4429); SSE takes headers; HTTP requests are
 * rate limited per principal (429 with Retry-After); log lines carry the principal id.
 */
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { LIVE_ENV, createCleanup, eventually, watch, wsClient } from '../helpers/live.js';
import { KEYS, apiKey, apiKeysJson, post } from './helpers.js';

const cleanup = createCleanup();
let gw: TestGateway;
let instanceId: string;

beforeAll(async () => {
  gw = await startTestGateway({
    ...LIVE_ENV,
    AUTH_MODE: 'apikey',
    AUTH_API_KEYS: apiKeysJson('*', '*'),
    AUTH_WS_MAX_CONNECTIONS_PER_PRINCIPAL: '1',
    AUTH_RATE_LIMIT_PER_SECOND: '1',
    AUTH_RATE_LIMIT_BURST: '1000',
  });
  instanceId = (await gw.world()).supplychain.instances[0].instanceId;
});
afterAll(async () => {
  await cleanup.run();
  await gw?.stop();
});

/** A raw graphql-ws socket: sends `connection_init` with `payload`; resolves with the ack or the close. */
function connect(
  url: string,
  payload: Record<string, unknown> | undefined,
  headers: Record<string, string> = {},
): Promise<{ acked: boolean; code?: number; socket: WebSocket }> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
  cleanup.add(() => socket.close());
  return new Promise((resolve, reject) => {
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', ...(payload ? { payload } : {}) })),
    );
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ acked: true, socket });
    });
    socket.on('close', (code) => resolve({ acked: false, code, socket }));
    socket.on('error', reject);
  });
}

describe('graphql-ws', () => {
  it('closes a connection without credentials, or with a wrong key, with 4403', async () => {
    expect(await connect(gw.url, undefined)).toMatchObject({ acked: false, code: 4403 });
    expect(await connect(gw.url, { apiKey: 'key-wrong-0123456789abcdef' })).toMatchObject({
      acked: false,
      code: 4403,
    });
    expect(await connect(gw.url, { authorization: 'Bearer abc' })).toMatchObject({
      acked: false,
      code: 4403,
    });
  });

  it('takes the key from connection_init or the upgrade headers, and bounds connections per principal (4429)', async () => {
    const first = await connect(gw.url, { apiKey: KEYS.mine });
    expect(first.acked).toBe(true);
    expect(await connect(gw.url, undefined, apiKey(KEYS.mine))).toMatchObject({ acked: false, code: 4429 });
    // Another principal has its own count.
    const other = await connect(gw.url, undefined, apiKey(KEYS.reader));
    expect(other.acked).toBe(true);
    other.socket.close();
    first.socket.close();
    let again: Awaited<ReturnType<typeof connect>> | undefined;
    await eventually(async () => {
      again = await connect(gw.url, { apiKey: KEYS.mine });
      return again.acked;
    }, 'a new connection once the first one closed');
    again!.socket.close();
  });
});

describe('SSE', () => {
  it('refuses a stream without credentials with 401, and serves one with a key', async () => {
    const body = JSON.stringify({
      query: `subscription { dataIntegrationEventChanged(instanceId: "${instanceId}", eventId: "00000000-0000-4000-8000-000000000000") { eventId } }`,
    });
    const headers = { 'content-type': 'application/json', accept: 'text/event-stream' };
    const refused = await fetch(`${gw.url}/stream`, { method: 'POST', headers, body });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    const served = await fetch(`${gw.url}/stream`, {
      method: 'POST',
      headers: { ...headers, ...apiKey(KEYS.reader) },
      body,
    });
    expect(served.status).toBe(200);
    const text = await served.text();
    expect(text).toContain('NOT_FOUND');
  });
});

describe('HTTP rate limit', () => {
  const q = '{ __typename }';
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({
      AUTH_MODE: 'apikey',
      AUTH_API_KEYS: apiKeysJson('*', '*'),
      AUTH_RATE_LIMIT_PER_SECOND: '1',
      AUTH_RATE_LIMIT_BURST: '2',
    });
  });
  afterAll(() => g?.stop());

  /** Asserts a 429 THROTTLED answer with Retry-After, and no upstream call. */
  async function expectThrottled(res: Awaited<ReturnType<typeof post>>): Promise<void> {
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.body.errors[0].extensions).toEqual({ code: 'THROTTLED' });
    expect(await g.calls()).toEqual({});
  }

  it('answers a principal over its budget with 429 and Retry-After, and not another principal', async () => {
    expect((await post(g, q, {}, apiKey(KEYS.mine))).status).toBe(200);
    expect((await post(g, q, {}, apiKey(KEYS.mine))).status).toBe(200);
    await g.resetCalls();
    await expectThrottled(await post(g, q, {}, apiKey(KEYS.mine)));
    expect((await post(g, q, {}, apiKey(KEYS.reader))).status).toBe(200);
  });

  it('holds a client sending refused credentials to the same rate, before verifying them', async () => {
    const wrong = apiKey('not-a-key-of-this-gateway');
    expect((await post(g, q, {}, wrong)).status).toBe(401);
    expect((await post(g, q, {}, wrong)).status).toBe(401);
    await g.resetCalls();
    await expectThrottled(await post(g, q, {}, wrong));
  });
});

describe('expiry and logs', () => {
  const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
  const lines: any[] = [];
  const clients = createCleanup();
  let gateway: RunningApp;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = loadConfig({
      ...LIVE_ENV,
      PORT: '0',
      EMULATOR_PORT: '0',
      LOADGRAPH_EMULATOR: '1',
      EMULATOR_CLOCK_SPEED: '0',
      NODE_ENV: 'test',
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: SECRET,
      AUTH_JWT_ISSUER: 'iss',
      AUTH_JWT_AUDIENCE: 'aud',
      AUTH_JWT_CLOCK_SKEW_MS: '0',
    });
    gateway = await startApp({ config, logger: pino({ level: 'debug' }, sink) });
  });
  afterAll(async () => {
    await clients.run();
    await gateway?.stop();
  });

  const jwt = (sub: string, expSeconds: number) =>
    new SignJWT({ scope: 'loads:read', loadgraph_instances: '*', loadgraph_domains: '*' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime(Math.floor(Date.now() / 1000) + expSeconds)
      .sign(new TextEncoder().encode(SECRET));

  it('refuses a new subscription once the connection’s token has expired, before any poller', async () => {
    const token = await jwt('short-lived', 2);
    const expMs = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp * 1000;
    const client = wsClient({ url: gateway.url } as TestGateway, clients, {
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
    });
    const ok = watch(
      client,
      `subscription { dataIntegrationEventChanged(instanceId: "00000000-0000-4000-8000-000000000000", eventId: "00000000-0000-4000-8000-000000000000") { eventId } }`,
    );
    await ok.end();
    await eventually(() => Date.now() > expMs + 50, 'the token to expire', 5_000);
    const pollers = gateway.live.stats.pollers;
    const refused = watch(
      client,
      `subscription { dataIntegrationEventChanged(instanceId: "00000000-0000-4000-8000-000000000001", eventId: "00000000-0000-4000-8000-000000000001") { eventId } }`,
    );
    const ending = await refused.end();
    expect(ending.kind).toBe('error');
    expect((ending as any).error[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(gateway.live.stats.pollers).toBe(pollers);
  });

  it('logs the principal id with each request’s errors and each subscription', async () => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await jwt('alice', 60)}`,
        'x-request-id': 'req-principal-1',
      },
      body: JSON.stringify({
        query: '{ instance(instanceId: "00000000-0000-4000-8000-000000000000") { instanceId } }',
      }),
    });
    expect(res.status).toBe(200);
    expect(lines.find((l) => l.requestId === 'req-principal-1' && l.code === 'NOT_FOUND')).toMatchObject({
      principal: 'alice',
    });
    expect(lines.find((l) => l.msg === 'subscription started')).toMatchObject({ principal: 'short-lived' });
  });
});
