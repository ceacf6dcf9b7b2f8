/**
 * The emulator's Supply Chain events, end to end through our real client: sending and reading events,
 * client-token idempotency (8 h window), the checks the model cannot state, and dataset loads moving
 * IN_PROGRESS → SUCCEEDED | FAILED as the control API advances the frozen clock
 * (shared/docs/aws-wire-reference.md §2, SendDataIntegrationEvent and GetDataIntegrationEvent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldSummary } from '../../src/emulator/world/index.js';
import {
  ConflictException,
  GetDataIntegrationEventCommand,
  GetDataLakeDatasetCommand,
  paginateListDataIntegrationEvents,
  ResourceNotFoundException,
  SendDataIntegrationEventCommand,
  ValidationException,
  type DataLakeDataset,
  type SendDataIntegrationEventCommandInput,
  type SupplyChainClient,
} from '../../src/upstream/supplychain/index.js';
import {
  collect,
  createDisposers,
  rejectionOf,
  startTestEmulator,
  unknownUuid,
  type TestEmulator,
} from '../helpers/emulator.js';

const TIMING = { eventQueuedMs: 3_000, eventRunMs: 20_000 };
const IDEMPOTENCY_WINDOW_MS = 8 * 60 * 60 * 1_000;
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
const LOAD_STATUSES = ['SUCCEEDED', 'IN_PROGRESS', 'FAILED'];

const disposers = createDisposers();
let emu: TestEmulator;
let sc: SupplyChainClient;
let instance: WorldSummary['supplychain']['instances'][number];
let target: DataLakeDataset;

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42, timing: TIMING }));
  sc = emu.supplyChain;
  instance = emu.world.supplychain.instances[0]!;
  const name = instance.namespaces.find((n) => n.name === 'asc')!.datasets[0]!;
  const input = { instanceId: instance.instanceId, namespace: 'asc', name };
  target = (await sc.send(new GetDataLakeDatasetCommand(input))).dataset!;
});
afterAll(() => disposers.dispose());

/**
 * One record that fits a dataset's schema as a client sends it: every field set to a value of its type,
 * but `connection_id`, which AWS fills in for `asc` datasets.
 */
function recordFor(dataset: DataLakeDataset): Record<string, unknown> {
  const values = { INT: 7, LONG: 7, DOUBLE: 1.5, STRING: 'x', TIMESTAMP: '2025-05-01T10:00:00Z' };
  return Object.fromEntries(
    dataset.schema!.fields!.filter((f) => f.name !== 'connection_id').map((f) => [f.name!, values[f.type!]]),
  );
}

let groups = 0;
/** A dataset event into `target`, by default in a group of its own so no seeded load queues ahead of it. */
const datasetEvent = (
  data: unknown = recordFor(target),
  eventGroupId = `e2e-group-${++groups}`,
): SendDataIntegrationEventCommandInput => ({
  instanceId: instance.instanceId,
  eventType: 'scn.data.dataset',
  data: JSON.stringify(data),
  eventGroupId,
  datasetTarget: { datasetIdentifier: target.arn!, operationType: 'UPSERT' },
});

const forecastEvent = (
  overrides: Partial<SendDataIntegrationEventCommandInput> = {},
): SendDataIntegrationEventCommandInput => ({
  instanceId: instance.instanceId,
  eventType: 'scn.data.forecast',
  data: JSON.stringify({ product_id: 'P-1', quantity: 3 }),
  eventGroupId: 'e2e-forecasts',
  ...overrides,
});

const send = (input: SendDataIntegrationEventCommandInput) =>
  sc.send(new SendDataIntegrationEventCommand(input));

const eventCount = async (): Promise<number> =>
  (await emu.control.world()).supplychain.instances.find((i) => i.instanceId === instance.instanceId)!
    .eventCount;

const loadOf = async (eventId: string) =>
  (await sc.send(new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId }))).event!
    .datasetTargetDetails!.datasetLoadExecution!;

describe('Supply Chain events', () => {
  it('sends an event and reads it back: same members, eventTimestamp to the millisecond, no dataset details', async () => {
    const eventTimestamp = new Date('2025-05-01T10:00:00.567Z');
    const { eventId, $metadata } = await sc.send(
      new SendDataIntegrationEventCommand(forecastEvent({ eventTimestamp })),
    );
    expect($metadata.httpStatusCode).toBe(200);
    expect(eventId).toMatch(UUID);
    const { event } = await sc.send(
      new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId: eventId! }),
    );
    expect(event).toEqual({
      instanceId: instance.instanceId,
      eventId,
      eventType: 'scn.data.forecast',
      eventGroupId: 'e2e-forecasts',
      eventTimestamp,
    });
  });

  it("stamps an event sent without eventTimestamp with the emulator's simulated now", async () => {
    const { eventId } = await sc.send(new SendDataIntegrationEventCommand(forecastEvent()));
    const { event } = await sc.send(
      new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId: eventId! }),
    );
    expect(event!.eventTimestamp!.getTime()).toBe(await emu.control.now());
  });

  it('ListDataIntegrationEvents pages to the end: as many events as the world counts, none twice', async () => {
    const { items } = await collect(
      paginateListDataIntegrationEvents({ client: sc, pageSize: 20 }, { instanceId: instance.instanceId }),
      (p) => p.events,
    );
    const ids = items.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(await eventCount());
    for (const event of items) expect(event.eventTimestamp).toBeInstanceOf(Date);
  });

  it('paging while events arrive neither repeats nor skips an event that existed when paging began', async () => {
    const before = await collect(
      paginateListDataIntegrationEvents({ client: sc, pageSize: 20 }, { instanceId: instance.instanceId }),
      (p) => p.events,
    );
    const seen: string[] = [];
    let page = 0;
    for await (const { events } of paginateListDataIntegrationEvents(
      { client: sc, pageSize: 20 },
      { instanceId: instance.instanceId },
    )) {
      seen.push(...events!.map((e) => e.eventId!));
      // One newer and one older than anything listed so far.
      await send(forecastEvent({ eventGroupId: `arrivals-${page}` }));
      await send(forecastEvent({ eventGroupId: `arrivals-${page++}`, eventTimestamp: new Date(0) }));
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const event of before.items) expect(seen).toContain(event.eventId);
  });

  it('ListDataIntegrationEvents with eventType answers exactly the events of that type', async () => {
    const all = await collect(
      paginateListDataIntegrationEvents({ client: sc, pageSize: 20 }, { instanceId: instance.instanceId }),
      (p) => p.events,
    );
    const { items } = await collect(
      paginateListDataIntegrationEvents(
        { client: sc, pageSize: 20 },
        { instanceId: instance.instanceId, eventType: 'scn.data.dataset' },
      ),
      (p) => p.events,
    );
    const expected = all.items.filter((e) => e.eventType === 'scn.data.dataset').map((e) => e.eventId);
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((e) => e.eventId)).toEqual(expected);
    for (const event of items)
      expect(LOAD_STATUSES).toContain(event.datasetTargetDetails!.datasetLoadExecution!.status);
  });

  it('a repeated clientToken with the same request answers the first eventId and adds no event', async () => {
    const input = forecastEvent({ clientToken: `e2e-token-${'a'.repeat(30)}` });
    const first = await sc.send(new SendDataIntegrationEventCommand(input));
    const before = await eventCount();
    const again = await sc.send(new SendDataIntegrationEventCommand({ ...input }));
    expect(again.eventId).toBe(first.eventId);
    expect(await eventCount()).toBe(before);
  });

  it('a repeated clientToken with another request answers ConflictException (409) and adds no event', async () => {
    const clientToken = `e2e-token-${'b'.repeat(30)}`;
    await sc.send(new SendDataIntegrationEventCommand(forecastEvent({ clientToken })));
    const before = await eventCount();
    const err = await rejectionOf(
      sc.send(
        new SendDataIntegrationEventCommand(forecastEvent({ clientToken, eventGroupId: 'other-group' })),
      ),
    );
    expect(err).toBeInstanceOf(ConflictException);
    expect(err.$metadata.httpStatusCode).toBe(409);
    expect(await eventCount()).toBe(before);
  });

  it('rejects a clientToken shorter than 33 characters, naming it', async () => {
    const err = await rejectionOf(
      sc.send(new SendDataIntegrationEventCommand(forecastEvent({ clientToken: 'x'.repeat(32) }))),
    );
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toContain('clientToken');
  });

  it('rejects a scn.data.dataset event without datasetTarget, naming datasetTarget', async () => {
    const { datasetTarget: _omitted, ...input } = datasetEvent();
    const err = await rejectionOf(sc.send(new SendDataIntegrationEventCommand(input)));
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toContain('datasetTarget');
  });
});

describe('Supply Chain dataset loads over simulated time', () => {
  it('a dataset event is IN_PROGRESS until its queue wait and run time pass, then SUCCEEDED or FAILED with a message', async () => {
    const { eventId } = await sc.send(new SendDataIntegrationEventCommand(datasetEvent()));
    const { event } = await sc.send(
      new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId: eventId! }),
    );
    expect(event!.datasetTargetDetails).toMatchObject({
      datasetIdentifier: target.arn,
      operationType: 'UPSERT',
    });
    expect(await loadOf(eventId!)).toEqual({ status: 'IN_PROGRESS' });
    await emu.control.advance(TIMING.eventQueuedMs + TIMING.eventRunMs - 1);
    expect((await loadOf(eventId!)).status).toBe('IN_PROGRESS');
    await emu.control.advance(1);
    const done = await loadOf(eventId!);
    expect(['SUCCEEDED', 'FAILED']).toContain(done.status);
    if (done.status === 'FAILED') expect(done.message).toEqual(expect.any(String));
  });

  it('a record missing a required field fails its load with a message naming the field', async () => {
    const required = target.schema!.fields!.find((f) => f.isRequired)!;
    const { [required.name!]: _missing, ...record } = recordFor(target);
    const { eventId } = await sc.send(new SendDataIntegrationEventCommand(datasetEvent(record)));
    await emu.control.advance(TIMING.eventQueuedMs + TIMING.eventRunMs);
    const done = await loadOf(eventId!);
    expect(done.status).toBe('FAILED');
    expect(done.message).toContain(required.name);
  });

  it.each([
    [0, 'SUCCEEDED'],
    [1, 'FAILED'],
  ] as const)('with failureRatio %i every valid load ends %s', async (failureRatio, status) => {
    const other = disposers.track(
      await startTestEmulator({ seed: 42, timing: { ...TIMING, failureRatio, partialRatio: 0 } }),
    );
    const { eventId } = await other.supplyChain.send(new SendDataIntegrationEventCommand(datasetEvent()));
    await other.control.advance(TIMING.eventQueuedMs + TIMING.eventRunMs);
    const { event } = await other.supplyChain.send(
      new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId: eventId! }),
    );
    const load = event!.datasetTargetDetails!.datasetLoadExecution!;
    expect(load.status).toBe(status);
    if (status === 'FAILED') expect(load.message).toEqual(expect.any(String));
  });
});

describe('Supply Chain event ordering and token windows', () => {
  it('events of the same type and group load in arrival order: the second waits for the first', async () => {
    const group = `e2e-ordered-${++groups}`;
    const first = (await send(datasetEvent(recordFor(target), group))).eventId!;
    const second = (await send(datasetEvent(recordFor(target), group))).eventId!;
    await emu.control.advance(TIMING.eventQueuedMs + TIMING.eventRunMs);
    expect((await loadOf(first)).status).not.toBe('IN_PROGRESS');
    expect((await loadOf(second)).status).toBe('IN_PROGRESS');
    await emu.control.advance(TIMING.eventRunMs);
    expect((await loadOf(second)).status).not.toBe('IN_PROGRESS');
  });

  it('a clientToken is bound for 8 hours of simulated time, then may be reused for a new event', async () => {
    const input = forecastEvent({ clientToken: `e2e-window-${'c'.repeat(30)}` });
    const first = (await send(input)).eventId;
    await emu.control.advance(IDEMPOTENCY_WINDOW_MS - 1);
    expect((await send(input)).eventId).toBe(first);
    await emu.control.advance(1);
    const reused = (await send({ ...input, eventGroupId: 'after-the-window' })).eventId;
    expect(reused).not.toBe(first);
  });
});

describe('Supply Chain SendDataIntegrationEvent errors', () => {
  it('an unknown instance answers ResourceNotFoundException (404)', async () => {
    const err = await rejectionOf(send(forecastEvent({ instanceId: unknownUuid() })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.$metadata.httpStatusCode).toBe(404);
  });

  const invalid: [string, Partial<SendDataIntegrationEventCommandInput>][] = [
    ['eventType', { eventType: 'scn.data.nope' as never }],
    ['eventGroupId', { eventGroupId: '' }],
    ['eventGroupId', { eventGroupId: 'g'.repeat(256) }],
    ['data', { data: '' }],
    ['data', { data: JSON.stringify({ blob: 'x'.repeat(1_048_576) }) }],
  ];
  it.each(invalid)(
    'a %s outside the model answers ValidationException naming it',
    async (member, overrides) => {
      const err = await rejectionOf(send(forecastEvent(overrides)));
      expect(err).toBeInstanceOf(ValidationException);
      expect(err.$metadata.httpStatusCode).toBe(400);
      expect(err.message).toContain(`'${member}'`);
      // `data` is @sensitive: a message must not echo it.
      expect(err.message).not.toContain('xxxxxxxx');
    },
  );
});
