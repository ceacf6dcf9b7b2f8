/**
 * Amazon DataZone handlers over the simulated world. Every resource is looked up inside its domain (a
 * run or data source id from another domain is not found), StartDataSourceRun is idempotent on its
 * client token, and statuses are read off each run's timeline at the current clock time.
 *
 * Orders (all keyset-paginated; 50 per page when `maxResults` is absent, 25 for ListDomains, whose
 * model caps it there):
 * - domains, projects and data sources by name, then id; activities by database, then technical name;
 * - runs newest first by `createdAt`, then by id.
 *
 * Filters: `status` and `type` match exactly (`type` ignoring case); `name` matches a substring ignoring
 * case; ListProjects' `userIdentifier` and `groupIdentifier` keep projects that user or group belongs to.
 *
 * Internal to the emulator.
 */
import { AwsError, type ServiceHandlers } from '../types.js';
import {
  activityView,
  dataSourceSummaryView,
  dataSourceView,
  domainSummaryView,
  domainView,
  projectSummaryView,
  runSummaryView,
  runView,
  startedRunView,
} from '../world/datazone.views.js';
import { planRun } from '../world/datazone.runs.js';
import { canonicalJson } from '../world/idempotency.js';
import type { World } from '../world/index.js';
import type {
  ActivityPlan,
  DataSourceRecord,
  DomainRecord,
  ProjectRecord,
  RunRecord,
} from '../world/records.js';
import { activitiesAt, runStatusAt } from '../world/schedules.js';
import { byName, loadOrder, pageSize, paginate, type KeysetOrder, type ListOrder } from './pagination.js';

const DEFAULT_PAGE_SIZE = 50;
const LIST_DOMAINS_MAX = 25;

const domainOrder: KeysetOrder<DomainRecord> = byName(
  'domains',
  (d) => d.name,
  (d) => d.id,
);
const projectOrder: KeysetOrder<ProjectRecord> = byName(
  'projects',
  (p) => p.name,
  (p) => p.id,
);
const dataSourceOrder: KeysetOrder<DataSourceRecord> = byName(
  'dataSources',
  (d) => d.name,
  (d) => d.id,
);
const activityOrder: KeysetOrder<ActivityPlan> = {
  scope: 'activities',
  directions: ['asc', 'asc'],
  key: (a) => [a.database, a.technicalName],
};

const notFound = (message: string): never => {
  throw new AwsError('ResourceNotFoundException', message);
};

const contains = (value: string, part: string | undefined): boolean =>
  part === undefined || value.toLowerCase().includes(part.toLowerCase());

/** `listOrder`: the order of the run lists (default newest first). */
export function createDataZoneHandlers(world: World, listOrder: ListOrder = 'newest'): ServiceHandlers {
  const runOrder: KeysetOrder<RunRecord> = loadOrder(
    listOrder,
    'runs',
    (r) => r.createdMs,
    (r) => r.id,
  );
  const domainOf = (id: string): DomainRecord => world.domains.get(id) ?? notFound(`Domain ${id} not found`);
  const dataSourceOf = (domain: DomainRecord, id: string): DataSourceRecord =>
    domain.dataSources.get(id) ?? notFound(`Data source ${id} not found in domain ${domain.id}`);
  const runOf = (domain: DomainRecord, id: string): RunRecord =>
    domain.runs.get(id) ?? notFound(`Data source run ${id} not found in domain ${domain.id}`);
  const page = <T>(
    items: Iterable<T>,
    order: KeysetOrder<T>,
    input: Record<string, any>,
    defaultSize = DEFAULT_PAGE_SIZE,
  ) =>
    paginate(items, order, {
      nextToken: input['nextToken'],
      maxResults: pageSize(input['maxResults'], defaultSize),
    });

  return {
    GetDataSourceRun: ({ domainIdentifier, identifier }) =>
      runView(runOf(domainOf(domainIdentifier), identifier), world.clock.now()),

    ListDataSourceRuns: (input) => {
      const nowMs = world.clock.now();
      const domain = domainOf(input['domainIdentifier']);
      const dataSource = dataSourceOf(domain, input['dataSourceIdentifier']);
      const status: string | undefined = input['status'];
      const runs = [...domain.runs.values()].filter(
        (r) => r.dataSourceId === dataSource.id && (status === undefined || runStatusAt(r, nowMs) === status),
      );
      const { items, nextToken } = page(runs, runOrder, input);
      return { items: items.map((r) => runSummaryView(r, nowMs)), ...(nextToken ? { nextToken } : {}) };
    },

    ListDataSourceRunActivities: (input) => {
      const nowMs = world.clock.now();
      const run = runOf(domainOf(input['domainIdentifier']), input['identifier']);
      const status: string | undefined = input['status'];
      const activities = activitiesAt(run, nowMs).filter(
        (a) => status === undefined || a.dataAssetStatus === status,
      );
      const { items, nextToken } = page(activities, activityOrder, input);
      return { items: items.map((a) => activityView(a, run)), ...(nextToken ? { nextToken } : {}) };
    },

    GetDataSource: ({ domainIdentifier, identifier }) => {
      const domain = domainOf(domainIdentifier);
      return dataSourceView(dataSourceOf(domain, identifier), domain, world.clock.now());
    },

    ListDataSources: (input) => {
      const nowMs = world.clock.now();
      const domain = domainOf(input['domainIdentifier']);
      const projectId: string = input['projectIdentifier'];
      if (!domain.projects.has(projectId)) notFound(`Project ${projectId} not found in domain ${domain.id}`);
      const { environmentIdentifier, connectionIdentifier, type, status, name } = input as Record<
        string,
        string | undefined
      >;
      const dataSources = [...domain.dataSources.values()].filter(
        (ds) =>
          ds.projectId === projectId &&
          (environmentIdentifier === undefined || ds.environmentId === environmentIdentifier) &&
          (connectionIdentifier === undefined || ds.connectionId === connectionIdentifier) &&
          (type === undefined || ds.type.toLowerCase() === type.toLowerCase()) &&
          contains(ds.name, name),
      );
      const views = new Map(dataSources.map((ds) => [ds, dataSourceSummaryView(ds, domain, nowMs)]));
      const matching =
        status === undefined ? dataSources : dataSources.filter((ds) => views.get(ds)!['status'] === status);
      const { items, nextToken } = page(matching, dataSourceOrder, input);
      return { items: items.map((ds) => views.get(ds)!), ...(nextToken ? { nextToken } : {}) };
    },

    StartDataSourceRun: ({ domainIdentifier, dataSourceIdentifier, clientToken }) => {
      const nowMs = world.clock.now();
      const domain = domainOf(domainIdentifier);
      const dataSource = dataSourceOf(domain, dataSourceIdentifier);
      const fingerprint = canonicalJson({ domainIdentifier, dataSourceIdentifier });
      const token: string | undefined = clientToken;
      const replayed = token
        ? world.idempotency.recall('StartDataSourceRun', token, fingerprint, nowMs)
        : undefined;
      if (replayed) return startedRunView(runOf(domain, replayed), nowMs);

      let id = world.ids.shortId(14);
      while (domain.runs.has(id)) id = world.ids.shortId(14);
      const run = planRun({
        seed: world.seed,
        timing: world.timing,
        domain,
        dataSource,
        id,
        type: 'PRIORITIZED',
        createdMs: nowMs,
      });
      domain.runs.set(id, run);
      if (token) world.idempotency.remember('StartDataSourceRun', token, fingerprint, id, nowMs);
      return startedRunView(run, nowMs);
    },

    GetDomain: ({ identifier }) => domainView(domainOf(identifier)),

    ListDomains: (input) => {
      const status: string | undefined = input['status'];
      const domains = [...world.domains.values()].filter((d) => status === undefined || d.status === status);
      const { items, nextToken } = page(domains, domainOrder, input, LIST_DOMAINS_MAX);
      return {
        items: items.map((d) => domainSummaryView(d, world.accountId)),
        ...(nextToken ? { nextToken } : {}),
      };
    },

    ListProjects: (input) => {
      const domain = domainOf(input['domainIdentifier']);
      const { userIdentifier, groupIdentifier, name, projectCategory } = input as Record<
        string,
        string | undefined
      >;
      const projects = [...domain.projects.values()].filter(
        (p) =>
          (userIdentifier === undefined || p.memberUserIds.includes(userIdentifier)) &&
          (groupIdentifier === undefined || p.memberGroupIds.includes(groupIdentifier)) &&
          (projectCategory === undefined || p.projectCategory === projectCategory) &&
          contains(p.name, name),
      );
      const { items, nextToken } = page(projects, projectOrder, input);
      return { items: items.map(projectSummaryView), ...(nextToken ? { nextToken } : {}) };
    },
  };
}
