/** The board's view of loads: rows, labels, filters, durations. Pure functions, no I/O. */
import type { BoardLoadFragment, LoadKind, LoadStatus } from './gql/graphql';

export type Load = BoardLoadFragment;

export const KINDS: readonly { readonly kind: LoadKind; readonly label: string }[] = [
  { kind: 'DATA_INTEGRATION_EVENT', label: 'Events' },
  { kind: 'FLOW_EXECUTION', label: 'Flow executions' },
  { kind: 'DATA_SOURCE_RUN', label: 'Data source runs' },
];

export const STATUSES: readonly LoadStatus[] = [
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'PARTIALLY_SUCCEEDED',
  'FAILED',
  'UNKNOWN',
];

/** What the row is about, in words: the dataset, flow or data source, and the upstream id. */
export function describe(
  load: Load,
  dataSourceNames: ReadonlyMap<string, string>,
): {
  readonly title: string;
  readonly detail: string;
} {
  switch (load.__typename) {
    case 'DataIntegrationEvent':
      return {
        title: load.datasetTargetDetails
          ? `${load.datasetTargetDetails.datasetIdentifier.split('/').slice(-2).join('/')} (${(load.datasetTargetDetails.operationType ?? load.datasetTargetDetails.operationTypeRaw ?? '').toLowerCase()})`
          : (load.eventType ?? load.eventTypeRaw ?? 'event').toLowerCase().replace(/_/g, ' '),
        detail: load.eventId,
      };
    case 'FlowExecution':
      return { title: `flow ${load.flowName}`, detail: load.executionId };
    case 'DataSourceRun':
      return {
        title: dataSourceNames.get(load.dataSourceId) ?? `data source ${load.dataSourceId}`,
        detail: `${load.runId} · ${(load.type ?? load.typeRaw ?? '').toLowerCase()}`,
      };
  }
}

export const startMs = (load: Load): number | undefined =>
  load.startedAt ? Date.parse(load.startedAt) : undefined;
export const finishMs = (load: Load): number | undefined =>
  load.finishedAt ? Date.parse(load.finishedAt) : undefined;

/** The duration so far (running) or in all (finished), ms; undefined without a start. */
export function durationMs(load: Load, now: number): number | undefined {
  const start = startMs(load);
  if (start === undefined) return undefined;
  const end = finishMs(load) ?? (load.terminal ? undefined : now);
  return end === undefined ? undefined : Math.max(0, end - start);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1_000) return `${ms} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** Newest first: by start (loads without one last), then by id for a stable order. */
export function byNewest(a: Load, b: Load): number {
  const sa = startMs(a) ?? -Infinity;
  const sb = startMs(b) ?? -Infinity;
  return sb - sa || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface Filters {
  readonly kinds: ReadonlySet<LoadKind>;
  readonly statuses: ReadonlySet<LoadStatus>;
}

export const matches = (load: Load, f: Filters): boolean =>
  (f.kinds.size === 0 || f.kinds.has(load.kind)) && (f.statuses.size === 0 || f.statuses.has(load.status));

/** Splits ids into groups of at most `size` (one `loadsChanged` subscription per group). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
