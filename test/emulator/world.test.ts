import { describe, expect, it, vi } from 'vitest';
import { createDataZoneHandlers } from '../../src/emulator/services/datazone.js';
import { createSupplyChainHandlers } from '../../src/emulator/services/supplychain.js';
import { AwsError, type CallContext, type Clock, type ServiceHandlers } from '../../src/emulator/types.js';
import {
  createWorld,
  IDEMPOTENCY_WINDOW_MS,
  type Timing,
  type World,
} from '../../src/emulator/world/index.js';

const START_MS = Date.UTC(2025, 4, 1, 12, 0, 0);

function manualClock(startMs = START_MS): Clock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance(ms: number) {
      nowMs += ms;
    },
    setSpeed() {},
    speed: 1,
  };
}

interface Harness {
  world: World;
  clock: Clock;
  sc: (operation: string, input: Record<string, unknown>) => Record<string, any>;
  dz: (operation: string, input: Record<string, unknown>) => Record<string, any>;
}

function harness(options: { seed?: number; timing?: Partial<Timing> } = {}): Harness {
  const clock = manualClock();
  const world = createWorld({
    seed: options.seed ?? 7,
    clock,
    ...(options.timing ? { timing: options.timing } : {}),
  });
  const bind = (handlers: ServiceHandlers, service: 'supplychain' | 'datazone') => {
    return (operation: string, input: Record<string, unknown>) => {
      const ctx: CallContext = {
        service,
        operation,
        requestId: 'test',
        accountId: world.accountId,
        region: world.region,
      };
      const handler = handlers[operation];
      if (!handler) throw new Error(`no handler ${operation}`);
      return handler(input, ctx);
    };
  };
  return {
    world,
    clock,
    sc: bind(createSupplyChainHandlers(world), 'supplychain'),
    dz: bind(createDataZoneHandlers(world), 'datazone'),
  };
}

function awsErrorOf(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  throw new Error('expected an AwsError');
}

/** Walks a list operation to its end, calling `between` after every page. */
function listAll(
  call: (input: Record<string, unknown>) => Record<string, any>,
  itemsKey: string,
  input: Record<string, unknown>,
  between: (page: number) => void = () => {},
): any[] {
  const items: any[] = [];
  let nextToken: string | undefined;
  let page = 0;
  do {
    const out = call({ ...input, ...(nextToken ? { nextToken } : {}) });
    items.push(...out[itemsKey]);
    nextToken = out['nextToken'];
    between(++page);
  } while (nextToken);
  return items;
}

const firstInstance = (h: Harness) => h.world.summary().supplychain.instances[0]!;
const secondInstance = (h: Harness) => h.world.summary().supplychain.instances[1]!;
const firstDomain = (h: Harness) => h.world.summary().datazone.domains[0]!;
const dataSourceNamed = (h: Harness, name: string) =>
  firstDomain(h).dataSources.find((d) => d.name === name)!;
const productArn = (h: Harness, instanceId: string) =>
  `arn:aws:scn:${h.world.region}:${h.world.accountId}:instance/${instanceId}/namespaces/asc/datasets/product`;

function sendProduct(h: Harness, instanceId: string, extra: Record<string, unknown> = {}): string {
  return h.sc('SendDataIntegrationEvent', {
    instanceId,
    eventType: 'scn.data.dataset',
    data: JSON.stringify({ id: 'SKU-1001', description: 'Pallet jack', unit_cost: 412.5 }),
    eventGroupId: 'erp-test',
    datasetTarget: { datasetIdentifier: productArn(h, instanceId), operationType: 'UPSERT' },
    ...extra,
  })['eventId'];
}

describe('world seed', () => {
  it('builds the same world, with the same ids, from the same seed', () => {
    const a = harness({ seed: 42 });
    const b = harness({ seed: 42 });
    expect(b.world.summary()).toEqual(a.world.summary());
    expect(sendProduct(b, firstInstance(b).instanceId)).toBe(sendProduct(a, firstInstance(a).instanceId));
  });

  it('never reads the wall clock or Math.random', () => {
    const now = vi.spyOn(Date, 'now');
    const random = vi.spyOn(Math, 'random');
    try {
      const h = harness();
      sendProduct(h, firstInstance(h).instanceId);
      h.dz('StartDataSourceRun', {
        domainIdentifier: firstDomain(h).domainId,
        dataSourceIdentifier: dataSourceNamed(h, 'Sales marts').id,
      });
      expect([now.mock.calls.length, random.mock.calls.length]).toEqual([0, 0]);
    } finally {
      now.mockRestore();
      random.mockRestore();
    }
  });

  it('rejects a timing option out of range, naming it', () => {
    expect(() => createWorld({ seed: 1, clock: manualClock(), timing: { failureRatio: 1.5 } })).toThrow(
      /timing\.failureRatio/,
    );
    expect(() => createWorld({ seed: 1, clock: manualClock(), timing: { eventRunMs: -1 } })).toThrow(
      /timing\.eventRunMs/,
    );
  });

  it('builds a different world from a different seed', () => {
    expect(harness({ seed: 1 }).world.summary()).not.toEqual(harness({ seed: 2 }).world.summary());
  });

  it('seeds active instances with asc and default namespaces, flows, events and executions', () => {
    const h = harness();
    const { instances } = h.world.summary().supplychain;
    expect(instances.length).toBeGreaterThanOrEqual(2);
    for (const instance of instances) {
      expect(instance.instanceId).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/);
      expect(instance.namespaces.map((n) => n.name)).toEqual(['asc', 'default']);
      expect(instance.namespaces[0]!.datasets).toEqual(
        expect.arrayContaining(['product', 'inbound_order', 'inventory_level']),
      );
      expect(instance.flows.length).toBeGreaterThanOrEqual(3);
      expect(instance.eventCount).toBeGreaterThanOrEqual(200);
      expect(instance.executionCount).toBeGreaterThanOrEqual(200);
      expect(h.sc('GetInstance', { instanceId: instance.instanceId })['instance']).toMatchObject({
        state: 'Active',
        awsAccountId: '123456789012',
      });
    }
  });

  it('seeds events in every load status, with target details only on dataset events', () => {
    const h = harness();
    const events = listAll((i) => h.sc('ListDataIntegrationEvents', i), 'events', {
      instanceId: firstInstance(h).instanceId,
      maxResults: 20,
    });
    const statuses = new Set(
      events.flatMap((e) =>
        e.datasetTargetDetails ? [e.datasetTargetDetails.datasetLoadExecution.status] : [],
      ),
    );
    expect(statuses).toEqual(new Set(['IN_PROGRESS', 'SUCCEEDED', 'FAILED']));
    for (const event of events)
      expect(event.eventType === 'scn.data.dataset').toBe(event.datasetTargetDetails !== undefined);
    const failed = events.find((e) => e.datasetTargetDetails?.datasetLoadExecution.status === 'FAILED');
    expect(failed.datasetTargetDetails.datasetLoadExecution.message).toEqual(expect.any(String));
  });

  it('seeds flow executions in every status, and the in-progress ones finish as the clock moves', () => {
    const h = harness();
    const { instanceId, flows } = firstInstance(h);
    const executions = flows.flatMap((flowName) =>
      listAll((i) => h.sc('ListDataIntegrationFlowExecutions', i), 'flowExecutions', {
        instanceId,
        flowName,
        maxResults: 20,
      }),
    );
    expect(new Set(executions.map((x) => x.status))).toEqual(new Set(['IN_PROGRESS', 'SUCCEEDED', 'FAILED']));
    const running = executions.filter((x) => x.status === 'IN_PROGRESS');
    expect(running.every((x) => x.endTime === undefined)).toBe(true);

    h.clock.advance(2 * h.world.timing.executionRunMs);
    for (const x of running) {
      const after = h.sc('GetDataIntegrationFlowExecution', {
        instanceId,
        flowName: x.flowName,
        executionId: x.executionId,
      })['flowExecution'];
      expect(after.status).not.toBe('IN_PROGRESS');
      expect(after.endTime).toBeInstanceOf(Date);
    }
  });

  it('seeds DataZone runs in every status, with activities and statistics', () => {
    const h = harness();
    const domain = firstDomain(h);
    expect(domain.domainId).toMatch(/^dzd_[a-z0-9]{14}$/);
    expect(domain.projects.length).toBeGreaterThanOrEqual(2);
    expect(new Set(domain.dataSources.map((d) => d.type))).toEqual(new Set(['GLUE', 'REDSHIFT']));
    const runs = domain.dataSources.flatMap((ds) =>
      listAll((i) => h.dz('ListDataSourceRuns', i), 'items', {
        domainIdentifier: domain.domainId,
        dataSourceIdentifier: ds.id,
      }),
    );
    expect(runs.length).toBe(domain.runCount);
    expect(new Set(runs.map((r) => r.status))).toEqual(
      new Set(['REQUESTED', 'RUNNING', 'SUCCESS', 'PARTIALLY_SUCCEEDED', 'FAILED']),
    );
    const partial = runs.find((r) => r.status === 'PARTIALLY_SUCCEEDED');
    expect(partial.runStatisticsForAssets.failed).toBeGreaterThan(0);
    const activities = h.dz('ListDataSourceRunActivities', {
      domainIdentifier: domain.domainId,
      identifier: partial.id,
    })['items'];
    expect(
      activities.some(
        (a: any) => a.dataAssetStatus === 'FAILED' || a.dataAssetStatus === 'PUBLISHING_FAILED',
      ),
    ).toBe(true);
  });
});

describe('a sent dataset event', () => {
  it('is in progress, then succeeds once its queue wait and load time have passed', () => {
    const h = harness({ timing: { failureRatio: 0 } });
    const { instanceId } = firstInstance(h);
    const eventId = sendProduct(h, instanceId);
    const get = () => h.sc('GetDataIntegrationEvent', { instanceId, eventId })['event'];

    expect(get()).toMatchObject({
      instanceId,
      eventId,
      eventType: 'scn.data.dataset',
      eventGroupId: 'erp-test',
      eventTimestamp: new Date(START_MS),
      datasetTargetDetails: {
        datasetIdentifier: productArn(h, instanceId),
        operationType: 'UPSERT',
        datasetLoadExecution: { status: 'IN_PROGRESS' },
      },
    });
    h.clock.advance(h.world.timing.eventQueuedMs + h.world.timing.eventRunMs - 1);
    expect(get().datasetTargetDetails.datasetLoadExecution.status).toBe('IN_PROGRESS');
    h.clock.advance(1);
    expect(get().datasetTargetDetails.datasetLoadExecution).toEqual({ status: 'SUCCEEDED' });
  });

  it('fails with a message when the outcome draw says so', () => {
    const h = harness({ timing: { failureRatio: 1, partialRatio: 0 } });
    const { instanceId } = firstInstance(h);
    const eventId = sendProduct(h, instanceId);
    h.clock.advance(h.world.timing.eventQueuedMs + h.world.timing.eventRunMs);
    const load = h.sc('GetDataIntegrationEvent', { instanceId, eventId })['event'].datasetTargetDetails
      .datasetLoadExecution;
    expect(load.status).toBe('FAILED');
    expect(load.message).toMatch(/asc\/product/);
  });

  it('fails naming the record and field when the data does not fit the dataset schema', () => {
    const h = harness({ timing: { failureRatio: 0 } });
    const { instanceId } = firstInstance(h);
    const eventId = sendProduct(h, instanceId, {
      data: JSON.stringify([{ id: 'SKU-1' }, { description: 'no id' }]),
    });
    h.clock.advance(60_000);
    const load = h.sc('GetDataIntegrationEvent', { instanceId, eventId })['event'].datasetTargetDetails
      .datasetLoadExecution;
    expect(load).toEqual({
      status: 'FAILED',
      message: "Record 2 is missing required field 'id' of dataset asc/product",
    });
  });

  it('waits behind the previous load of the same event type and group', () => {
    const h = harness({ timing: { failureRatio: 0 } });
    const { instanceId } = firstInstance(h);
    const first = sendProduct(h, instanceId);
    const second = sendProduct(h, instanceId, { data: '{"id":"SKU-2"}' });
    const { eventQueuedMs, eventRunMs } = h.world.timing;
    h.clock.advance(eventQueuedMs + eventRunMs);
    const status = (eventId: string) =>
      h.sc('GetDataIntegrationEvent', { instanceId, eventId })['event'].datasetTargetDetails
        .datasetLoadExecution.status;
    expect([status(first), status(second)]).toEqual(['SUCCEEDED', 'IN_PROGRESS']);
    h.clock.advance(eventRunMs);
    expect(status(second)).toBe('SUCCEEDED');
  });

  it('keeps the eventTimestamp the caller sent', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const eventTimestamp = new Date(START_MS - 3_600_000);
    const eventId = sendProduct(h, instanceId, { eventTimestamp });
    expect(h.sc('GetDataIntegrationEvent', { instanceId, eventId })['event'].eventTimestamp).toEqual(
      eventTimestamp,
    );
  });

  it('carries no target details when it is not a dataset event', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const { eventId } = h.sc('SendDataIntegrationEvent', {
      instanceId,
      eventType: 'scn.data.inboundorder',
      data: '{"id":"PO-1"}',
      eventGroupId: 'erp',
    });
    expect(
      h.sc('GetDataIntegrationEvent', { instanceId, eventId })['event'].datasetTargetDetails,
    ).toBeUndefined();
  });
});

describe('SendDataIntegrationEvent validation', () => {
  const h = harness();
  const { instanceId } = firstInstance(h);
  const send = (input: Record<string, unknown>) =>
    awsErrorOf(() =>
      h.sc('SendDataIntegrationEvent', {
        instanceId,
        eventType: 'scn.data.dataset',
        data: '{}',
        eventGroupId: 'g',
        ...input,
      }),
    );

  it('rejects data that is not a JSON object or array', () => {
    expect(send({ data: 'not json' }).name).toBe('ValidationException');
    expect(send({ data: '"a string"' }).name).toBe('ValidationException');
  });

  it('requires datasetTarget for dataset events and refuses it for others', () => {
    expect(send({}).message).toMatch(/datasetTarget is required/);
    const refused = send({
      eventType: 'scn.data.forecast',
      datasetTarget: { datasetIdentifier: productArn(h, instanceId), operationType: 'APPEND' },
    });
    expect([refused.name, refused.message]).toEqual([
      'ValidationException',
      expect.stringMatching(/^datasetTarget/),
    ]);
  });

  it('refuses a dataset of another instance and a dataset that does not exist', () => {
    const other = send({
      datasetTarget: {
        datasetIdentifier: productArn(h, secondInstance(h).instanceId),
        operationType: 'APPEND',
      },
    });
    expect([other.name, other.message]).toEqual([
      'ValidationException',
      expect.stringMatching(/datasetTarget.datasetIdentifier/),
    ]);
    const missing = send({
      datasetTarget: {
        datasetIdentifier: productArn(h, instanceId).replace('/product', '/no_such_dataset'),
        operationType: 'APPEND',
      },
    });
    expect([missing.name, missing.message]).toEqual([
      'ResourceNotFoundException',
      `Dataset asc/no_such_dataset not found in instance ${instanceId}`,
    ]);
  });

  it('answers ResourceNotFoundException for an unknown instance', () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(awsErrorOf(() => sendProduct(h, unknown)).name).toBe('ResourceNotFoundException');
  });
});

describe('client token idempotency', () => {
  const token = 'c0ffee00-1111-4222-8333-444455556666';

  it('returns the same event for the same token and request, storing nothing new', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const first = sendProduct(h, instanceId, { clientToken: token });
    const count = firstInstance(h).eventCount;
    h.clock.advance(60_000);
    // Same members, different bytes: key order and whitespace in `data` do not matter.
    const again = sendProduct(h, instanceId, {
      clientToken: token,
      data: '{ "unit_cost": 412.5, "description": "Pallet jack", "id": "SKU-1001" }',
    });
    expect(again).toBe(first);
    expect(firstInstance(h).eventCount).toBe(count);
  });

  it('answers ConflictException for the same token with a different request', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    sendProduct(h, instanceId, { clientToken: token });
    const conflict = awsErrorOf(() =>
      sendProduct(h, instanceId, { clientToken: token, eventGroupId: 'other-group' }),
    );
    expect(conflict.name).toBe('ConflictException');
  });

  it('lets a token be reused after 8 hours', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const first = sendProduct(h, instanceId, { clientToken: token });
    h.clock.advance(IDEMPOTENCY_WINDOW_MS - 1);
    expect(sendProduct(h, instanceId, { clientToken: token })).toBe(first);
    h.clock.advance(1);
    const reused = sendProduct(h, instanceId, { clientToken: token, eventGroupId: 'other-group' });
    expect(reused).not.toBe(first);
  });

  it('starts one run per token and conflicts when the token names another data source', () => {
    const h = harness();
    const domain = firstDomain(h);
    const [a, b] = [dataSourceNamed(h, 'Sales marts'), dataSourceNamed(h, 'Finance warehouse')];
    const start = (dataSourceIdentifier: string) =>
      h.dz('StartDataSourceRun', {
        domainIdentifier: domain.domainId,
        dataSourceIdentifier,
        clientToken: token,
      });
    const first = start(a.id);
    expect(start(a.id)['id']).toBe(first['id']);
    expect(h.world.summary().datazone.domains[0]!.runCount).toBe(domain.runCount + 1);
    expect(awsErrorOf(() => start(b.id)).name).toBe('ConflictException');
    h.clock.advance(IDEMPOTENCY_WINDOW_MS);
    expect(start(b.id)['id']).not.toBe(first['id']);
  });
});

describe('a started data source run', () => {
  it('goes REQUESTED, RUNNING, then SUCCESS, and the data source reflects it', () => {
    const h = harness({ timing: { failureRatio: 0, partialRatio: 0 } });
    const domainIdentifier = firstDomain(h).domainId;
    const dataSource = dataSourceNamed(h, 'Sales marts');
    const started = h.dz('StartDataSourceRun', { domainIdentifier, dataSourceIdentifier: dataSource.id });
    expect(started).toMatchObject({
      domainId: domainIdentifier,
      dataSourceId: dataSource.id,
      projectId: dataSource.projectId,
      status: 'REQUESTED',
      type: 'PRIORITIZED',
      createdAt: new Date(START_MS),
      updatedAt: new Date(START_MS),
    });
    expect(started['id']).toMatch(/^[a-zA-Z0-9_-]{1,36}$/);
    expect(started).not.toHaveProperty('lineageSummary');
    expect(started).not.toHaveProperty('startedAt');
    const get = () => h.dz('GetDataSourceRun', { domainIdentifier, identifier: started['id'] });
    const source = () => h.dz('GetDataSource', { domainIdentifier, identifier: dataSource.id });
    expect(source()).toMatchObject({ status: 'RUNNING', lastRunStatus: 'REQUESTED' });

    const { runRequestedMs, runRunningMs } = h.world.timing;
    h.clock.advance(runRequestedMs);
    expect(get()).toMatchObject({
      status: 'RUNNING',
      startedAt: new Date(START_MS + runRequestedMs),
      lineageSummary: { importStatus: 'IN_PROGRESS' },
    });
    expect(get()['updatedAt']).toEqual(new Date(START_MS + runRequestedMs));

    h.clock.advance(runRunningMs);
    const done = get();
    const stoppedAt = new Date(START_MS + runRequestedMs + runRunningMs);
    expect(done).toMatchObject({
      status: 'SUCCESS',
      stoppedAt,
      updatedAt: stoppedAt,
      lineageSummary: { importStatus: 'SUCCESS' },
    });
    expect(done).not.toHaveProperty('errorMessage');
    const activities = h.dz('ListDataSourceRunActivities', { domainIdentifier, identifier: started['id'] })[
      'items'
    ];
    const stats = done['runStatisticsForAssets'];
    expect(stats.added + stats.updated + stats.unchanged + stats.skipped + stats.failed).toBe(
      activities.length,
    );
    expect(activities.length).toBeGreaterThan(0);
    expect(source()).toMatchObject({
      status: 'READY',
      lastRunStatus: 'SUCCESS',
      lastRunAt: new Date(START_MS + runRequestedMs),
      lastRunAssetCount: stats.added + stats.updated + stats.unchanged,
      updatedAt: stoppedAt,
    });
  });

  it('reveals activities as it reaches each asset', () => {
    const h = harness({ timing: { failureRatio: 0, partialRatio: 0 } });
    const domainIdentifier = firstDomain(h).domainId;
    const { id } = h.dz('StartDataSourceRun', {
      domainIdentifier,
      dataSourceIdentifier: dataSourceNamed(h, 'Sales marts').id,
    });
    const count = () =>
      h.dz('ListDataSourceRunActivities', { domainIdentifier, identifier: id })['items'].length;
    expect(count()).toBe(0);
    h.clock.advance(h.world.timing.runRequestedMs + h.world.timing.runRunningMs / 2);
    const midway = count();
    h.clock.advance(h.world.timing.runRunningMs / 2);
    expect(midway).toBeGreaterThan(0);
    expect(count()).toBeGreaterThan(midway);
  });

  it('fails with an error message that the data source reports as its last run error', () => {
    const h = harness({ timing: { failureRatio: 1, partialRatio: 0 } });
    const domainIdentifier = firstDomain(h).domainId;
    const dataSourceIdentifier = dataSourceNamed(h, 'Sales marts').id;
    const { id } = h.dz('StartDataSourceRun', { domainIdentifier, dataSourceIdentifier });
    h.clock.advance(h.world.timing.runRequestedMs + h.world.timing.runRunningMs);
    const run = h.dz('GetDataSourceRun', { domainIdentifier, identifier: id });
    expect(run).toMatchObject({
      status: 'FAILED',
      errorMessage: { errorType: expect.any(String), errorDetail: expect.any(String) },
    });
    expect(run['lineageSummary']).toEqual({ importStatus: 'FAILED' });
    expect(
      h.dz('GetDataSource', { domainIdentifier, identifier: dataSourceIdentifier })['lastRunErrorMessage'],
    ).toEqual(run['errorMessage']);
  });

  it('ends partially succeeded with failed assets when the draw says so', () => {
    const h = harness({ timing: { failureRatio: 0, partialRatio: 1 } });
    const domainIdentifier = firstDomain(h).domainId;
    const { id } = h.dz('StartDataSourceRun', {
      domainIdentifier,
      dataSourceIdentifier: dataSourceNamed(h, 'Sales marts').id,
    });
    h.clock.advance(h.world.timing.runRequestedMs + h.world.timing.runRunningMs);
    const run = h.dz('GetDataSourceRun', { domainIdentifier, identifier: id });
    expect(run['status']).toBe('PARTIALLY_SUCCEEDED');
    expect(run['runStatisticsForAssets'].failed).toBeGreaterThan(0);
  });
});

describe('pagination', () => {
  it('walks events newest first to the end without duplicates or skips while events arrive', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const list = (i: Record<string, unknown>) => h.sc('ListDataIntegrationEvents', { instanceId, ...i });
    const before = listAll(list, 'events', { maxResults: 20 }).map((e) => e.eventId);
    const walked = listAll(list, 'events', { maxResults: 7 }, (page) => {
      // One event newer than everything, one in the middle of the pages still to come.
      sendProduct(h, instanceId);
      sendProduct(h, instanceId, { eventTimestamp: new Date(START_MS - page * 3_600_000) });
    });
    const ids = walked.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => before.includes(id))).toEqual(before);
    const times = walked.map((e) => e.eventTimestamp.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('walks runs to the end without duplicates or skips while runs start', () => {
    const h = harness();
    const domainIdentifier = firstDomain(h).domainId;
    const dataSourceIdentifier = dataSourceNamed(h, 'Sales lakehouse').id;
    const list = (i: Record<string, unknown>) =>
      h.dz('ListDataSourceRuns', { domainIdentifier, dataSourceIdentifier, ...i });
    const before = listAll(list, 'items', {}).map((r) => r.id);
    const walked = listAll(list, 'items', { maxResults: 4 }, () => {
      h.clock.advance(1_000);
      h.dz('StartDataSourceRun', { domainIdentifier, dataSourceIdentifier });
    });
    const ids = walked.map((r) => r.id);
    expect(ids).toEqual(before);
  });

  it('uses the default page sizes and leaves nextToken off the last page', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const first = h.sc('ListDataIntegrationEvents', { instanceId });
    expect(first['events']).toHaveLength(10);
    expect(first['nextToken']).toEqual(expect.any(String));
    const domainIdentifier = firstDomain(h).domainId;
    const runs = h.dz('ListDataSourceRuns', {
      domainIdentifier,
      dataSourceIdentifier: dataSourceNamed(h, 'Sales lakehouse').id,
    });
    expect(runs['items'].length).toBeLessThanOrEqual(50);
    const namespaces = h.sc('ListDataLakeNamespaces', { instanceId, maxResults: 20 });
    expect(namespaces).not.toHaveProperty('nextToken');
    expect(namespaces['namespaces'].map((n: any) => n.name)).toEqual(['asc', 'default']);
  });

  it('orders named things by name with tokens within the model bounds', () => {
    const h = harness();
    const instances = listAll((i) => h.sc('ListInstances', i), 'instances', { maxResults: 1 });
    expect(instances.map((i) => i.instanceName)).toEqual([
      'Northwind Distribution',
      'Tailspin Manufacturing EU',
    ]);
    const token = h.sc('ListInstances', { maxResults: 1 })['nextToken'];
    expect(token.length).toBeLessThanOrEqual(1024);
    const { instanceId } = firstInstance(h);
    const datasets = listAll((i) => h.sc('ListDataLakeDatasets', i), 'datasets', {
      instanceId,
      namespace: 'asc',
      maxResults: 4,
    });
    const names = datasets.map((d) => d.name);
    expect(names).toEqual([...names].sort());
  });

  it('answers ValidationException for a malformed token or one from another list', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const bad = (nextToken: string) =>
      awsErrorOf(() => h.sc('ListDataIntegrationEvents', { instanceId, nextToken }));
    expect(bad('not a token!')).toMatchObject({ name: 'ValidationException', message: 'Invalid nextToken' });
    expect(bad(Buffer.from('{"x":1}').toString('base64url')).message).toBe('Invalid nextToken');
    const flowsToken = h.sc('ListDataIntegrationFlows', { instanceId, maxResults: 1 })['nextToken'];
    expect(bad(flowsToken).message).toBe('Invalid nextToken');
  });
});

describe('filters', () => {
  it('lists only events of the requested type', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const events = listAll((i) => h.sc('ListDataIntegrationEvents', i), 'events', {
      instanceId,
      eventType: 'scn.data.dataset',
      maxResults: 20,
    });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.eventType === 'scn.data.dataset')).toBe(true);
  });

  it('filters instances by name and state', () => {
    const h = harness();
    const names = (input: Record<string, unknown>) =>
      h.sc('ListInstances', input)['instances'].map((i: any) => i.instanceName);
    expect(names({ instanceNameFilter: ['tailspin manufacturing eu'] })).toEqual([
      'Tailspin Manufacturing EU',
    ]);
    expect(names({ instanceStateFilter: ['Active'] })).toHaveLength(2);
    expect(names({ instanceStateFilter: ['Deleted', 'CreateFailed'] })).toEqual([]);
  });

  it('filters runs and activities by status', () => {
    const h = harness();
    const domainIdentifier = firstDomain(h).domainId;
    const dataSourceIdentifier = dataSourceNamed(h, 'Supply chain raw zone').id;
    const succeeded = h.dz('ListDataSourceRuns', {
      domainIdentifier,
      dataSourceIdentifier,
      status: 'SUCCESS',
    })['items'];
    expect(succeeded.length).toBeGreaterThan(0);
    expect(succeeded.every((r: any) => r.status === 'SUCCESS')).toBe(true);
    const running = h.dz('ListDataSourceRuns', { domainIdentifier, dataSourceIdentifier, status: 'RUNNING' })[
      'items'
    ];
    expect(running).toHaveLength(1);
    const unchanged = h.dz('ListDataSourceRunActivities', {
      domainIdentifier,
      identifier: succeeded[0].id,
      status: 'UNCHANGED',
    })['items'];
    expect(unchanged.every((a: any) => a.dataAssetStatus === 'UNCHANGED')).toBe(true);
  });

  it('lists a project’s data sources, filtered by type, name and status', () => {
    const h = harness();
    const domain = firstDomain(h);
    const sales = domain.projects.find((p) => p.name === 'Sales Analytics')!;
    const names = (input: Record<string, unknown>) =>
      h
        .dz('ListDataSources', { domainIdentifier: domain.domainId, projectIdentifier: sales.id, ...input })
        .items.map((d: any) => d.name);
    expect(names({})).toEqual(['Clickstream archive', 'Sales lakehouse', 'Sales marts']);
    expect(names({ type: 'REDSHIFT' })).toEqual(['Sales marts']);
    expect(names({ name: 'lake' })).toEqual(['Sales lakehouse']);
    expect(names({ status: 'RUNNING' })).toEqual(['Sales lakehouse']);
    const unknownProject = awsErrorOf(() => names({ projectIdentifier: 'nosuchproject1' }));
    expect(unknownProject.name).toBe('ResourceNotFoundException');
  });

  it('filters projects by member and name, and domains by status', () => {
    const h = harness();
    const domain = h.world.domains.get(firstDomain(h).domainId)!;
    const project = [...domain.projects.values()][1]!;
    const list = (input: Record<string, unknown>) =>
      h.dz('ListProjects', { domainIdentifier: domain.id, ...input })['items'].map((p: any) => p.id);
    expect(list({ userIdentifier: project.memberUserIds[0] })).toContain(project.id);
    expect(list({ name: project.name.toUpperCase() })).toEqual([project.id]);
    expect(h.dz('ListDomains', { status: 'AVAILABLE' })['items']).toHaveLength(2);
    expect(h.dz('ListDomains', { status: 'DELETED' })['items']).toEqual([]);
  });
});

describe('resources belong to their parent', () => {
  it('does not find an event of another instance', () => {
    const h = harness();
    const [a, b] = [firstInstance(h).instanceId, secondInstance(h).instanceId];
    const eventId = h.sc('ListDataIntegrationEvents', { instanceId: b, maxResults: 1 })['events'][0].eventId;
    expect(awsErrorOf(() => h.sc('GetDataIntegrationEvent', { instanceId: a, eventId }))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Data integration event ${eventId} not found in instance ${a}`,
    });
  });

  it('does not find an execution under another flow', () => {
    const h = harness();
    const { instanceId, flows } = firstInstance(h);
    const [flowA, flowB] = flows as [string, string];
    const { executionId } = h.sc('ListDataIntegrationFlowExecutions', { instanceId, flowName: flowA })[
      'flowExecutions'
    ][0];
    expect(
      h.sc('GetDataIntegrationFlowExecution', { instanceId, flowName: flowA, executionId })['flowExecution']
        .executionId,
    ).toBe(executionId);
    expect(
      awsErrorOf(() => h.sc('GetDataIntegrationFlowExecution', { instanceId, flowName: flowB, executionId }))
        .name,
    ).toBe('ResourceNotFoundException');
  });

  it('does not find a run or data source of another domain', () => {
    const h = harness();
    const [a, b] = h.world.summary().datazone.domains as [any, any];
    const runId = h.dz('ListDataSourceRuns', {
      domainIdentifier: b.domainId,
      dataSourceIdentifier: b.dataSources[0].id,
    })['items'][0].id;
    expect(
      awsErrorOf(() => h.dz('GetDataSourceRun', { domainIdentifier: a.domainId, identifier: runId })),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Data source run ${runId} not found in domain ${a.domainId}`,
    });
    expect(
      awsErrorOf(() =>
        h.dz('StartDataSourceRun', {
          domainIdentifier: a.domainId,
          dataSourceIdentifier: b.dataSources[0].id,
        }),
      ).name,
    ).toBe('ResourceNotFoundException');
  });

  it('does not find a dataset, namespace, flow or domain that does not exist', () => {
    const h = harness();
    const { instanceId } = firstInstance(h);
    const names = [
      () => h.sc('GetDataLakeDataset', { instanceId, namespace: 'default', name: 'product' }),
      () => h.sc('GetDataLakeNamespace', { instanceId, name: 'custom' }),
      () => h.sc('GetDataIntegrationFlow', { instanceId, name: 'no-such-flow' }),
      () => h.dz('GetDomain', { identifier: 'dzd_doesnotexist00' }),
    ].map((call) => awsErrorOf(call).name);
    expect(new Set(names)).toEqual(new Set(['ResourceNotFoundException']));
  });
});
