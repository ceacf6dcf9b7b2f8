/**
 * Upstream timeouts hold: a stub upstream in front of the emulator holds requests without answering, and
 * every upstream call of both clients (our Supply Chain client and the DataZone SDK) is cut at
 * UPSTREAM_TIMEOUT_MS, retried under the standard strategy, and answered as UPSTREAM_TIMEOUT. A
 * `sendEvent` whose answer never came says which clientToken it used, and a retry with it is safe. The
 * live hub rides out a timing-out upstream as a transient failure.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCleanup, liveWorld, watch, wsClient, type LiveWorld } from '../helpers/live.js';
import { LIVE_ENV } from '../helpers/live.js';
import { path, startStubbedGateway, type StubbedGateway } from '../helpers/stubUpstream.js';

const ATTEMPTS = 2;
const EVENT = `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) { eventId status } }`;
const RUN = `query($d: ID!, $r: ID!) { dataSourceRun(domainIdentifier: $d, identifier: $r) { runId status } }`;
const SEND = `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId clientToken } }`;
const RUN_CHANGED = `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) { runId status terminal } }`;

const isGetEvent = path(/\/data-integration-events\/[^/?]+$/);
const isSendEvent = (req: { method: string; path: string }) =>
  req.method === 'POST' && /\/data-integration-events$/.test(req.path);
const isGetRun = path(/\/data-source-runs\/[^/?]+$/);

const cleanup = createCleanup();
let gw: StubbedGateway;
let world: LiveWorld;
let eventId: string;
let runId: string;

beforeAll(async () => {
  gw = await startStubbedGateway({
    ...LIVE_ENV,
    UPSTREAM_TIMEOUT_MS: '300',
    UPSTREAM_MAX_ATTEMPTS: String(ATTEMPTS),
    TERMINAL_CACHE_MAX: '0',
    LIVE_FAILURE_TOLERANCE_MS: '60000',
  });
  cleanup.add(() => gw.stop());
  world = await liveWorld(gw);
  const res = await gw.data(
    `query($i: ID!, $d: ID!, $s: ID!) {
       dataIntegrationEvents(instanceId: $i, first: 1) { nodes { eventId } }
       dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 1) { nodes { runId } } }`,
    { i: world.instanceId, d: world.domainId, s: world.dataSources[1]!.id },
  );
  eventId = res.dataIntegrationEvents.nodes[0].eventId;
  runId = res.dataSourceRuns.nodes[0].runId;
});

afterEach(() => gw.stub.clear());
afterAll(() => cleanup.run());

describe('a hung upstream call', () => {
  it('is cut and retried on the Supply Chain client, then answers UPSTREAM_TIMEOUT', async () => {
    gw.stub.use({ match: isGetEvent, hang: 'request' });
    const before = gw.stub.count(isGetEvent);
    const res = await gw.query(EVENT, { i: world.instanceId, e: eventId });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ dataIntegrationEvent: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.message).toBe('the upstream service did not answer in time; retry later');
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      awsErrorName: 'TimeoutError',
      awsOperation: 'GetDataIntegrationEvent',
    });
    // Every attempt reached the upstream, and the gateway closed each one it gave up on.
    expect(gw.stub.count(isGetEvent) - before).toBe(ATTEMPTS);
    await gw.stub.abandoned(ATTEMPTS);
  });

  it('is cut and retried on the DataZone SDK client, then answers UPSTREAM_TIMEOUT', async () => {
    gw.stub.use({ match: isGetRun, hang: 'request' });
    const before = gw.stub.count(isGetRun);
    const res = await gw.query(RUN, { d: world.domainId, r: runId });
    expect(res.data).toEqual({ dataSourceRun: null });
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      awsOperation: 'GetDataSourceRun',
    });
    expect(gw.stub.count(isGetRun) - before).toBe(ATTEMPTS);
  });

  it('is cut when the answer starts and its body stalls', async () => {
    gw.stub.use({ match: isGetRun, hang: 'body' });
    const before = gw.stub.count(isGetRun);
    const res = await gw.query(RUN, { d: world.domainId, r: runId });
    expect(res.data).toEqual({ dataSourceRun: null });
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      awsOperation: 'GetDataSourceRun',
    });
    expect(gw.stub.count(isGetRun) - before).toBe(ATTEMPTS);
  });

  it('recovers on a retry when only the first attempt hangs', async () => {
    gw.stub.use({ match: isGetEvent, hang: 'request', times: 1 });
    const before = gw.stub.count(isGetEvent);
    const res = await gw.query(EVENT, { i: world.instanceId, e: eventId });
    expect(res.errors).toBeUndefined();
    expect(res.data.dataIntegrationEvent.eventId).toBe(eventId);
    expect(gw.stub.count(isGetEvent) - before).toBe(2);
  });
});

describe('a sendEvent whose answer never comes', () => {
  const input = () => ({
    instanceId: world.instanceId,
    eventType: 'FORECAST',
    data: '{"product_id":"P1","site_id":"S1"}',
    eventGroupId: `group-${randomUUID()}`,
  });

  it('answers UPSTREAM_TIMEOUT with the clientToken it used, and a retry with it records the event once', async () => {
    const sent = input();
    // The upstream records the event, but its answer is lost on every attempt.
    gw.stub.use({ match: isSendEvent, hang: 'response', times: ATTEMPTS });
    const eventsBefore = (await gw.world()).supplychain.instances[0].eventCount;
    const failed = await gw.query(SEND, { input: sent });
    expect(failed.data).toBeNull();
    const error = failed.errors![0]!;
    const token: string = error.extensions!['clientToken'];
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      awsOperation: 'SendDataIntegrationEvent',
    });
    expect(error.message).toContain(`retry with clientToken "${token}"`);

    const retried = await gw.data(SEND, { input: { ...sent, clientToken: token } });
    expect(retried.sendEvent.clientToken).toBe(token);
    expect((await gw.world()).supplychain.instances[0].eventCount).toBe(eventsBefore + 1);
  });

  it('names the caller’s own clientToken', async () => {
    gw.stub.use({ match: isSendEvent, hang: 'request', times: ATTEMPTS });
    const clientToken = `token-${randomUUID()}`;
    const failed = await gw.query(SEND, { input: { ...input(), clientToken } });
    expect(failed.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', clientToken });
  });
});

describe('the live hub', () => {
  it('treats a timing-out upstream as transient: no error reaches the subscriber, and polling goes on', async () => {
    const client = wsClient(gw, cleanup);
    const polled = gw.stub.count(isGetRun);
    const failedPolls = gw.gateway.live.stats.polls.failed;
    // The next four polls hang (two attempts each), then the upstream answers again.
    gw.stub.use({ match: isGetRun, hang: 'request', times: 4 * ATTEMPTS });
    const sub = watch(client, RUN_CHANGED, { d: world.domainId, r: runId });
    await gw.stub.received(polled + 4 * ATTEMPTS + 1, isGetRun);
    const first = await sub.until((p) => p.data?.dataSourceRunChanged, 'the run');
    expect(first.errors).toBeUndefined();
    expect(first.data.dataSourceRunChanged.runId).toBe(runId);
    // Each hung poll counted as a failed poll and was retried after a backoff, not surfaced.
    expect(gw.gateway.live.stats.polls.failed - failedPolls).toBeGreaterThanOrEqual(4);
    expect(sub.payloads.every((p) => p.errors === undefined)).toBe(true);
    sub.unsubscribe();
  });
});
