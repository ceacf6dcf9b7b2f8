/**
 * The emulator's Amazon DataZone domains, projects and data sources, end to end through the official
 * @aws-sdk/client-datazone over HTTP, against shared/docs/aws-wire-reference.md §3 (mixed timestamp
 * formats, ranges, patterns, errors). Runs are in datazone.runs.e2e.test.ts.
 */
import {
  GetDataSourceCommand,
  GetDataSourceRunCommand,
  GetDomainCommand,
  ListDataSourceRunActivitiesCommand,
  ListDataSourceRunsCommand,
  ListDataSourcesCommand,
  ListDomainsCommand,
  ListProjectsCommand,
  paginateListDataSources,
  paginateListDomains,
  paginateListProjects,
  ResourceNotFoundException,
  StartDataSourceRunCommand,
  ValidationException,
  type DataZoneClient,
} from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldSummary } from '../../src/emulator/world/index.js';
import {
  collect,
  createDisposers,
  rawRequest,
  rejectionOf,
  startTestEmulator,
  type TestEmulator,
} from '../helpers/emulator.js';

const disposers = createDisposers();
let emu: TestEmulator;
let dz: DataZoneClient;
let domain: WorldSummary['datazone']['domains'][number];

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42 }));
  dz = emu.dataZone;
  domain = emu.world.datazone.domains[0]!;
});
afterAll(() => disposers.dispose());

const domainId = () => domain.domainId;
const dataSource = (i = 0) => domain.dataSources[i]!;
const getRun = (identifier: string) =>
  dz.send(new GetDataSourceRunCommand({ domainIdentifier: domainId(), identifier }));
const wire = (path: string) => rawRequest(emu.endpoint, { method: 'GET', path, signAs: 'datazone' });

describe('DataZone domains and projects', () => {
  it('GetDomain answers the domain with its role, status and times parsed from epoch seconds', async () => {
    const out = await dz.send(new GetDomainCommand({ identifier: domainId() }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out).toMatchObject({ id: domainId(), name: domain.name });
    expect(out.domainExecutionRole).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(['CREATING', 'AVAILABLE', 'CREATION_FAILED', 'DELETING', 'DELETED', 'DELETION_FAILED']).toContain(
      out.status,
    );
    expect(out.createdAt).toBeInstanceOf(Date);
    expect(out.lastUpdatedAt).toBeInstanceOf(Date);

    const raw = await wire(`/v2/domains/${domainId()}`);
    expect(typeof raw.json.createdAt).toBe('number');
    expect(typeof raw.json.lastUpdatedAt).toBe('number');
    expect(raw.json.createdAt * 1000).toBeCloseTo(out.createdAt!.getTime(), 0);
  });

  it('ListDomains pages to the end: the domains of the world, each once', async () => {
    const { items, pages } = await collect(
      paginateListDomains({ client: dz, pageSize: 1 }, {}),
      (p) => p.items,
    );
    expect(items.map((d) => d.id)).toEqual(emu.world.datazone.domains.map((d) => d.domainId));
    expect(pages).toBe(items.length);
    for (const d of items) expect(d.createdAt).toBeInstanceOf(Date);
  });

  it('ListDomains accepts maxResults 1..25 and answers ValidationException naming it outside', async () => {
    await expect(dz.send(new ListDomainsCommand({ maxResults: 25 }))).resolves.toBeDefined();
    for (const maxResults of [0, 26]) {
      const err = await rejectionOf(dz.send(new ListDomainsCommand({ maxResults })));
      expect(err).toBeInstanceOf(ValidationException);
      expect(err.message).toContain('maxResults');
    }
  });

  it('ListProjects pages to the end: the projects of the domain, each once, times parsed from ISO strings', async () => {
    const { items } = await collect(
      paginateListProjects({ client: dz, pageSize: 1 }, { domainIdentifier: domainId() }),
      (p) => p.items,
    );
    expect(items.map((p) => ({ id: p.id, name: p.name }))).toEqual(domain.projects);
    for (const p of items) {
      expect(p.domainId).toBe(domainId());
      expect(p.createdBy).toEqual(expect.any(String));
      if (p.createdAt !== undefined) expect(p.createdAt).toBeInstanceOf(Date);
    }
  });
});

describe('DataZone data sources', () => {
  it('GetDataSource answers each data source with a one-member configuration union and parsed times', async () => {
    for (const ds of domain.dataSources) {
      const out = await dz.send(
        new GetDataSourceCommand({ domainIdentifier: domainId(), identifier: ds.id }),
      );
      expect(out).toMatchObject({
        id: ds.id,
        name: ds.name,
        domainId: domainId(),
        projectId: ds.projectId,
        type: ds.type,
      });
      const keys = Object.keys(out.configuration ?? {});
      expect(keys).toHaveLength(1);
      expect(['glueRunConfiguration', 'redshiftRunConfiguration', 'sageMakerRunConfiguration']).toContain(
        keys[0],
      );
      const config = (out.configuration as Record<string, any>)[keys[0]!];
      if (keys[0] !== 'sageMakerRunConfiguration')
        expect(config.relationalFilterConfigurations.length).toBeGreaterThan(0);
      expect(out.createdAt).toBeInstanceOf(Date);
      if (out.lastRunAt !== undefined) expect(out.lastRunAt).toBeInstanceOf(Date);
    }
  });

  it('ListDataSources pages each project to the end: its data sources, each once, keyed dataSourceId', async () => {
    for (const project of domain.projects) {
      const { items } = await collect(
        paginateListDataSources(
          { client: dz, pageSize: 1 },
          { domainIdentifier: domainId(), projectIdentifier: project.id },
        ),
        (p) => p.items,
      );
      const expected = domain.dataSources.filter((ds) => ds.projectId === project.id);
      expect(items.map((ds) => ds.dataSourceId).sort()).toEqual(expected.map((ds) => ds.id).sort());
      for (const ds of items)
        expect(ds).toMatchObject({
          domainId: domainId(),
          name: expect.any(String),
          type: expect.any(String),
        });
    }
  });

  it('ListDataSources with status answers only data sources in that status', async () => {
    const { projectId } = dataSource();
    const all = (
      await dz.send(
        new ListDataSourcesCommand({ domainIdentifier: domainId(), projectIdentifier: projectId }),
      )
    ).items!;
    for (const status of new Set(all.map((ds) => ds.status!))) {
      const { items } = await dz.send(
        new ListDataSourcesCommand({ domainIdentifier: domainId(), projectIdentifier: projectId, status }),
      );
      expect(items!.map((ds) => ds.dataSourceId)).toEqual(
        all.filter((ds) => ds.status === status).map((ds) => ds.dataSourceId),
      );
    }
  });

  it('ListDataSources without projectIdentifier (the SDK sends the request anyway) answers ValidationException naming it', async () => {
    const err = await rejectionOf(
      dz.send(new ListDataSourcesCommand({ domainIdentifier: domainId() } as never)),
    );
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toContain('projectIdentifier');
  });

  it('ListDataSources accepts maxResults 1..50 and answers ValidationException naming it outside', async () => {
    const input = { domainIdentifier: domainId(), projectIdentifier: dataSource().projectId };
    await expect(dz.send(new ListDataSourcesCommand({ ...input, maxResults: 50 }))).resolves.toBeDefined();
    for (const maxResults of [0, 51]) {
      const err = await rejectionOf(dz.send(new ListDataSourcesCommand({ ...input, maxResults })));
      expect(err).toBeInstanceOf(ValidationException);
      expect(err.message).toContain('maxResults');
    }
  });
});

describe('DataZone errors', () => {
  const notFound: [string, () => Promise<unknown>][] = [
    ['GetDomain', () => dz.send(new GetDomainCommand({ identifier: 'dzd_unknown0000' }))],
    ['ListProjects', () => dz.send(new ListProjectsCommand({ domainIdentifier: 'dzd_unknown0000' }))],
    [
      'GetDataSource',
      () => dz.send(new GetDataSourceCommand({ domainIdentifier: domainId(), identifier: 'unknown0000' })),
    ],
    ['GetDataSourceRun', () => getRun('unknown0000')],
    [
      'ListDataSourceRuns',
      () =>
        dz.send(
          new ListDataSourceRunsCommand({
            domainIdentifier: domainId(),
            dataSourceIdentifier: 'unknown0000',
          }),
        ),
    ],
    [
      'ListDataSourceRunActivities',
      () =>
        dz.send(
          new ListDataSourceRunActivitiesCommand({ domainIdentifier: domainId(), identifier: 'unknown0000' }),
        ),
    ],
    [
      'StartDataSourceRun',
      () =>
        dz.send(
          new StartDataSourceRunCommand({
            domainIdentifier: domainId(),
            dataSourceIdentifier: 'unknown0000',
          }),
        ),
    ],
    [
      'ListDataSources',
      () =>
        dz.send(new ListDataSourcesCommand({ domainIdentifier: 'dzd_unknown0000', projectIdentifier: 'p1' })),
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
    ['GetDomain', 'identifier', () => dz.send(new GetDomainCommand({ identifier: 'not-a-domain' }))],
    [
      'GetDataSource',
      'identifier',
      () => dz.send(new GetDataSourceCommand({ domainIdentifier: domainId(), identifier: 'bad id!' })),
    ],
    ['GetDataSourceRun', 'identifier', () => getRun('x'.repeat(37))],
    [
      'GetDataSourceRun',
      'domainIdentifier',
      () => dz.send(new GetDataSourceRunCommand({ domainIdentifier: 'abc', identifier: 'x' })),
    ],
    [
      'ListDataSourceRuns',
      'status',
      () =>
        dz.send(
          new ListDataSourceRunsCommand({
            domainIdentifier: domainId(),
            dataSourceIdentifier: dataSource().id,
            status: 'DONE' as never,
          }),
        ),
    ],
    [
      'ListDataSourceRunActivities',
      'status',
      () =>
        dz.send(
          new ListDataSourceRunActivitiesCommand({
            domainIdentifier: domainId(),
            identifier: 'r1',
            status: 'NOPE' as never,
          }),
        ),
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
