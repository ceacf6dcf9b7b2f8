/**
 * `createLoaders` over fake readers: the DataLoader batch contract (one tick's keys de-duplicated and
 * batched, results in key order, an Error per failed key) on top of real `SharedReader`s whose fetches
 * are fakes. Batching is asserted DataLoader-style, as `[loader, calls]`.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLoaders, loadNow, type BatchLog } from '../../src/upstream/loaders.js';
import { createTerminalCache, SharedReader } from '../../src/upstream/reader.js';
import { stableKey, type EventKey, type Readers } from '../../src/upstream/readers.js';

const READERS = {
  event: 'GetDataIntegrationEvent',
  flowExecution: 'GetDataIntegrationFlowExecution',
  dataSourceRun: 'GetDataSourceRun',
  flow: 'GetDataIntegrationFlow',
  dataset: 'GetDataLakeDataset',
  instance: 'GetInstance',
  dataSource: 'GetDataSource',
  dataSourceDefinition: 'GetDataSource',
  domain: 'GetDomain',
  eventsPage: 'ListDataIntegrationEvents',
  flowExecutionsPage: 'ListDataIntegrationFlowExecutions',
  flowsPage: 'ListDataIntegrationFlows',
  datasetsPage: 'ListDataLakeDatasets',
  runsPage: 'ListDataSourceRuns',
  activitiesPage: 'ListDataSourceRunActivities',
  instancesPage: 'ListInstances',
  domainsPage: 'ListDomains',
  projectsPage: 'ListProjects',
  dataSourcesPage: 'ListDataSources',
} as const satisfies Record<keyof Readers, string>;
type Name = keyof typeof READERS;

/** An error shaped like an AWS SDK v3 service exception. */
const awsError = (name: string, message: string, status: number): Error =>
  Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status, requestId: `req-${name}` },
  });

/**
 * Readers-shaped fakes: every reader is a real SharedReader whose fetch records its key under the reader's
 * name and answers with `answer(name, key)` (a value, or a thrown error for a failed key).
 */
function createFakeReaders(
  answer: (name: Name, key: Record<string, unknown>) => object | Promise<object> = (_n, key) => ({ ...key }),
) {
  const calls: Record<string, Record<string, unknown>[]> = {};
  const readers = Object.fromEntries(
    (Object.keys(READERS) as Name[]).map((name) => [
      name,
      new SharedReader<Record<string, unknown>, object>({
        operation: READERS[name],
        keyOf: (k) => JSON.stringify(k, Object.keys(k).sort()),
        fetch: async (key) => {
          (calls[name] ??= []).push(key);
          return answer(name, key);
        },
        cache: createTerminalCache(100, 60_000),
        concurrency: 4,
      }),
    ]),
  ) as unknown as Readers;
  return { readers, calls };
}

const INSTANCE = '8928ae12-15e5-4441-825d-ec2184f0a43a';
const eventKey = (eventId: string) => ({ instanceId: INSTANCE, eventId });

describe('createLoaders', () => {
  it('creates one loader per reader, each on its first use and once', () => {
    const { readers } = createFakeReaders();
    const loaders = createLoaders(readers, { requestStart: 0 });
    for (const name of Object.keys(readers) as Name[]) {
      expect(loaders[name]).toBe(loaders[name]);
      expect(loaders[name].name).toBe(name);
    }
    expect(Object.keys(Object.getPrototypeOf(loaders)).sort()).toEqual(Object.keys(READERS).sort());
  });

  it('reads nothing once the request’s deadline has passed, answering REQUEST_TIMEOUT', async () => {
    const { readers, calls } = createFakeReaders();
    const controller = new AbortController();
    const loaders = createLoaders(readers, { requestStart: 0, signal: controller.signal });
    await expect(loaders.event.load(eventKey('e1'))).resolves.toEqual(eventKey('e1'));
    controller.abort();
    await expect(loaders.event.load(eventKey('e2'))).rejects.toMatchObject({
      extensions: { code: 'REQUEST_TIMEOUT' },
    });
    expect(calls['event']).toEqual([eventKey('e1')]);
  });

  it('batches the keys of one tick into one batch per loader', async () => {
    const { readers, calls } = createFakeReaders();
    const batches: BatchLog = [];
    const loaders = createLoaders(readers, { requestStart: 0, batches });
    await Promise.all([
      loaders.event.load(eventKey('e1')),
      loaders.event.load(eventKey('e2')),
      loaders.event.load(eventKey('e3')),
      loaders.dataSourceRun.load({ domainId: 'dzd_a', runId: 'r1' }),
    ]);
    expect(batches).toEqual([
      ['event', 3],
      ['dataSourceRun', 1],
    ]);
    expect(calls['event']).toEqual([eventKey('e1'), eventKey('e2'), eventKey('e3')]);
  });

  it('de-duplicates equal keys of one tick, whatever their property order', async () => {
    const { readers, calls } = createFakeReaders();
    const batches: BatchLog = [];
    const loaders = createLoaders(readers, { requestStart: 0, batches });
    const [a, b, c] = await Promise.all([
      loaders.event.load(eventKey('e1')),
      loaders.event.load({ eventId: 'e1', instanceId: INSTANCE }),
      loaders.event.load(eventKey('e2')),
    ]);
    expect(batches).toEqual([['event', 2]]);
    expect(calls['event']).toHaveLength(2);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('serves a key loaded earlier in the request from the request cache (no new batch)', async () => {
    const { readers, calls } = createFakeReaders();
    const batches: BatchLog = [];
    const loaders = createLoaders(readers, { requestStart: 0, batches });
    const first = await loaders.instance.load({ instanceId: INSTANCE });
    expect(await loaders.instance.load({ instanceId: INSTANCE })).toBe(first);
    expect(batches).toEqual([['instance', 1]]);
    expect(calls['instance']).toHaveLength(1);
  });

  it('returns results in key order even when the upstream answers out of order', async () => {
    const release = new Map<unknown, () => void>();
    const { readers } = createFakeReaders(
      (_name, key) =>
        new Promise<object>((resolve) => release.set(key['eventId'], () => resolve({ ...key }))),
    );
    const loaders = createLoaders(readers, { requestStart: 0 });
    const results = Promise.all(['e1', 'e2', 'e3'].map((id) => loaders.event.load(eventKey(id))));
    await new Promise((resolve) => setImmediate(resolve)); // let the batch dispatch
    expect([...release.keys()]).toEqual(['e1', 'e2', 'e3']);
    for (const id of ['e3', 'e1', 'e2']) release.get(id)!();
    expect(await results).toEqual([eventKey('e1'), eventKey('e2'), eventKey('e3')]);
  });

  it('rejects a failed key with a GraphQLError of the mapped code while the others resolve', async () => {
    const { readers } = createFakeReaders((_name, key) => {
      if (key['eventId'] === 'missing')
        throw awsError('ResourceNotFoundException', 'Event missing not found', 404);
      if (key['eventId'] === 'slow') throw awsError('ThrottlingException', 'Rate exceeded', 429);
      return { ...key };
    });
    const batches: BatchLog = [];
    const loaders = createLoaders(readers, { requestStart: 0, batches });
    const [ok, missing, throttled] = await Promise.allSettled([
      loaders.event.load(eventKey('e1')),
      loaders.event.load(eventKey('missing')),
      loaders.event.load(eventKey('slow')),
    ]);
    expect(batches).toEqual([['event', 3]]);
    expect(ok).toEqual({ status: 'fulfilled', value: eventKey('e1') });

    expect(missing.status).toBe('rejected');
    const notFound = (missing as PromiseRejectedResult).reason as GraphQLError;
    expect(notFound).toBeInstanceOf(GraphQLError);
    expect(notFound.message).toBe('Event missing not found');
    expect(notFound.extensions).toMatchObject({
      code: 'NOT_FOUND',
      awsErrorName: 'ResourceNotFoundException',
      awsOperation: 'GetDataIntegrationEvent',
      awsRequestId: 'req-ResourceNotFoundException',
    });

    const throttledError = (throttled as PromiseRejectedResult).reason as GraphQLError;
    expect(throttledError.extensions['code']).toBe('THROTTLED');
    expect(throttledError.message).not.toContain('Rate exceeded');
  });

  it('does not cache a failed key: a later load in the same request retries it', async () => {
    let failures = 1;
    const { readers, calls } = createFakeReaders((_name, key) => {
      if (failures-- > 0) throw awsError('InternalServerException', 'boom', 500);
      return { ...key };
    });
    const batches: BatchLog = [];
    const loaders = createLoaders(readers, { requestStart: 0, batches });
    await expect(loaders.domain.load({ id: 'dzd_a' })).rejects.toBeInstanceOf(GraphQLError);
    await expect(loaders.domain.load({ id: 'dzd_a' })).resolves.toEqual({ id: 'dzd_a' });
    expect(calls['domain']).toHaveLength(2);
    expect(batches).toEqual([
      ['domain', 1],
      ['domain', 1],
    ]);
  });

  it('gives each request its own loaders: a second request batches and reads again', async () => {
    const { readers, calls } = createFakeReaders();
    const first: BatchLog = [];
    const second: BatchLog = [];
    await createLoaders(readers, { requestStart: 0, batches: first }).flowExecution.load({
      instanceId: INSTANCE,
      flowName: 'f',
      executionId: 'x',
    });
    await createLoaders(readers, { requestStart: 0, batches: second }).flowExecution.load({
      instanceId: INSTANCE,
      flowName: 'f',
      executionId: 'x',
    });
    expect(first).toEqual([['flowExecution', 1]]);
    expect(second).toEqual([['flowExecution', 1]]);
    expect(calls['flowExecution']).toHaveLength(2);
  });

  it('lets two requests of one tick share one upstream read through the shared reader', async () => {
    const { readers, calls } = createFakeReaders();
    const a = createLoaders(readers, { requestStart: 0 });
    const b = createLoaders(readers, { requestStart: 0 });
    const [x, y] = await Promise.all([
      a.dataset.load({ instanceId: INSTANCE, namespace: 'asc', name: 'd' }),
      b.dataset.load({ instanceId: INSTANCE, namespace: 'asc', name: 'd' }),
    ]);
    expect(x).toBe(y);
    expect(calls['dataset']).toHaveLength(1);
    expect(readers.dataset.stats.coalesced).toBe(1);
  });

  it('works without a batch log', async () => {
    const { readers } = createFakeReaders();
    await expect(
      createLoaders(readers, { requestStart: 0 }).flow.load({ instanceId: INSTANCE, name: 'f' }),
    ).resolves.toEqual({
      instanceId: INSTANCE,
      name: 'f',
    });
  });

  it('answers a value the shared cache holds at once (loadNow), the same value a load resolves to, and loads the rest', async () => {
    const fetched: string[] = [];
    const reader = new SharedReader<{ id: string }, { id: string; done: boolean }>({
      operation: 'GetThing',
      keyOf: (k) => k.id,
      fetch: async (k) => (fetched.push(k.id), { id: k.id, done: k.id.startsWith('done') }),
      isTerminal: (v) => v.done,
      cache: createTerminalCache(100, 60_000),
      concurrency: 4,
    });
    const loaders = createLoaders({ event: reader } as unknown as Readers, { requestStart: 0 });
    const key = (id: string) => ({ id }) as unknown as EventKey;
    const first = await loadNow(loaders, 'event', key('done-1'));
    const again = loadNow(
      createLoaders({ event: reader } as unknown as Readers, { requestStart: 0 }),
      'event',
      key('done-1'),
    );
    expect(again).toBe(first);
    const running = loadNow(loaders, 'event', key('running-1'));
    expect(running).toBeInstanceOf(Promise);
    expect(await running).toEqual({ id: 'running-1', done: false });
    expect(fetched).toEqual(['done-1', 'running-1']);
  });
});

describe('stableKey', () => {
  it('is the JSON of the key with its names sorted, whatever their order', () => {
    const keys = [
      { instanceId: INSTANCE, eventId: 'e1' },
      { eventId: 'e1', instanceId: INSTANCE },
      { domainId: 'd', runId: 'r"\u0000', maxResults: 50, nextToken: undefined },
      { only: 'x' },
      {},
    ];
    for (const key of keys) expect(stableKey(key)).toBe(JSON.stringify(key, Object.keys(key).sort()));
    expect(stableKey(keys[0]!)).toBe(stableKey(keys[1]!));
    expect(stableKey({ a: 'x,"b":"y' })).not.toBe(stableKey({ a: 'x', b: 'y' }));
  });
});
