/**
 * The table of load kinds: everything the gateway decides per kind of load (its key, global-id codec,
 * reader, terminal rule, status map, poll and list operations, list parent, GraphQL typename), in one
 * descriptor per kind. The graph (ids, views, `node`, `__resolveType`), the upstream layer and the live
 * hub read it; no other module switches over kinds. Adding a kind is one entry here (and in
 * {@link KindTypes}) plus its schema and readers.
 */
import type { DataSourceRunStatus } from '@aws-sdk/client-datazone';
import type { DataIntegrationEvent, DataIntegrationFlowExecution, DataSourceRunModel } from './models.js';
import type { DataSourceRunKey, EventKey, FlowExecutionKey, Readers } from './readers.js';
import type {
  DataIntegrationEventDatasetLoadStatus as DatasetLoadStatus,
  DataIntegrationFlowExecutionStatus as FlowExecutionStatus,
} from './supplychain/index.js';
import { isTerminalEvent, isTerminalExecution, isTerminalRun } from './terminal.js';

/** The types each kind is about: its upstream key, its upstream state, and its reader's name. */
interface KindTypes {
  DATA_INTEGRATION_EVENT: {
    key: EventKey;
    value: DataIntegrationEvent;
    reader: 'event';
    typename: 'DataIntegrationEvent';
  };
  FLOW_EXECUTION: {
    key: FlowExecutionKey;
    value: DataIntegrationFlowExecution;
    reader: 'flowExecution';
    typename: 'FlowExecution';
  };
  DATA_SOURCE_RUN: {
    key: DataSourceRunKey;
    value: DataSourceRunModel;
    reader: 'dataSourceRun';
    typename: 'DataSourceRun';
  };
}

/**
 * The name of a kind of load (`DATA_INTEGRATION_EVENT`, `FLOW_EXECUTION`, `DATA_SOURCE_RUN`), as the
 * GraphQL `LoadKind` enum spells it.
 */
export type LoadKind = keyof KindTypes;
/** The upstream key that identifies one load of kind `K`. */
export type KeyOfKind<K extends LoadKind> = KindTypes[K]['key'];
/** The upstream state of one load of kind `K`, as its reader returns it. */
export type ValueOfKind<K extends LoadKind> = KindTypes[K]['value'];

/** A reference to one load of any kind: its kind and its upstream key. */
export type LoadRef = { [K in LoadKind]: { readonly kind: K; readonly key: KeyOfKind<K> } }[LoadKind];

/** The normalized status of a load, the same for every service. */
export type LoadStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' | 'FAILED' | 'UNKNOWN';

/** Where a load lives, for authorization: a Supply Chain instance or a DataZone domain. */
export type LoadHome = { readonly instanceId: string } | { readonly domainId: string };

/** The AWS patterns of the key fields. */
export const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
/** The AWS pattern of a Supply Chain data integration flow name. */
export const FLOW_NAME = /^[A-Za-z0-9-]{1,256}$/;
/** The AWS pattern of a DataZone domain id. */
export const DOMAIN_ID = /^dzd[-_][a-zA-Z0-9_-]{1,36}$/;
/** The AWS pattern of other DataZone ids (data source, run, project). */
export const DATAZONE_ID = /^[a-zA-Z0-9_-]{1,36}$/;

/** One page of a parent's list: the loads on it, keyed by {@link loadRefKey}, and the next page's token. */
export interface ListedPage {
  readonly items: ReadonlyMap<string, object>;
  readonly nextToken?: string | undefined;
}

/** The list a load is on: the executions of one flow, the runs of one data source, the events of one type. */
export interface ListParent {
  /** Stable and unique among parents (a topic suffix). */
  readonly key: string;
  /** Items per page asked for (the operation's maximum). */
  readonly pageSize: number;
  /** One page of the list (the first when `nextToken` is undefined). Rejects with the raw upstream error. */
  page(readers: Readers, nextToken: string | undefined, notBefore: number): Promise<ListedPage>;
}

/**
 * Everything the gateway decides for loads of kind `K` (see the module); one per kind in {@link
 * LOAD_KINDS}.
 */
export interface LoadKindDescriptor<K extends LoadKind> {
  readonly kind: K;
  /** The GraphQL object type. */
  readonly typename: KindTypes[K]['typename'];
  /** The entry of `Readers` (and of the request's loaders) that reads one load. */
  readonly reader: KindTypes[K]['reader'];
  /** The AWS operation that reads one load (named in errors, rated by the poll budget). */
  readonly pollOperation: PolledOperation;
  /** The AWS operation that lists the load's parent. */
  readonly listOperation: PolledOperation;
  /** The key fields, in global-id order, each with its AWS pattern. */
  readonly keyFields: readonly (readonly [name: string, pattern: RegExp])[];
  /** What a malformed global id of this kind is called in errors. */
  readonly keyWhat: string;
  home(key: KeyOfKind<K>): LoadHome;
  /** True when the state can never change again. */
  isTerminal(value: ValueOfKind<K>): boolean;
  /** The raw AWS status, if any. */
  rawStatus(value: ValueOfKind<K>): string | undefined;
  /** Raw AWS status to normalized status; a raw status missing here is UNKNOWN. */
  readonly statusMap: Readonly<Record<string, LoadStatus>>;
  /** The `Load` fields besides status. */
  details(value: ValueOfKind<K>): {
    readonly startedAt: Date | null;
    readonly finishedAt: Date | null;
    readonly message: string | null;
  };
  /** The list the load is on, from its key and its last state (undefined: not known yet). */
  parentOf(key: KeyOfKind<K>, last: ValueOfKind<K> | undefined): ListParent | undefined;
  /** A listed item as a full state, given the last full one (a list summary may lack fields). */
  fromListed(listed: object, key: KeyOfKind<K>, last: ValueOfKind<K> | undefined): ValueOfKind<K>;
}

/** The AWS operations live polling calls, declared with `LIVE_SHARED_RATE_BY_OPERATION` in config.ts. */
export { POLLED_OPERATIONS, type PolledOperation } from '../config.js';
import type { PolledOperation } from '../config.js';

const SUPPLY_CHAIN_STATUS = {
  IN_PROGRESS: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
} as const satisfies Record<DatasetLoadStatus | FlowExecutionStatus, LoadStatus>;

const RUN_STATUS = {
  REQUESTED: 'QUEUED',
  RUNNING: 'RUNNING',
  SUCCESS: 'SUCCEEDED',
  PARTIALLY_SUCCEEDED: 'PARTIALLY_SUCCEEDED',
  FAILED: 'FAILED',
} as const satisfies Record<DataSourceRunStatus, LoadStatus>;

/** Supply Chain lists answer at most 20 items a page, DataZone ones 50. */
export const SUPPLY_CHAIN_PAGE = 20;
export const DATAZONE_PAGE = 50;

const keyed = <T>(items: readonly T[], refKey: (item: T) => string): Map<string, object> =>
  new Map(items.map((item) => [refKey(item), item as object]));

/**
 * The descriptor of every kind, by kind: the only place kinds differ. Complete by type, so a kind added to
 * {@link KindTypes} without an entry here does not build.
 */
export const LOAD_KINDS: { readonly [K in LoadKind]: LoadKindDescriptor<K> } = {
  DATA_INTEGRATION_EVENT: {
    kind: 'DATA_INTEGRATION_EVENT',
    typename: 'DataIntegrationEvent',
    reader: 'event',
    pollOperation: 'GetDataIntegrationEvent',
    listOperation: 'ListDataIntegrationEvents',
    keyFields: [
      ['instanceId', UUID],
      ['eventId', UUID],
    ],
    keyWhat: 'event key',
    home: (key) => ({ instanceId: key.instanceId }),
    isTerminal: isTerminalEvent,
    rawStatus: (e) => e.datasetTargetDetails?.datasetLoadExecution?.status,
    statusMap: SUPPLY_CHAIN_STATUS,
    details: (e) => ({
      startedAt: e.eventTimestamp ?? null,
      finishedAt: null,
      message: e.datasetTargetDetails?.datasetLoadExecution?.message ?? null,
    }),
    // The events of one instance and one type: the type is known from the first read.
    parentOf: ({ instanceId }, last) => {
      const eventType = last?.eventType;
      if (!eventType) return undefined;
      return {
        key: `DATA_INTEGRATION_EVENTS/${instanceId}/${eventType}`,
        pageSize: SUPPLY_CHAIN_PAGE,
        async page(readers, nextToken, notBefore) {
          const page = await readers.eventsPage.read(
            { instanceId, eventType, maxResults: SUPPLY_CHAIN_PAGE, nextToken },
            notBefore,
          );
          return {
            items: keyed(page.items, (e) =>
              loadRefKey({ kind: 'DATA_INTEGRATION_EVENT', key: { instanceId, eventId: e.eventId! } }),
            ),
            nextToken: page.nextToken,
          };
        },
      };
    },
    fromListed: (listed) => listed as DataIntegrationEvent,
  },

  FLOW_EXECUTION: {
    kind: 'FLOW_EXECUTION',
    typename: 'FlowExecution',
    reader: 'flowExecution',
    pollOperation: 'GetDataIntegrationFlowExecution',
    listOperation: 'ListDataIntegrationFlowExecutions',
    keyFields: [
      ['instanceId', UUID],
      ['flowName', FLOW_NAME],
      ['executionId', UUID],
    ],
    keyWhat: 'flow execution key',
    home: (key) => ({ instanceId: key.instanceId }),
    isTerminal: isTerminalExecution,
    rawStatus: (x) => x.status,
    statusMap: SUPPLY_CHAIN_STATUS,
    details: (x) => ({
      startedAt: x.startTime ?? null,
      finishedAt: x.endTime ?? null,
      message: x.message ?? null,
    }),
    parentOf: ({ instanceId, flowName }) => ({
      key: `FLOW_EXECUTIONS/${instanceId}/${flowName}`,
      pageSize: SUPPLY_CHAIN_PAGE,
      async page(readers, nextToken, notBefore) {
        const page = await readers.flowExecutionsPage.read(
          { instanceId, flowName, maxResults: SUPPLY_CHAIN_PAGE, nextToken },
          notBefore,
        );
        return {
          items: keyed(page.items, (x) =>
            loadRefKey({
              kind: 'FLOW_EXECUTION',
              key: { instanceId, flowName, executionId: x.executionId! },
            }),
          ),
          nextToken: page.nextToken,
        };
      },
    }),
    fromListed: (listed) => listed as DataIntegrationFlowExecution,
  },

  DATA_SOURCE_RUN: {
    kind: 'DATA_SOURCE_RUN',
    typename: 'DataSourceRun',
    reader: 'dataSourceRun',
    pollOperation: 'GetDataSourceRun',
    listOperation: 'ListDataSourceRuns',
    keyFields: [
      ['domainId', DOMAIN_ID],
      ['runId', DATAZONE_ID],
    ],
    keyWhat: 'data source run key',
    home: (key) => ({ domainId: key.domainId }),
    isTerminal: isTerminalRun,
    rawStatus: (r) => r.status,
    statusMap: RUN_STATUS,
    details: (r) => ({
      startedAt: r.startedAt ?? null,
      finishedAt: r.stoppedAt ?? null,
      message: r.errorMessage ? (r.errorMessage.errorDetail ?? r.errorMessage.errorType ?? null) : null,
    }),
    // The runs of one data source: the data source is known from the first read.
    parentOf: ({ domainId }, last) => {
      const dataSourceId = last?.dataSourceId;
      if (!dataSourceId) return undefined;
      return {
        key: `DATA_SOURCE_RUNS/${domainId}/${dataSourceId}`,
        pageSize: DATAZONE_PAGE,
        async page(readers, nextToken, notBefore) {
          const page = await readers.runsPage.read(
            { domainId, dataSourceId, maxResults: DATAZONE_PAGE, nextToken },
            notBefore,
          );
          return {
            items: keyed(page.items, (r) =>
              loadRefKey({ kind: 'DATA_SOURCE_RUN', key: { domainId, runId: r.id! } }),
            ),
            nextToken: page.nextToken,
          };
        },
      };
    },
    // A list summary lacks the configuration snapshot and domain id: keep those from the last full read.
    fromListed: (listed, key, last) =>
      ({ ...last, ...(listed as DataSourceRunModel), domainId: key.domainId }) as DataSourceRunModel,
  },
};

/** The kinds, in table order. */
export const LOAD_KIND_LIST: readonly LoadKindDescriptor<LoadKind>[] = Object.values(LOAD_KINDS);

/** A descriptor of any kind. */
export type AnyLoadKindDescriptor = LoadKindDescriptor<LoadKind>;

/** The descriptor of a reference's kind, typed for its key and value. */
export function kindOf<K extends LoadKind>(ref: { readonly kind: K }): LoadKindDescriptor<K> {
  return LOAD_KINDS[ref.kind] as LoadKindDescriptor<K>;
}

/** A stable string for a load, e.g. `FLOW_EXECUTION/<instanceId>/<flowName>/<executionId>`. */
export function loadRefKey(ref: LoadRef): string {
  const d = kindOf(ref) as LoadKindDescriptor<LoadKind>;
  let out: string = ref.kind;
  for (const [name] of d.keyFields) out += `/${(ref.key as unknown as Record<string, string>)[name]}`;
  return out;
}

/**
 * The load a {@link loadRefKey} string names, or undefined when it names none (an unknown kind, a field
 * missing or not matching its AWS pattern).
 */
export function loadRefOfKey(key: string): LoadRef | undefined {
  const [kind, ...values] = key.split('/');
  if (kind === undefined || !Object.hasOwn(LOAD_KINDS, kind)) return undefined;
  const d = LOAD_KINDS[kind as LoadKind] as AnyLoadKindDescriptor;
  if (values.length !== d.keyFields.length) return undefined;
  const fields: Record<string, string> = {};
  for (const [i, [name, pattern]] of d.keyFields.entries()) {
    const value = values[i]!;
    if (!pattern.test(value)) return undefined;
    fields[name] = value;
  }
  return { kind, key: fields } as unknown as LoadRef;
}

/** The normalized status of a raw AWS status of `kind` (UNKNOWN when absent or not in its map). */
export function normalizedStatus(kind: LoadKind, raw: string | undefined): LoadStatus {
  return (
    (raw !== undefined && Object.hasOwn(LOAD_KINDS[kind].statusMap, raw)
      ? LOAD_KINDS[kind].statusMap[raw]
      : undefined) ?? 'UNKNOWN'
  );
}

/**
 * The kind of each load object handed to the graph through an interface (`Node`, `Load`), so type
 * resolution reads the kind instead of guessing it from the object's shape. A WeakMap rather than a field,
 * because upstream objects are shared (the terminal cache) and never mutated; an object's kind never
 * changes, so whoever marks it first marks it for all.
 */
const KIND_OF_VALUE = new WeakMap<object, LoadKind>();

/** Marks `value` as a load of `kind`; returns it. */
export function markKind<T extends object>(value: T, kind: LoadKind): T {
  KIND_OF_VALUE.set(value, kind);
  return value;
}

/** The kind `value` was marked with, if any. */
export function markedKind(value: object): LoadKind | undefined {
  return KIND_OF_VALUE.get(value);
}
