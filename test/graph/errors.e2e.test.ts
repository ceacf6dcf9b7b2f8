/**
 * The error contract end to end: upstream failures injected in the emulator map to one code each, with
 * the AWS error name, operation and request id in `extensions`; a failing field is null while its
 * siblings resolve; invalid arguments fail before any upstream call; no stack trace ever leaves.
 * The harness makes one attempt per upstream call, so an injected fault is never retried away, and the
 * terminal cache is off so every request really reads.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let instanceId: string;
let domainId: string;
let dataSourceId: string;
let eventIds: string[];
let executionId: string;
let runId: string;
/** Global ids of one load of each kind, from the lists. */
let loadIds: string[];

const EVENT = `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) { eventId } }`;
const RUN = `query($d: ID!, $r: ID!) { dataSourceRun(domainIdentifier: $d, identifier: $r) { runId } }`;

beforeAll(async () => {
  gw = await startTestGateway({ TERMINAL_CACHE_MAX: '0' });
  const world = await gw.world();
  instanceId = world.supplychain.instances[0].instanceId;
  domainId = world.datazone.domains[0].domainId;
  dataSourceId = world.datazone.domains[0].dataSources[1].id;
  const res = await gw.query(
    `query($i: ID!, $d: ID!, $s: ID!) {
       dataIntegrationEvents(instanceId: $i, first: 3) { nodes { id eventId } }
       flowExecutions(instanceId: $i, flowName: "sales-orders-ingest", first: 1) { nodes { id executionId } }
       dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 1) { nodes { id runId } } }`,
    { i: instanceId, d: domainId, s: dataSourceId },
  );
  expect(res.errors).toBeUndefined();
  eventIds = res.data.dataIntegrationEvents.nodes.map((n: any) => n.eventId);
  executionId = res.data.flowExecutions.nodes[0].executionId;
  runId = res.data.dataSourceRuns.nodes[0].runId;
  loadIds = [res.data.dataIntegrationEvents, res.data.dataSourceRuns, res.data.flowExecutions].map(
    (c: any) => c.nodes[0].id,
  );
});

afterEach(async () => {
  await gw.clearFaults();
});

afterAll(async () => {
  await gw?.stop();
});

describe('partial failure', () => {
  it('nulls only the field whose upstream call failed, with UPSTREAM_UNAVAILABLE and the AWS operation; its sibling resolves', async () => {
    await gw.addFault({ operation: 'GetDataIntegrationEvent', kind: 'error', status: 500, count: 1 });
    await gw.resetCalls();
    const res = await gw.query(
      `query($i: ID!, $a: ID!, $b: ID!) {
         a: dataIntegrationEvent(instanceId: $i, eventId: $a) { eventId }
         b: dataIntegrationEvent(instanceId: $i, eventId: $b) { eventId } }`,
      { i: instanceId, a: eventIds[0], b: eventIds[1] },
    );
    expect(await gw.calls()).toEqual({ GetDataIntegrationEvent: 2 });
    expect(res.status).toBe(200);
    expect(res.errors).toHaveLength(1);
    const failed = res.errors![0]!.path![0] as 'a' | 'b';
    const other = failed === 'a' ? 'b' : 'a';
    expect(res.data).toEqual({
      [failed]: null,
      [other]: { eventId: other === 'a' ? eventIds[0] : eventIds[1] },
    });
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      awsErrorName: 'InternalServerException',
      awsOperation: 'GetDataIntegrationEvent',
      awsRequestId: expect.any(String),
    });
  });

  it('keeps one service failing from affecting loads of the other service in the same list', async () => {
    await gw.addFault({ operation: 'GetDataSourceRun', kind: 'error', status: 503 });
    const run = await gw.query(RUN, { d: domainId, r: runId });
    expect(run.data).toEqual({ dataSourceRun: null });
    const res = await gw.query(`query($ids: [ID!]!) { loads(ids: $ids) { id } }`, { ids: loadIds });
    expect(res.data!.loads).toEqual([{ id: loadIds[0] }, null, { id: loadIds[2] }]);
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ['loads', 1],
        extensions: expect.objectContaining({
          code: 'UPSTREAM_UNAVAILABLE',
          awsErrorName: 'ServiceUnavailableException',
          awsOperation: 'GetDataSourceRun',
        }),
      }),
    ]);
  });

  it('keeps no failed read: the next request reads again and succeeds', async () => {
    await gw.addFault({ operation: 'GetDataIntegrationEvent', kind: 'error', status: 502, count: 1 });
    const failed = await gw.query(EVENT, { i: instanceId, e: eventIds[2] });
    expect(failed.data).toEqual({ dataIntegrationEvent: null });
    const retried = await gw.query(EVENT, { i: instanceId, e: eventIds[2] });
    expect(retried.errors).toBeUndefined();
    expect(retried.data).toEqual({ dataIntegrationEvent: { eventId: eventIds[2] } });
  });
  it('retries a failed read when the same request needs it again later', async () => {
    // The flow read at the root fails; the execution (slowed down) then needs the same flow, after that failure.
    await gw.addFault({ operation: 'GetDataIntegrationFlow', kind: 'error', status: 500, count: 1 });
    await gw.addFault({
      operation: 'GetDataIntegrationFlowExecution',
      kind: 'latency',
      latencyMs: 300,
      count: 1,
    });
    await gw.resetCalls();
    const res = await gw.query(
      `query($i: ID!, $x: ID!) {
         a: dataIntegrationFlow(instanceId: $i, name: "sales-orders-ingest") { name }
         b: flowExecution(instanceId: $i, flowName: "sales-orders-ingest", executionId: $x) { flow { name } } }`,
      { i: instanceId, x: executionId },
    );
    expect(res.data).toEqual({ a: null, b: { flow: { name: 'sales-orders-ingest' } } });
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ['a'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }),
      }),
    ]);
    expect(await gw.calls()).toEqual({ GetDataIntegrationFlow: 2, GetDataIntegrationFlowExecution: 1 });
  });
});

describe('error mapping', () => {
  it.each([
    [500, 'InternalServerException', 'UPSTREAM_UNAVAILABLE'],
    [502, 'BadGatewayException', 'UPSTREAM_UNAVAILABLE'],
    [503, 'ServiceUnavailableException', 'UPSTREAM_UNAVAILABLE'],
    [504, 'GatewayTimeoutException', 'UPSTREAM_TIMEOUT'],
  ])('maps an upstream HTTP %i (%s) to %s with a generic message', async (status, awsErrorName, code) => {
    await gw.addFault({ operation: 'GetDataSourceRun', kind: 'error', status, count: 1 });
    const res = await gw.query(RUN, { d: domainId, r: runId });
    expect(res.data).toEqual({ dataSourceRun: null });
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ['dataSourceRun'],
        extensions: expect.objectContaining({ code, awsErrorName, awsOperation: 'GetDataSourceRun' }),
      }),
    ]);
    expect(res.errors![0]!.message).not.toMatch(/Service unavailable, try again|Internal server error/);
  });

  it('maps throttling of either service, on reads and lists alike, to THROTTLED with the AWS name, operation and request id', async () => {
    const cases: [string, Record<string, unknown>, string, (string | number)[]][] = [
      [EVENT, { i: instanceId, e: eventIds[0] }, 'GetDataIntegrationEvent', ['dataIntegrationEvent']],
      [RUN, { d: domainId, r: runId }, 'GetDataSourceRun', ['dataSourceRun']],
      [
        `query($i: ID!) { dataIntegrationEvents(instanceId: $i) { nodes { eventId } } }`,
        { i: instanceId },
        'ListDataIntegrationEvents',
        ['dataIntegrationEvents'],
      ],
      [
        `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s) { nodes { runId } } }`,
        { d: domainId, s: dataSourceId },
        'ListDataSourceRuns',
        ['dataSourceRuns'],
      ],
    ];
    for (const [query, variables, operation, path] of cases) {
      await gw.addFault({ operation, kind: 'throttle', count: 1 });
      const res = await gw.query(query, variables);
      expect(res.errors).toEqual([
        expect.objectContaining({
          path,
          extensions: expect.objectContaining({
            code: 'THROTTLED',
            awsErrorName: 'ThrottlingException',
            awsOperation: operation,
            awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          }),
        }),
      ]);
    }
  });

  it('makes a missing resource null with NOT_FOUND, the AWS error name and the request id', async () => {
    const missing = randomUUID();
    const cases: [string, string][] = [
      [
        'dataIntegrationEvent',
        `dataIntegrationEvent(instanceId: "${instanceId}", eventId: "${missing}") { eventId }`,
      ],
      [
        'dataIntegrationEvent',
        `dataIntegrationEvent(instanceId: "${missing}", eventId: "${eventIds[0]}") { eventId }`,
      ],
      [
        'flowExecution',
        `flowExecution(instanceId: "${instanceId}", flowName: "sales-orders-ingest", executionId: "${missing}") { executionId }`,
      ],
      [
        'flowExecution',
        `flowExecution(instanceId: "${instanceId}", flowName: "no-such-flow", executionId: "${executionId}") { executionId }`,
      ],
      ['dataSourceRun', `dataSourceRun(domainIdentifier: "${domainId}", identifier: "nosuchrun") { runId }`],
      [
        'dataIntegrationFlow',
        `dataIntegrationFlow(instanceId: "${instanceId}", name: "no-such-flow") { name }`,
      ],
      [
        'dataLakeDataset',
        `dataLakeDataset(instanceId: "${instanceId}", namespace: "asc", name: "no_such_dataset") { name }`,
      ],
      [
        'dataLakeDataset',
        `dataLakeDataset(instanceId: "${instanceId}", namespace: "nons", name: "product") { name }`,
      ],
      ['dataSource', `dataSource(domainIdentifier: "${domainId}", identifier: "nosuchsource") { name }`],
      ['instance', `instance(instanceId: "${missing}") { instanceId }`],
      ['domain', `domain(identifier: "dzd_nosuchdomain") { id }`],
    ];
    const requestIds = new Set<string>();
    for (const [field, selection] of cases) {
      const res = await gw.query(`{ ${selection} }`);
      expect(res.data).toEqual({ [field]: null });
      expect(res.errors).toHaveLength(1);
      const [error] = res.errors!;
      expect(error!.path).toEqual([field]);
      expect(error!.extensions).toMatchObject({
        code: 'NOT_FOUND',
        awsErrorName: 'ResourceNotFoundException',
        awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      requestIds.add(error!.extensions!.awsRequestId);
    }
    expect(requestIds.size).toBe(cases.length);
  });
});

describe('invalid arguments', () => {
  const UPPER = '8F6E7C1A-0B2D-4C3E-9F10-1A2B3C4D5E6F';
  const cases: [string, string][] = [
    ['instanceId', `dataIntegrationEvent(instanceId: "${UPPER}", eventId: "${randomUUID()}") { eventId }`],
    ['eventId', `dataIntegrationEvent(instanceId: $i, eventId: "not-a-uuid") { eventId }`],
    ['instanceId', `dataIntegrationEvents(instanceId: "i-123") { nodes { eventId } }`],
    [
      'flowName',
      `flowExecution(instanceId: $i, flowName: "bad name!", executionId: "${randomUUID()}") { executionId }`,
    ],
    ['executionId', `flowExecution(instanceId: $i, flowName: "f", executionId: "123") { executionId }`],
    ['flowName', `flowExecutions(instanceId: $i, flowName: "") { nodes { executionId } }`],
    ['domainIdentifier', `dataSourceRun(domainIdentifier: "domain-1", identifier: "abc") { runId }`],
    ['identifier', `dataSourceRun(domainIdentifier: $d, identifier: "bad/id") { runId }`],
    [
      'dataSourceIdentifier',
      `dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: "bad id") { nodes { runId } }`,
    ],
    ['name', `dataIntegrationFlow(instanceId: $i, name: "x_y") { name }`],
    ['instanceId', `dataIntegrationFlows(instanceId: "") { nodes { name } }`],
    ['namespace', `dataLakeDataset(instanceId: $i, namespace: "ASC", name: "product") { name }`],
    ['name', `dataLakeDataset(instanceId: $i, namespace: "asc", name: "Bad-Name") { name }`],
    ['namespace', `dataLakeDatasets(instanceId: $i, namespace: "a-b") { nodes { name } }`],
    ['identifier', `dataSource(domainIdentifier: $d, identifier: "${'x'.repeat(37)}") { name }`],
    ['instanceId', `instance(instanceId: "${UPPER}") { instanceId }`],
    ['identifier', `domain(identifier: "dzd") { id }`],
  ];

  it.each(cases)(
    'rejects a malformed %s as BAD_USER_INPUT naming it, without an upstream call: %s',
    async (field, selection) => {
      await gw.resetCalls();
      // Declare only the variables the selection uses (an unused one fails validation).
      const declared = [selection.includes('$i') && '$i: ID!', selection.includes('$d') && '$d: ID!'].filter(
        Boolean,
      );
      const signature = declared.length > 0 ? `(${declared.join(', ')})` : '';
      const res = await gw.query(`query${signature} { ${selection} }`, {
        ...(selection.includes('$i') ? { i: instanceId } : {}),
        ...(selection.includes('$d') ? { d: domainId } : {}),
      });
      expect(await gw.calls()).toEqual({});
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(res.errors![0]!.message).toContain(field);
    },
  );
});

describe('what leaves the gateway', () => {
  it('never sends a stack trace or an internal detail, whatever the error', async () => {
    await gw.addFault({ operation: 'GetDataIntegrationEvent', kind: 'error', status: 500 });
    const responses = await Promise.all([
      gw.query(`{ dataIntegrationEvent(`),
      gw.query(`{ noSuchField }`),
      gw.query(`query($n: Int) { instance(instanceId: $n) { instanceId } }`, { n: 'x' }),
      gw.query(EVENT, { i: instanceId, e: eventIds[0] }),
      gw.query(EVENT, { i: instanceId, e: 'bad' }),
      gw.query(`{ domain(identifier: "dzd_nosuchdomain") { id } }`),
      gw.query(`{ node(id: "!!") { id } }`),
      gw.query(
        `mutation { sendEvent(input: { instanceId: "x", eventType: FORECAST, data: "", eventGroupId: "" }) { eventId } }`,
      ),
    ]);
    for (const res of responses) {
      expect(res.errors?.length).toBeGreaterThan(0);
      for (const error of res.errors!) {
        expect(error.extensions?.code).toEqual(expect.any(String));
        expect(error.extensions).not.toHaveProperty('stacktrace');
        expect(error.extensions).not.toHaveProperty('exception');
        expect(JSON.stringify(error)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
      }
    }
    expect(responses[0]!.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(responses[1]!.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(responses[3]!.errors![0]!.message).toBe('the upstream service is unavailable; retry later');
  });
});
