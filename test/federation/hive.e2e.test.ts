/**
 * A subscription through a real federation gateway that has subscriptions: Hive Gateway's runtime
 * (`@graphql-hive/gateway-runtime`), in process on a loopback HTTP server, over a static supergraph
 * composed with `@apollo/composition` from Loadgraph's own `_service { sdl }`. The gateway subscribes to
 * Loadgraph over graphql-ws at `/graphql` (as the README's passthrough mode), and serves the client over
 * graphql-sse. A data source run started through the gateway is followed from QUEUED to its terminal
 * state as the emulator's clock advances: every state arrives in order and once, then the subscription
 * completes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import {
  advanceUntil,
  createCleanup,
  data,
  expectOrderedToTerminal,
  field,
  liveWorld,
  startLiveGateway,
  watch,
  type LiveWorld,
} from '../helpers/live.js';

const RUN_SUB = `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) {
  id kind status upstreamStatus terminal runId runStatus dataSource { name } } }`;
const START_RUN = `mutation($d: ID!, $s: ID!) {
  startDataSourceRun(domainIdentifier: $d, dataSourceIdentifier: $s) { id runId status } }`;

/** What the test uses of `@graphql-hive/gateway-runtime`'s `GatewayRuntime`: a Node request listener. */
interface HiveRuntime {
  (req: IncomingMessage, res: ServerResponse): unknown;
  dispose(): unknown;
}
interface HiveRuntimeModule {
  createGatewayRuntime(config: Record<string, unknown>): HiveRuntime;
}
/**
 * Loaded by a specifier TypeScript does not follow: the runtime's types reach `@whatwg-node/fetch`, whose
 * `/// <reference lib="dom" />` would retype Node's globals (`performance`) for the whole project.
 */
const HIVE_RUNTIME: string = '@graphql-hive/gateway-runtime';

const cleanup = createCleanup();
afterAll(() => cleanup.run());

let loadgraph: TestGateway;
let world: LiveWorld;
/** The Hive gateway's GraphQL endpoint. */
let hiveUrl: string;

/** POSTs an operation to the Hive gateway; fails on any GraphQL error. */
async function hive(query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(hiveUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors ?? []).toEqual([]);
  expect(res.status).toBe(200);
  return body.data;
}

beforeAll(async () => {
  loadgraph = await startLiveGateway(cleanup);
  world = await liveWorld(loadgraph);

  const { _service } = await data(loadgraph, `{ _service { sdl } }`);
  const composed = composeServices([
    { name: 'loadgraph', url: loadgraph.url, typeDefs: parse(_service.sdl) },
  ]);
  expect(composed.errors ?? []).toEqual([]);

  const { createGatewayRuntime } = (await import(HIVE_RUNTIME)) as HiveRuntimeModule;
  const runtime = createGatewayRuntime({
    supergraph: composed.supergraphSdl!,
    // Subscriptions to Loadgraph go over graphql-ws at /graphql; queries and mutations stay on HTTP.
    transportEntries: {
      loadgraph: { options: { subscriptions: { kind: 'ws', location: '/graphql' } } },
    },
    logging: false,
    landingPage: false,
    graphiql: false,
  });
  cleanup.add(() => runtime.dispose());

  const server: Server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  hiveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

describe('a subscription through Hive Gateway', () => {
  it('follows a run started through the gateway from QUEUED to its terminal state, in order, then completes', async () => {
    const dataSource = world.dataSources[0]!;
    const { startDataSourceRun: run } = await hive(START_RUN, { d: world.domainId, s: dataSource.id });
    expect(run.status).toBe('QUEUED');

    const client = createClient({ url: hiveUrl, fetchFn: fetch, retryAttempts: 0 });
    cleanup.add(() => client.dispose());
    const w = watch(client, RUN_SUB, { d: world.domainId, r: run.runId });

    const first = field(await w.until(() => true, 'the current state'));
    expect(first).toMatchObject({
      id: run.id,
      kind: 'DATA_SOURCE_RUN',
      runId: run.runId,
      status: 'QUEUED',
      upstreamStatus: 'REQUESTED',
      terminal: false,
      dataSource: { name: dataSource.name },
    });

    await advanceUntil(
      loadgraph,
      () => w.payloads.some((p) => field(p)?.terminal),
      5_000,
      'the run to finish',
    );
    expect(await w.end()).toEqual({ kind: 'complete' });

    for (const p of w.payloads) expect(p.errors).toBeUndefined();
    const values = w.payloads.map(field);
    expectOrderedToTerminal(values);
    expect(values.slice(0, 2).map((v) => [v.status, v.upstreamStatus])).toEqual([
      ['QUEUED', 'REQUESTED'],
      ['RUNNING', 'RUNNING'],
    ]);
    for (const v of values) expect(v).toMatchObject({ id: run.id, runId: run.runId });
    expect(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']).toContain(values.at(-1).status);
  });
});
