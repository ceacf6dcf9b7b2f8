/**
 * AWS enums are open: a stub upstream in front of the emulator answers values the gateway has never
 * seen (a CANCELLED run, a new event type, a new operation type...). Over HTTP and over a subscription the
 * object still resolves: the typed field is null, the raw value is in its `*Raw` field (or
 * `upstreamStatus`), a load's `status` is UNKNOWN and it is not terminal, so it is still polled. Each
 * value is logged once at warn and counted in a metric; known values keep their typed enums.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_ENV,
  createCleanup,
  field,
  liveWorld,
  sendDatasetEvent,
  sseClient,
  watch,
  wsClient,
  type LiveWorld,
} from '../helpers/live.js';
import { path, startStubbedGateway, type StubbedGateway } from '../helpers/stubUpstream.js';

const RUN_FIELDS = `runId status upstreamStatus runStatus terminal type typeRaw
  errorMessage { errorType errorTypeRaw errorDetail }`;
const RUN = `query($d: ID!, $r: ID!) { dataSourceRun(domainIdentifier: $d, identifier: $r) { ${RUN_FIELDS} } }`;
const RUN_CHANGED = `subscription($d: ID!, $r: ID!) { dataSourceRunChanged(domainIdentifier: $d, identifier: $r) { ${RUN_FIELDS} } }`;
const EVENT_FIELDS = `eventId status upstreamStatus terminal eventType eventTypeRaw
  datasetTargetDetails { operationType operationTypeRaw datasetLoadExecution { status statusRaw } }`;
const EVENT = `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) { ${EVENT_FIELDS} } }`;
const EXECUTION = `query($i: ID!, $e: ID!) { flowExecution(instanceId: $i, flowName: "sales-orders-ingest", executionId: $e) {
  status upstreamStatus executionStatus terminal sourceInfo { sourceType sourceTypeRaw } } }`;

const isGetRun = path(/\/data-source-runs\/[^/?]+$/);
const isGetEvent = path(/\/data-integration-events\/[^/?]+$/);
const isListEvents = path(/\/data-integration-events(\?|$)/);
const isGetExecution = path(/\/executions\/[^/?]+$/);

const cleanup = createCleanup();
const logLines: any[] = [];
let gw: StubbedGateway;
let world: LiveWorld;
let runId: string;
let executionId: string;
let dataset: { eventId: string; id: string };

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  gw = await startStubbedGateway(
    { ...LIVE_ENV, TERMINAL_CACHE_MAX: '0' },
    { logger: pino({ level: 'warn' }, sink) },
  );
  cleanup.add(() => gw.stop());
  world = await liveWorld(gw);
  const res = await gw.data(
    `query($i: ID!, $d: ID!, $s: ID!) {
       flowExecutions(instanceId: $i, flowName: "sales-orders-ingest", first: 1) { nodes { executionId } }
       dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 1) { nodes { runId } } }`,
    { i: world.instanceId, d: world.domainId, s: world.dataSources[1]!.id },
  );
  executionId = res.flowExecutions.nodes[0].executionId;
  runId = res.dataSourceRuns.nodes[0].runId;
  dataset = await sendDatasetEvent(gw, world);
});

afterEach(() => gw.stub.clear());
afterAll(() => cleanup.run());

/** The AWS answer of GetDataSourceRun with a status, a run type and an error type AWS might add. */
const cancelledRun = (body: any) => ({
  ...body,
  status: 'CANCELLED',
  type: 'ON_DEMAND',
  errorMessage: { errorType: 'QUOTA_RESET_EXCEPTION', errorDetail: 'stopped by the owner' },
});

const warnings = (value: string) => logLines.filter((l) => l.level === 40 && l.value === value);

describe('a data source run with a status, a run type and an error type the gateway does not know', () => {
  it('resolves with UNKNOWN status, null typed fields, raw values, not terminal', async () => {
    gw.stub.use({ match: isGetRun, rewrite: cancelledRun });
    const res = await gw.query(RUN, { d: world.domainId, r: runId });
    expect(res.errors).toBeUndefined();
    expect(res.data.dataSourceRun).toEqual({
      runId,
      status: 'UNKNOWN',
      upstreamStatus: 'CANCELLED',
      runStatus: null,
      terminal: false,
      type: null,
      typeRaw: 'ON_DEMAND',
      errorMessage: {
        errorType: null,
        errorTypeRaw: 'QUOTA_RESET_EXCEPTION',
        errorDetail: 'stopped by the owner',
      },
    });
  });

  it('logs each value once at warn and counts every time it is served', async () => {
    gw.stub.use({ match: isGetRun, rewrite: cancelledRun });
    await gw.query(RUN, { d: world.domainId, r: runId });
    await gw.query(RUN, { d: world.domainId, r: runId });
    expect(warnings('CANCELLED')).toHaveLength(1);
    expect(warnings('CANCELLED')[0]).toMatchObject({ enum: 'DataSourceRunStatus', component: 'upstream' });
    expect(warnings('CANCELLED')[0].msg).toMatch(/does not know yet/);
    expect(warnings('ON_DEMAND')).toHaveLength(1);
    const metrics = await (await fetch(gw.url.replace(/\/graphql$/, '/metrics'))).text();
    const sample = (labels: string) =>
      Number(
        new RegExp(`^loadgraph_upstream_unknown_enum_values_total\\{${labels}\\} (\\d+)$`, 'm').exec(
          metrics,
        )?.[1],
      );
    // Once per query so far (three): runStatus and the normalized status show the same upstream value.
    expect(sample('enum="DataSourceRunStatus",value="CANCELLED"')).toBe(3);
    expect(sample('enum="DataSourceRunType",value="ON_DEMAND"')).toBe(3);
    expect(sample('enum="DataSourceErrorType",value="QUOTA_RESET_EXCEPTION"')).toBe(3);
  });

  for (const transport of ['WebSocket', 'SSE'] as const) {
    it(`is delivered over a ${transport} subscription as UNKNOWN and still polled until AWS answers a known status`, async () => {
      const remove = gw.stub.use({ match: isGetRun, rewrite: cancelledRun });
      const client = transport === 'WebSocket' ? wsClient(gw, cleanup) : sseClient(gw, cleanup);
      const sub = watch(client, RUN_CHANGED, { d: world.domainId, r: runId });
      const first = field(await sub.until((p) => field(p)?.status === 'UNKNOWN', 'the UNKNOWN run'));
      expect(first).toMatchObject({
        status: 'UNKNOWN',
        upstreamStatus: 'CANCELLED',
        runStatus: null,
        terminal: false,
      });
      // Not terminal: the hub keeps polling it.
      const polled = gw.stub.count(isGetRun);
      await gw.stub.received(polled + 3, isGetRun);
      expect(sub.payloads.every((p) => p.errors === undefined)).toBe(true);
      // AWS answers the real (terminal) status again: the subscription gets it and completes.
      remove();
      const last = field(await sub.until((p) => field(p)?.terminal === true, 'the terminal run'));
      expect(last.runStatus).toBe(last.upstreamStatus);
      expect((await sub.end()).kind).toBe('complete');
    });
  }
});

describe('an integration event with an event type, operation type and load status the gateway does not know', () => {
  const newEvent = (event: any) => ({
    ...event,
    eventType: 'scn.data.carbonfootprint',
    ...(event.datasetTargetDetails
      ? {
          datasetTargetDetails: {
            ...event.datasetTargetDetails,
            operationType: 'MERGE',
            datasetLoadExecution: { ...event.datasetTargetDetails.datasetLoadExecution, status: 'CANCELLED' },
          },
        }
      : {}),
  });

  it('resolves with null typed fields, the raw values, UNKNOWN status, not terminal', async () => {
    gw.stub.use({ match: isGetEvent, rewrite: (body) => ({ ...body, event: newEvent(body.event) }) });
    const res = await gw.query(EVENT, { i: world.instanceId, e: dataset.eventId });
    expect(res.errors).toBeUndefined();
    expect(res.data.dataIntegrationEvent).toEqual({
      eventId: dataset.eventId,
      status: 'UNKNOWN',
      upstreamStatus: 'CANCELLED',
      terminal: false,
      eventType: null,
      eventTypeRaw: 'scn.data.carbonfootprint',
      datasetTargetDetails: {
        operationType: null,
        operationTypeRaw: 'MERGE',
        datasetLoadExecution: { status: null, statusRaw: 'CANCELLED' },
      },
    });
    expect(warnings('scn.data.carbonfootprint')[0]).toMatchObject({ enum: 'DataIntegrationEventType' });
    // The load status is one upstream value, shown by status and by datasetLoadExecution.status: counted once.
    const metrics = await (await fetch(gw.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(
      /^loadgraph_upstream_unknown_enum_values_total\{enum="DatasetLoadStatus",value="CANCELLED"\} 1$/m,
    );
  });

  it('stays in a list, its neighbours keeping their typed values', async () => {
    gw.stub.use({
      match: isListEvents,
      rewrite: (body) => ({
        ...body,
        events: body.events.map((e: any, i: number) => (i === 0 ? newEvent(e) : e)),
      }),
    });
    const res = await gw.query(
      `query($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 3) { nodes { eventType eventTypeRaw } } }`,
      { i: world.instanceId },
    );
    expect(res.errors).toBeUndefined();
    const [first, ...rest] = res.data.dataIntegrationEvents.nodes;
    expect(first).toEqual({ eventType: null, eventTypeRaw: 'scn.data.carbonfootprint' });
    for (const node of rest) {
      expect(node.eventType).toMatch(/^[A-Z_]+$/);
      expect(node.eventTypeRaw).toMatch(/^scn\.data\./);
    }
  });

  it('answers known values with their typed enums and raw values side by side', async () => {
    const res = await gw.data(EVENT, { i: world.instanceId, e: dataset.eventId });
    expect(res.dataIntegrationEvent).toMatchObject({
      eventType: 'DATASET',
      eventTypeRaw: 'scn.data.dataset',
      datasetTargetDetails: { operationType: 'APPEND', operationTypeRaw: 'APPEND' },
    });
  });
});

describe('a flow execution with a status and a source type the gateway does not know', () => {
  it('resolves with UNKNOWN status, executionStatus null and the raw values', async () => {
    gw.stub.use({
      match: isGetExecution,
      rewrite: (body) => ({
        ...body,
        flowExecution: {
          ...body.flowExecution,
          status: 'PAUSED',
          sourceInfo: { ...body.flowExecution.sourceInfo, sourceType: 'KINESIS' },
        },
      }),
    });
    const res = await gw.query(EXECUTION, { i: world.instanceId, e: executionId });
    expect(res.errors).toBeUndefined();
    expect(res.data.flowExecution).toEqual({
      status: 'UNKNOWN',
      upstreamStatus: 'PAUSED',
      executionStatus: null,
      terminal: false,
      sourceInfo: { sourceType: null, sourceTypeRaw: 'KINESIS' },
    });
  });
});
