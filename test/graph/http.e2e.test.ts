/**
 * GraphQL over HTTP at the edge of the gateway: GET for queries (with Apollo's CSRF preflight rule),
 * never for mutations; bounded bodies (413); malformed JSON (400); health; JSON 404s; introspection
 * outside production. The gateway runs with a 1,000-byte body limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MAX_BODY_BYTES = 1_000;

let gw: TestGateway;
let instance: { instanceId: string; instanceName: string };
let origin: string;

/** A GET of `/graphql` with the query (and variables) in the query string. */
function get(query: string, variables?: object, headers: Record<string, string> = {}): Promise<Response> {
  const params = new URLSearchParams({
    query,
    ...(variables ? { variables: JSON.stringify(variables) } : {}),
  });
  return fetch(`${gw.url}?${params}`, { headers });
}

const post = (
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(gw.url, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);

/** The response body as JSON. */
const json = async (res: Response): Promise<any> => res.json();

const INSTANCE = `query($i: ID!) { instance(instanceId: $i) { instanceId instanceName } }`;

beforeAll(async () => {
  gw = await startTestGateway({ GRAPHQL_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
  instance = (await gw.world()).supplychain.instances[0];
  origin = new URL(gw.url).origin;
});

afterAll(async () => {
  await gw?.stop();
});

describe('GET /graphql', () => {
  it('answers a query with the CSRF-safe apollo-require-preflight header', async () => {
    const res = await get(INSTANCE, { i: instance.instanceId }, { 'apollo-require-preflight': 'true' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json(res)).toEqual({
      data: { instance: { instanceId: instance.instanceId, instanceName: instance.instanceName } },
    });
  });

  it('answers a query sent with a JSON content-type', async () => {
    const res = await get(`{ __typename }`, undefined, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a query with no preflight header as a possible CSRF, without an upstream call', async () => {
    await gw.resetCalls();
    const res = await get(INSTANCE, { i: instance.instanceId });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/CSRF/);
    expect(await gw.calls()).toEqual({});
  });

  it('refuses a mutation with 405, without an upstream call', async () => {
    const world = await gw.world();
    const domain = world.datazone.domains[0];
    await gw.resetCalls();
    const res = await get(
      `mutation($d: ID!, $s: ID!) { startDataSourceRun(domainIdentifier: $d, dataSourceIdentifier: $s) { runId } }`,
      { d: domain.domainId, s: domain.dataSources[0].id },
      { 'apollo-require-preflight': 'true' },
    );
    expect(res.status).toBe(405);
    expect((await json(res)).errors[0].message).toMatch(/mutation/);
    expect(await gw.calls()).toEqual({});
    expect((await gw.world()).datazone.domains[0].runCount).toBe(domain.runCount);
  });
});

describe('POST /graphql', () => {
  it('answers a body within the limit', async () => {
    const body = JSON.stringify({ query: INSTANCE, variables: { i: instance.instanceId } });
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    const res = await post(body);
    expect(res.status).toBe(200);
    expect((await json(res)).data.instance.instanceName).toBe(instance.instanceName);
  });

  it('refuses a body over the limit with 413, whether or not its length is declared', async () => {
    const body = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(MAX_BODY_BYTES) } });
    const chunks = Buffer.from(body);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < chunks.length; i += 200) controller.enqueue(chunks.subarray(i, i + 200));
        controller.close();
      },
    });
    for (const res of [await post(body), await post(streamed)]) {
      expect(res.status).toBe(413);
      expect(await json(res)).toEqual({
        errors: [
          {
            message: `Request body exceeds ${MAX_BODY_BYTES} bytes`,
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
    }
  });

  it('refuses a body that is not valid JSON with 400', async () => {
    const res = await post('{"query": "{ __typename }"');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await json(res)).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses a text/plain body as a possible CSRF', async () => {
    const res = await post(JSON.stringify({ query: `{ __typename }` }), { 'content-type': 'text/plain' });
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].message).toMatch(/CSRF/);
  });

  it('answers introspection outside production', async () => {
    const res = await gw.query(
      `{ __schema { queryType { name } mutationType { name } } __type(name: "LoadStatus") { enumValues { name } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      __schema: { queryType: { name: 'Query' }, mutationType: { name: 'Mutation' } },
      __type: {
        enumValues: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'UNKNOWN'].map(
          (name) => ({
            name,
          }),
        ),
      },
    });
  });
});

describe('other paths', () => {
  it('answers /healthz with 200', async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok' });
  });

  it('answers an unknown path with a JSON 404 naming the GraphQL endpoint', async () => {
    const res = await fetch(`${origin}/graphql/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json(res)).toEqual({
      errors: [
        {
          message: expect.stringContaining('send GraphQL requests to /graphql'),
          extensions: { code: 'NOT_FOUND' },
        },
      ],
    });
  });
});
