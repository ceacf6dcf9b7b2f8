/**
 * The shutdown sequence: with a live subscriber and a mutation in flight, stopping the gateway lets the
 * mutation finish (nothing lost), closes the subscriber's socket with 1001 (a code graphql-ws clients
 * reconnect on), and stops every poller. (The process and its signals: process.e2e.test.ts.)
 */
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway } from '../helpers/gateway.js';

describe('shutdown', () => {
  it('finishes an in-flight mutation, closes subscribers with 1001 and stops polling', async () => {
    const gw = await startTestGateway({ LIVE_POLL_EVENT_MS: '20', LIVE_POLL_JITTER: '0' });
    const world = await gw.world();
    const instanceId = world.supplychain.instances[0].instanceId;
    const running = await gw.query(
      `query($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 20) { nodes { eventId terminal } } }`,
      {
        i: instanceId,
      },
    );
    const live = running.data.dataIntegrationEvents.nodes.find((n: any) => !n.terminal);
    expect(live).toBeDefined();

    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: gw.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      client.subscribe(
        {
          query: `subscription($i: ID!, $e: ID!) { dataIntegrationEventChanged(instanceId: $i, eventId: $e) { status } }`,
          variables: { i: instanceId, e: live.eventId },
        },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
    });
    // Wait for the poller to exist, then put a mutation in flight behind 400 ms of upstream latency.
    for (let i = 0; i < 200 && gw.gateway.live.stats.pollers === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(gw.gateway.live.stats.pollers).toBe(1);
    await gw.addFault({ operation: 'SendDataIntegrationEvent', kind: 'latency', latencyMs: 400 });
    const mutation = gw.query(
      `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId clientToken } }`,
      {
        input: {
          instanceId,
          eventType: 'FORECAST',
          data: '{"product_id":"P1"}',
          eventGroupId: 'shutdown-test',
        },
      },
    );
    for (let i = 0; i < 200 && !(await gw.calls()).SendDataIntegrationEvent; i++)
      await new Promise((r) => setTimeout(r, 10));

    const stopped = gw.stop();
    const result = await mutation;
    expect(result.errors).toBeUndefined();
    expect(result.data.sendEvent.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await closed).toBe(1001);
    await stopped;
    expect(gw.gateway.live.stats.pollers).toBe(0);
    expect(gw.gateway.live.stats.subscriptions).toBe(0);
  });
});
