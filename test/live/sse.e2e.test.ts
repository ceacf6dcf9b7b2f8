/**
 * The same live subscriptions over GraphQL over Server-Sent Events (graphql-sse at `/graphql/stream`): an
 * event followed to its terminal state, `loadsChanged` over mixed kinds, and errors (a GraphQL validation
 * error, a bad argument) delivered on the stream with their contract codes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import {
  advanceUntil,
  createCleanup,
  expectOrderedToTerminal,
  field,
  liveWorld,
  sendDatasetEvent,
  sseClient,
  startLiveGateway,
  startRun,
  watch,
  type LiveWorld,
  type Watch,
  EVENT_CHANGED_SUB,
  LOADS_CHANGED_SUB,
} from '../helpers/live.js';

const cleanup = createCleanup();
let gw: TestGateway;
let world: LiveWorld;
let client: ReturnType<typeof sseClient>;

beforeAll(async () => {
  gw = await startLiveGateway(cleanup);
  world = await liveWorld(gw);
  client = sseClient(gw, cleanup);
});
afterAll(() => cleanup.run());

/** Every error that reached the client, from `errors` payloads or the sink's error. */
async function errorsOf(w: Watch): Promise<any[]> {
  const ending = await w.end();
  const fromSink = ending.kind === 'error' ? [ending.error].flat() : [];
  return [...w.payloads.flatMap((p) => p.errors ?? []), ...fromSink];
}

describe('subscriptions over SSE', () => {
  it('follows a sent DATASET event from RUNNING to its terminal state, in order and once each, then completes', async () => {
    const { eventId } = await sendDatasetEvent(gw, world);
    const w = watch(client, EVENT_CHANGED_SUB, { i: world.instanceId, e: eventId });
    expect(field(await w.until(() => true, 'the current state'))).toMatchObject({
      status: 'RUNNING',
      terminal: false,
      eventId,
      dataset: { name: 'carrier_tracking' },
    });
    await advanceUntil(gw, () => w.payloads.some((p) => field(p)?.terminal), 5_000, 'the terminal state');
    expect(await w.end()).toEqual({ kind: 'complete' });
    expect(w.payloads.every((p) => p.errors === undefined)).toBe(true);
    const values = w.payloads.map(field);
    expectOrderedToTerminal(values);
    expect(['SUCCEEDED', 'FAILED']).toContain(values.at(-1).status);
  });

  it('sends each load of a loadsChanged at once, then their changes, and completes when all are terminal', async () => {
    const event = await sendDatasetEvent(gw, world);
    const run = await startRun(gw, world, world.dataSources[0]!.id);
    const w = watch(client, LOADS_CHANGED_SUB, { ids: [event.id, run.id] });
    await w.count(2);
    expect(w.payloads.map((p) => field(p).id).sort()).toEqual([event.id, run.id].sort());
    const terminal = () =>
      new Set(
        w.payloads
          .map(field)
          .filter((v) => v?.terminal)
          .map((v) => v.id),
      );
    await advanceUntil(gw, () => terminal().size === 2, 10_000, 'both loads to finish');
    expect(await w.end()).toEqual({ kind: 'complete' });
    const values = w.payloads.map(field);
    for (const id of [event.id, run.id]) expectOrderedToTerminal(values.filter((v) => v.id === id));
  });

  it('reports a query that fails validation (an unknown field) as GRAPHQL_VALIDATION_FAILED, saying what is wrong', async () => {
    const w = watch(client, `subscription { noSuchField }`);
    const errors = await errorsOf(w);
    expect(w.payloads.some((p) => p.data)).toBe(false);
    expect(errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('Cannot query field "noSuchField" on type "Subscription"'),
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
      }),
    ]);
  });

  it('reports a malformed argument as BAD_USER_INPUT naming it, watching nothing', async () => {
    const w = watch(client, EVENT_CHANGED_SUB, { i: world.instanceId, e: 'not-a-uuid' });
    expect(await errorsOf(w)).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'eventId' } }),
    ]);
    expect(gw.gateway.live.stats.subscriptions).toBe(0);
  });

  it('ends a subscription to a missing event with a NOT_FOUND error', async () => {
    const w = watch(client, EVENT_CHANGED_SUB, { i: world.instanceId, e: randomUUID() });
    expect(await errorsOf(w)).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    ]);
  });
});
