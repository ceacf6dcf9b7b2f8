/**
 * The real Supply Chain client over real HTTP: a loopback server records every request and answers
 * canned restJson1 responses, so these tests pin the wire behaviour (bindings, serde, signing, errors,
 * retries, pagination) and the endpoint ruleset, not the client's internals.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { HttpResponse, type HttpRequest } from '@smithy/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedException,
  ConflictException,
  GetDataIntegrationFlowExecutionCommand,
  GetInstanceCommand,
  InternalServerException,
  ListDataIntegrationEventsCommand,
  ListInstancesCommand,
  paginateListDataLakeDatasets,
  ResourceNotFoundException,
  SendDataIntegrationEventCommand,
  ServiceQuotaExceededException,
  SupplyChainClient,
  SupplyChainServiceException,
  ThrottlingException,
  ValidationException,
  type SupplyChainClientConfig,
} from '../../src/upstream/supplychain/index.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const INSTANCE = '8928ae12-15e5-4441-825d-ec2184f0a43a';
const EXECUTION = '19739c8e-cd2e-4cbc-a2f7-0dc43239f042';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Canned {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A fake `scn` endpoint: answers queued responses in order, records what it received. */
function createFakeScn() {
  const requests: Recorded[] = [];
  const queue: Canned[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push({
        method: req.method ?? '',
        path: req.url?.split('?')[0] ?? '',
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const canned = queue.shift() ?? { status: 599, body: { message: 'no canned response queued' } };
      res.writeHead(canned.status ?? 200, {
        'content-type': 'application/json',
        'x-amzn-requestid': `req-${requests.length}`,
        ...canned.headers,
      });
      res.end(canned.body === undefined ? '' : JSON.stringify(canned.body));
    });
  });
  return {
    requests,
    server,
    /** Queues responses and forgets earlier requests. */
    reply(...responses: Canned[]): void {
      requests.length = 0;
      queue.length = 0;
      queue.push(...responses);
    },
    get url(): string {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

const scnError = (status: number, name: string, message = `${name} happened`): Canned => ({
  status,
  headers: { 'x-amzn-errortype': name },
  body: { message },
});

const fake = createFakeScn();
const clients: SupplyChainClient[] = [];
/** A client destroyed after all tests. */
function track(created: SupplyChainClient): SupplyChainClient {
  clients.push(created);
  return created;
}
/** A client against the fake, retrying up to `maxAttempts` with a 1 ms backoff. */
const client = (maxAttempts = 3, config: SupplyChainClientConfig = {}): SupplyChainClient =>
  track(
    new SupplyChainClient({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials,
      retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 1),
      ...config,
    }),
  );

beforeAll(async () => {
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await new Promise<void>((resolve, reject) => fake.server.close((e) => (e ? reject(e) : resolve())));
});

describe('SupplyChainClient requests', () => {
  it('sends a GET with fully percent-encoded path labels, no body and no content type', async () => {
    fake.reply({
      body: { flowExecution: { instanceId: INSTANCE, flowName: 'a b/c', executionId: EXECUTION } },
    });
    await client().send(
      new GetDataIntegrationFlowExecutionCommand({
        instanceId: INSTANCE,
        flowName: 'a b/c',
        executionId: EXECUTION,
      }),
    );
    const [request] = fake.requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe(
      `/api-data/data-integration/instance/${INSTANCE}/data-integration-flows/a%20b%2Fc/executions/${EXECUTION}`,
    );
    expect(request?.body).toBe('');
    expect(request?.headers['content-type']).toBeUndefined();
  });

  it('binds list inputs to the query: eventType, maxResults, nextToken, and repeated list keys', async () => {
    fake.reply({ body: { events: [] } }, { body: { instances: [] } });
    await client().send(
      new ListDataIntegrationEventsCommand({
        instanceId: INSTANCE,
        eventType: 'scn.data.forecast',
        maxResults: 5,
        nextToken: 'tok/en=+',
      }),
    );
    await client().send(
      new ListInstancesCommand({ instanceStateFilter: ['Active', 'Deleted'], maxResults: 0 }),
    );
    const [events, instances] = fake.requests;
    expect(events?.path).toBe(`/api-data/data-integration/instance/${INSTANCE}/data-integration-events`);
    expect(Object.fromEntries(events?.query ?? [])).toEqual({
      eventType: 'scn.data.forecast',
      maxResults: '5',
      nextToken: 'tok/en=+',
    });
    expect(instances?.path).toBe('/api/instance');
    expect(instances?.query.getAll('instanceStateFilter')).toEqual(['Active', 'Deleted']);
    expect(instances?.query.get('maxResults')).toBe('0');
  });

  it('POSTs SendDataIntegrationEvent as JSON with epoch-second eventTimestamp and a UUID v4 clientToken', async () => {
    fake.reply({ body: { eventId: EXECUTION } }, { body: { eventId: EXECUTION } });
    const input = {
      instanceId: INSTANCE,
      eventType: 'scn.data.dataset',
      data: '{"id":"p-1"}',
      eventGroupId: 'product',
      eventTimestamp: new Date('2024-05-01T10:00:00.567Z'),
      datasetTarget: {
        datasetIdentifier: `arn:aws:scn:us-east-1:123456789012:instance/${INSTANCE}/namespaces/asc/datasets/product`,
        operationType: 'UPSERT',
      },
    } as const;
    const output = await client().send(new SendDataIntegrationEventCommand(input));
    await client().send(
      new SendDataIntegrationEventCommand({ ...input, clientToken: 'caller-token-0123456789-0123456789' }),
    );

    expect(output.eventId).toBe(EXECUTION);
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, requestId: 'req-1', attempts: 1 });
    const [generated, supplied] = fake.requests;
    expect(generated?.method).toBe('POST');
    expect(generated?.path).toBe(`/api-data/data-integration/instance/${INSTANCE}/data-integration-events`);
    expect(generated?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(generated?.body ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({
      eventType: 'scn.data.dataset',
      data: '{"id":"p-1"}',
      eventGroupId: 'product',
      eventTimestamp: 1714557600.567,
      clientToken: expect.stringMatching(UUID_V4),
      datasetTarget: input.datasetTarget,
    });
    expect(JSON.parse(supplied?.body ?? '{}')).toMatchObject({
      clientToken: 'caller-token-0123456789-0123456789',
    });
  });

  it('signs with SigV4 under the scope <date>/<region>/scn/aws4_request and names itself in the user agent', async () => {
    fake.reply({
      body: { instance: { instanceId: INSTANCE, awsAccountId: '123456789012', state: 'Active' } },
    });
    await client(3, { region: 'eu-central-1' }).send(new GetInstanceCommand({ instanceId: INSTANCE }));
    const headers = fake.requests[0]?.headers ?? {};
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/scn\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers['user-agent']).toContain('api/supplychain#');
  });

  it('parses epoch-second output timestamps to Dates and ignores unknown keys', async () => {
    fake.reply({
      body: {
        flowExecution: {
          instanceId: INSTANCE,
          flowName: 'flow',
          executionId: EXECUTION,
          status: 'SUCCEEDED',
          startTime: 1714557600.567,
          endTime: 1714557660,
          sourceInfo: { sourceType: 'S3', s3Source: { bucketName: 'bucket', key: 'in/file.csv' } },
          addedLater: true,
        },
      },
    });
    const { flowExecution } = await client().send(
      new GetDataIntegrationFlowExecutionCommand({
        instanceId: INSTANCE,
        flowName: 'flow',
        executionId: EXECUTION,
      }),
    );
    expect(flowExecution?.startTime).toEqual(new Date('2024-05-01T10:00:00.567Z'));
    expect(flowExecution?.endTime).toEqual(new Date('2024-05-01T10:01:00.000Z'));
    expect(flowExecution?.sourceInfo).toEqual({
      sourceType: 'S3',
      s3Source: { bucketName: 'bucket', key: 'in/file.csv' },
    });
    expect(flowExecution).not.toHaveProperty('addedLater');
  });
});

describe('SupplyChainClient errors', () => {
  it.each([
    [400, 'ValidationException', ValidationException, 'client', undefined],
    [402, 'ServiceQuotaExceededException', ServiceQuotaExceededException, 'client', undefined],
    [403, 'AccessDeniedException', AccessDeniedException, 'client', undefined],
    [404, 'ResourceNotFoundException', ResourceNotFoundException, 'client', undefined],
    [409, 'ConflictException', ConflictException, 'client', undefined],
    [429, 'ThrottlingException', ThrottlingException, 'client', { throttling: true }],
    [500, 'InternalServerException', InternalServerException, 'server', {}],
  ] as const)(
    '%i %s surfaces as its class with fault, retryability and metadata',
    async (status, _name, Ctor, fault, retryable) => {
      fake.reply(scnError(status, Ctor.name, 'it went wrong'));
      const error = await client(1)
        .send(new GetInstanceCommand({ instanceId: INSTANCE }))
        .catch((e: unknown) => e);
      expect((error as object).constructor).toBe(Ctor);
      expect(error).toBeInstanceOf(SupplyChainServiceException);
      expect(error).toMatchObject({
        name: Ctor.name,
        message: 'it went wrong',
        $fault: fault,
        $retryable: retryable,
        $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 1 },
      });
    },
  );

  it('reads namespaced error names, and surfaces undeclared ones as SupplyChainServiceException', async () => {
    fake.reply(
      scnError(404, 'com.amazonaws.supplychain#ResourceNotFoundException'),
      scnError(418, 'TeapotException'),
    );
    const namespaced = await client(1)
      .send(new GetInstanceCommand({ instanceId: INSTANCE }))
      .catch((e: unknown) => e);
    const undeclared = await client(1)
      .send(new GetInstanceCommand({ instanceId: INSTANCE }))
      .catch((e: unknown) => e);
    expect(namespaced).toBeInstanceOf(ResourceNotFoundException);
    expect(undeclared).toBeInstanceOf(SupplyChainServiceException);
    expect(undeclared).toMatchObject({ name: 'TeapotException', $metadata: { httpStatusCode: 418 } });
  });
});

describe('SupplyChainClient retries', () => {
  const instanceBody = {
    body: { instance: { instanceId: INSTANCE, awsAccountId: '123456789012', state: 'Active' } },
  };

  it('retries a 429 ThrottlingException and succeeds on the second attempt', async () => {
    fake.reply(scnError(429, 'ThrottlingException'), instanceBody);
    const output = await client().send(new GetInstanceCommand({ instanceId: INSTANCE }));
    expect(output.$metadata.attempts).toBe(2);
    expect(output.instance?.state).toBe('Active');
    expect(fake.requests.map((r) => r.headers['amz-sdk-request'])).toEqual([
      'attempt=1; max=3',
      'attempt=2; max=3',
    ]);
  });

  it('retries a 500 InternalServerException', async () => {
    fake.reply(scnError(500, 'InternalServerException'), instanceBody);
    const output = await client().send(new GetInstanceCommand({ instanceId: INSTANCE }));
    expect(output.$metadata.attempts).toBe(2);
  });

  it('gives up after maxAttempts and reports every attempt', async () => {
    fake.reply(...Array.from({ length: 3 }, () => scnError(500, 'InternalServerException')));
    const error = await client()
      .send(new GetInstanceCommand({ instanceId: INSTANCE }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerException);
    expect(error).toMatchObject({ $metadata: { attempts: 3 } });
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a 400 ValidationException', async () => {
    fake.reply(scnError(400, 'ValidationException'), instanceBody);
    const error = await client()
      .send(new GetInstanceCommand({ instanceId: INSTANCE }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ $metadata: { attempts: 1 } });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('SupplyChainClient paginators', () => {
  it('walks pages, feeding nextToken back and pageSize as maxResults, until nextToken is absent', async () => {
    const dataset = (name: string) => ({
      instanceId: INSTANCE,
      namespace: 'asc',
      name,
      createdTime: 1714557600,
    });
    fake.reply(
      { body: { datasets: [dataset('product'), dataset('site')], nextToken: 't1' } },
      { body: { datasets: [dataset('inventory_level')], nextToken: 't2' } },
      { body: { datasets: [] } },
    );
    const names: string[] = [];
    const paginator = paginateListDataLakeDatasets(
      { client: client(), pageSize: 2 },
      { instanceId: INSTANCE, namespace: 'asc' },
    );
    for await (const page of paginator) names.push(...page.datasets!.map((d) => d.name!));
    expect(names).toEqual(['product', 'site', 'inventory_level']);
    expect(fake.requests.map((r) => [r.query.get('nextToken'), r.query.get('maxResults')])).toEqual([
      [null, '2'],
      ['t1', '2'],
      ['t2', '2'],
    ]);
    expect(fake.requests[0]?.path).toBe(`/api/datalake/instance/${INSTANCE}/namespaces/asc/datasets`);
  });
});

describe('SupplyChainClient endpoints', () => {
  const provider = track(new SupplyChainClient({ region: 'us-east-1', credentials })).config.endpointProvider;
  const resolve = (Region: string, UseFIPS = false, UseDualStack = false, Endpoint?: string) =>
    provider({ Region, UseFIPS, UseDualStack, Endpoint }).url.href;

  it.each([
    ['us-east-1', false, false, 'https://scn.us-east-1.amazonaws.com/'],
    ['us-east-1', true, false, 'https://scn-fips.us-east-1.amazonaws.com/'],
    ['us-east-1', false, true, 'https://scn.us-east-1.api.aws/'],
    ['us-east-1', true, true, 'https://scn-fips.us-east-1.api.aws/'],
    ['cn-north-1', false, false, 'https://scn.cn-north-1.amazonaws.com.cn/'],
  ])('resolves %s (FIPS %s, dual-stack %s) to %s', (region, fips, dualStack, url) => {
    expect(resolve(region, fips, dualStack)).toBe(url);
  });

  it('uses a custom endpoint as given and rejects it combined with FIPS or dual-stack', () => {
    expect(resolve('us-east-1', false, false, 'http://127.0.0.1:4566')).toBe('http://127.0.0.1:4566/');
    expect(() => resolve('us-east-1', true, false, 'http://127.0.0.1:4566')).toThrow(
      /FIPS and custom endpoint/,
    );
    expect(() => resolve('us-east-1', false, true, 'http://127.0.0.1:4566')).toThrow(
      /Dualstack and custom endpoint/,
    );
  });

  it('sends to the FIPS host when the client is configured for FIPS, without a custom endpoint', async () => {
    const sent: HttpRequest[] = [];
    const fips = track(
      new SupplyChainClient({
        region: 'us-west-2',
        useFipsEndpoint: true,
        credentials,
        requestHandler: {
          handle: async (request: HttpRequest) => {
            sent.push(request);
            const body = JSON.stringify({
              instance: { instanceId: INSTANCE, awsAccountId: '123456789012', state: 'Active' },
            });
            return {
              response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([body]) }),
            };
          },
        },
      }),
    );
    await fips.send(new GetInstanceCommand({ instanceId: INSTANCE }));
    expect(sent[0]).toMatchObject({
      protocol: 'https:',
      hostname: 'scn-fips.us-west-2.amazonaws.com',
      path: `/api/instance/${INSTANCE}`,
    });
    expect(sent[0]?.headers['authorization']).toContain('/us-west-2/scn/aws4_request');
  });
});
