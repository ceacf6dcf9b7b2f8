/**
 * The emulator's AWS Supply Chain reads, end to end: instances, the data lake, flows and their executions
 * through our real client over HTTP, against shared/docs/aws-wire-reference.md §2 (shapes, nesting,
 * ranges, patterns, errors). Events and dataset loads are in supplychain.events.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
  paginateListDataIntegrationFlowExecutions,
  paginateListDataIntegrationFlows,
  paginateListDataLakeDatasets,
  paginateListDataLakeNamespaces,
  paginateListInstances,
  ResourceNotFoundException,
  ValidationException,
  type DataLakeDataset,
  type ListInstancesCommandInput,
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

const EXECUTION_RUN_MS = 90_000;
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
const ASC_RESOURCE_ARN =
  /^arn:aws:scn(?::([a-z0-9-]+):([0-9]+):instance)?\/([a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})[-_./A-Za-z0-9]*$/;
const LOAD_STATUSES = ['SUCCEEDED', 'IN_PROGRESS', 'FAILED'];

const disposers = createDisposers();
let emu: TestEmulator;
let sc: SupplyChainClient;
let instance: WorldSummary['supplychain']['instances'][number];
let dataset: DataLakeDataset;

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42, timing: { executionRunMs: EXECUTION_RUN_MS } }));
  sc = emu.supplyChain;
  instance = emu.world.supplychain.instances[0]!;
  const asc = instance.namespaces.find((n) => n.name === 'asc')!;
  const input = { instanceId: instance.instanceId, namespace: 'asc', name: asc.datasets[0]! };
  dataset = (await sc.send(new GetDataLakeDatasetCommand(input))).dataset!;
});
afterAll(() => disposers.dispose());

describe('Supply Chain instances', () => {
  it('GetInstance answers the instance with its account, state and times parsed to Dates', async () => {
    const out = await sc.send(new GetInstanceCommand({ instanceId: instance.instanceId }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toEqual(expect.any(String));
    const got = out.instance!;
    expect(got.instanceId).toBe(instance.instanceId);
    expect(got.instanceName).toBe(instance.instanceName);
    expect(got.awsAccountId).toMatch(/^[0-9]{12}$/);
    expect(['Initializing', 'Active', 'CreateFailed', 'DeleteFailed', 'Deleting', 'Deleted']).toContain(
      got.state,
    );
    expect(got.createdTime).toBeInstanceOf(Date);
    expect(got.lastModifiedTime).toBeInstanceOf(Date);
    expect(got.lastModifiedTime!.getTime()).toBeGreaterThanOrEqual(got.createdTime!.getTime());
  });

  it('ListInstances pages through every instance of the world exactly once', async () => {
    const { items, pages } = await collect(
      paginateListInstances({ client: sc, pageSize: 1 }, {}),
      (p) => p.instances,
    );
    const ids = items.map((i) => i.instanceId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(emu.world.supplychain.instances.map((i) => i.instanceId).sort());
    expect(pages).toBe(ids.length);
  });

  it('ListInstances filters by state and by name, repeating the query key for several values', async () => {
    const list = async (input: ListInstancesCommandInput) =>
      (await sc.send(new ListInstancesCommand(input))).instances!.map((i) => i.instanceId).sort();
    const all = await list({});
    expect(await list({ instanceStateFilter: ['Active', 'Deleted'] })).toEqual(all);
    expect(await list({ instanceStateFilter: ['Deleted'] })).toEqual([]);
    expect(await list({ instanceNameFilter: [instance.instanceName] })).toEqual([instance.instanceId]);
    expect(await list({ instanceNameFilter: ['No Such Instance'] })).toEqual([]);
  });

  it('ListInstances rejects a state outside the mixed-case InstanceState enum, naming the member', async () => {
    const err = await rejectionOf(
      sc.send(new ListInstancesCommand({ instanceStateFilter: ['ACTIVE' as never] })),
    );
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toContain('instanceStateFilter');
  });

  it('ListInstances rejects more than 10 name filters, naming the member', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `Name ${i}`);
    const err = await rejectionOf(sc.send(new ListInstancesCommand({ instanceNameFilter: names })));
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toContain('instanceNameFilter');
  });
});

describe('Supply Chain maxResults ranges', () => {
  const id = () => instance.instanceId;
  const cases: [string, number, number, (max: number) => Promise<unknown>][] = [
    ['ListInstances', 0, 20, (m) => sc.send(new ListInstancesCommand({ maxResults: m }))],
    [
      'ListDataIntegrationFlows',
      0,
      20,
      (m) => sc.send(new ListDataIntegrationFlowsCommand({ instanceId: id(), maxResults: m })),
    ],
    [
      'ListDataLakeDatasets',
      0,
      20,
      (m) => sc.send(new ListDataLakeDatasetsCommand({ instanceId: id(), namespace: 'asc', maxResults: m })),
    ],
    [
      'ListDataLakeNamespaces',
      1,
      20,
      (m) => sc.send(new ListDataLakeNamespacesCommand({ instanceId: id(), maxResults: m })),
    ],
    [
      'ListDataIntegrationEvents',
      1,
      20,
      (m) => sc.send(new ListDataIntegrationEventsCommand({ instanceId: id(), maxResults: m })),
    ],
    [
      'ListDataIntegrationFlowExecutions',
      1,
      20,
      (m) =>
        sc.send(
          new ListDataIntegrationFlowExecutionsCommand({
            instanceId: id(),
            flowName: instance.flows[0]!,
            maxResults: m,
          }),
        ),
    ],
  ];
  it.each(cases)(
    '%s accepts maxResults %i..%i and answers ValidationException naming it just outside',
    async (_, min, max, call) => {
      await expect(call(min)).resolves.toBeDefined();
      await expect(call(max)).resolves.toBeDefined();
      for (const bad of [min - 1, max + 1]) {
        const err = await rejectionOf(call(bad));
        expect(err).toBeInstanceOf(ValidationException);
        expect(err.$metadata.httpStatusCode).toBe(400);
        expect(err.message).toContain('maxResults');
      }
    },
  );
});

describe('Supply Chain data lake', () => {
  it('GetDataLakeNamespace answers the namespace with an ASC resource ARN and parsed times', async () => {
    const { namespace } = await sc.send(
      new GetDataLakeNamespaceCommand({ instanceId: instance.instanceId, name: 'asc' }),
    );
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
    expect(dataset).toMatchObject({ instanceId: instance.instanceId, namespace: 'asc' });
    expect(dataset.arn).toMatch(ASC_RESOURCE_ARN);
    expect(dataset.createdTime).toBeInstanceOf(Date);
    expect(dataset.lastModifiedTime).toBeInstanceOf(Date);
    expect(dataset.schema!.name).toMatch(/^[A-Za-z0-9]+$/);
    expect(dataset.schema!.fields!.length).toBeGreaterThan(0);
    for (const field of dataset.schema!.fields!) {
      expect(field.name).toMatch(/^[a-z0-9_]+$/);
      expect(['INT', 'DOUBLE', 'STRING', 'TIMESTAMP', 'LONG']).toContain(field.type);
      expect(typeof field.isRequired).toBe('boolean');
    }
    const fieldNames = dataset.schema!.fields!.map((f) => f.name);
    for (const key of dataset.schema!.primaryKeys ?? []) expect(fieldNames).toContain(key.name);
  });

  it('ListDataLakeDatasets pages every namespace to the end: the datasets of the world, each once', async () => {
    for (const ns of instance.namespaces) {
      const { items } = await collect(
        paginateListDataLakeDatasets(
          { client: sc, pageSize: 2 },
          { instanceId: instance.instanceId, namespace: ns.name },
        ),
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
      const { flow } = await sc.send(
        new GetDataIntegrationFlowCommand({ instanceId: instance.instanceId, name }),
      );
      expect(flow).toMatchObject({ instanceId: instance.instanceId, name });
      expect(flow!.createdTime).toBeInstanceOf(Date);
      expect(flow!.lastModifiedTime).toBeInstanceOf(Date);
      expect(flow!.sources!.length).toBeGreaterThanOrEqual(1);
      for (const source of flow!.sources!) {
        expect(source.sourceName).toMatch(/^[A-Za-z0-9_]+$/);
        if (source.sourceType === 'S3')
          expect(source.s3Source).toMatchObject({
            bucketName: expect.any(String),
            prefix: expect.any(String),
          });
        else expect(source.datasetSource!.datasetIdentifier).toEqual(expect.any(String));
      }
      const { transformation, target: flowTarget } = flow!;
      expect(['SQL', 'NONE']).toContain(transformation!.transformationType);
      if (transformation!.transformationType === 'SQL')
        expect(transformation!.sqlTransformation!.query).toEqual(expect.any(String));
      if (flowTarget!.targetType === 'DATASET')
        expect(flowTarget!.datasetTarget!.datasetIdentifier).toEqual(expect.any(String));
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
        paginateListDataIntegrationFlowExecutions(
          { client: sc, pageSize: 20 },
          { instanceId: instance.instanceId, flowName },
        ),
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
      new ListDataIntegrationFlowExecutionsCommand({
        instanceId: instance.instanceId,
        flowName,
        maxResults: 20,
      }),
    );
    for (const listed of flowExecutions!) {
      const { flowExecution } = await sc.send(
        new GetDataIntegrationFlowExecutionCommand({
          instanceId: instance.instanceId,
          flowName,
          executionId: listed.executionId!,
        }),
      );
      expect(flowExecution).toEqual(listed);
      expect(flowExecution!.executionId).toMatch(UUID);
      expect(LOAD_STATUSES).toContain(flowExecution!.status);
      expect(flowExecution!.startTime).toBeInstanceOf(Date);
      if (flowExecution!.status !== 'IN_PROGRESS') {
        expect(flowExecution!.endTime!.getTime()).toBeGreaterThanOrEqual(flowExecution!.startTime!.getTime());
      }
      if (flowExecution!.status === 'FAILED') expect(flowExecution!.message).toEqual(expect.any(String));
      if (flowExecution!.sourceInfo?.sourceType === 'S3')
        expect(flowExecution!.sourceInfo.s3Source!.key).toEqual(expect.any(String));
    }
  });

  it('executions in progress finish as the clock advances, gaining an endTime (and a message when FAILED)', async () => {
    const running: { flowName: string; executionId: string }[] = [];
    for (const flowName of instance.flows) {
      const input = { instanceId: instance.instanceId, flowName, maxResults: 20 };
      const { flowExecutions } = await sc.send(new ListDataIntegrationFlowExecutionsCommand(input));
      for (const x of flowExecutions!.filter((x) => x.status === 'IN_PROGRESS')) {
        expect(x.endTime).toBeUndefined();
        running.push({ flowName, executionId: x.executionId! });
      }
    }
    expect(running.length).toBeGreaterThan(0);
    // A seeded execution runs from half to twice executionRunMs.
    await emu.control.advance(2 * EXECUTION_RUN_MS);
    for (const { flowName, executionId } of running) {
      const input = { instanceId: instance.instanceId, flowName, executionId };
      const { flowExecution } = await sc.send(new GetDataIntegrationFlowExecutionCommand(input));
      expect(['SUCCEEDED', 'FAILED']).toContain(flowExecution!.status);
      expect(flowExecution!.endTime!.getTime()).toBeGreaterThan(flowExecution!.startTime!.getTime());
      if (flowExecution!.status === 'FAILED') expect(flowExecution!.message).toEqual(expect.any(String));
    }
  });
});

describe('Supply Chain errors', () => {
  const id = () => instance.instanceId;
  const notFound: [string, () => Promise<unknown>][] = [
    ['GetInstance', () => sc.send(new GetInstanceCommand({ instanceId: unknownUuid() }))],
    [
      'GetDataIntegrationEvent',
      () => sc.send(new GetDataIntegrationEventCommand({ instanceId: id(), eventId: unknownUuid() })),
    ],
    [
      'GetDataIntegrationFlow',
      () => sc.send(new GetDataIntegrationFlowCommand({ instanceId: id(), name: 'no-such-flow' })),
    ],
    [
      'GetDataIntegrationFlowExecution',
      () =>
        sc.send(
          new GetDataIntegrationFlowExecutionCommand({
            instanceId: id(),
            flowName: instance.flows[0]!,
            executionId: unknownUuid(),
          }),
        ),
    ],
    [
      'ListDataIntegrationFlowExecutions',
      () =>
        sc.send(new ListDataIntegrationFlowExecutionsCommand({ instanceId: id(), flowName: 'no-such-flow' })),
    ],
    [
      'GetDataLakeNamespace',
      () => sc.send(new GetDataLakeNamespaceCommand({ instanceId: id(), name: 'no_such_namespace' })),
    ],
    [
      'GetDataLakeDataset',
      () =>
        sc.send(
          new GetDataLakeDatasetCommand({ instanceId: id(), namespace: 'asc', name: 'no_such_dataset' }),
        ),
    ],
    [
      'ListDataLakeDatasets',
      () => sc.send(new ListDataLakeDatasetsCommand({ instanceId: id(), namespace: 'no_such_namespace' })),
    ],
  ];
  it.each(notFound)(
    '%s with a well-formed id that names nothing answers ResourceNotFoundException (404)',
    async (_, call) => {
      const err = await rejectionOf(call());
      expect(err).toBeInstanceOf(ResourceNotFoundException);
      expect(err.$metadata.httpStatusCode).toBe(404);
      expect(err.message).toEqual(expect.any(String));
    },
  );

  const malformed: [string, string, () => Promise<unknown>][] = [
    ['GetInstance', 'instanceId', () => sc.send(new GetInstanceCommand({ instanceId: 'not-a-uuid' }))],
    ['GetInstance', 'instanceId', () => sc.send(new GetInstanceCommand({ instanceId: id().toUpperCase() }))],
    [
      'GetDataIntegrationEvent',
      'eventId',
      () => sc.send(new GetDataIntegrationEventCommand({ instanceId: id(), eventId: '12345' })),
    ],
    [
      'GetDataIntegrationFlow',
      'name',
      () => sc.send(new GetDataIntegrationFlowCommand({ instanceId: id(), name: 'bad name/x' })),
    ],
    [
      'GetDataIntegrationFlowExecution',
      'executionId',
      () =>
        sc.send(
          new GetDataIntegrationFlowExecutionCommand({
            instanceId: id(),
            flowName: instance.flows[0]!,
            executionId: 'x',
          }),
        ),
    ],
    [
      'GetDataLakeNamespace',
      'name',
      () => sc.send(new GetDataLakeNamespaceCommand({ instanceId: id(), name: 'ASC' })),
    ],
    [
      'GetDataLakeDataset',
      'namespace',
      () => sc.send(new GetDataLakeDatasetCommand({ instanceId: id(), namespace: 'a-b', name: 'product' })),
    ],
    [
      'ListDataLakeDatasets',
      'instanceId',
      () => sc.send(new ListDataLakeDatasetsCommand({ instanceId: 'nope', namespace: 'asc' })),
    ],
  ];
  it.each(malformed)(
    '%s with a malformed %s answers ValidationException naming it',
    async (_, member, call) => {
      const err = await rejectionOf(call());
      expect(err).toBeInstanceOf(ValidationException);
      expect(err.$metadata.httpStatusCode).toBe(400);
      expect(err.message).toContain(`'${member}'`);
    },
  );
});
