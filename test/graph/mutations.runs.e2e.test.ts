/**
 * `startDataSourceRun` end to end: a new run is QUEUED (AWS REQUESTED) and PRIORITIZED, a client token
 * makes a retry return the same run, and the run moves to RUNNING and a terminal status, with its
 * per-asset activities, as the emulator's clock advances.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const RUN = `id kind status upstreamStatus terminal startedAt finishedAt message domainId runId dataSourceId projectId
  runStatus type createdAt stoppedAt runStatisticsForAssets { added updated unchanged skipped failed }`;
const START = `mutation($d: ID!, $s: ID!, $t: String) {
  startDataSourceRun(domainIdentifier: $d, dataSourceIdentifier: $s, clientToken: $t) { ${RUN} } }`;
const READ = `query($id: ID!) { node(id: $id) { ... on DataSourceRun { ${RUN}
  activities(first: 50) { nodes { dataSourceRunId database technicalName dataAssetStatus projectId } } } } }`;

let gw: TestGateway;
let domain: any;

const dataSource = (name: string): any => domain.dataSources.find((d: any) => d.name === name);
const runCount = async (): Promise<number> => (await gw.world()).datazone.domains[0].runCount;

beforeAll(async () => {
  gw = await startTestGateway();
  domain = (await gw.world()).datazone.domains[0];
});

afterAll(async () => {
  await gw?.stop();
});

describe('startDataSourceRun', () => {
  it('starts a QUEUED prioritized run that then runs and finishes, with its activities, as the clock advances', async () => {
    const ds = dataSource('Finance warehouse');
    await gw.resetCalls();
    const { startDataSourceRun: run } = await gw.data(START, { d: domain.domainId, s: ds.id });
    expect(await gw.calls()).toEqual({ StartDataSourceRun: 1 });
    expect(run).toMatchObject({
      kind: 'DATA_SOURCE_RUN',
      status: 'QUEUED',
      upstreamStatus: 'REQUESTED',
      runStatus: 'REQUESTED',
      terminal: false,
      type: 'PRIORITIZED',
      startedAt: null,
      finishedAt: null,
      stoppedAt: null,
      domainId: domain.domainId,
      dataSourceId: ds.id,
      projectId: ds.projectId,
    });

    await gw.advance(5_000);
    const running = (await gw.data(READ, { id: run.id })).node;
    expect(running).toMatchObject({
      runId: run.runId,
      status: 'RUNNING',
      runStatus: 'RUNNING',
      terminal: false,
    });
    expect(Date.parse(running.startedAt)).toBeGreaterThanOrEqual(Date.parse(run.createdAt));

    await gw.advance(60_000);
    const done = (await gw.data(READ, { id: run.id })).node;
    expect(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']).toContain(done.status);
    expect(done).toMatchObject({ runId: run.runId, terminal: true, startedAt: running.startedAt });
    expect(done.finishedAt).toBe(done.stoppedAt);
    expect(Date.parse(done.finishedAt)).toBeGreaterThan(Date.parse(done.startedAt));
    expect(done.message === null).toBe(done.status !== 'FAILED');
    const activities = done.activities.nodes;
    expect(activities.length).toBeGreaterThan(0);
    for (const a of activities)
      expect(a).toMatchObject({ dataSourceRunId: run.runId, projectId: ds.projectId });
    const stats = done.runStatisticsForAssets;
    expect(stats.added + stats.updated + stats.unchanged + stats.skipped + stats.failed).toBe(
      activities.length,
    );
  });

  it('returns the same run for a retry with the same clientToken, starting only one', async () => {
    const ds = dataSource('Sales marts');
    const token = randomUUID();
    const before = await runCount();
    const first = await gw.data(START, { d: domain.domainId, s: ds.id, t: token });
    const second = await gw.data(START, { d: domain.domainId, s: ds.id, t: token });
    expect(second.startDataSourceRun.runId).toBe(first.startDataSourceRun.runId);
    expect(second.startDataSourceRun.id).toBe(first.startDataSourceRun.id);
    expect(await runCount()).toBe(before + 1);
    const other = await gw.data(START, { d: domain.domainId, s: ds.id, t: randomUUID() });
    expect(other.startDataSourceRun.runId).not.toBe(first.startDataSourceRun.runId);
    expect(await runCount()).toBe(before + 2);
  });

  it('rejects malformed arguments as BAD_USER_INPUT naming them, without an upstream call', async () => {
    const ds = dataSource('Sales marts');
    const cases: [Record<string, unknown>, string][] = [
      [{ d: 'domain-1', s: ds.id }, 'domainIdentifier'],
      [{ d: domain.domainId, s: 'bad id' }, 'dataSourceIdentifier'],
      [{ d: domain.domainId, s: ds.id, t: 'x'.repeat(129) }, 'clientToken'],
    ];
    for (const [variables, field] of cases) {
      await gw.resetCalls();
      const res = await gw.query(START, variables);
      expect(await gw.calls()).toEqual({});
      expect(res.data).toBeNull();
      expect(res.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('answers a data source that does not exist with NOT_FOUND', async () => {
    const res = await gw.query(START, { d: domain.domainId, s: 'nosuchsource' });
    expect(res.data).toBeNull();
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'NOT_FOUND',
      awsErrorName: 'ResourceNotFoundException',
      awsOperation: 'StartDataSourceRun',
    });
  });
});
