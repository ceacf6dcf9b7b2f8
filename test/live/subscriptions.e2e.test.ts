/**
 * The live subscriptions end to end over graphql-ws: each kind of load followed from its current state to
 * a terminal one as the emulator's clock advances (in order, never twice, then complete), `loadsChanged`
 * over mixed kinds, NOT_FOUND and bad arguments, joining an already-watched load, and the `...Started`
 * announcements. Each block has its own gateway, so the clock and the hub's counters are its own.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import {
  advanceUntil,
  createCleanup,
  data,
  expectOrderedToTerminal,
  eventually,
  field,
  liveWorld,
  sendDatasetEvent,
  startLiveGateway,
  startRun,
  watch,
  wsClient,
  type LiveWorld,
  type Watch,
} from '../helpers/live.js';

const LOAD = `id kind status upstreamStatus terminal message`;
const EVENT_SUB = `subscription($i: ID!, $e: ID!) { dataIntegrationEventChanged(instanceId: $i, eventId: $e) {
  ${LOAD} eventId eventType datasetTargetDetails { datasetLoadExecution { status } } dataset { name } instance { instanceId } } }`;
const RUN_SUB = `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) {
  ${LOAD} runId runStatus runStatisticsForAssets { added updated unchanged skipped failed } dataSource { name } } }`;
const EXECUTION_SUB = `subscription($i: ID!, $f: String!, $x: ID!) {
  flowExecutionChanged(instanceId: $i, flowName: $f, executionId: $x) { ${LOAD} executionId flow { name } } }`;
const LOADS_SUB = `subscription($ids: [ID!]!) { loadsChanged(ids: $ids) { ${LOAD} } }`;

const cleanup = createCleanup();
afterAll(() => cleanup.run());

/** A fresh gateway, its seeded ids and a graphql-ws client, for one describe block. */
async function setUp(): Promise<{ gw: TestGateway; world: LiveWorld; client: ReturnType<typeof wsClient> }> {
  const gw = await startLiveGateway(cleanup);
  return { gw, world: await liveWorld(gw), client: wsClient(gw, cleanup) };
}

/** The field values of a watch, asserting each payload is data without errors. */
function states(w: Watch): any[] {
  for (const p of w.payloads) expect(p.errors).toBeUndefined();
  return w.payloads.map(field);
}

/** In-progress seeded executions, `{ instanceId, flowName, executionId, id }`, of every flow of the world. */
async function runningExecutions(gw: TestGateway): Promise<any[]> {
  const world = await gw.world();
  const found: any[] = [];
  for (const instance of world.supplychain.instances) {
    for (const flowName of instance.flows) {
      const { flowExecutions } = await data(
        gw,
        `query($i: ID!, $f: String!) { flowExecutions(instanceId: $i, flowName: $f, first: 20) {
           nodes { id instanceId flowName executionId status } } }`,
        { i: instance.instanceId, f: flowName },
      );
      found.push(...flowExecutions.nodes.filter((x: any) => x.status === 'RUNNING'));
    }
  }
  return found;
}

describe('dataIntegrationEventChanged', () => {
  let env: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => void (env = await setUp()));

  it('follows a sent DATASET event from RUNNING to its terminal state, in order and once each, then completes', async () => {
    const { gw, world, client } = env;
    const { eventId } = await sendDatasetEvent(gw, world);
    const w = watch(client, EVENT_SUB, { i: world.instanceId, e: eventId });
    const first = field(await w.until(() => true, 'the current state'));
    expect(first).toMatchObject({
      status: 'RUNNING',
      upstreamStatus: 'IN_PROGRESS',
      terminal: false,
      eventId,
    });

    await advanceUntil(gw, () => w.payloads.some((p) => field(p)?.terminal), 5_000, 'the terminal state');
    expect(await w.end()).toEqual({ kind: 'complete' });
    const values = states(w);
    expectOrderedToTerminal(values);
    const last = values.at(-1);
    expect(['SUCCEEDED', 'FAILED']).toContain(last.status);
    expect(last.datasetTargetDetails.datasetLoadExecution.status).toBe(last.status);
    for (const v of values) {
      expect(v).toMatchObject({ id: first.id, kind: 'DATA_INTEGRATION_EVENT', eventType: 'DATASET' });
      expect(v.dataset).toEqual({ name: 'carrier_tracking' });
      expect(v.instance).toEqual({ instanceId: world.instanceId });
    }
  });

  it('delivers an event with no dataset load (FORECAST) once, UNKNOWN and terminal, then completes', async () => {
    const { gw, world, client } = env;
    const { sendEvent } = await data(
      gw,
      `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId } }`,
      {
        input: {
          instanceId: world.instanceId,
          eventType: 'FORECAST',
          data: '{"product_id":"P1","site_id":"S1"}',
          eventGroupId: `group-${randomUUID()}`,
        },
      },
    );
    const w = watch(client, EVENT_SUB, { i: world.instanceId, e: sendEvent.eventId });
    expect(await w.end()).toEqual({ kind: 'complete' });
    expect(states(w)).toEqual([
      expect.objectContaining({
        status: 'UNKNOWN',
        upstreamStatus: null,
        terminal: true,
        eventType: 'FORECAST',
        datasetTargetDetails: null,
        dataset: null,
      }),
    ]);
  });

  it('ends a subscription to an event that does not exist with a NOT_FOUND error payload', async () => {
    const { world, client } = env;
    const w = watch(client, EVENT_SUB, { i: world.instanceId, e: randomUUID() });
    expect(await w.end()).toEqual({ kind: 'complete' });
    expect(w.payloads).toEqual([
      { errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] },
    ]);
  });
  it('gives a NOT_FOUND from a poll the AWS error name and operation, as a query gets them', async () => {
    const { gw, world, client } = env;
    const eventId = randomUUID();
    const query = await gw.query(
      `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) { eventId } }`,
      { i: world.instanceId, e: eventId },
    );
    const contract = {
      code: 'NOT_FOUND',
      awsErrorName: 'ResourceNotFoundException',
      awsOperation: 'GetDataIntegrationEvent',
    };
    expect(query.errors![0]!.extensions).toMatchObject(contract);
    const w = watch(client, EVENT_SUB, { i: world.instanceId, e: eventId });
    await w.end();
    expect(w.payloads[0].errors[0].extensions).toMatchObject(contract);
  });
});

describe('dataSourceRunChanged', () => {
  let env: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => void (env = await setUp()));

  it('follows started runs from QUEUED through RUNNING to a terminal state; a SUCCESS one ends with its asset statistics', async () => {
    const { gw, world, client } = env;
    const runs = await Promise.all(world.dataSources.map((ds) => startRun(gw, world, ds.id)));
    const watches = runs.map((r) => watch(client, RUN_SUB, { d: world.domainId, r: r.runId }));
    await Promise.all(watches.map((w) => w.count(1)));
    await advanceUntil(
      gw,
      () => watches.every((w) => w.payloads.some((p) => field(p)?.terminal)),
      5_000,
      'every run to finish',
    );
    for (const [i, w] of watches.entries()) {
      expect(await w.end()).toEqual({ kind: 'complete' });
      const values = states(w);
      expectOrderedToTerminal(values);
      expect(values.slice(0, 2).map((v) => [v.status, v.upstreamStatus])).toEqual([
        ['QUEUED', 'REQUESTED'],
        ['RUNNING', 'RUNNING'],
      ]);
      for (const v of values)
        expect(v).toMatchObject({ id: runs[i]!.id, dataSource: { name: world.dataSources[i]!.name } });
    }
    const succeeded = watches.map((w) => states(w)).filter((values) => values.at(-1).runStatus === 'SUCCESS');
    expect(succeeded.length).toBeGreaterThan(0);
    for (const values of succeeded) {
      // A running run may change more than once (its statistics grow); its statuses go one way.
      const statuses = values.map((v) => v.status).filter((s, i, all) => s !== all[i - 1]);
      expect(statuses).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
      const stats = values.at(-1).runStatisticsForAssets;
      expect(stats).toMatchObject({ failed: 0 });
      expect(stats.added + stats.updated + stats.unchanged + stats.skipped).toBeGreaterThan(0);
    }
  });

  it('gives a new subscriber to an already-watched load its current state at once, from the same poller', async () => {
    const { gw, world, client } = env;
    const run = await startRun(gw, world, world.dataSources[0]!.id);
    const early = watch(client, RUN_SUB, { d: world.domainId, r: run.runId });
    await early.count(1);
    const { pollers, subscriptions } = gw.gateway.live.stats;
    // The clock is frozen: the run does not change, so only a replay of the last state can reach `late`.
    const late = watch(client, RUN_SUB, { d: world.domainId, r: run.runId });
    await late.count(1, 1_000);
    expect(late.payloads).toEqual(early.payloads);
    expect(field(late.payloads[0])).toMatchObject({ status: 'QUEUED', terminal: false });
    // Same document and variables: `late` joined the group of `early`, whose watch it shares.
    expect(gw.gateway.live.stats).toMatchObject({ pollers, subscriptions });
  });
});

describe('flowExecutionChanged', () => {
  let env: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => void (env = await setUp()));

  it('follows an in-progress seeded execution to its terminal state, with its flow', async () => {
    const { gw, client } = env;
    const [x] = await runningExecutions(gw);
    const w = watch(client, EXECUTION_SUB, { i: x.instanceId, f: x.flowName, x: x.executionId });
    expect(field(await w.until(() => true, 'the current state'))).toMatchObject({
      id: x.id,
      status: 'RUNNING',
      upstreamStatus: 'IN_PROGRESS',
      terminal: false,
    });
    await advanceUntil(gw, () => w.payloads.some((p) => field(p)?.terminal), 20_000, 'the terminal state');
    expect(await w.end()).toEqual({ kind: 'complete' });
    const values = states(w);
    expectOrderedToTerminal(values);
    expect(['SUCCEEDED', 'FAILED']).toContain(values.at(-1).status);
    for (const v of values)
      expect(v).toMatchObject({ executionId: x.executionId, flow: { name: x.flowName } });
  });
});

describe('loadsChanged', () => {
  let env: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => void (env = await setUp()));

  it('sends each load of mixed kinds at once, then their changes, and completes only when all are terminal', async () => {
    const { gw, world, client } = env;
    const event = await sendDatasetEvent(gw, world);
    const run = await startRun(gw, world, world.dataSources[1]!.id);
    const [execution] = await runningExecutions(gw);
    const ids = [event.id, execution.id, run.id];
    const w = watch(client, LOADS_SUB, { ids: [...ids, event.id] });
    await w.count(3);
    expect(
      states(w)
        .map((v) => v.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(
      states(w)
        .map((v) => v.kind)
        .sort(),
    ).toEqual(['DATA_INTEGRATION_EVENT', 'DATA_SOURCE_RUN', 'FLOW_EXECUTION']);

    const terminalIds = () =>
      new Set(
        states(w)
          .filter((v) => v.terminal)
          .map((v) => v.id),
      );
    await advanceUntil(gw, () => terminalIds().size === ids.length, 10_000, 'every load to finish');
    expect(await w.end()).toEqual({ kind: 'complete' });
    const values = states(w);
    for (const id of ids) expectOrderedToTerminal(values.filter((v) => v.id === id));
    // The first load to finish did not end the subscription: more payloads followed it.
    expect(values.findIndex((v) => v.terminal)).toBeLessThan(values.length - 1);
  });

  it('ends loadsChanged with a NOT_FOUND error payload when one of its loads does not exist', async () => {
    const { gw, world, client } = env;
    const [execution] = await runningExecutions(gw);
    const missing = Buffer.from(`DataSourceRun:${world.domainId}:nosuchrun123`).toString('base64url');
    const w = watch(client, LOADS_SUB, { ids: [execution.id, missing] });
    expect(await w.end()).toEqual({ kind: 'complete' });
    expect(w.payloads.at(-1)).toEqual({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })],
    });
  });
});

describe('argument checks', () => {
  let env: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => void (env = await setUp()));

  it('refuses malformed arguments with BAD_USER_INPUT naming them, creating no poller and calling no upstream', async () => {
    const { gw, world, client } = env;
    const validRun = Buffer.from(`DataSourceRun:${world.domainId}:somerun`).toString('base64url');
    const cases: [string, Record<string, unknown>, string][] = [
      [EVENT_SUB, { i: world.instanceId, e: 'not-a-uuid' }, 'eventId'],
      [EVENT_SUB, { i: world.instanceId.toUpperCase(), e: randomUUID() }, 'instanceId'],
      [EXECUTION_SUB, { i: world.instanceId, f: 'bad flow!', x: randomUUID() }, 'flowName'],
      [RUN_SUB, { d: 'domain-1', r: 'run1' }, 'domainIdentifier'],
      [LOADS_SUB, { ids: ['not a load id'] }, 'ids[0]'],
      [LOADS_SUB, { ids: [validRun, 'RGF0YTpvdGhlcg'] }, 'ids[1]'],
      [LOADS_SUB, { ids: [] }, 'ids'],
    ];
    await gw.resetCalls();
    for (const [query, variables, argument] of cases) {
      const w = watch(client, query, variables);
      expect(await w.end()).toEqual({ kind: 'complete' });
      expect(w.payloads).toEqual([
        {
          errors: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: argument } })],
        },
      ]);
      expect(gw.gateway.live.stats).toMatchObject({ pollers: 0, subscriptions: 0 });
    }
    expect(gw.gateway.live.stats.polls).toEqual({
      unchanged: 0,
      changed: 0,
      throttled: 0,
      failed: 0,
      notFound: 0,
    });
    expect(await gw.calls()).toEqual({});
  });
});

describe('flowExecutionsStarted and dataSourceRunsStarted', () => {
  let env: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => void (env = await setUp()));

  it('announces a data source run started after subscribing, with its data source, and none of the older runs', async () => {
    const { gw, world, client } = env;
    const ds = world.dataSources[2]!;
    const listCalls = async () => (await gw.calls())['ListDataSourceRuns'] ?? 0;
    const before = await listCalls();
    const w = watch(
      client,
      `subscription($d: ID!, $s: ID!) { dataSourceRunsStarted(domainIdentifier: $d, dataSourceIdentifier: $s) {
         ${LOAD} runId dataSource { name } } }`,
      { d: world.domainId, s: ds.id },
    );
    // Two list calls: the first (what already exists) has been answered.
    await eventually(async () => (await listCalls()) >= before + 2, 'the first polls of the run list');
    const run = await startRun(gw, world, ds.id);
    await w.until((p) => field(p)?.runId === run.runId, 'the new run');
    const seen = await listCalls();
    await eventually(async () => (await listCalls()) >= seen + 3, 'three more polls of the run list');
    expect(states(w)).toEqual([
      expect.objectContaining({
        id: run.id,
        runId: run.runId,
        status: 'QUEUED',
        dataSource: { name: ds.name },
      }),
    ]);
    expect(w.payloads).toHaveLength(1);
  });

  it('announces none of the executions a flow already had, and stays open', async () => {
    const { gw, world, client } = env;
    const listCalls = async () => (await gw.calls())['ListDataIntegrationFlowExecutions'] ?? 0;
    const before = await listCalls();
    const w = watch(
      client,
      `subscription($i: ID!, $f: String!) { flowExecutionsStarted(instanceId: $i, flowName: $f) { ${LOAD} } }`,
      { i: world.instanceId, f: 'erp-item-master-ingest' },
    );
    await eventually(async () => (await listCalls()) >= before + 2, 'the first polls of the execution list');
    await gw.advance(300_000);
    const seen = await listCalls();
    await eventually(async () => (await listCalls()) >= seen + 3, 'three more polls of the execution list');
    expect(w.payloads).toEqual([]);
    expect(await Promise.race([w.ended, 'open'])).toBe('open');
  });
});
