/**
 * The emulator's AWS Supply Chain, end to end: every operation through our real client over HTTP, against
 * the facts of shared/docs/aws-wire-reference.md §2 (shapes, ranges, patterns, idempotency, errors), and
 * dataset loads moving through their states as the control API advances the frozen clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictException,
  GetDataIntegrationEventCommand,
  GetDataIntegrationFlowCommand,
  GetDataIntegrationFlowExecutionCommand,
  GetDataLakeDatasetCommand,
  GetDataLakeNamespaceCommand,
  GetInstanceCommand,
  ListDataIntegrationEventsCommand,
  ListDataIntegrationFlowExecutionsCommand,
  ListDataIntegrationFlowsCommand,
  ListDataLakeDatasetsCommand,
  ListDataLakeNamespacesCommand,
  ListInstancesCommand,
  paginateListDataIntegrationEvents,
  paginateListDataIntegrationFlowExecutions,
  paginateListDataIntegrationFlows,
  paginateListDataLakeDatasets,
  paginateListDataLakeNamespaces,
  paginateListInstances,
  ResourceNotFoundException,
  SendDataIntegrationEventCommand,
  ValidationException,
  type DataLakeDataset,
  type SendDataIntegrationEventCommandInput,
  type SupplyChainClient,
} from '../../src/upstream/supplychain/index.js';
import type { WorldSummary } from '../../src/emulator/world/index.js';
import {
  collect,
  createDisposers,
  rejectionOf,
  startTestEmulator,
  unknownUuid,
  type TestEmulator,
} from '../helpers/emulator.js';

const TIMING = { eventQueuedMs: 3_000, eventRunMs: 20_000 };
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
const ASC_RESOURCE_ARN =
  /^arn:aws:scn(?::([a-z0-9-]+):([0-9]+):instance)?\/([a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})[-_./A-Za-z0-9]*$/;
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
  const asc = instance.namespaces.find((n) => n.name === 'asc')!;
  target = (await sc.send(new GetDataLakeDatasetCommand({ instanceId: instance.instanceId, namespace: 'asc', name: asc.datasets[0]! }))).dataset!;
});
afterAll(() => disposers.dispose());

/** One record that fits a dataset's schema: every field set to a value of its type. */
function recordFor(dataset: DataLakeDataset): Record<string, unknown> {
  const values = { INT: 7, LONG: 7, DOUBLE: 1.5, STRING: 'x', TIMESTAMP: '2025-05-01T10:00:00Z' };
  return Object.fromEntries(dataset.schema!.fields!.map((f) => [f.name!, values[f.type!]]));
}

let groups = 0;
/** A dataset event into `target`, in a group of its own so no seeded load queues ahead of it. */
const datasetEvent = (data: unknown = recordFor(target)): SendDataIntegrationEventCommandInput => ({
  instanceId: instance.instanceId,
  eventType: 'scn.data.dataset',
  data: JSON.stringify(data),
  eventGroupId: `e2e-group-${++groups}`,
  datasetTarget: { datasetIdentifier: target.arn!, operationType: 'UPSERT' },
});

const forecastEvent = (overrides: Partial<SendDataIntegrationEventCommandInput> = {}): SendDataIntegrationEventCommandInput => ({
  instanceId: instance.instanceId,
  eventType: 'scn.data.forecast',
  data: JSON.stringify({ product_id: 'P-1', quantity: 3 }),
  eventGroupId: 'e2e-forecasts',
  ...overrides,
});

const eventCount = async (): Promise<number> =>
  (await emu.control.world()).supplychain.instances.find((i) => i.instanceId === instance.instanceId)!.eventCount;

const loadOf = async (eventId: string) =>
  (await sc.send(new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId }))).event!.datasetTargetDetails!
    .datasetLoadExecution!;

describe('Supply Chain instances', () => {
  it('GetInstance answers the instance with its account, state and times parsed to Dates', async () => {
    const out = await sc.send(new GetInstanceCommand({ instanceId: instance.instanceId }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toEqual(expect.any(String));
    const got = out.instance!;
    expect(got.instanceId).toBe(instance.instanceId);
    expect(got.instanceName).toBe(instance.instanceName);
    expect(got.awsAccountId).toMatch(/^[0-9]{12}$/);
    expect(['Initializing', 'Active', 'CreateFailed', 'DeleteFailed', 'Deleting', 'Deleted']).toContain(got.state);
    expect(got.createdTime).toBeInstanceOf(Date);
    expect(got.lastModifiedTime).toBeInstanceOf(Date);
    expect(got.lastModifiedTime!.getTime()).toBeGreaterThanOrEqual(got.createdTime!.getTime());
  });

  it('ListInstances pages through every instance of the world exactly once', async () => {
    const { items, pages } = await collect(paginateListInstances({ client: sc, pageSize: 1 }, {}), (p) => p.instances);
    const ids = items.map((i) => i.instanceId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(emu.world.supplychain.instances.map((i) => i.instanceId).sort());
    expect(pages).toBe(ids.length);
  });

  it('ListInstances filters by state and by name, repeating the query key for several values', async () => {
    const list = async (input: ConstructorParameters<typeof ListInstancesCommand>[0]) =>
      (await sc.send(new ListInstancesCommand(input))).instances!.map((i) => i.instanceId).sort();
    const all = await list({});
    expect(await list({ instanceStateFilter: ['Active', 'Deleted'] })).toEqual(all);
    expect(await list({ instanceStateFilter: ['Deleted'] })).toEqual([]);
    expect(await list({ instanceNameFilter: [instance.instanceName] })).toEqual([instance.instanceId]);
    expect(await list({ instanceNameFilter: ['No Such Instance'] })).toEqual([]);
  });

  it('ListInstances rejects a state outside the mixed-case InstanceState enum, naming the member', async () => {
    const err = await rejectionOf(sc.send(new ListInstancesCommand({ instanceStateFilter: ['ACTIVE' as never] })));
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toContain('instanceStateFilter');
  });
});

describe('Supply Chain maxResults ranges', () => {
  const id = () => instance.instanceId;
  const cases: [string, number, number, (max: number) => Promise<unknown>][] = [
    ['ListInstances', 0, 20, (m) => sc.send(new ListInstancesCommand({ maxResults: m }))],
    ['ListDataIntegrationFlows', 0, 20, (m) => sc.send(new ListDataIntegrationFlowsCommand({ instanceId: id(), maxResults: m }))],
    ['ListDataLakeDatasets', 0, 20, (m) => sc.send(new ListDataLakeDatasetsCommand({ instanceId: id(), namespace: 'asc', maxResults: m }))],
    ['ListDataLakeNamespaces', 1, 20, (m) => sc.send(new ListDataLakeNamespacesCommand({ instanceId: id(), maxResults: m }))],
    ['ListDataIntegrationEvents', 1, 20, (m) => sc.send(new ListDataIntegrationEventsCommand({ instanceId: id(), maxResults: m }))],
    [
      'ListDataIntegrationFlowExecutions',
      1,
      20,
      (m) => sc.send(new ListDataIntegrationFlowExecutionsCommand({ instanceId: id(), flowName: instance.flows[0]!, maxResults: m })),
    ],
  ];
  it.each(cases)('%s accepts maxResults %i..%i and answers ValidationException naming it just outside', async (_, min, max, call) => {
    await expect(call(min)).resolves.toBeDefined();
    await expect(call(max)).resolves.toBeDefined();
    for (const bad of [min - 1, max + 1]) {
      const err = await rejectionOf(call(bad));
      expect(err).toBeInstanceOf(ValidationException);
      expect(err.$metadata.httpStatusCode).toBe(400);
      expect(err.message).toContain('maxResults');
    }
  });
});

describe('Supply Chain data lake', () => {
  it('GetDataLakeNamespace answers the namespace with an ASC resource ARN and parsed times', async () => {
    const { namespace } = await sc.send(new GetDataLakeNamespaceCommand({ instanceId: instance.instanceId, name: 'asc' }));
    expect(namespace).toMatchObject({ instanceId: instance.instanceId, name: 'asc' });
    expect(namespace!.arn).toMatch(ASC_RESOURCE_ARN);
    expect(namespace!.createdTime).toBeInstanceOf(Date);
    expect(namespace!.lastModifiedTime).toBeInstanceOf(Date);
  });

  it('ListDataLakeNamespaces pages to the end: the namespaces of the world, each once', async () => {
    const { items } = await collect(
      paginateListDataLakeNamespaces({ client: sc, pageSize: 1 }, { instanceId: instance.instanceId }),
      (p) => p.namespaces,
    );
    expect(items.map((n) => n.name)).toEqual(instance.namespaces.map((n) => n.name));
  });

  it('GetDataLakeDataset answers the dataset with its schema fields, keys and parsed times', async () => {
    expect(target).toMatchObject({ instanceId: instance.instanceId, namespace: 'asc' });
    expect(target.arn).toMatch(ASC_RESOURCE_ARN);
    expect(target.createdTime).toBeInstanceOf(Date);
    expect(target.lastModifiedTime).toBeInstanceOf(Date);
    expect(target.schema!.name).toMatch(/^[A-Za-z0-9]+$/);
    expect(target.schema!.fields!.length).toBeGreaterThan(0);
    for (const field of target.schema!.fields!) {
      expect(field.name).toMatch(/^[a-z0-9_]+$/);
      expect(['INT', 'DOUBLE', 'STRING', 'TIMESTAMP', 'LONG']).toContain(field.type);
      expect(typeof field.isRequired).toBe('boolean');
    }
    const fieldNames = target.schema!.fields!.map((f) => f.name);
    for (const key of target.schema!.primaryKeys ?? []) expect(fieldNames).toContain(key.name);
  });

  it('ListDataLakeDatasets pages every namespace to the end: the datasets of the world, each once', async () => {
    for (const ns of instance.namespaces) {
      const { items } = await collect(
        paginateListDataLakeDatasets({ client: sc, pageSize: 2 }, { instanceId: instance.instanceId, namespace: ns.name }),
        (p) => p.datasets,
      );
      expect(items.map((d) => d.name)).toEqual(ns.datasets);
      expect(items.every((d) => d.namespace === ns.name)).toBe(true);
    }
  });
});

describe('Supply Chain flows and executions', () => {
  it('GetDataIntegrationFlow answers sources, transformation and target nested as the model says', async () => {
    for (const name of instance.flows) {
      const { flow } = await sc.send(new GetDataIntegrationFlowCommand({ instanceId: instance.instanceId, name }));
      expect(flow).toMatchObject({ instanceId: instance.instanceId, name });
      expect(flow!.createdTime).toBeInstanceOf(Date);
      expect(flow!.lastModifiedTime).toBeInstanceOf(Date);
      expect(flow!.sources!.length).toBeGreaterThanOrEqual(1);
      for (const source of flow!.sources!) {
        expect(source.sourceName).toMatch(/^[A-Za-z0-9_]+$/);
        if (source.sourceType === 'S3') expect(source.s3Source).toMatchObject({ bucketName: expect.any(String), prefix: expect.any(String) });
        else expect(source.datasetSource!.datasetIdentifier).toEqual(expect.any(String));
      }
      const { transformation, target: flowTarget } = flow!;
      expect(['SQL', 'NONE']).toContain(transformation!.transformationType);
      if (transformation!.transformationType === 'SQL') expect(transformation!.sqlTransformation!.query).toEqual(expect.any(String));
      if (flowTarget!.targetType === 'DATASET') expect(flowTarget!.datasetTarget!.datasetIdentifier).toEqual(expect.any(String));
      else expect(flowTarget!.s3Target!.bucketName).toEqual(expect.any(String));
    }
  });

  it('ListDataIntegrationFlows pages to the end: the flows of the world, each once', async () => {
    const { items } = await collect(
      paginateListDataIntegrationFlows({ client: sc, pageSize: 1 }, { instanceId: instance.instanceId }),
      (p) => p.flows,
    );
    expect(items.map((f) => f.name)).toEqual(instance.flows);
  });

  it('ListDataIntegrationFlowExecutions pages every flow to the end: as many executions as the world counts, none twice', async () => {
    const ids: string[] = [];
    for (const flowName of instance.flows) {
      const { items } = await collect(
        paginateListDataIntegrationFlowExecutions({ client: sc, pageSize: 20 }, { instanceId: instance.instanceId, flowName }),
        (p) => p.flowExecutions,
      );
      expect(items.every((x) => x.flowName === flowName)).toBe(true);
      ids.push(...items.map((x) => x.executionId!));
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(instance.executionCount);
  });

  it('GetDataIntegrationFlowExecution answers what the list says, with parsed times and a message when FAILED', async () => {
    const flowName = instance.flows[0]!;
    const { flowExecutions } = await sc.send(
      new ListDataIntegrationFlowExecutionsCommand({ instanceId: instance.instanceId, flowName, maxResults: 20 }),
    );
    for (const listed of flowExecutions!) {
      const { flowExecution } = await sc.send(
        new GetDataIntegrationFlowExecutionCommand({ instanceId: instance.instanceId, flowName, executionId: listed.executionId! }),
      );
      expect(flowExecution).toEqual(listed);
      expect(flowExecution!.executionId).toMatch(UUID);
      expect(LOAD_STATUSES).toContain(flowExecution!.status);
      expect(flowExecution!.startTime).toBeInstanceOf(Date);
      if (flowExecution!.status !== 'IN_PROGRESS') {
        expect(flowExecution!.endTime!.getTime()).toBeGreaterThanOrEqual(flowExecution!.startTime!.getTime());
      }
      if (flowExecution!.status === 'FAILED') expect(flowExecution!.message).toEqual(expect.any(String));
      if (flowExecution!.sourceInfo?.sourceType === 'S3') expect(flowExecution!.sourceInfo.s3Source!.key).toEqual(expect.any(String));
    }
  });
});

describe('Supply Chain events', () => {
  it('sends an event and reads it back: same members, eventTimestamp to the millisecond, no dataset details', async () => {
    const eventTimestamp = new Date('2025-05-01T10:00:00.567Z');
    const { eventId, $metadata } = await sc.send(new SendDataIntegrationEventCommand(forecastEvent({ eventTimestamp })));
    expect($metadata.httpStatusCode).toBe(200);
    expect(eventId).toMatch(UUID);
    const { event } = await sc.send(new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId: eventId! }));
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
    const { event } = await sc.send(new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId: eventId! }));
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

  it('ListDataIntegrationEvents with eventType answers exactly the events of that type', async () => {
    const all = await collect(
      paginateListDataIntegrationEvents({ client: sc, pageSize: 20 }, { instanceId: instance.instanceId }),
      (p) => p.events,
    );
    const { items } = await collect(
      paginateListDataIntegrationEvents({ client: sc, pageSize: 20 }, { instanceId: instance.instanceId, eventType: 'scn.data.dataset' }),
      (p) => p.events,
    );
    const expected = all.items.filter((e) => e.eventType === 'scn.data.dataset').map((e) => e.eventId);
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((e) => e.eventId)).toEqual(expected);
    for (const event of items) expect(LOAD_STATUSES).toContain(event.datasetTargetDetails!.datasetLoadExecution!.status);
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
    const err = await rejectionOf(sc.send(new SendDataIntegrationEventCommand(forecastEvent({ clientToken, eventGroupId: 'other-group' }))));
    expect(err).toBeInstanceOf(ConflictException);
    expect(err.$metadata.httpStatusCode).toBe(409);
    expect(await eventCount()).toBe(before);
  });

  it('rejects a clientToken shorter than 33 characters, naming it', async () => {
    const err = await rejectionOf(sc.send(new SendDataIntegrationEventCommand(forecastEvent({ clientToken: 'x'.repeat(32) }))));
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
    const { event } = await sc.send(new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId: eventId! }));
    expect(event!.datasetTargetDetails).toMatchObject({ datasetIdentifier: target.arn, operationType: 'UPSERT' });
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
    const other = disposers.track(await startTestEmulator({ seed: 42, timing: { ...TIMING, failureRatio, partialRatio: 0 } }));
    const { eventId } = await other.supplyChain.send(new SendDataIntegrationEventCommand(datasetEvent()));
    await other.control.advance(TIMING.eventQueuedMs + TIMING.eventRunMs);
    const { event } = await other.supplyChain.send(new GetDataIntegrationEventCommand({ instanceId: instance.instanceId, eventId: eventId! }));
    const load = event!.datasetTargetDetails!.datasetLoadExecution!;
    expect(load.status).toBe(status);
    if (status === 'FAILED') expect(load.message).toEqual(expect.any(String));
  });
});

describe('Supply Chain errors', () => {
  const id = () => instance.instanceId;
  const notFound: [string, () => Promise<unknown>][] = [
    ['GetInstance', () => sc.send(new GetInstanceCommand({ instanceId: unknownUuid() }))],
    ['GetDataIntegrationEvent', () => sc.send(new GetDataIntegrationEventCommand({ instanceId: id(), eventId: unknownUuid() }))],
    ['GetDataIntegrationFlow', () => sc.send(new GetDataIntegrationFlowCommand({ instanceId: id(), name: 'no-such-flow' }))],
    [
      'GetDataIntegrationFlowExecution',
      () => sc.send(new GetDataIntegrationFlowExecutionCommand({ instanceId: id(), flowName: instance.flows[0]!, executionId: unknownUuid() })),
    ],
    ['ListDataIntegrationFlowExecutions', () => sc.send(new ListDataIntegrationFlowExecutionsCommand({ instanceId: id(), flowName: 'no-such-flow' }))],
    ['GetDataLakeNamespace', () => sc.send(new GetDataLakeNamespaceCommand({ instanceId: id(), name: 'no_such_namespace' }))],
    ['GetDataLakeDataset', () => sc.send(new GetDataLakeDatasetCommand({ instanceId: id(), namespace: 'asc', name: 'no_such_dataset' }))],
    ['ListDataLakeDatasets', () => sc.send(new ListDataLakeDatasetsCommand({ instanceId: id(), namespace: 'no_such_namespace' }))],
    ['SendDataIntegrationEvent', () => sc.send(new SendDataIntegrationEventCommand(forecastEvent({ instanceId: unknownUuid() })))],
  ];
  it.each(notFound)('%s with a well-formed id that names nothing answers ResourceNotFoundException (404)', async (_, call) => {
    const err = await rejectionOf(call());
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toEqual(expect.any(String));
  });

  const malformed: [string, string, () => Promise<unknown>][] = [
    ['GetInstance', 'instanceId', () => sc.send(new GetInstanceCommand({ instanceId: 'not-a-uuid' }))],
    ['GetInstance', 'instanceId', () => sc.send(new GetInstanceCommand({ instanceId: id().toUpperCase() }))],
    ['GetDataIntegrationEvent', 'eventId', () => sc.send(new GetDataIntegrationEventCommand({ instanceId: id(), eventId: '12345' }))],
    ['GetDataIntegrationFlow', 'name', () => sc.send(new GetDataIntegrationFlowCommand({ instanceId: id(), name: 'bad name/x' }))],
    [
      'GetDataIntegrationFlowExecution',
      'executionId',
      () => sc.send(new GetDataIntegrationFlowExecutionCommand({ instanceId: id(), flowName: instance.flows[0]!, executionId: 'x' })),
    ],
    ['GetDataLakeNamespace', 'name', () => sc.send(new GetDataLakeNamespaceCommand({ instanceId: id(), name: 'ASC' }))],
    ['GetDataLakeDataset', 'namespace', () => sc.send(new GetDataLakeDatasetCommand({ instanceId: id(), namespace: 'a-b', name: 'product' }))],
    ['ListDataLakeDatasets', 'instanceId', () => sc.send(new ListDataLakeDatasetsCommand({ instanceId: 'nope', namespace: 'asc' }))],
    ['SendDataIntegrationEvent', 'eventType', () => sc.send(new SendDataIntegrationEventCommand(forecastEvent({ eventType: 'scn.data.nope' as never })))],
    ['SendDataIntegrationEvent', 'eventGroupId', () => sc.send(new SendDataIntegrationEventCommand(forecastEvent({ eventGroupId: '' })))],
  ];
  it.each(malformed)('%s with a malformed %s answers ValidationException naming it', async (_, member, call) => {
    const err = await rejectionOf(call());
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toContain(`'${member}'`);
  });
});
