/**
 * One {@link SharedReader} per upstream read operation, created once per gateway. These are the only
 * code paths that send read commands; per-request loaders (loaders.ts) sit on top of them.
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
  type DataSourceSummary,
  type DomainSummary,
  type ProjectSummary,
  type DataSourceRunActivity,
  type DataSourceRunSummary,
  type DataSourceRunStatus,
  type DataAssetActivityStatus,
} from '@aws-sdk/client-datazone';
import type { LRUCache } from 'lru-cache';
import type { UpstreamClients } from './clients.js';
import {
  GetDataIntegrationEventCommand,
  GetDataIntegrationFlowCommand,
  GetDataIntegrationFlowExecutionCommand,
  GetDataLakeDatasetCommand,
  GetInstanceCommand,
  ListDataIntegrationEventsCommand,
  ListDataIntegrationFlowExecutionsCommand,
  ListDataIntegrationFlowsCommand,
  ListDataLakeDatasetsCommand,
  ListInstancesCommand,
  type DataIntegrationEvent,
  type DataIntegrationEventType,
  type DataIntegrationFlow,
  type DataIntegrationFlowExecution,
  type DataLakeDataset,
  type Instance,
} from './supplychain/index.js';
import { sentFor, type CallOrigin } from './origin.js';
import { SharedReader } from './reader.js';
import type { DataSourceModel, DataSourceRunModel, DomainModel, Page } from './models.js';
import { isTerminalEvent, isTerminalExecution, isTerminalRun } from './terminal.js';

/** Identifies one Supply Chain data integration event. */
export interface EventKey {
  readonly instanceId: string;
  readonly eventId: string;
}
/** Identifies one execution of a Supply Chain data integration flow. */
export interface FlowExecutionKey {
  readonly instanceId: string;
  readonly flowName: string;
  readonly executionId: string;
}
/** Identifies one DataZone data source run. */
export interface DataSourceRunKey {
  readonly domainId: string;
  readonly runId: string;
}
/** Identifies one Supply Chain data integration flow (by its name within the instance). */
export interface FlowKey {
  readonly instanceId: string;
  readonly name: string;
}
/** Identifies one Supply Chain data lake dataset. */
export interface DatasetKey {
  readonly instanceId: string;
  readonly namespace: string;
  readonly name: string;
}
/** Identifies one DataZone data source. */
export interface DataSourceKey {
  readonly domainId: string;
  readonly id: string;
}
/**
 * Which page of an AWS list to read: its size (at most the operation's maximum) and the token of the page
 * (absent: the first).
 */
export interface PageArgs {
  readonly maxResults: number;
  readonly nextToken?: string | undefined;
}
/** A page of ListDataIntegrationEvents of one instance, optionally of one event type only. */
export interface EventsPageKey extends PageArgs {
  readonly instanceId: string;
  readonly eventType?: DataIntegrationEventType | undefined;
}
/** A page of ListDataIntegrationFlowExecutions of one flow. */
export interface FlowExecutionsPageKey extends PageArgs {
  readonly instanceId: string;
  readonly flowName: string;
}
/** A page of ListDataIntegrationFlows of one instance. */
export interface FlowsPageKey extends PageArgs {
  readonly instanceId: string;
}
/** A page of ListDataLakeDatasets of one namespace. */
export interface DatasetsPageKey extends PageArgs {
  readonly instanceId: string;
  readonly namespace: string;
}
/** A page of ListDataSourceRuns of one data source, optionally of one status only. */
export interface RunsPageKey extends PageArgs {
  readonly domainId: string;
  readonly dataSourceId: string;
  readonly status?: DataSourceRunStatus | undefined;
}
/** A page of ListProjects of one domain. */
export interface ProjectsPageKey extends PageArgs {
  readonly domainId: string;
}
/** A page of ListDataSources of one project. */
export interface DataSourcesPageKey extends PageArgs {
  readonly domainId: string;
  readonly projectId: string;
}
/** A page of ListDataSourceRunActivities of one run, optionally of one status only. */
export interface ActivitiesPageKey extends PageArgs {
  readonly domainId: string;
  readonly runId: string;
  readonly status?: DataAssetActivityStatus | undefined;
}

/** The bounds every reader shares. */
export interface ReaderLimits {
  /** Concurrent upstream calls per AWS operation. */
  readonly concurrency: number;
  /** How long datasets, flows, instances and domains are kept across requests, ms; 0: not at all. */
  readonly definitionTtlMs: number;
}

/** Marks a reader whose values are definitions, cached for `definitionTtlMs`. */
const DEFINITION = Symbol('definition');

/** A key's identity, independent of property order (keys are flat records of strings and numbers). */
export const stableKey = (key: object): string => {
  // What `JSON.stringify(key, sortedNames)` gives, built by hand: a replacer list takes JSON.stringify off
  // its fast path, and this runs for every field that reads a cached value.
  const names = Object.keys(key);
  if (names.length > 1) names.sort();
  let out = '{';
  for (const name of names) {
    const value = (key as Record<string, unknown>)[name];
    if (value === undefined || typeof value === 'function') continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}`;
  }
  return `${out}}`;
};
const strip = <T extends { $metadata?: unknown }>(output: T): Omit<T, '$metadata'> => {
  const { $metadata: _, ...rest } = output;
  return rest;
};

/**
 * One {@link SharedReader} per AWS read operation the gateway uses, all on `clients` and sharing `cache`
 * (undefined: no cross-request caching). Single reads of loads keep terminal values, definitions are kept
 * for `definitionTtlMs`; list pages are not cached. Reads reject with the raw upstream error (the graph
 * maps it).
 */
export function createReaders(
  clients: UpstreamClients,
  cache: LRUCache<string, object> | undefined,
  limits: ReaderLimits,
) {
  const { supplyChain: scn, dataZone: dz } = clients;
  const reader = <K extends object, V extends object>(
    operation: string,
    fetch: (key: K, origin: CallOrigin | undefined) => Promise<V>,
    isTerminal?: ((value: V) => boolean) | typeof DEFINITION,
  ): SharedReader<K, V> =>
    new SharedReader<K, V>({
      operation,
      keyOf: stableKey,
      fetch,
      cache,
      concurrency: limits.concurrency,
      ...(isTerminal === DEFINITION
        ? { definitionTtlMs: limits.definitionTtlMs }
        : isTerminal
          ? { isTerminal }
          : {}),
    });

  const getDataSource = async (k: DataSourceKey, o: CallOrigin | undefined): Promise<DataSourceModel> =>
    strip(
      await dz.send(sentFor(new GetDataSourceCommand({ domainIdentifier: k.domainId, identifier: k.id }), o)),
    ) as DataSourceModel;

  return {
    event: reader<EventKey, DataIntegrationEvent>(
      'GetDataIntegrationEvent',
      async (k, o) => (await scn.send(sentFor(new GetDataIntegrationEventCommand(k), o))).event!,
      isTerminalEvent,
    ),
    flowExecution: reader<FlowExecutionKey, DataIntegrationFlowExecution>(
      'GetDataIntegrationFlowExecution',
      async (k, o) =>
        (await scn.send(sentFor(new GetDataIntegrationFlowExecutionCommand(k), o))).flowExecution!,
      isTerminalExecution,
    ),
    dataSourceRun: reader<DataSourceRunKey, DataSourceRunModel>(
      'GetDataSourceRun',
      async (k, o) =>
        strip(
          await dz.send(
            sentFor(new GetDataSourceRunCommand({ domainIdentifier: k.domainId, identifier: k.runId }), o),
          ),
        ) as DataSourceRunModel,
      isTerminalRun,
    ),
    flow: reader<FlowKey, DataIntegrationFlow>(
      'GetDataIntegrationFlow',
      async (k, o) => (await scn.send(sentFor(new GetDataIntegrationFlowCommand(k), o))).flow!,
      DEFINITION,
    ),
    dataset: reader<DatasetKey, DataLakeDataset>(
      'GetDataLakeDataset',
      async (k, o) => (await scn.send(sentFor(new GetDataLakeDatasetCommand(k), o))).dataset!,
      DEFINITION,
    ),
    instance: reader<{ instanceId: string }, Instance>(
      'GetInstance',
      async (k, o) => (await scn.send(sentFor(new GetInstanceCommand(k), o))).instance!,
      DEFINITION,
    ),
    dataSource: reader<DataSourceKey, DataSourceModel>('GetDataSource', getDataSource),
    /** GetDataSource as a definition: only for selections of its descriptive fields (see the resolvers). */
    dataSourceDefinition: reader<DataSourceKey, DataSourceModel>('GetDataSource', getDataSource, DEFINITION),
    domain: reader<{ id: string }, DomainModel>(
      'GetDomain',
      async (k, o) =>
        strip(await dz.send(sentFor(new GetDomainCommand({ identifier: k.id }), o))) as DomainModel,
      DEFINITION,
    ),
    eventsPage: reader<EventsPageKey, Page<DataIntegrationEvent>>(
      'ListDataIntegrationEvents',
      async (k, o) => {
        const out = await scn.send(sentFor(new ListDataIntegrationEventsCommand(k), o));
        return { items: out.events ?? [], nextToken: out.nextToken };
      },
    ),
    flowExecutionsPage: reader<FlowExecutionsPageKey, Page<DataIntegrationFlowExecution>>(
      'ListDataIntegrationFlowExecutions',
      async (k, o) => {
        const out = await scn.send(sentFor(new ListDataIntegrationFlowExecutionsCommand(k), o));
        return { items: out.flowExecutions ?? [], nextToken: out.nextToken };
      },
    ),
    flowsPage: reader<FlowsPageKey, Page<DataIntegrationFlow>>('ListDataIntegrationFlows', async (k, o) => {
      const out = await scn.send(sentFor(new ListDataIntegrationFlowsCommand(k), o));
      return { items: out.flows ?? [], nextToken: out.nextToken };
    }),
    datasetsPage: reader<DatasetsPageKey, Page<DataLakeDataset>>('ListDataLakeDatasets', async (k, o) => {
      const out = await scn.send(sentFor(new ListDataLakeDatasetsCommand(k), o));
      return { items: out.datasets ?? [], nextToken: out.nextToken };
    }),
    runsPage: reader<RunsPageKey, Page<DataSourceRunSummary>>('ListDataSourceRuns', async (k, o) => {
      const out = await dz.send(
        sentFor(
          new ListDataSourceRunsCommand({
            domainIdentifier: k.domainId,
            dataSourceIdentifier: k.dataSourceId,
            status: k.status,
            maxResults: k.maxResults,
            nextToken: k.nextToken,
          }),
          o,
        ),
      );
      return { items: out.items ?? [], nextToken: out.nextToken };
    }),
    instancesPage: reader<PageArgs, Page<Instance>>('ListInstances', async (k, o) => {
      const out = await scn.send(sentFor(new ListInstancesCommand(k), o));
      return { items: out.instances ?? [], nextToken: out.nextToken };
    }),
    domainsPage: reader<PageArgs, Page<DomainSummary>>('ListDomains', async (k, o) => {
      const out = await dz.send(sentFor(new ListDomainsCommand(k), o));
      return { items: out.items ?? [], nextToken: out.nextToken };
    }),
    projectsPage: reader<ProjectsPageKey, Page<ProjectSummary>>('ListProjects', async (k, o) => {
      const out = await dz.send(
        sentFor(
          new ListProjectsCommand({
            domainIdentifier: k.domainId,
            maxResults: k.maxResults,
            nextToken: k.nextToken,
          }),
          o,
        ),
      );
      return { items: out.items ?? [], nextToken: out.nextToken };
    }),
    dataSourcesPage: reader<DataSourcesPageKey, Page<DataSourceSummary>>('ListDataSources', async (k, o) => {
      const out = await dz.send(
        sentFor(
          new ListDataSourcesCommand({
            domainIdentifier: k.domainId,
            projectIdentifier: k.projectId,
            maxResults: k.maxResults,
            nextToken: k.nextToken,
          }),
          o,
        ),
      );
      return { items: out.items ?? [], nextToken: out.nextToken };
    }),
    activitiesPage: reader<ActivitiesPageKey, Page<DataSourceRunActivity>>(
      'ListDataSourceRunActivities',
      async (k, o) => {
        const out = await dz.send(
          sentFor(
            new ListDataSourceRunActivitiesCommand({
              domainIdentifier: k.domainId,
              identifier: k.runId,
              status: k.status,
              maxResults: k.maxResults,
              nextToken: k.nextToken,
            }),
            o,
          ),
        );
        return { items: out.items ?? [], nextToken: out.nextToken };
      },
    ),
  };
}

/**
 * The readers of the process, by name (`event`, `flowExecution`, `dataSourceRun`, the definitions and the
 * list pages).
 */
export type Readers = ReturnType<typeof createReaders>;
