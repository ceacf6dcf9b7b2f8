/**
 * Shared helpers of the live-subscription tests: fast poll settings, deferreds, a cleanup stack for
 * `afterAll`, graphql-ws and graphql-sse clients, and `watch`, which records one subscription's payloads
 * and lets a test await them. Every wait is on an event or a condition with a deadline, never a sleep.
 */
import { randomUUID } from 'node:crypto';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient, type ClientOptions } from 'graphql-ws';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from './gateway.js';

/** Settings that make the hub poll every 20 ms with no jitter, no budget, and short backoff. */
export const LIVE_ENV: Readonly<Record<string, string>> = Object.freeze({
  LIVE_POLL_EVENT_MS: '20',
  LIVE_POLL_FLOW_EXECUTION_MS: '20',
  LIVE_POLL_DATA_SOURCE_RUN_MS: '20',
  LIVE_POLL_STARTED_MS: '20',
  LIVE_POLL_JITTER: '0',
  LIVE_MAX_BACKOFF_MS: '200',
  LIVE_MAX_POLLS_PER_SECOND: '100000',
});

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  readonly settled: boolean;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  let settled = false;
  const promise = new Promise<T>((res, rej) => {
    resolve = (v) => ((settled = true), res(v));
    reject = (e) => ((settled = true), rej(e));
  });
  promise.catch(() => undefined);
  return {
    promise,
    resolve,
    reject,
    get settled() {
      return settled;
    },
  };
}

/** Rejects with a message naming `what` if `promise` has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `check` holds (checked every few ms); rejects naming `what` after `ms`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string | (() => string),
  ms = 5_000,
): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A stack of disposers run in reverse order; register `run` with `afterAll`. */
export function createCleanup() {
  const disposers: (() => unknown)[] = [];
  return {
    add<T extends () => unknown>(dispose: T): T {
      disposers.push(dispose);
      return dispose;
    },
    async run(): Promise<void> {
      for (const dispose of disposers.splice(0).reverse()) await dispose();
    },
  };
}
export type Cleanup = ReturnType<typeof createCleanup>;

/** Creates `count` running loads under one parent through the emulator's scene route; their ids. */
export async function scene(gw: TestGateway, spec: Record<string, unknown>): Promise<string[]> {
  const res = await fetch(`${gw.emulator}/_emulator/scene`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { ids: string[] }).ids;
}

export const wsUrl = (gw: TestGateway): string => gw.url.replace(/^http/, 'ws');
export const sseUrl = (gw: TestGateway): string => `${gw.url}/stream`;

/** The common fields of a load, and two subscriptions selecting them, shared by the transport suites. */
const LOAD_FIELDS = `id kind status upstreamStatus terminal`;
export const EVENT_CHANGED_SUB = `subscription($i: ID!, $e: ID!) { dataIntegrationEventChanged(instanceId: $i, eventId: $e) {
  ${LOAD_FIELDS} eventId dataset { name } } }`;
export const LOADS_CHANGED_SUB = `subscription($ids: [ID!]!) { loadsChanged(ids: $ids) { ${LOAD_FIELDS} } }`;

/** The graphql-ws subprotocol. */
export const GRAPHQL_WS_PROTOCOL = 'graphql-transport-ws';

/** A bare WebSocket to the gateway (no graphql-ws client), for protocol-level tests. */
export interface RawSocket {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The next message the server sends, parsed. */
  next(): Promise<any>;
  /** Sends `message`: a string as is, anything else as JSON. */
  send(message: unknown): void;
}

/**
 * Opens a bare WebSocket to the gateway asking for `protocol` (none when null), closed by `cleanup`;
 * `onText` sees every message's text before it is parsed.
 */
export function rawSocket(
  gw: TestGateway,
  cleanup: Cleanup,
  protocol: string | null = GRAPHQL_WS_PROTOCOL,
  options: WebSocket.ClientOptions = {},
  onText?: (text: string) => void,
): RawSocket {
  const socket = protocol ? new WebSocket(wsUrl(gw), protocol, options) : new WebSocket(wsUrl(gw), options);
  cleanup.add(() => socket.terminate());
  const opened = deferred();
  const closed = deferred<{ code: number; reason: string }>();
  const messages: any[] = [];
  const waiting: ((m: any) => void)[] = [];
  socket.on('open', () => opened.resolve());
  socket.on('error', () => undefined);
  socket.on('close', (code, reason) => closed.resolve({ code, reason: reason.toString() }));
  socket.on('message', (data) => {
    const text = data.toString();
    onText?.(text);
    const message = JSON.parse(text);
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  return {
    socket,
    opened: within(opened.promise, 5_000, 'the socket to open'),
    closed: within(closed.promise, 5_000, 'the socket to close'),
    next: () =>
      messages.length > 0
        ? Promise.resolve(messages.shift())
        : within(new Promise((resolve) => waiting.push(resolve)), 5_000, 'a message'),
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
  };
}

/** A graphql-ws client of the gateway, disposed by `cleanup`. */
export function wsClient(gw: TestGateway, cleanup: Cleanup, options: Partial<ClientOptions> = {}): WsClient {
  const client = createWsClient({ url: wsUrl(gw), webSocketImpl: WebSocket, retryAttempts: 0, ...options });
  cleanup.add(() => client.dispose());
  return client;
}

/** A graphql-sse client of the gateway (a connection per operation), disposed by `cleanup`. */
export function sseClient(gw: TestGateway, cleanup: Cleanup): SseClient {
  const client = createSseClient({ url: sseUrl(gw), fetchFn: fetch, retryAttempts: 0 });
  cleanup.add(() => client.dispose());
  return client;
}

/** How a subscription ended: `complete`, or `error` with what the client's sink got. */
export type Ending = { readonly kind: 'complete' } | { readonly kind: 'error'; readonly error: unknown };

interface Subscribable {
  subscribe(
    payload: { query: string; variables?: Record<string, unknown> },
    sink: { next(value: any): void; error(error: unknown): void; complete(): void },
  ): () => void;
}

/** One subscription as a test sees it. */
export interface Watch {
  /** Every `next` payload, in arrival order. */
  readonly payloads: any[];
  /** Resolves when the subscription completes or errors (never rejects). */
  readonly ended: Promise<Ending>;
  /** The first payload for which `predicate` holds (one already received counts); fails after `ms`. */
  until(predicate: (payload: any) => boolean, what: string, ms?: number): Promise<any>;
  /** Resolves when at least `count` payloads have arrived. */
  count(count: number, ms?: number): Promise<void>;
  /** Ends when the subscription has ended; fails after `ms`. */
  end(ms?: number): Promise<Ending>;
  unsubscribe(): void;
}

/** Subscribes with `client` and records what arrives. */
export function watch(client: Subscribable, query: string, variables?: Record<string, unknown>): Watch {
  const payloads: any[] = [];
  const ended = deferred<Ending>();
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const unsubscribe = client.subscribe(variables ? { query, variables } : { query }, {
    next: (value) => (payloads.push(value), notify()),
    error: (error) => (ended.resolve({ kind: 'error', error }), notify()),
    complete: () => (ended.resolve({ kind: 'complete' }), notify()),
  });
  const waitFor = <T>(found: () => T | undefined, what: string, ms: number): Promise<T> => {
    const done = deferred<T>();
    const check = () => {
      const value = found();
      if (value !== undefined) done.resolve(value);
      else if (ended.settled) done.reject(new Error(`subscription ended before ${what}`));
    };
    waiters.add(check);
    check();
    return within(done.promise, ms, what).finally(() => waiters.delete(check));
  };
  return {
    payloads,
    ended: ended.promise,
    until: (predicate, what, ms = 5_000) =>
      waitFor(() => payloads.find(predicate) as unknown, `a payload with ${what}`, ms),
    count: (count, ms = 5_000) =>
      waitFor(() => (payloads.length >= count ? true : undefined), `${count} payloads`, ms).then(() => {}),
    end: (ms = 5_000) => within(ended.promise, ms, 'the end of the subscription'),
    unsubscribe,
  };
}

/** The field value of a `data` payload (`{ data: { [field]: value } }`). */
export const field = (payload: any): any => (payload?.data ? Object.values(payload.data)[0] : undefined);

/** Total polls the gateway's hub has finished, whatever their outcome. */
export const hubPolls = (gw: TestGateway): number =>
  Object.values(gw.gateway.live.stats.polls).reduce((a, b) => a + b, 0);

/** Waits until the hub has finished `count` more polls than now. */
export async function morePolls(gw: TestGateway, count: number, ms = 5_000): Promise<void> {
  const target = hubPolls(gw) + count;
  await eventually(() => hubPolls(gw) >= target, `${count} more hub polls`, ms);
}

/**
 * Moves the emulator's clock in `stepMs` steps until `done()` holds, letting every active poller poll
 * (twice, so at least one poll started after the step) between steps.
 */
export async function advanceUntil(
  gw: TestGateway,
  done: () => boolean,
  stepMs: number,
  what: string,
  maxSteps = 50,
): Promise<void> {
  for (let step = 0; !done(); step++) {
    if (step === maxSteps) throw new Error(`${what} did not happen within ${maxSteps} clock steps`);
    await gw.advance(stepMs);
    const target = hubPolls(gw) + 2 * Math.max(1, gw.gateway.live.stats.pollers);
    await eventually(() => done() || hubPolls(gw) >= target, `the polls after clock step ${step + 1}`);
  }
}

/** Rank of a `LoadStatus` in a load's life: a status sequence never goes down. */
export const STATUS_RANK: Readonly<Record<string, number>> = {
  QUEUED: 0,
  RUNNING: 1,
  UNKNOWN: 2,
  SUCCEEDED: 2,
  PARTIALLY_SUCCEEDED: 2,
  FAILED: 2,
};

/** The sequence of distinct-by-JSON payloads (duplicates show as a shorter array). */
export const distinct = (values: readonly unknown[]): unknown[] => [
  ...new Map(values.map((v) => [JSON.stringify(v), v])).values(),
];

/** Starts a gateway with {@link LIVE_ENV} (plus `env`), stopped by `cleanup`. */
export async function startLiveGateway(
  cleanup: Cleanup,
  env: Record<string, string> = {},
): Promise<TestGateway> {
  const gw = await startTestGateway({ ...LIVE_ENV, ...env });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= gw.stop());
  cleanup.add(stop);
  return { ...gw, stop };
}

/** The seeded ids the live tests use. */
export interface LiveWorld {
  readonly instanceId: string;
  readonly domainId: string;
  /** The data sources of the first domain: `{ id, name }`. */
  readonly dataSources: readonly { readonly id: string; readonly name: string }[];
  /** ARN of `default/carrier_tracking` in the first instance. */
  readonly trackingArn: string;
}

export async function liveWorld(gw: TestGateway): Promise<LiveWorld> {
  const world = await gw.world();
  const instanceId: string = world.supplychain.instances[0].instanceId;
  const domain = world.datazone.domains[0];
  const res = await gw.query(
    `query($i: ID!) { dataLakeDataset(instanceId: $i, namespace: "default", name: "carrier_tracking") { arn } }`,
    { i: instanceId },
  );
  return {
    instanceId,
    domainId: domain.domainId,
    dataSources: domain.dataSources,
    trackingArn: res.data.dataLakeDataset.arn,
  };
}

/** Runs a GraphQL operation over HTTP and returns its data, failing on any error. */
export function data(gw: TestGateway, query: string, variables?: Record<string, unknown>): Promise<any> {
  return gw.data(query, variables);
}

/** Sends a DATASET event with one valid `carrier_tracking` record; returns `{ eventId, id }` (global id). */
export async function sendDatasetEvent(
  gw: TestGateway,
  world: LiveWorld,
): Promise<{ eventId: string; id: string }> {
  const { sendEvent } = await data(
    gw,
    `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId event { id } } }`,
    {
      input: {
        instanceId: world.instanceId,
        eventType: 'DATASET',
        data: JSON.stringify({ tracking_number: '1Z999AA10123456784', event_ts: '2025-01-03T10:00:00Z' }),
        eventGroupId: `group-${randomUUID()}`,
        datasetTarget: { datasetIdentifier: world.trackingArn, operationType: 'APPEND' },
      },
    },
  );
  return { eventId: sendEvent.eventId, id: sendEvent.event.id };
}

/** Starts a run of a data source of the first domain; returns `{ id, runId, status }`. */
export async function startRun(
  gw: TestGateway,
  world: LiveWorld,
  dataSourceId: string,
): Promise<{ id: string; runId: string; status: string }> {
  const { startDataSourceRun } = await data(
    gw,
    `mutation($d: ID!, $s: ID!) { startDataSourceRun(domainIdentifier: $d, dataSourceIdentifier: $s) { id runId status } }`,
    { d: world.domainId, s: dataSourceId },
  );
  return startDataSourceRun;
}

/** One load's states are in status order, never repeated, and only the last is terminal. */
export function expectOrderedToTerminal(values: readonly any[]): void {
  const ranks = values.map((v) => STATUS_RANK[v.status]);
  expect(ranks).toEqual([...ranks].sort((a, b) => a! - b!));
  expect(distinct(values)).toHaveLength(values.length);
  expect(values.map((v) => v.terminal)).toEqual(values.map((_, i) => i === values.length - 1));
}
