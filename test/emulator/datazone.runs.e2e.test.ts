/**
 * The emulator's DataZone data source runs, end to end through the official @aws-sdk/client-datazone:
 * listing and reading runs and their activities (ISO timestamps on the wire), StartDataSourceRun's
 * client-token idempotency, and a started run moving REQUESTED → RUNNING → a terminal state as the
 * control API advances the frozen clock (shared/docs/aws-wire-reference.md §3).
 */
import {
  ConflictException,
  GetDataSourceCommand,
  GetDataSourceRunCommand,
  ListDataSourceRunActivitiesCommand,
  paginateListDataSourceRunActivities,
  paginateListDataSourceRuns,
  StartDataSourceRunCommand,
  type DataSourceRunSummary,
  type DataZoneClient,
  type GetDataSourceRunCommandOutput,
} from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldSummary } from '../../src/emulator/world/index.js';
import {
  collect,
  createDisposers,
  rawRequest,
  rejectionOf,
  RFC3339,
  startTestEmulator,
  type TestEmulator,
} from '../helpers/emulator.js';

const TIMING = { runRequestedMs: 5_000, runRunningMs: 45_000 };
const TERMINAL = ['SUCCESS', 'FAILED', 'PARTIALLY_SUCCEEDED'];

const disposers = createDisposers();
let emu: TestEmulator;
let dz: DataZoneClient;
let domain: WorldSummary['datazone']['domains'][number];

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42, timing: TIMING }));
  dz = emu.dataZone;
  domain = emu.world.datazone.domains[0]!;
});
afterAll(() => disposers.dispose());

const domainId = () => domain.domainId;
const dataSource = (i = 0) => domain.dataSources[i]!;
const runCount = async () =>
  (await emu.control.world()).datazone.domains.find((d) => d.domainId === domainId())!.runCount;
const getRun = (identifier: string) =>
  dz.send(new GetDataSourceRunCommand({ domainIdentifier: domainId(), identifier }));
const wire = (path: string) => rawRequest(emu.endpoint, { method: 'GET', path, signAs: 'datazone' });

async function allRuns(dataSourceIdentifier: string, status?: string): Promise<DataSourceRunSummary[]> {
  const input = {
    domainIdentifier: domainId(),
    dataSourceIdentifier,
    ...(status ? { status: status as never } : {}),
  };
  return (await collect(paginateListDataSourceRuns({ client: dz, pageSize: 7 }, input), (p) => p.items))
    .items;
}

const sumOf = (stats: Record<string, number | undefined>): number =>
  ['added', 'updated', 'unchanged', 'skipped', 'failed'].reduce((n, k) => n + (stats[k] ?? 0), 0);

describe('DataZone runs', () => {
  it('ListDataSourceRuns pages every data source to the end: as many runs as the world counts, none twice', async () => {
    const ids: string[] = [];
    for (const ds of domain.dataSources) {
      const runs = await allRuns(ds.id);
      expect(runs.every((r) => r.dataSourceId === ds.id)).toBe(true);
      for (const r of runs) expect(r.createdAt).toBeInstanceOf(Date);
      ids.push(...runs.map((r) => r.id!));
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(await runCount());
  });

  it('ListDataSourceRuns with status answers exactly the runs in that status', async () => {
    const all = await allRuns(dataSource().id);
    for (const status of TERMINAL) {
      const filtered = await allRuns(dataSource().id, status);
      expect(filtered.map((r) => r.id)).toEqual(all.filter((r) => r.status === status).map((r) => r.id));
    }
  });

  it('GetDataSourceRun answers what the list says, plus domainId, with times parsed from ISO strings', async () => {
    const [listed] = await allRuns(dataSource().id, 'SUCCESS');
    const run = await getRun(listed!.id!);
    expect(run).toMatchObject({ ...listed, domainId: domainId() });
    expect(run.createdAt).toBeInstanceOf(Date);
    expect(run.stoppedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    expect(run.lineageSummary?.importStatus).toBe('SUCCESS');

    const raw = await wire(`/v2/domains/${domainId()}/data-source-runs/${listed!.id}`);
    for (const key of ['createdAt', 'updatedAt', 'startedAt', 'stoppedAt'])
      expect(raw.json[key]).toMatch(RFC3339);
    expect(Date.parse(raw.json.createdAt)).toBe(run.createdAt!.getTime());
  });

  it('ListDataSourceRunActivities of a finished run agrees with its runStatisticsForAssets and filters by status', async () => {
    const [listed] = await allRuns(dataSource().id, 'SUCCESS');
    const run = await getRun(listed!.id!);
    const input = { domainIdentifier: domainId(), identifier: run.id! };
    // A paginator writes nextToken and maxResults into the input it is given: hand it a copy.
    const { items } = await collect(
      paginateListDataSourceRunActivities({ client: dz, pageSize: 1 }, { ...input }),
      (p) => p.items,
    );
    expect(items.length).toBe(sumOf(run.runStatisticsForAssets as Record<string, number>));
    for (const a of items) {
      expect(a).toMatchObject({
        dataSourceRunId: run.id,
        projectId: run.projectId,
        database: expect.any(String),
      });
      expect(a.createdAt).toBeInstanceOf(Date);
    }
    const status = items[0]!.dataAssetStatus!;
    const filtered = await dz.send(new ListDataSourceRunActivitiesCommand({ ...input, status }));
    expect(filtered.items!.length).toBe(items.filter((a) => a.dataAssetStatus === status).length);
  });

  it('StartDataSourceRun with a repeated clientToken answers the same run and starts only one', async () => {
    const before = await runCount();
    const input = {
      domainIdentifier: domainId(),
      dataSourceIdentifier: dataSource(1).id,
      clientToken: 'e2e-start-1',
    };
    const first = await dz.send(new StartDataSourceRunCommand(input));
    const again = await dz.send(new StartDataSourceRunCommand(input));
    expect(again.id).toBe(first.id);
    expect(await runCount()).toBe(before + 1);
  });

  it('StartDataSourceRun with a clientToken used for another data source answers ConflictException (409)', async () => {
    const clientToken = 'e2e-start-2';
    await dz.send(
      new StartDataSourceRunCommand({
        domainIdentifier: domainId(),
        dataSourceIdentifier: dataSource(1).id,
        clientToken,
      }),
    );
    const err = await rejectionOf(
      dz.send(
        new StartDataSourceRunCommand({
          domainIdentifier: domainId(),
          dataSourceIdentifier: dataSource(2).id,
          clientToken,
        }),
      ),
    );
    expect(err).toBeInstanceOf(ConflictException);
    expect(err.$metadata.httpStatusCode).toBe(409);
  });

  it('a started run is listed among its data source runs, and under status REQUESTED', async () => {
    const ds = dataSource(4);
    const input = { domainIdentifier: domainId(), dataSourceIdentifier: ds.id };
    const started = await dz.send(new StartDataSourceRunCommand(input));
    expect((await allRuns(ds.id, 'REQUESTED')).map((r) => r.id)).toContain(started.id);
    const listed = (await allRuns(ds.id)).find((r) => r.id === started.id);
    expect(listed).toMatchObject({ status: 'REQUESTED', type: 'PRIORITIZED', createdAt: started.createdAt });
  });

  it('a started run goes REQUESTED → RUNNING → a terminal state as the clock advances, and updates its data source', async () => {
    const ds = dataSource(3);
    const started = await dz.send(
      new StartDataSourceRunCommand({ domainIdentifier: domainId(), dataSourceIdentifier: ds.id }),
    );
    expect(started).toMatchObject({
      domainId: domainId(),
      dataSourceId: ds.id,
      projectId: ds.projectId,
      status: 'REQUESTED',
      type: 'PRIORITIZED',
    });
    expect(started.createdAt).toBeInstanceOf(Date);
    expect(started.startedAt).toBeUndefined();
    const requested = await dz.send(
      new GetDataSourceCommand({ domainIdentifier: domainId(), identifier: ds.id }),
    );
    expect(requested.lastRunStatus).toBe('REQUESTED');

    const seen: string[] = [];
    let run: GetDataSourceRunCommandOutput = await getRun(started.id!);
    for (let step = 0; step < 200 && !TERMINAL.includes(run.status!); step++) {
      if (seen.at(-1) !== run.status) seen.push(run.status!);
      await emu.control.advance(2_500);
      run = await getRun(started.id!);
    }
    seen.push(run.status!);
    expect(seen.slice(0, 2)).toEqual(['REQUESTED', 'RUNNING']);
    expect(seen).toHaveLength(3);
    expect(TERMINAL).toContain(seen[2]);

    expect(run.startedAt).toBeInstanceOf(Date);
    expect(run.stoppedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    if (run.status === 'FAILED') expect(run.errorMessage?.errorType).toEqual(expect.any(String));
    const stats = run.runStatisticsForAssets as Record<string, number>;
    const { items } = await collect(
      paginateListDataSourceRunActivities(
        { client: dz },
        { domainIdentifier: domainId(), identifier: run.id! },
      ),
      (p) => p.items,
    );
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBe(sumOf(stats));

    const after = await dz.send(
      new GetDataSourceCommand({ domainIdentifier: domainId(), identifier: ds.id }),
    );
    expect(after.lastRunStatus).toBe(run.status);
    expect(after.lastRunAt).toBeInstanceOf(Date);
    expect(after.status).toBe('READY');
  });
});
