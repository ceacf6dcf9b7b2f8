/**
 * The DataZone root query fields (dataSourceRun, dataSourceRuns, dataSource, domain) and links
 * (DataSourceRun.dataSource and .activities, DataSource.runs), against the real gateway and its embedded
 * emulator. The oracle is the emulator: its world summary for ids and names, and its AWS operations read
 * with the real DataZone client for every value the gateway renames, converts or derives.
 */
import {
  DataZoneClient,
  GetDataSourceCommand,
  GetDomainCommand,
  ListDataSourceRunActivitiesCommand,
  ListDataSourceRunsCommand,
} from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/upstream/clients.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { dropNulls, splitLoad, wire } from '../helpers/graph.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const DZ_STATUS: Record<string, string> = {
  REQUESTED: 'QUEUED',
  RUNNING: 'RUNNING',
  SUCCESS: 'SUCCEEDED',
  PARTIALLY_SUCCEEDED: 'PARTIALLY_SUCCEEDED',
  FAILED: 'FAILED',
};

const RUN = `id kind status upstreamStatus terminal startedAt finishedAt message domainId runId dataSourceId projectId
  runStatus type createdAt updatedAt stoppedAt runStatisticsForAssets { added updated unchanged skipped failed }
  lineageSummary { importStatus } errorMessage { errorType errorDetail }`;

let gw: TestGateway;
let world: any;
let dz: DataZoneClient;
let domainId: string;

const dataSourceNamed = (name: string): any =>
  world.datazone.domains[0].dataSources.find((d: any) => d.name === name);

beforeAll(async () => {
  gw = await startTestGateway();
  world = await gw.world();
  dz = new DataZoneClient({
    region: 'us-east-1',
    endpoint: gw.emulator,
    maxAttempts: 1,
    credentials: { ...EMULATOR_CREDENTIALS },
  });
  domainId = world.datazone.domains[0].domainId;
});

afterAll(async () => {
  dz?.destroy();
  await gw?.stop();
});

describe('DataZone runs, data sources and domains', () => {
  it('lists runs as AWS lists them, each status normalized (REQUESTED → QUEUED, SUCCESS → SUCCEEDED, ...)', async () => {
    const seen = new Set<string>();
    for (const name of ['Sales lakehouse', 'Supply chain raw zone']) {
      const dataSourceIdentifier = dataSourceNamed(name).id;
      const { dataSourceRuns: page } = await gw.data(
        `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 50) { nodes { ${RUN} } } }`,
        { d: domainId, s: dataSourceIdentifier },
      );
      const raw = await dz.send(
        new ListDataSourceRunsCommand({ domainIdentifier: domainId, dataSourceIdentifier, maxResults: 50 }),
      );
      expect(page.nodes).toHaveLength(raw.items!.length);
      page.nodes.forEach((node: any, i: number) => {
        const { id, status, startedAt, ...r } = raw.items![i]!;
        const { load, aws } = splitLoad(node);
        expect(dropNulls(aws)).toEqual(wire({ ...r, domainId, runId: id, runStatus: status }));
        expect(load).toEqual({
          id: expect.any(String),
          kind: 'DATA_SOURCE_RUN',
          status: DZ_STATUS[status!],
          upstreamStatus: status,
          terminal: status !== 'REQUESTED' && status !== 'RUNNING',
          startedAt: startedAt?.toISOString() ?? null,
          finishedAt: r.stoppedAt?.toISOString() ?? null,
          message: r.errorMessage ? (r.errorMessage.errorDetail ?? r.errorMessage.errorType) : null,
        });
        seen.add(node.status);
      });
    }
    expect(seen).toEqual(new Set(['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']));
  });

  it('filters runs by status', async () => {
    const s = dataSourceNamed('Sales marts').id;
    const all = await gw.data(
      `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 50) { nodes { runId runStatus } } }`,
      { d: domainId, s },
    );
    const failed = await gw.data(
      `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, status: FAILED, first: 50) { nodes { runId runStatus } } }`,
      { d: domainId, s },
    );
    const expected = all.dataSourceRuns.nodes.filter((r: any) => r.runStatus === 'FAILED');
    expect(expected.length).toBeGreaterThan(0);
    expect(failed.dataSourceRuns.nodes).toEqual(expected);
  });

  it('reads one run with the values its list holds plus the configuration snapshot, linked to its data source and activities', async () => {
    const ds = dataSourceNamed('Sales lakehouse');
    const { dataSourceRuns: page } = await gw.data(
      `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 10) { nodes { ${RUN} } } }`,
      { d: domainId, s: ds.id },
    );
    const listed = page.nodes.find((r: any) => r.status === 'PARTIALLY_SUCCEEDED');
    const { dataSourceRun: run } = await gw.data(
      `query($d: ID!, $r: ID!) { dataSourceRun(domainIdentifier: $d, identifier: $r) { ${RUN} dataSourceConfigurationSnapshot
         dataSource { id name projectId } activities(first: 50) { nodes { database dataSourceRunId technicalName dataAssetStatus
           projectId dataAssetId technicalDescription errorMessage { errorType errorDetail } lineageSummary { eventId eventStatus errorMessage }
           createdAt updatedAt } } } }`,
      { d: domainId, r: listed.runId },
    );
    const { dataSourceConfigurationSnapshot, dataSource, activities, ...fields } = run;
    expect(fields).toEqual(listed);
    expect(JSON.parse(dataSourceConfigurationSnapshot)).toHaveProperty('glueRunConfiguration');
    expect(dataSource).toEqual({ id: ds.id, name: ds.name, projectId: ds.projectId });
    const raw = await dz.send(
      new ListDataSourceRunActivitiesCommand({
        domainIdentifier: domainId,
        identifier: listed.runId,
        maxResults: 50,
      }),
    );
    expect(activities.nodes.map(dropNulls)).toEqual(wire(raw.items));
    const stats = listed.runStatisticsForAssets;
    expect(activities.nodes).toHaveLength(
      stats.added + stats.updated + stats.unchanged + stats.skipped + stats.failed,
    );
  });

  it('reads a data source as AWS returns it, named as in the world, with its runs', async () => {
    const ds = dataSourceNamed('Finance warehouse');
    const { dataSource } = await gw.data(
      `query($d: ID!, $s: ID!) { dataSource(domainIdentifier: $d, identifier: $s) { id name domainId projectId status type
         description environmentId enableSetting publishOnImport lastRunStatus lastRunAt lastRunAssetCount createdAt updatedAt
         runs(first: 5) { nodes { runId dataSourceId domainId } } } }`,
      { d: domainId, s: ds.id },
    );
    const { runs, ...fields } = dataSource;
    const raw = await dz.send(new GetDataSourceCommand({ domainIdentifier: domainId, identifier: ds.id }));
    const picked = Object.fromEntries(
      Object.keys(dropNulls(fields) as object).map((k) => [k, (raw as any)[k]]),
    );
    expect(dropNulls(fields)).toEqual(wire(picked));
    expect(fields).toMatchObject({
      id: ds.id,
      name: ds.name,
      projectId: ds.projectId,
      type: ds.type,
      domainId,
    });
    const listed = await dz.send(
      new ListDataSourceRunsCommand({
        domainIdentifier: domainId,
        dataSourceIdentifier: ds.id,
        maxResults: 5,
      }),
    );
    expect(runs.nodes).toEqual(listed.items!.map((r) => ({ runId: r.id, dataSourceId: ds.id, domainId })));
  });

  it('reads a domain as AWS returns it, with its tags as key/value entries and epoch-second times as DateTime', async () => {
    for (const summary of world.datazone.domains) {
      const { domain } = await gw.data(
        `query($d: ID!) { domain(identifier: $d) { id name description status arn portalUrl domainExecutionRole serviceRole
           kmsKeyIdentifier rootDomainUnitId domainVersion createdAt lastUpdatedAt tags { key value }
           singleSignOn { type userAssignment idcInstanceArn } } }`,
        { d: summary.domainId },
      );
      const raw = await dz.send(new GetDomainCommand({ identifier: summary.domainId }));
      const { tags, ...rest } = domain;
      const { tags: rawTags, ...rawRest } = raw;
      expect(dropNulls(rest)).toEqual(wire(rawRest));
      expect(tags).toEqual(Object.entries(rawTags!).map(([key, value]) => ({ key, value })));
      expect(domain.name).toBe(summary.name);
      expect(domain.createdAt).toMatch(ISO);
    }
    const { domain } = await gw.data(`query($d: ID!) { domain(identifier: $d) { tags { key value } } }`, {
      d: domainId,
    });
    expect(domain.tags).toEqual(
      expect.arrayContaining([
        { key: 'team', value: 'data-platform' },
        { key: 'environment', value: 'production' },
      ]),
    );
  });
});
