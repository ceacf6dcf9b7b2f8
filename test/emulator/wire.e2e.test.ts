/**
 * The emulator on the wire, held to test/fixtures/model-facts.json: facts written by hand from
 * shared/docs/aws-wire-reference.md, independently of the model files the emulator routes and validates
 * with. Raw `fetch` requests carry a signed-looking SigV4 Authorization (the emulator checks the scope's
 * service name, not the signature), so nothing here depends on what an SDK fills in or forgives.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createDisposers,
  expandUri,
  rawRequest,
  RFC3339,
  startTestEmulator,
  unknownUuid,
  type RawResponse,
  type TestEmulator,
} from '../helpers/emulator.js';

interface OperationFacts {
  readonly service: 'scn' | 'datazone';
  readonly name: string;
  readonly method: string;
  readonly uri: string;
  readonly code: number;
  readonly requiredInput: { readonly labels: string[]; readonly query: string[]; readonly body: string[] };
  readonly requiredOutput: string[];
  readonly absentOutput?: string[];
  readonly errors: Record<string, number>;
  readonly timestamps?: Record<string, 'epoch-seconds' | 'date-time'>;
}

const facts: { operations: OperationFacts[] } = JSON.parse(
  readFileSync(new URL('../fixtures/model-facts.json', import.meta.url), 'utf8'),
);
const operations = facts.operations;

/** Ids of the seeded world that make a valid request for every operation. */
interface Ids {
  instanceId: string;
  eventId: string;
  flowName: string;
  executionId: string;
  datasetName: string;
  domainId: string;
  projectId: string;
  dataSourceId: string;
  otherDataSourceId: string;
  runId: string;
}

interface RequestParts {
  labels: Record<string, string>;
  query: Record<string, string>;
  body?: Record<string, unknown>;
}

const disposers = createDisposers();
let emu: TestEmulator;
let ids: Ids;

const send = (
  op: OperationFacts,
  parts: RequestParts,
  signAs: string | null = op.service,
): Promise<RawResponse> =>
  rawRequest(emu.endpoint, {
    method: op.method,
    path: expandUri(op.uri, parts.labels),
    query: parts.query,
    ...(parts.body ? { body: parts.body } : {}),
    signAs,
  });

const ok = async (path: string, signAs: string): Promise<any> => {
  const res = await rawRequest(emu.endpoint, { method: 'GET', path, signAs });
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text}`);
  return res.json;
};

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42 }));
  const instance = emu.world.supplychain.instances[0]!;
  const domain = emu.world.datazone.domains[0]!;
  const dataSource = domain.dataSources[0]!;
  const base = `/api-data/data-integration/instance/${instance.instanceId}`;
  const flowName = instance.flows[0]!;
  const events = await ok(`${base}/data-integration-events?maxResults=1`, 'scn');
  const executions = await ok(`${base}/data-integration-flows/${flowName}/executions?maxResults=1`, 'scn');
  const runs = await ok(
    `/v2/domains/${domain.domainId}/data-sources/${dataSource.id}/runs?status=SUCCESS`,
    'datazone',
  );
  ids = {
    instanceId: instance.instanceId,
    eventId: events.events[0].eventId,
    flowName,
    executionId: executions.flowExecutions[0].executionId,
    datasetName: instance.namespaces.find((n) => n.name === 'asc')!.datasets[0]!,
    domainId: domain.domainId,
    projectId: dataSource.projectId,
    dataSourceId: dataSource.id,
    otherDataSourceId: domain.dataSources[1]!.id,
    runId: runs.items[0].id,
  };
});
afterEach(() => emu.control.clearFaults());
afterAll(() => disposers.dispose());

/** A valid request for each operation, from the seeded ids. */
function validRequest(op: OperationFacts): RequestParts {
  const { instanceId, flowName, domainId } = ids;
  const labels: Record<string, Record<string, string>> = {
    SendDataIntegrationEvent: { instanceId },
    GetDataIntegrationEvent: { instanceId, eventId: ids.eventId },
    ListDataIntegrationEvents: { instanceId },
    GetDataIntegrationFlowExecution: { instanceId, flowName, executionId: ids.executionId },
    ListDataIntegrationFlowExecutions: { instanceId, flowName },
    GetDataIntegrationFlow: { instanceId, name: flowName },
    ListDataIntegrationFlows: { instanceId },
    GetDataLakeDataset: { instanceId, namespace: 'asc', name: ids.datasetName },
    ListDataLakeDatasets: { instanceId, namespace: 'asc' },
    GetDataLakeNamespace: { instanceId, name: 'asc' },
    ListDataLakeNamespaces: { instanceId },
    GetInstance: { instanceId },
    ListInstances: {},
    GetDataSourceRun: { domainIdentifier: domainId, identifier: ids.runId },
    ListDataSourceRuns: { domainIdentifier: domainId, dataSourceIdentifier: ids.dataSourceId },
    ListDataSourceRunActivities: { domainIdentifier: domainId, identifier: ids.runId },
    GetDataSource: { domainIdentifier: domainId, identifier: ids.dataSourceId },
    ListDataSources: { domainIdentifier: domainId },
    StartDataSourceRun: { domainIdentifier: domainId, dataSourceIdentifier: ids.dataSourceId },
    GetDomain: { identifier: domainId },
    ListDomains: {},
    ListProjects: { domainIdentifier: domainId },
  };
  const parts: RequestParts = { labels: { ...labels[op.name]! }, query: {} };
  if (op.name === 'ListDataSources') parts.query['projectIdentifier'] = ids.projectId;
  if (op.name === 'SendDataIntegrationEvent') {
    parts.body = { eventType: 'scn.data.forecast', data: '{"product_id":"P-1"}', eventGroupId: 'wire' };
  }
  if (op.name === 'StartDataSourceRun') parts.body = { clientToken: unknownUuid() };
  return parts;
}

/** A well-formed value for a label that names nothing in the world. */
function unknownLabel(op: OperationFacts, label: string): string {
  if (label === 'domainIdentifier' || op.name === 'GetDomain') return 'dzd_unknown0000';
  if (op.service === 'datazone') return 'unknown0000';
  if (['instanceId', 'eventId', 'executionId'].includes(label)) return unknownUuid();
  return label === 'flowName' || op.uri.includes('data-integration-flows/{name}')
    ? 'no-such-flow'
    : 'no_such_name';
}

/** Every value at an output path: `a.b` nests, `a[].b` takes `b` of each element of `a`. */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split('.')) {
    const isList = part.endsWith('[]');
    const key = isList ? part.slice(0, -2) : part;
    current = current.flatMap((v) => {
      const next = (v as Record<string, unknown> | undefined)?.[key];
      return isList ? (Array.isArray(next) ? next : [undefined]) : [next];
    });
  }
  return current;
}

/** The restJson1 error envelope: status, x-amzn-errortype, JSON content type, request id, message, Date. */
function expectAwsError(res: RawResponse, status: number, name: string): void {
  expect({ status: res.status, type: res.headers.get('x-amzn-errortype')?.split(':')[0] }, res.text).toEqual({
    status,
    type: name,
  });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-amzn-requestid')).toMatch(/\S/);
  expect(res.json?.message).toMatch(/\S/);
  // AccessDeniedException is on the SDK's clock-skew list: every answer needs a correct Date.
  expect(Math.abs(Date.parse(res.headers.get('date') ?? '') - Date.now())).toBeLessThan(60_000);
}

describe('each operation on the wire', () => {
  it.each(operations)('$name: $method $uri answers $code with every required output member', async (op) => {
    const res = await send(op, validRequest(op));
    expect(res.status, res.text).toBe(op.code);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/\S/);
    for (const path of op.requiredOutput) {
      const values = valuesAt(res.json, path);
      expect(values.length, `${path} has no element`).toBeGreaterThan(0);
      expect(
        values.every((v) => v !== undefined && v !== null),
        `${path} is missing`,
      ).toBe(true);
    }
    for (const path of op.absentOutput ?? []) {
      expect(
        valuesAt(res.json, path).every((v) => v === undefined),
        `${path} must not be sent`,
      ).toBe(true);
    }
    let timestamps = 0;
    for (const [path, format] of Object.entries(op.timestamps ?? {})) {
      for (const v of valuesAt(res.json, path).filter((x) => x !== undefined)) {
        timestamps++;
        if (format === 'epoch-seconds') expect(typeof v, `${path} must be a number`).toBe('number');
        else expect(v, `${path} must be an RFC 3339 string`).toMatch(RFC3339);
      }
    }
    if (op.timestamps) expect(timestamps, 'no timestamp of the fixture was present').toBeGreaterThan(0);
  });

  it.each(operations)(
    '$name: a method no emulated operation has at $uri answers 404 UnknownOperationException',
    async (op) => {
      const res = await rawRequest(emu.endpoint, {
        method: 'DELETE',
        path: expandUri(op.uri, validRequest(op).labels),
        signAs: op.service,
      });
      expectAwsError(res, 404, 'UnknownOperationException');
    },
  );

  const removals = operations.flatMap((op) => [
    ...op.requiredInput.labels.map((m) => [op.name, 'label', m, op] as const),
    ...op.requiredInput.query.map((m) => [op.name, 'query', m, op] as const),
    ...op.requiredInput.body.map((m) => [op.name, 'body', m, op] as const),
  ]);
  it.each(removals)(
    '%s without its required %s %s answers ValidationException naming it',
    async (_, where, member, op) => {
      const parts = validRequest(op);
      if (where === 'label') parts.labels[member] = '';
      if (where === 'query') delete parts.query[member];
      if (where === 'body') delete parts.body![member];
      const res = await send(op, parts);
      expectAwsError(res, 400, 'ValidationException');
      expect(res.json.message).toContain(`'${member}'`);
    },
  );
});

describe('error statuses', () => {
  type Provoke = (op: OperationFacts) => Promise<RawResponse>;
  const provokers: Record<string, (op: OperationFacts) => Provoke | undefined> = {
    ResourceNotFoundException: (op) => {
      const label = op.requiredInput.labels.at(-1);
      if (!label) return undefined;
      return (o) => {
        const parts = validRequest(o);
        parts.labels[label] = unknownLabel(o, label);
        return send(o, parts);
      };
    },
    ValidationException: (op) => async (o) => {
      const parts = validRequest(o);
      const label = op.requiredInput.labels[0];
      if (label) parts.labels[label] = '';
      else parts.query['maxResults'] = '999';
      return send(o, parts);
    },
    ConflictException: (op) => {
      const clientToken = `wire-conflict-${unknownUuid()}`;
      if (op.name === 'SendDataIntegrationEvent') {
        return async (o) => {
          const parts = validRequest(o);
          await send(o, { ...parts, body: { ...parts.body, clientToken } });
          return send(o, { ...parts, body: { ...parts.body, clientToken, eventGroupId: 'another-group' } });
        };
      }
      if (op.name === 'StartDataSourceRun') {
        return async (o) => {
          const parts = validRequest(o);
          await send(o, { ...parts, body: { clientToken } });
          const other = { ...parts.labels, dataSourceIdentifier: ids.otherDataSourceId };
          return send(o, { ...parts, labels: other, body: { clientToken } });
        };
      }
      return undefined;
    },
    ThrottlingException: () => async (o) => {
      await emu.control.addFault({ operation: o.name, kind: 'throttle', count: 1 });
      return send(o, validRequest(o));
    },
    InternalServerException: () => async (o) => {
      await emu.control.addFault({ operation: o.name, kind: 'error', status: 500, count: 1 });
      return send(o, validRequest(o));
    },
  };
  // AccessDenied, ServiceQuotaExceeded and Unauthorized cannot be provoked from outside the emulator.
  const cases = operations.flatMap((op) =>
    Object.entries(op.errors).flatMap(([name, status]) => {
      const provoke = provokers[name]?.(op);
      return provoke ? [[op.name, name, status, op, provoke] as const] : [];
    }),
  );
  it.each(cases)(
    '%s answers %s with HTTP %i and the restJson1 error envelope',
    async (_, name, status, op, provoke) => {
      expectAwsError(await provoke(op), status, name);
    },
  );
});

describe('restJson1 body timestamps', () => {
  const sendEvent = (body: Record<string, unknown>) =>
    rawRequest(emu.endpoint, {
      method: 'POST',
      path: `/api-data/data-integration/instance/${ids.instanceId}/data-integration-events`,
      body: { eventType: 'scn.data.forecast', data: '{}', eventGroupId: 'wire-ts', ...body },
      signAs: 'scn',
    });

  it('a fractional epoch-seconds eventTimestamp is kept to the millisecond and sent back as a number', async () => {
    const sent = await sendEvent({ eventTimestamp: 1714557600.567 });
    expect(sent.status).toBe(200);
    const got = await ok(
      `/api-data/data-integration/instance/${ids.instanceId}/data-integration-events/${sent.json.eventId}`,
      'scn',
    );
    expect(got.event.eventTimestamp).toBe(1714557600.567);
  });

  it.each([
    ['an RFC 3339 string', '2024-05-01T10:00:00Z'],
    ['a number past the end of representable time', 1e20],
  ])('an eventTimestamp given as %s answers ValidationException naming it', async (_, eventTimestamp) => {
    const res = await sendEvent({ eventTimestamp });
    expectAwsError(res, 400, 'ValidationException');
    expect(res.json.message).toContain("'eventTimestamp'");
  });
});

describe('authentication at the front door', () => {
  const byService = (service: string) =>
    operations.find((op) => op.service === service && op.method === 'GET')!;

  it.each(['scn', 'datazone'])(
    'a %s request without Authorization answers 403 MissingAuthenticationTokenException',
    async (service) => {
      const op = byService(service);
      expectAwsError(await send(op, validRequest(op), null), 403, 'MissingAuthenticationTokenException');
    },
  );

  it.each([
    ['Supply Chain', 'scn', 'datazone'],
    ['DataZone', 'datazone', 'scn'],
  ])(
    'a %s request signed for the other service answers 403 InvalidSignatureException',
    async (_, service, wrong) => {
      const op = byService(service);
      expectAwsError(await send(op, validRequest(op), wrong), 403, 'InvalidSignatureException');
    },
  );

  it('a request the emulator rejects at the door is not counted as a call of the operation', async () => {
    await emu.control.resetCalls();
    const op = byService('scn');
    await send(op, validRequest(op), null);
    await send(op, validRequest(op), 'datazone');
    expect(await emu.control.calls()).toEqual({});
  });
});
