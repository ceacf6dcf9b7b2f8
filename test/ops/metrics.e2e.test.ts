/**
 * What an operator sees: `/metrics` after a query, an upstream throttle absorbed by retries, and a
 * subscription; and the structured log line of every upstream call.
 */
import { Writable } from 'node:stream';
import { createClient } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/app.js';

const lines: any[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});

let gateway: RunningApp;
let instanceId: string;
const control = (path: string, body?: unknown) =>
  fetch(`${gateway.emulatorEndpoint}/_emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).then((r) => r.json() as Promise<any>);
const query = (q: string, variables?: object) =>
  fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: q, variables }),
  }).then((r) => r.json() as Promise<any>);
const metricsText = () => fetch(gateway.url.replace(/\/graphql$/, '/metrics')).then((r) => r.text());
/** The value of one sample line of the exposition, e.g. `loadgraph_pollers` or a labelled counter. */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && want.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

beforeAll(async () => {
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    LOADGRAPH_EMULATOR: '1',
    EMULATOR_CLOCK_SPEED: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    LIVE_POLL_DATA_SOURCE_RUN_MS: '20',
    LIVE_POLL_JITTER: '0',
  });
  gateway = await startApp({ config, logger: pino({ level: 'debug' }, sink) });
  instanceId = (await control('world')).supplychain.instances[0].instanceId;
});
afterAll(() => gateway?.stop());

describe('metrics', () => {
  it('count a query, its upstream calls, its loader batches and cache lookups', async () => {
    const res = await query(
      `query Recent($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 3) { nodes { id dataset { name } } } }`,
      {
        i: instanceId,
      },
    );
    expect(res.errors).toBeUndefined();
    const text = await metricsText();
    expect(
      sample(text, 'loadgraph_graphql_requests_total', {
        operation: 'Recent',
        type: 'query',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(sample(text, 'loadgraph_graphql_request_duration_seconds_count', { operation: 'Recent' })).toBe(1);
    expect(
      sample(text, 'loadgraph_upstream_calls_total', {
        operation: 'ListDataIntegrationEvents',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      sample(text, 'loadgraph_dataloader_batch_size_count', { loader: 'eventsPage' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'loadgraph_cache_lookups_total', { operation: 'GetDataLakeDataset', result: 'miss' }),
    ).toBeGreaterThan(0);
  });

  it('count the retries of a throttled upstream call that then succeeds, and a throttle that persists', async () => {
    await control('faults', { operation: 'GetInstance', kind: 'throttle', count: 1 });
    const ok = await query(`query Inst($i: ID!) { instance(instanceId: $i) { instanceName } }`, {
      i: instanceId,
    });
    expect(ok.errors).toBeUndefined();
    let text = await metricsText();
    expect(sample(text, 'loadgraph_upstream_retries_total', { operation: 'GetInstance' })).toBe(1);
    expect(
      sample(text, 'loadgraph_upstream_calls_total', { operation: 'GetInstance', outcome: 'success' }),
    ).toBe(1);

    await control('faults', { operation: 'GetDomain', kind: 'throttle', count: 3 });
    const throttled = await query(`query Dom { domain(identifier: "dzd_rr1akkazyawx9i") { id } }`);
    expect(throttled.errors[0].extensions.code).toBe('THROTTLED');
    text = await metricsText();
    expect(sample(text, 'loadgraph_upstream_throttled_total', { operation: 'GetDomain' })).toBe(1);
    expect(sample(text, 'loadgraph_upstream_retries_total', { operation: 'GetDomain' })).toBe(2);
    expect(sample(text, 'loadgraph_graphql_requests_total', { operation: 'Dom', outcome: 'THROTTLED' })).toBe(
      1,
    );
  });

  it('show a subscription, its poller and its polls while it runs, and poll lag once it changed', async () => {
    const world = await control('world');
    const domain = world.datazone.domains[0];
    const started = await query(
      `mutation($d: ID!, $s: ID!) { startDataSourceRun(domainIdentifier: $d, dataSourceIdentifier: $s) { runId } }`,
      {
        d: domain.domainId,
        s: domain.dataSources[0].id,
      },
    );
    const runId = started.data.startDataSourceRun.runId;
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const payloads: any[] = [];
    let first!: () => void;
    const gotFirst = new Promise<void>((resolve) => (first = resolve));
    const ended = new Promise<void>((resolve, reject) =>
      client.subscribe(
        {
          query: `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) { status terminal } }`,
          variables: { d: domain.domainId, r: runId },
        },
        { next: (v) => (payloads.push(v), first()), error: reject, complete: resolve },
      ),
    );
    await gotFirst;
    let text = await metricsText();
    expect(sample(text, 'loadgraph_subscriptions')).toBe(1);
    expect(sample(text, 'loadgraph_pollers')).toBe(1);
    expect(sample(text, 'loadgraph_websocket_connections')).toBe(1);
    for (let i = 0; i < 40 && !payloads.some((p) => p.data?.dataSourceRunChanged?.terminal); i++) {
      await control('clock', { advanceMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await ended;
    await client.dispose();
    text = await metricsText();
    expect(sample(text, 'loadgraph_pollers')).toBe(0);
    expect(sample(text, 'loadgraph_polls_total', { outcome: 'changed' })).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'loadgraph_poll_lag_seconds_count', { kind: 'DATA_SOURCE_RUN' }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('logs', () => {
  it('log every upstream call with its operation, outcome, attempts, latency and AWS request id', async () => {
    lines.length = 0;
    const domain = (await control('world')).datazone.domains[0];
    await control('faults', { operation: 'GetDataSource', kind: 'throttle', count: 1 });
    await query(
      `{ dataSource(domainIdentifier: "${domain.domainId}", identifier: "${domain.dataSources[0].id}") { name } }`,
    );
    const call = lines.find((l) => l.component === 'upstream' && l.aws?.operation === 'GetDataSource');
    expect(call).toMatchObject({
      level: 20,
      aws: { service: 'DataZone', operation: 'GetDataSource', outcome: 'success', attempts: 2 },
    });
    expect(call.aws.durationMs).toBeGreaterThan(0);
    expect(call.aws.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('log an operation error with the request id the response carries', async () => {
    lines.length = 0;
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-ops-test-1' },
      body: JSON.stringify({
        query: `{ dataIntegrationEvent(instanceId: "${instanceId}", eventId: "00000000-0000-4000-8000-000000000000") { id } }`,
      }),
    });
    expect(res.headers.get('x-request-id')).toBe('req-ops-test-1');
    const logged = lines.find((l) => l.requestId === 'req-ops-test-1' && l.code === 'NOT_FOUND');
    expect(logged).toBeDefined();
    expect(logged.extensions.awsErrorName).toBe('ResourceNotFoundException');
  });
});
