/**
 * The access log: one info line per completed operation on each transport (HTTP, WebSocket, SSE) with
 * its name, type, outcome, request id, principal and the upstream calls it caused; the upstream call
 * lines carry the id of the request that caused them; `LOG_ACCESS=0` turns the lines off.
 */
import { Writable } from 'node:stream';
import { createClient } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const LIST = `query Recent($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 3) { nodes { id } } }`;

async function startWithLog(env: Record<string, string> = {}): Promise<{ app: RunningApp; lines: any[] }> {
  const lines: any[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    EMULATOR_CLOCK_SPEED: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    ...env,
  });
  return { app: await startApp({ config, logger: pino({ level: 'debug' }, sink) }), lines };
}

let app: RunningApp;
let lines: any[];
let instanceId: string;
beforeAll(async () => {
  ({ app, lines } = await startWithLog());
  const world = await fetch(`${app.emulatorEndpoint}/_emulator/world`).then((r) => r.json() as Promise<any>);
  instanceId = world.supplychain.instances[0].instanceId;
});
afterAll(() => app?.stop());

const accessLines = () => lines.filter((l) => l.component === 'access').map((l) => l.access);

describe('the access log', () => {
  it('logs an HTTP operation with the upstream calls it caused, and those calls carry its request id', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'access-http-1' },
      body: JSON.stringify({ query: LIST, variables: { i: instanceId } }),
    });
    expect(res.status).toBe(200);
    const line = accessLines().find((a) => a.requestId === 'access-http-1');
    expect(line).toMatchObject({
      transport: 'http',
      operationName: 'Recent',
      operationType: 'query',
      outcome: 'success',
      principal: 'anonymous',
    });
    expect(line.upstreamCalls).toBeGreaterThan(0);
    const calls = lines.filter((l) => l.component === 'upstream' && l.requestId === 'access-http-1');
    expect(calls).toHaveLength(line.upstreamCalls);
  });

  it('logs a WebSocket operation once it completes', async () => {
    const client = createClient({
      url: app.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      await new Promise<void>((resolve, reject) =>
        client.subscribe(
          { query: LIST, operationName: 'Recent', variables: { i: instanceId } },
          { next: () => {}, error: reject, complete: resolve },
        ),
      );
    } finally {
      await client.dispose();
    }
    const line = accessLines().find((a) => a.transport === 'ws');
    expect(line).toMatchObject({ operationName: 'Recent', operationType: 'query', outcome: 'success' });
    expect(line.upstreamCalls).toBeGreaterThan(0);
    expect(line.requestId).toMatch(/\S/);
  });

  it('logs an SSE operation with its outcome code', async () => {
    const res = await fetch(app.url.replace(/\/graphql$/, '/graphql/stream'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: `query Missing($i: ID!) { dataIntegrationEvent(instanceId: $i, eventId: "00000000-0000-0000-0000-000000000000") { eventId } }`,
        variables: { i: instanceId },
      }),
    });
    expect(await res.text()).toMatch(/NOT_FOUND/);
    const line = accessLines().find((a) => a.transport === 'sse');
    expect(line).toMatchObject({ operationName: 'Missing', operationType: 'query', outcome: 'NOT_FOUND' });
    expect(line.upstreamCalls).toBeGreaterThan(0);
  });

  it('writes none with LOG_ACCESS=0', async () => {
    const quiet = await startWithLog({ LOG_ACCESS: '0' });
    try {
      await fetch(quiet.app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(quiet.lines.some((l) => l.component === 'access')).toBe(false);
      expect(quiet.lines.some((l) => l.msg === 'gateway listening')).toBe(true);
    } finally {
      await quiet.app.stop();
    }
  });
});
