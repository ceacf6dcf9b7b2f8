/**
 * Grouped subscriptions (graphql-ws, one execution per change for every identical subscription) against
 * the normal path (graphql-sse, which executes per subscriber): the same payloads, in the same order, to
 * the same end, for a load followed to its terminal state, for several loads at once, and for a load that
 * does not exist. Members joining at different times and members leaving early are covered too.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import {
  advanceUntil,
  createCleanup,
  liveWorld,
  sendDatasetEvent,
  sseClient,
  startLiveGateway,
  watch,
  wsClient,
  type LiveWorld,
  type Watch,
  EVENT_CHANGED_SUB,
  LOADS_CHANGED_SUB,
} from '../helpers/live.js';

const cleanup = createCleanup();
let gw: TestGateway;
let world: LiveWorld;

beforeAll(async () => {
  gw = await startLiveGateway(cleanup);
  world = await liveWorld(gw);
});
afterAll(() => cleanup.run());

const isTerminal = (w: Watch, field: string): boolean =>
  w.payloads.some((p) => p.data?.[field]?.terminal === true);

describe('grouped subscriptions', () => {
  it('give every member of a group what the per-subscriber path gives, to the terminal state', async () => {
    const event = await sendDatasetEvent(gw, world);
    const vars = { i: world.instanceId, e: event.eventId };
    const grouped = Array.from({ length: 5 }, () => watch(wsClient(gw, cleanup), EVENT_CHANGED_SUB, vars));
    const normal = watch(sseClient(gw, cleanup), EVENT_CHANGED_SUB, vars);
    await Promise.all([...grouped, normal].map((w) => w.count(1)));
    expect(gw.gateway.live.stats.pollers).toBe(1);
    // A member joining a running group gets the current state first, like any new subscriber.
    const late = watch(wsClient(gw, cleanup), EVENT_CHANGED_SUB, vars);
    await late.count(1);
    await advanceUntil(
      gw,
      () => [...grouped, normal, late].every((w) => isTerminal(w, 'dataIntegrationEventChanged')),
      5_000,
      'the event to finish',
    );
    expect(await normal.end()).toEqual({ kind: 'complete' });
    for (const w of grouped) {
      expect(await w.end()).toEqual({ kind: 'complete' });
      expect(w.payloads).toEqual(normal.payloads);
    }
    expect(await late.end()).toEqual({ kind: 'complete' });
    expect(late.payloads).toEqual(normal.payloads.slice(-late.payloads.length));
  });

  it('give several loads over one subscription as the per-subscriber path does, and survive a member leaving', async () => {
    const events = [await sendDatasetEvent(gw, world), await sendDatasetEvent(gw, world)];
    const vars = { ids: events.map((e) => e.id) };
    const leaving = watch(wsClient(gw, cleanup), LOADS_CHANGED_SUB, vars);
    const grouped = [
      watch(wsClient(gw, cleanup), LOADS_CHANGED_SUB, vars),
      watch(wsClient(gw, cleanup), LOADS_CHANGED_SUB, vars),
    ];
    const normal = watch(sseClient(gw, cleanup), LOADS_CHANGED_SUB, vars);
    await Promise.all([leaving, ...grouped, normal].map((w) => w.count(2)));
    leaving.unsubscribe();
    await advanceUntil(
      gw,
      () =>
        [...grouped, normal].every(
          (w) => w.payloads.filter((p) => p.data?.loadsChanged?.terminal === true).length === 2,
        ),
      5_000,
      'both events to finish',
    );
    expect(await normal.end()).toEqual({ kind: 'complete' });
    const byLoad = (w: Watch) =>
      Object.fromEntries(vars.ids.map((id) => [id, w.payloads.filter((p) => p.data.loadsChanged.id === id)]));
    for (const w of grouped) {
      expect(await w.end()).toEqual({ kind: 'complete' });
      expect(byLoad(w)).toEqual(byLoad(normal));
    }
  });

  it('end every member with the NOT_FOUND the per-subscriber path ends with', async () => {
    const vars = { i: world.instanceId, e: randomUUID() };
    const grouped = [
      watch(wsClient(gw, cleanup), EVENT_CHANGED_SUB, vars),
      watch(wsClient(gw, cleanup), EVENT_CHANGED_SUB, vars),
    ];
    const normal = watch(sseClient(gw, cleanup), EVENT_CHANGED_SUB, vars);
    for (const w of [...grouped, normal]) expect(await w.end()).toEqual({ kind: 'complete' });
    expect(normal.payloads).toEqual([
      { errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] },
    ]);
    // Each poll has its own AWS request id (the poller ended after the first NOT_FOUND); all else is equal.
    const withoutRequestId = (w: Watch) =>
      JSON.parse(JSON.stringify(w.payloads).replace(/"awsRequestId":"[^"]*"/g, '"awsRequestId":"-"'));
    for (const w of grouped) expect(withoutRequestId(w)).toEqual(withoutRequestId(normal));
  });
});
