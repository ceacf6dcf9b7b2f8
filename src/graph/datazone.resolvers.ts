/**
 * Resolvers of the DataZone types: the Load fields of data source runs, their links (data source,
 * activities), a data source's runs, and the AWS maps the schema exposes as entry lists.
 */
import type {
  DataSourceResolvers,
  DataSourceRunResolvers,
  DomainResolvers,
  ProjectResolvers,
  SageMakerRunConfigurationResolvers,
} from '../generated/graphql.js';
import { loadNow } from '../upstream/loaders.js';
import type { DataSourceModel, DataSourceRunModel } from '../upstream/models.js';
import { paginate, type Connection } from './connections.js';
import { memoizedId, memoizedKey, toGlobalId } from './ids.js';
import { selectsOnly } from './selection.js';
import { dataSourceRunView } from './loadView.js';

/** Paging limits of the DataZone list operations (maxResults 1..50). */
export const DATAZONE_PAGE = { defaultFirst: 20, maxFirst: 50 } as const;

/**
 * The fields of a data source that describe it rather than its runs: a link asking only for these reads it
 * like any other definition (cached for DEFINITION_CACHE_TTL_MS). Its run state (`status`, `lastRun*`,
 * `updatedAt`, errors) moves with every run, so a selection with any other field reads it fresh. `runs`
 * needs only the key and reads its page fresh itself.
 */
const DATA_SOURCE_DEFINITION_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'name',
  'domainId',
  'projectId',
  'type',
  'description',
  'runs',
]);

/** The key of a run's data source. */
const dataSourceKeyOf = memoizedKey((r: DataSourceRunModel) => ({
  domainId: r.domainId!,
  id: r.dataSourceId!,
}));

/**
 * Fields of `DataSourceRun` (a DataZone data source run as a load): its global id, the normalized load view
 * (status, times, message) and its data source and its activities (a connection).
 */
export const dataSourceRunResolvers: DataSourceRunResolvers = {
  id: memoizedId((r) =>
    toGlobalId({ kind: 'DATA_SOURCE_RUN', key: { domainId: r.domainId!, runId: r.id! } }),
  ),
  kind: () => 'DATA_SOURCE_RUN',
  status: (r) => dataSourceRunView(r).status,
  upstreamStatus: (r) => dataSourceRunView(r).upstreamStatus,
  terminal: (r) => dataSourceRunView(r).terminal,
  startedAt: (r) => dataSourceRunView(r).startedAt,
  finishedAt: (r) => dataSourceRunView(r).finishedAt,
  message: (r) => dataSourceRunView(r).message,
  runId: (r) => r.id!,
  runStatus: (r) => r.status!,
  dataSourceConfigurationSnapshot: (r) =>
    'dataSourceConfigurationSnapshot' in r ? (r.dataSourceConfigurationSnapshot ?? null) : null,
  lineageSummary: (r) => ('lineageSummary' in r ? (r.lineageSummary ?? null) : null),
  dataSource: (r, _args, { loaders }, info) => {
    const key = dataSourceKeyOf(r);
    return selectsOnly(info, DATA_SOURCE_DEFINITION_FIELDS)
      ? loadNow(loaders, 'dataSourceDefinition', key)
      : loaders.dataSource.load(key);
  },
  activities: (r, args, { loaders }) => {
    const key = { domainId: r.domainId!, runId: r.id!, status: args.status ?? undefined };
    return paginate(args, { list: ['ListDataSourceRunActivities', key], ...DATAZONE_PAGE }, (page) =>
      loaders.activitiesPage.load({ ...key, ...page }),
    );
  },
};

/**
 * Fields of `DataSource`: its runs as a Relay connection over ListDataSourceRuns (each run tagged with the
 * domain id, so each run resolves its own fields).
 */
export const dataSourceResolvers: DataSourceResolvers = {
  runs: async (ds, args, { loaders }) => {
    const key = { domainId: ds.domainId!, dataSourceId: ds.id!, status: args.status ?? undefined };
    const connection = await paginate(args, { list: ['ListDataSourceRuns', key], ...DATAZONE_PAGE }, (page) =>
      loaders.runsPage.load({ ...key, ...page }),
    );
    return withDomainId(connection, key.domainId);
  },
};

/** ListDataSourceRuns summaries carry no `domainId`; the runs of a connection get the one asked for. */
export function withDomainId<T extends object>(
  connection: Connection<T>,
  domainId: string,
): Connection<T & { domainId: string }> {
  const nodes = connection.nodes.map((n) => ({ ...n, domainId }));
  return {
    ...connection,
    nodes,
    edges: connection.edges.map((e, i) => ({ cursor: e.cursor, node: nodes[i]! })),
  };
}

/**
 * Fields of `Domain`: tags as key/value pairs (null when AWS returns none) and the domain's projects as a
 * connection over ListProjects.
 */
export const domainResolvers: DomainResolvers = {
  tags: (d) => (d.tags ? Object.entries(d.tags).map(([key, value]) => ({ key, value })) : null),
  projects: (d, args, { loaders }) => {
    const key = { domainId: d.id! };
    return paginate(args, { list: ['ListProjects', key], ...DATAZONE_PAGE }, (page) =>
      loaders.projectsPage.load({ ...key, ...page }),
    );
  },
};

/**
 * Fields of `Project`: its data sources as a connection over ListDataSources, each read in full with
 * GetDataSource.
 */
export const projectResolvers: ProjectResolvers = {
  // ListDataSources gives summaries; each data source is read in full (GetDataSource), so every field of
  // `DataSource` has its value, as it does from `Query.dataSource`.
  dataSources: (p, args, { loaders }) => {
    const key = { domainId: p.domainId!, projectId: p.id! };
    return paginate(args, { list: ['ListDataSources', key], ...DATAZONE_PAGE }, async (page) => {
      const result = await loaders.dataSourcesPage.load({ ...key, ...page });
      const items: DataSourceModel[] = await Promise.all(
        result.items.map((s) => loaders.dataSource.load({ domainId: key.domainId, id: s.dataSourceId! })),
      );
      return { items, nextToken: result.nextToken };
    });
  },
};

/**
 * Fields of `SageMakerRunConfiguration`: the AWS map of tracking assets as a list of `{assetType,
 * assetArns}`.
 */
export const sageMakerRunConfigurationResolvers: SageMakerRunConfigurationResolvers = {
  trackingAssets: (c) =>
    Object.entries(c.trackingAssets ?? {}).map(([assetType, assetArns]) => ({
      assetType,
      assetArns,
    })),
};
