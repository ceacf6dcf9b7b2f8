/**
 * A subscription sent over plain HTTP (POST or GET /graphql) is refused with 400 BAD_REQUEST and a message
 * naming the WebSocket URL and /graphql/stream; nothing runs upstream and nothing is logged as an error.
 * The same subscription over SSE at /graphql/stream is served.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SUBSCRIPTION = `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) { status } }`;

let gw: TestGateway;
const logs: any[] = [];
let variables: { d: string; r: string };
let host: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  gw = await startTestGateway({}, { logger: pino({ level: 'info' }, sink) });
  host = new URL(gw.url).host;
  const world = await gw.world();
  const domain = world.datazone.domains[0];
  const runs = await gw.data(
    `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 1) { nodes { runId } } }`,
    { d: domain.domainId, s: domain.dataSources[1].id },
  );
  variables = { d: domain.domainId, r: runs.dataSourceRuns.nodes[0].runId };
});

afterAll(() => gw?.stop());

const expectRefusal = async (res: Response) => {
  expect(res.status).toBe(400);
  const body = (await res.json()) as any;
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST' });
  expect(body.errors[0].message).toContain(`ws://${host}/graphql`);
  expect(body.errors[0].message).toContain(`http://${host}/graphql/stream`);
  expect(body.errors[0].message).toMatch(/^Subscriptions are not served over plain HTTP/);
};

describe('a subscription over plain HTTP', () => {
  it('POST /graphql: 400 naming the WebSocket URL and /graphql/stream, no upstream call, no error log', async () => {
    await gw.resetCalls();
    logs.length = 0;
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SUBSCRIPTION, variables }),
    });
    await expectRefusal(res);
    expect(await gw.calls()).toEqual({});
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(logs.some((l) => l.err?.stack)).toBe(false);
  });

  it('GET /graphql: the same 400', async () => {
    const search = new URLSearchParams({ query: SUBSCRIPTION, variables: JSON.stringify(variables) });
    const res = await fetch(`${gw.url}?${search}`, { headers: { 'apollo-require-preflight': '1' } });
    await expectRefusal(res);
  });

  it('names wss:// and https:// behind a TLS proxy (x-forwarded-proto: https)', async () => {
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ query: SUBSCRIPTION, variables }),
    });
    const body = (await res.json()) as any;
    expect(body.errors[0].message).toContain(`wss://${host}/graphql`);
    expect(body.errors[0].message).toContain(`https://${host}/graphql/stream`);
  });

  it('is served over SSE at /graphql/stream', async () => {
    const res = await fetch(`${gw.url}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: SUBSCRIPTION, variables }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text();
    expect(text).toMatch(/event: next\ndata: \{"data":\{"dataSourceRunChanged":\{"status":"[A-Z_]+"\}\}\}/);
  });
});
