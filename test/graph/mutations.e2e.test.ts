/**
 * `sendEvent` and `sendEvents` end to end: every validation rule rejects before any upstream call, a
 * sent event is read lazily, client tokens make retries safe, and a DATASET event's load moves from
 * RUNNING to a terminal status as the emulator's clock advances. (`startDataSourceRun`:
 * mutations.runs.e2e.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATA_MAX_CHARS = 1_048_576;

const SEND = `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId clientToken } }`;
const SEND_AND_READ = `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId clientToken
  event { eventId instanceId eventType eventGroupId eventTimestamp status upstreamStatus terminal startedAt } } }`;
const EVENT = `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) {
  status upstreamStatus terminal message datasetTargetDetails { operationType datasetLoadExecution { status message } }
  dataset { namespace name } } }`;

let gw: TestGateway;
let instanceId: string;
/** ARN of `default/carrier_tracking` in the first instance, and of a dataset of the second instance. */
let trackingArn: string;
let foreignArn: string;

/** A valid non-dataset event with a fresh group, with `overrides`. */
const input = (overrides: Record<string, unknown> = {}): Record<string, any> => ({
  instanceId,
  eventType: 'FORECAST',
  data: '{"product_id":"P1","site_id":"S1"}',
  eventGroupId: `group-${randomUUID()}`,
  ...overrides,
});

/** A DATASET event into `default/carrier_tracking` with `data`. */
const trackingEvent = (data: unknown, overrides: Record<string, unknown> = {}) =>
  input({
    eventType: 'DATASET',
    data: JSON.stringify(data),
    datasetTarget: { datasetIdentifier: trackingArn, operationType: 'APPEND' },
    ...overrides,
  });

const eventCount = async (): Promise<number> => (await gw.world()).supplychain.instances[0].eventCount;

beforeAll(async () => {
  gw = await startTestGateway();
  const world = await gw.world();
  const [first, second] = world.supplychain.instances;
  instanceId = first.instanceId;
  const arns = await gw.data(
    `query($a: ID!, $b: ID!) {
       a: dataLakeDataset(instanceId: $a, namespace: "default", name: "carrier_tracking") { arn }
       b: dataLakeDataset(instanceId: $b, namespace: "asc", name: "product") { arn } }`,
    { a: first.instanceId, b: second.instanceId },
  );
  trackingArn = arns.a.arn;
  foreignArn = arns.b.arn;
});

afterEach(async () => {
  await gw.clearFaults();
});

afterAll(async () => {
  await gw?.stop();
});

describe('sendEvent validation', () => {
  const cases: [string, () => Record<string, unknown>, string][] = [
    ['data that is not JSON', () => input({ data: '{"product_id": P1}' }), 'input.data'],
    ['data that is a JSON number', () => input({ data: '42' }), 'input.data'],
    ['data that is a JSON string', () => input({ data: '"a record"' }), 'input.data'],
    ['data that is JSON null', () => input({ data: 'null' }), 'input.data'],
    ['empty data', () => input({ data: '' }), 'input.data'],
    [
      'data over 1,048,576 characters',
      () => input({ data: `[${'0,'.repeat(DATA_MAX_CHARS / 2 - 1)}0]` }),
      'input.data',
    ],
    ['an empty eventGroupId', () => input({ eventGroupId: '' }), 'input.eventGroupId'],
    [
      'an eventGroupId over 255 characters',
      () => input({ eventGroupId: 'g'.repeat(256) }),
      'input.eventGroupId',
    ],
    ['a clientToken under 33 characters', () => input({ clientToken: 't'.repeat(32) }), 'input.clientToken'],
    ['a clientToken over 126 characters', () => input({ clientToken: 't'.repeat(127) }), 'input.clientToken'],
    ['a DATASET event without datasetTarget', () => input({ eventType: 'DATASET' }), 'input.datasetTarget'],
    [
      'a non-DATASET event with a datasetTarget',
      () => input({ datasetTarget: { datasetIdentifier: trackingArn, operationType: 'APPEND' } }),
      'input.datasetTarget',
    ],
    [
      'a malformed dataset ARN',
      () =>
        trackingEvent(
          {},
          { datasetTarget: { datasetIdentifier: 'arn:aws:s3:::bucket/datasets/x', operationType: 'APPEND' } },
        ),
      'input.datasetTarget.datasetIdentifier',
    ],
    [
      'the dataset ARN of another instance',
      () => trackingEvent({}, { datasetTarget: { datasetIdentifier: foreignArn, operationType: 'UPSERT' } }),
      'input.datasetTarget.datasetIdentifier',
    ],
    ['a malformed instanceId', () => input({ instanceId: instanceId.toUpperCase() }), 'input.instanceId'],
    ['an instanceId that is not a UUID', () => input({ instanceId: 'northwind' }), 'input.instanceId'],
  ];

  it.each(cases)(
    'rejects %s as BAD_USER_INPUT naming %s, without an upstream call',
    async (_what, make, field) => {
      await gw.resetCalls();
      const res = await gw.query(SEND, { input: make() });
      expect(await gw.calls()).toEqual({});
      expect(res.data).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.path).toEqual(['sendEvent']);
      expect(res.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
        problems: [expect.objectContaining({ field })],
      });
    },
  );

  it('reports every problem at once, naming the first in extensions.field', async () => {
    await gw.resetCalls();
    const res = await gw.query(SEND, {
      input: input({ instanceId: 'nope', data: '', eventGroupId: '', clientToken: 'short' }),
    });
    expect(await gw.calls()).toEqual({});
    const { field, problems } = res.errors![0]!.extensions!;
    expect(field).toBe('input.instanceId');
    expect(problems.map((p: any) => p.field)).toEqual([
      'input.instanceId',
      'input.data',
      'input.eventGroupId',
      'input.clientToken',
    ]);
  });

  it('accepts every size at its limit', async () => {
    const atLimits = [
      input({ data: `[${'0,'.repeat(DATA_MAX_CHARS / 2 - 2)}0 ]` }),
      input({ eventGroupId: 'g'.repeat(255), clientToken: 't'.repeat(33) }),
      input({ eventGroupId: 'g', clientToken: 'u'.repeat(126) }),
    ];
    expect(atLimits[0]!.data).toHaveLength(DATA_MAX_CHARS);
    for (const limit of atLimits) {
      const { sendEvent } = await gw.data(SEND, { input: limit });
      expect(sendEvent.eventId).toMatch(UUID);
    }
  });
});

describe('sendEvent', () => {
  it('returns the eventId and a generated UUID clientToken, and reads the event only when selected', async () => {
    await gw.resetCalls();
    const { sendEvent: bare } = await gw.data(SEND, { input: input() });
    expect(bare.eventId).toMatch(UUID);
    expect(bare.clientToken).toMatch(UUID);
    expect(await gw.calls()).toEqual({ SendDataIntegrationEvent: 1 });

    await gw.resetCalls();
    const sent = input({ eventType: 'INVENTORY_LEVEL', eventTimestamp: '2025-01-03T10:00:00.250Z' });
    const { sendEvent } = await gw.data(SEND_AND_READ, { input: sent });
    expect(await gw.calls()).toEqual({ SendDataIntegrationEvent: 1, GetDataIntegrationEvent: 1 });
    expect(sendEvent.clientToken).toMatch(UUID);
    expect(sendEvent.clientToken).not.toBe(bare.clientToken);
    expect(sendEvent.event).toEqual({
      eventId: sendEvent.eventId,
      instanceId,
      eventType: 'INVENTORY_LEVEL',
      eventGroupId: sent.eventGroupId,
      eventTimestamp: '2025-01-03T10:00:00.250Z',
      status: 'UNKNOWN',
      upstreamStatus: null,
      terminal: true,
      startedAt: '2025-01-03T10:00:00.250Z',
    });
  });

  it('creates one event for a retry with the same clientToken and input', async () => {
    const retry = input({ clientToken: randomUUID() });
    const before = await eventCount();
    const first = await gw.data(SEND, { input: retry });
    const second = await gw.data(SEND, { input: retry });
    expect(second.sendEvent).toEqual(first.sendEvent);
    expect(first.sendEvent.clientToken).toBe(retry.clientToken);
    expect(await eventCount()).toBe(before + 1);
  });

  it('refuses the same clientToken with another payload as CONFLICT, creating nothing', async () => {
    const token = randomUUID();
    await gw.data(SEND, { input: input({ clientToken: token, eventGroupId: 'orders' }) });
    const before = await eventCount();
    const res = await gw.query(SEND, {
      input: input({ clientToken: token, eventGroupId: 'orders', data: '{"product_id":"P2"}' }),
    });
    expect(res.data).toBeNull();
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      awsErrorName: 'ConflictException',
      awsOperation: 'SendDataIntegrationEvent',
    });
    expect(await eventCount()).toBe(before);
  });

  it('sends a DATASET event whose load runs, then succeeds or fails, as the clock advances', async () => {
    const record = {
      tracking_number: '1Z999AA10123456784',
      event_ts: '2025-01-03T10:00:00Z',
      carrier_code: 'UPS',
    };
    const { sendEvent } = await gw.data(SEND_AND_READ, { input: trackingEvent(record) });
    expect(sendEvent.event).toMatchObject({
      status: 'RUNNING',
      upstreamStatus: 'IN_PROGRESS',
      terminal: false,
    });
    const read = async () =>
      (await gw.data(EVENT, { i: instanceId, e: sendEvent.eventId })).dataIntegrationEvent;

    await gw.advance(10_000);
    expect(await read()).toMatchObject({ status: 'RUNNING', terminal: false, message: null });
    await gw.advance(15_000);
    const done = await read();
    expect(['SUCCEEDED', 'FAILED']).toContain(done.status);
    expect(done).toMatchObject({
      upstreamStatus: done.status,
      terminal: true,
      datasetTargetDetails: { operationType: 'APPEND', datasetLoadExecution: { status: done.status } },
      dataset: { namespace: 'default', name: 'carrier_tracking' },
    });
    expect(done.message === null).toBe(done.status === 'SUCCEEDED');
  });

  it('fails a DATASET load whose records do not fit the dataset, saying which record and field', async () => {
    const records = [{ tracking_number: 'A1', event_ts: '2025-01-03T10:00:00Z' }, { carrier_code: 'DHL' }];
    const { sendEvent } = await gw.data(SEND, { input: trackingEvent(records) });
    await gw.advance(25_000);
    const { dataIntegrationEvent: e } = await gw.data(EVENT, { i: instanceId, e: sendEvent.eventId });
    expect(e).toMatchObject({ status: 'FAILED', upstreamStatus: 'FAILED', terminal: true });
    expect(e.message).toBe(
      "Record 2 is missing required field 'tracking_number' of dataset default/carrier_tracking",
    );
    expect(e.datasetTargetDetails.datasetLoadExecution.message).toBe(e.message);
  });
  it('still returns the eventId when reading the sent event fails, with the error at event', async () => {
    await gw.addFault({ operation: 'GetDataIntegrationEvent', kind: 'throttle', count: 1 });
    const before = await eventCount();
    const res = await gw.query(SEND_AND_READ, { input: input() });
    expect(res.data!.sendEvent).toEqual({
      eventId: expect.stringMatching(UUID),
      clientToken: expect.stringMatching(UUID),
      event: null,
    });
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ['sendEvent', 'event'],
        extensions: expect.objectContaining({ code: 'THROTTLED', awsOperation: 'GetDataIntegrationEvent' }),
      }),
    ]);
    expect(await eventCount()).toBe(before + 1);
  });

  it('answers an instance or dataset that does not exist with NOT_FOUND', async () => {
    const missingDataset = trackingArn.replace(/carrier_tracking$/, 'no_such_dataset');
    for (const [sent, operation] of [
      [input({ instanceId: randomUUID() }), 'SendDataIntegrationEvent'],
      // The dataset rules read the target's definition first: that read finds it missing.
      [
        trackingEvent({}, { datasetTarget: { datasetIdentifier: missingDataset, operationType: 'APPEND' } }),
        'GetDataLakeDataset',
      ],
    ] as const) {
      const res = await gw.query(SEND, { input: sent });
      expect(res.data).toBeNull();
      expect(res.errors![0]!.extensions).toMatchObject({
        code: 'NOT_FOUND',
        awsErrorName: 'ResourceNotFoundException',
        awsOperation: operation,
      });
    }
  });
});

describe('sendEvents', () => {
  const SEND_MANY = `mutation($inputs: [SendEventInput!]!) { sendEvents(inputs: $inputs) {
    index payload { eventId clientToken event { eventType } } error { code message field } } }`;

  it('returns one result per input, in input order; an invalid item gets its error while the others are sent', async () => {
    const inputs = [
      input(),
      input({ data: '42' }),
      trackingEvent({ tracking_number: 'B', event_ts: '2025-01-03T10:00:00Z' }),
    ];
    const before = await eventCount();
    await gw.resetCalls();
    const { sendEvents } = await gw.data(SEND_MANY, { inputs });
    expect((await gw.calls()).SendDataIntegrationEvent).toBe(2);
    expect(sendEvents).toEqual([
      {
        index: 0,
        payload: {
          eventId: expect.stringMatching(UUID),
          clientToken: expect.stringMatching(UUID),
          event: { eventType: 'FORECAST' },
        },
        error: null,
      },
      {
        index: 1,
        payload: null,
        error: {
          code: 'BAD_USER_INPUT',
          message: expect.stringContaining('inputs.1.data'),
          field: 'inputs.1.data',
        },
      },
      {
        index: 2,
        payload: {
          eventId: expect.stringMatching(UUID),
          clientToken: expect.stringMatching(UUID),
          event: { eventType: 'DATASET' },
        },
        error: null,
      },
    ]);
    expect(sendEvents[0].payload.eventId).not.toBe(sendEvents[2].payload.eventId);
    expect(await eventCount()).toBe(before + 2);
  });

  it("reports an upstream failure as that item's error, the others still sent", async () => {
    await gw.addFault({ operation: 'SendDataIntegrationEvent', kind: 'error', status: 503, count: 1 });
    const { sendEvents } = await gw.data(SEND_MANY, { inputs: [input(), input(), input()] });
    expect(sendEvents.map((r: any) => r.index)).toEqual([0, 1, 2]);
    const failed = sendEvents.filter((r: any) => r.error);
    expect(failed).toEqual([
      {
        index: expect.any(Number),
        payload: null,
        error: { code: 'UPSTREAM_UNAVAILABLE', message: expect.any(String), field: null },
      },
    ]);
    expect(sendEvents.filter((r: any) => r.payload && !r.error)).toHaveLength(2);
  });

  it('rejects more than 100 inputs as BAD_USER_INPUT, without an upstream call', async () => {
    await gw.resetCalls();
    const res = await gw.query(SEND_MANY, { inputs: Array.from({ length: 101 }, () => input()) });
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ['sendEvents'],
        extensions: { code: 'BAD_USER_INPUT', field: 'inputs' },
      }),
    ]);
    expect(await gw.calls()).toEqual({});
  });
});
