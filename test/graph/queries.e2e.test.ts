/**
 * The Supply Chain root query fields and links, plus `node` and `loads`, against the real gateway and its
 * embedded emulator (DataZone's are in queries.datazone.e2e.test.ts). The oracle is the emulator itself:
 * its world summary (`GET /_emulator/world`) for ids and names, and its AWS operations read with the real
 * AWS client for every field value, so a value the gateway renames, converts (epoch seconds → DateTime)
 * or derives (the `Load` fields) is checked against the raw upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/upstream/clients.js';
import {
  GetDataIntegrationFlowCommand,
  GetDataLakeDatasetCommand,
  GetInstanceCommand,
  ListDataIntegrationEventsCommand,
  ListDataIntegrationFlowExecutionsCommand,
  SupplyChainClient,
} from '../../src/upstream/supplychain/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { dropNulls, splitLoad, wire } from '../helpers/graph.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Wire event types and their GraphQL names, as the design fixes them. */
const EVENT_TYPE: Record<string, string> = Object.fromEntries(
  [
    'FORECAST',
    'INVENTORY_LEVEL',
    'INBOUND_ORDER',
    'INBOUND_ORDER_LINE',
    'INBOUND_ORDER_LINE_SCHEDULE',
    'OUTBOUND_ORDER_LINE',
    'OUTBOUND_SHIPMENT',
    'PROCESS_HEADER',
    'PROCESS_OPERATION',
    'PROCESS_PRODUCT',
    'RESERVATION',
    'SHIPMENT',
    'SHIPMENT_STOP',
    'SHIPMENT_STOP_ORDER',
    'SUPPLY_PLAN',
    'DATASET',
  ].map((name) => [`scn.data.${name.replaceAll('_', '').toLowerCase()}`, name]),
);
const SCN_STATUS: Record<string, string> = {
  IN_PROGRESS: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
};

const EVENT = `id kind status upstreamStatus terminal startedAt finishedAt message instanceId eventId eventType
  eventGroupId eventTimestamp datasetTargetDetails { datasetIdentifier operationType datasetLoadExecution { status message } }`;
const EXECUTION = `id kind status upstreamStatus terminal startedAt finishedAt message instanceId flowName executionId
  executionStatus startTime endTime outputMetadata { diagnosticReportsRootS3URI }
  sourceInfo { sourceType s3Source { bucketName key } datasetSource { datasetIdentifier } }`;
const RUN = `id kind status upstreamStatus terminal startedAt finishedAt message domainId runId dataSourceId projectId
  runStatus type createdAt updatedAt stoppedAt runStatisticsForAssets { added updated unchanged skipped failed }
  lineageSummary { importStatus } errorMessage { errorType errorDetail }`;
const DATASET = `instanceId namespace name arn description createdTime lastModifiedTime
  schema { name fields { name type isRequired } primaryKeys { name } }
  partitionSpec { fields { name transform { type } } }`;
const FLOW_OPTIONS = `options { loadType dedupeRecords dedupeStrategy { type fieldPriority { fields { name sortOrder } } } }`;
const FLOW = `instanceId name createdTime lastModifiedTime
  sources { sourceType sourceName s3Source { bucketName prefix options { fileType } } datasetSource { datasetIdentifier ${FLOW_OPTIONS} } }
  transformation { transformationType sqlTransformation { query } }
  target { targetType s3Target { bucketName prefix options { fileType } } datasetTarget { datasetIdentifier ${FLOW_OPTIONS} } }`;

let gw: TestGateway;
let world: any;
let scn: SupplyChainClient;
let instanceId: string;
let domainId: string;

const dataSourceNamed = (name: string): any =>
  world.datazone.domains[0].dataSources.find((d: any) => d.name === name);

beforeAll(async () => {
  gw = await startTestGateway();
  world = await gw.world();
  scn = new SupplyChainClient({
    region: 'us-east-1',
    endpoint: gw.emulator,
    maxAttempts: 1,
    credentials: { ...EMULATOR_CREDENTIALS },
  });
  instanceId = world.supplychain.instances[0].instanceId;
  domainId = world.datazone.domains[0].domainId;
});

afterAll(async () => {
  scn?.destroy();
  await gw?.stop();
});

describe('Supply Chain events', () => {
  it('lists events as AWS lists them, with GraphQL event type names and the Load fields derived per the contract', async () => {
    const { dataIntegrationEvents: page } = await gw.data(
      `query($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 20) { nodes { ${EVENT} } } }`,
      { i: instanceId },
    );
    const raw = await scn.send(new ListDataIntegrationEventsCommand({ instanceId, maxResults: 20 }));
    expect(page.nodes).toHaveLength(raw.events!.length);
    page.nodes.forEach((node: any, i: number) => {
      const e = raw.events![i]!;
      const { load, aws } = splitLoad(node);
      expect(dropNulls(aws)).toEqual(wire({ ...e, eventType: EVENT_TYPE[e.eventType!] }));
      const execution = e.datasetTargetDetails?.datasetLoadExecution;
      expect(load).toEqual({
        id: expect.any(String),
        kind: 'DATA_INTEGRATION_EVENT',
        status: execution ? SCN_STATUS[execution.status!] : 'UNKNOWN',
        upstreamStatus: execution?.status ?? null,
        terminal: execution?.status !== 'IN_PROGRESS',
        startedAt: e.eventTimestamp!.toISOString(),
        finishedAt: null,
        message: execution?.message ?? null,
      });
      expect(node.eventTimestamp).toMatch(ISO);
    });
    // The page covers every kind of event state the contract distinguishes.
    expect(new Set(page.nodes.map((n: any) => n.status))).toEqual(
      new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'UNKNOWN']),
    );
  });

  it('filters events by eventType, taking and returning the GraphQL name (INVENTORY_LEVEL)', async () => {
    const { dataIntegrationEvents: page } = await gw.data(
      `query($i: ID!) { dataIntegrationEvents(instanceId: $i, eventType: INVENTORY_LEVEL, first: 20) { nodes { eventId eventType } } }`,
      { i: instanceId },
    );
    const raw = await scn.send(
      new ListDataIntegrationEventsCommand({
        instanceId,
        eventType: 'scn.data.inventorylevel',
        maxResults: 20,
      }),
    );
    expect(raw.events!.length).toBeGreaterThan(0);
    expect(page.nodes).toEqual(
      raw.events!.map((e) => ({ eventId: e.eventId, eventType: 'INVENTORY_LEVEL' })),
    );
  });

  it('reports an event without a dataset load as UNKNOWN and terminal, with no dataset', async () => {
    const { dataIntegrationEvents: page } = await gw.data(
      `query($i: ID!) { dataIntegrationEvents(instanceId: $i, eventType: FORECAST, first: 1) { nodes { eventId } } }`,
      { i: instanceId },
    );
    const { dataIntegrationEvent: e } = await gw.data(
      `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) {
         eventType status upstreamStatus terminal finishedAt message datasetTargetDetails { datasetIdentifier } dataset { name } } }`,
      { i: instanceId, e: page.nodes[0].eventId },
    );
    expect(e).toEqual({
      eventType: 'FORECAST',
      status: 'UNKNOWN',
      upstreamStatus: null,
      terminal: true,
      finishedAt: null,
      message: null,
      datasetTargetDetails: null,
      dataset: null,
    });
  });

  it('reads one event with the values its list holds, linked to its target dataset and its instance', async () => {
    const { dataIntegrationEvents: page } = await gw.data(
      `query($i: ID!) { dataIntegrationEvents(instanceId: $i, eventType: DATASET, first: 20) { nodes { ${EVENT} } } }`,
      { i: instanceId },
    );
    const listed = page.nodes.find((n: any) => n.status === 'FAILED');
    const { dataIntegrationEvent: e } = await gw.data(
      `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) {
         ${EVENT} dataset { instanceId namespace name arn } instance { instanceId instanceName state } } }`,
      { i: instanceId, e: listed.eventId },
    );
    const { dataset, instance, ...event } = e;
    expect(event).toEqual(listed);
    const [, namespace, name] = /\/namespaces\/([^/]+)\/datasets\/([^/]+)$/.exec(
      listed.datasetTargetDetails.datasetIdentifier,
    )!;
    expect(dataset).toEqual({
      instanceId,
      namespace,
      name,
      arn: listed.datasetTargetDetails.datasetIdentifier,
    });
    expect(instance).toEqual({ instanceId, instanceName: 'Northwind Distribution', state: 'Active' });
  });
});

describe('Supply Chain flows and executions', () => {
  const flowName = 'erp-item-master-ingest';

  it("lists a flow's executions as AWS lists them, with startedAt/finishedAt from startTime/endTime", async () => {
    const { flowExecutions: page } = await gw.data(
      `query($i: ID!, $f: String!) { flowExecutions(instanceId: $i, flowName: $f, first: 20) { nodes { ${EXECUTION} } } }`,
      { i: instanceId, f: flowName },
    );
    const raw = await scn.send(
      new ListDataIntegrationFlowExecutionsCommand({ instanceId, flowName, maxResults: 20 }),
    );
    expect(page.nodes).toHaveLength(raw.flowExecutions!.length);
    page.nodes.forEach((node: any, i: number) => {
      const { status, message, ...x } = raw.flowExecutions![i]!;
      const { load, aws } = splitLoad(node);
      expect(dropNulls(aws)).toEqual(wire({ ...x, executionStatus: status }));
      expect(load).toEqual({
        id: expect.any(String),
        kind: 'FLOW_EXECUTION',
        status: SCN_STATUS[status!],
        upstreamStatus: status,
        terminal: status !== 'IN_PROGRESS',
        startedAt: x.startTime!.toISOString(),
        finishedAt: x.endTime?.toISOString() ?? null,
        message: message ?? null,
      });
    });
    expect(new Set(page.nodes.map((n: any) => n.status))).toEqual(
      new Set(['RUNNING', 'SUCCEEDED', 'FAILED']),
    );
  });

  it('reads one execution with the values its list holds, linked to its flow', async () => {
    const { flowExecutions: page } = await gw.data(
      `query($i: ID!, $f: String!) { flowExecutions(instanceId: $i, flowName: $f, first: 5) { nodes { ${EXECUTION} } } }`,
      { i: instanceId, f: flowName },
    );
    for (const listed of page.nodes.slice(0, 2)) {
      const { flowExecution: x } = await gw.data(
        `query($i: ID!, $f: String!, $x: ID!) { flowExecution(instanceId: $i, flowName: $f, executionId: $x) {
           ${EXECUTION} flow { instanceId name } } }`,
        { i: instanceId, f: flowName, x: listed.executionId },
      );
      const { flow, ...execution } = x;
      expect(execution).toEqual(listed);
      expect(flow).toEqual({ instanceId, name: flowName });
    }
  });

  it('lists and reads flows as AWS returns them, named as in the world, each linked to its executions', async () => {
    const { dataIntegrationFlows: page } = await gw.data(
      `query($i: ID!) { dataIntegrationFlows(instanceId: $i, first: 20) { nodes { ${FLOW} executions(first: 3) { nodes { executionId flowName } } } } }`,
      { i: instanceId },
    );
    expect(page.nodes.map((f: any) => f.name)).toEqual(world.supplychain.instances[0].flows);
    for (const { executions, ...listed } of page.nodes) {
      const raw = await scn.send(new GetDataIntegrationFlowCommand({ instanceId, name: listed.name }));
      expect(dropNulls(listed)).toEqual(wire(raw.flow));
      const own = await scn.send(
        new ListDataIntegrationFlowExecutionsCommand({ instanceId, flowName: listed.name, maxResults: 3 }),
      );
      expect(executions.nodes).toEqual(
        own.flowExecutions!.map((x) => ({ executionId: x.executionId, flowName: listed.name })),
      );
    }
    const { dataIntegrationFlow } = await gw.data(
      `query($i: ID!, $n: String!) { dataIntegrationFlow(instanceId: $i, name: $n) { ${FLOW} } }`,
      { i: instanceId, n: 'item-master-to-product' },
    );
    const { executions: _, ...listed } = page.nodes.find((f: any) => f.name === 'item-master-to-product');
    expect(dataIntegrationFlow).toEqual(listed);
    expect(dataIntegrationFlow.transformation.transformationType).toBe('SQL');
  });
});

describe('Supply Chain data lake and instances', () => {
  it('lists and reads datasets as AWS returns them, named as in the world', async () => {
    for (const ns of world.supplychain.instances[0].namespaces) {
      const { dataLakeDatasets: page } = await gw.data(
        `query($i: ID!, $n: String!) { dataLakeDatasets(instanceId: $i, namespace: $n, first: 20) { nodes { ${DATASET} } } }`,
        { i: instanceId, n: ns.name },
      );
      expect(page.nodes.map((d: any) => d.name)).toEqual(ns.datasets);
    }
    const { dataLakeDataset } = await gw.data(
      `query($i: ID!) { dataLakeDataset(instanceId: $i, namespace: "asc", name: "inventory_level") { ${DATASET} } }`,
      { i: instanceId },
    );
    const raw = await scn.send(
      new GetDataLakeDatasetCommand({ instanceId, namespace: 'asc', name: 'inventory_level' }),
    );
    expect(dropNulls(dataLakeDataset)).toEqual(wire(raw.dataset));
    expect(dataLakeDataset.partitionSpec.fields).toEqual([
      { name: 'snapshot_date', transform: { type: 'DAY' } },
      { name: 'site_id', transform: { type: 'IDENTITY' } },
    ]);
    expect(dataLakeDataset.createdTime).toMatch(ISO);
  });

  it('reads an instance as AWS returns it, named as in the world', async () => {
    for (const summary of world.supplychain.instances) {
      const { instance } = await gw.data(
        `query($i: ID!) { instance(instanceId: $i) { instanceId awsAccountId state errorMessage webAppDnsDomain
           createdTime lastModifiedTime instanceName instanceDescription kmsKeyArn versionNumber } }`,
        { i: summary.instanceId },
      );
      const raw = await scn.send(new GetInstanceCommand({ instanceId: summary.instanceId }));
      expect(dropNulls(instance)).toEqual(wire(raw.instance));
      expect(instance.instanceName).toBe(summary.instanceName);
      expect(instance.createdTime).toMatch(ISO);
    }
  });
});

describe('global ids', () => {
  it('node and loads return each kind of load with the values of its typed query', async () => {
    const lists = await gw.data(
      `query($i: ID!, $d: ID!, $s: ID!) {
         dataIntegrationEvents(instanceId: $i, first: 1) { nodes { ${EVENT} } }
         flowExecutions(instanceId: $i, flowName: "sales-orders-ingest", first: 1) { nodes { ${EXECUTION} } }
         dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 1) { nodes { ${RUN} } } }`,
      { i: instanceId, d: domainId, s: dataSourceNamed('Sales marts').id },
    );
    const expected = [
      { __typename: 'DataIntegrationEvent', ...lists.dataIntegrationEvents.nodes[0] },
      { __typename: 'FlowExecution', ...lists.flowExecutions.nodes[0] },
      { __typename: 'DataSourceRun', ...lists.dataSourceRuns.nodes[0] },
    ];
    const fragments = `__typename ... on DataIntegrationEvent { ${EVENT} } ... on FlowExecution { ${EXECUTION} } ... on DataSourceRun { ${RUN} }`;
    for (const load of expected) {
      const { node } = await gw.data(`query($id: ID!) { node(id: $id) { ${fragments} } }`, { id: load.id });
      expect(node).toEqual(load);
    }
    const { loads } = await gw.data(`query($ids: [ID!]!) { loads(ids: $ids) { ${fragments} } }`, {
      ids: expected.map((l) => l.id),
    });
    expect(loads).toEqual(expected);
  });
});
