/**
 * Subscriptions through a router over the HTTP callback protocol (`callback/1.0`, Apollo Router's
 * `subscription.mode.callback`). The router's side is played by a small HTTP server in the test that
 * answers `check`, `next` and `complete` as the router does; Loadgraph and its emulator are real. A
 * subscription POSTed with `extensions.subscription` is answered at once, then its states arrive at the
 * callback URL as the emulator's clock moves, ending with `complete`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import {
  advanceUntil,
  createCleanup,
  eventually,
  expectOrderedToTerminal,
  liveWorld,
  startLiveGateway,
  startRun,
  type LiveWorld,
} from '../helpers/live.js';

interface CallbackMessage {
  kind: string;
  action: 'check' | 'next' | 'complete';
  id: string;
  verifier: string;
  payload?: { data?: any; errors?: any[] };
  errors?: any[];
}

/** The router's callback endpoint: records every message per subscription id. */
interface CallbackReceiver {
  readonly url: string;
  readonly messages: Map<string, CallbackMessage[]>;
  /** Subscriptions the "router" has ended: it answers 404 to their messages. */
  readonly ended: Set<string>;
  stop(): Promise<void>;
}

async function startReceiver(): Promise<CallbackReceiver> {
  const messages = new Map<string, CallbackMessage[]>();
  const ended = new Set<string>();
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const id = (req.url ?? '').split('/').pop()!;
    const message = JSON.parse(body) as CallbackMessage;
    messages.set(id, [...(messages.get(id) ?? []), message]);
    if (ended.has(id)) return void res.writeHead(404).end();
    if (message.action === 'check') {
      expect(req.headers['subscription-protocol']).toBe('callback/1.0');
      res.writeHead(204, { 'subscription-protocol': 'callback/1.0' }).end();
    } else res.writeHead(message.action === 'next' ? 200 : 202).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    messages,
    ended,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const RUN_SUB = `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) {
  id status terminal runStatus dataSource { name } } }`;

const cleanup = createCleanup();
let receiver: CallbackReceiver;
let gw: TestGateway;
let world: LiveWorld;

beforeAll(async () => {
  receiver = await startReceiver();
  cleanup.add(() => receiver.stop());
  gw = await startLiveGateway(cleanup, { SUBSCRIPTION_CALLBACK_URLS: `${receiver.url}/` });
  world = await liveWorld(gw);
});
afterAll(() => cleanup.run());

/** POSTs a subscription the way the router does in callback mode; resolves to the HTTP answer. */
async function subscribe(
  target: TestGateway,
  query: string,
  variables: Record<string, unknown>,
  callbackUrl?: string,
): Promise<{ id: string; status: number; body: any }> {
  const id = randomUUID();
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query,
      variables,
      extensions: {
        subscription: {
          callbackUrl: callbackUrl ?? `${receiver.url}/${id}`,
          subscriptionId: id,
          verifier: `verifier-${id}`,
          heartbeatIntervalMs: 0,
        },
      },
    }),
  });
  return { id, status: res.status, body: await res.json() };
}

const actions = (id: string) => (receiver.messages.get(id) ?? []).map((m) => m.action);
const completed = (id: string) => actions(id).includes('complete');

describe('the HTTP callback protocol', () => {
  it('answers at once, then sends check, each state of the run in order, and complete', async () => {
    const run = await startRun(gw, world, world.dataSources[0]!.id);
    const { id, status, body } = await subscribe(gw, RUN_SUB, { d: world.domainId, r: run.runId });
    expect(status).toBe(200);
    expect(body).toEqual({ data: null });
    await eventually(() => actions(id).includes('next'), 'the first state');
    await advanceUntil(gw, () => completed(id), 60_000, 'the run’s terminal state');

    const messages = receiver.messages.get(id)!;
    for (const m of messages)
      expect(m).toMatchObject({ kind: 'subscription', id, verifier: `verifier-${id}` });
    expect(actions(id)[0]).toBe('check');
    expect(actions(id).at(-1)).toBe('complete');
    expect(messages.at(-1)!.errors).toBeUndefined();
    const states = messages
      .filter((m) => m.action === 'next')
      .map((m) => m.payload!.data.dataSourceRunChanged);
    expect(states[0]).toMatchObject({
      id: run.id,
      status: 'QUEUED',
      dataSource: { name: world.dataSources[0]!.name },
    });
    expectOrderedToTerminal(states);
    await eventually(() => gw.gateway.live.stats.pollers === 0, 'the poller to stop');
  });

  it('completes with the funneled NOT_FOUND when the run does not exist', async () => {
    const { id, status } = await subscribe(gw, RUN_SUB, { d: world.domainId, r: 'no-such-run' });
    expect(status).toBe(200);
    await eventually(() => completed(id), 'complete');
    const last = receiver.messages.get(id)!.at(-1)!;
    const errors = last.errors ?? last.payload?.errors ?? [];
    expect(errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    ]);
    for (const e of errors) expect(e.extensions).not.toHaveProperty('stacktrace');
  });

  it('stops watching when the router ends the subscription (404 to a message)', async () => {
    const run = await startRun(gw, world, world.dataSources[1]!.id);
    const { id } = await subscribe(gw, RUN_SUB, { d: world.domainId, r: run.runId });
    await eventually(() => actions(id).includes('next'), 'the first state');
    expect(gw.gateway.live.stats.pollers).toBe(1);
    receiver.ended.add(id);
    // The next change is answered 404: Loadgraph drops the subscription and its poller.
    await advanceUntil(gw, () => gw.gateway.live.stats.pollers === 0, 60_000, 'the poller to stop');
    expect(completed(id)).toBe(false);
  });

  it('refuses a callback URL outside SUBSCRIPTION_CALLBACK_URLS with 400, calling nothing', async () => {
    const run = await startRun(gw, world, world.dataSources[0]!.id);
    const elsewhere = receiver.url.replace('/callback', '/elsewhere');
    const { id, status, body } = await subscribe(
      gw,
      RUN_SUB,
      { d: world.domainId, r: run.runId },
      `${elsewhere}/x`,
    );
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(receiver.messages.has(id)).toBe(false);
    expect(receiver.messages.has('x')).toBe(false);
  });

  it('refuses the callback extension on a query', async () => {
    const { status, body } = await subscribe(gw, `{ __typename }`, {});
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('is off on a gateway without SUBSCRIPTION_CALLBACK_URLS', async () => {
    const off = await startLiveGateway(cleanup);
    const run = await startRun(off, await liveWorld(off), world.dataSources[0]!.id);
    const { id, status, body } = await subscribe(off, RUN_SUB, { d: world.domainId, r: run.runId });
    expect(status).toBe(400);
    expect(body.errors[0].message).toContain('SUBSCRIPTION_CALLBACK_URLS');
    expect(receiver.messages.has(id)).toBe(false);
  });
});
