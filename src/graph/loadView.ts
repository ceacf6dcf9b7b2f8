/**
 * The `Load` interface fields of each kind, derived from its upstream shape through the table of load
 * kinds: the normalized status (the kind's status map; a raw status not in it is UNKNOWN), the raw one,
 * whether it is terminal, and its start, finish and message. A status the gateway does not know (AWS adds
 * values without notice) is UNKNOWN and not terminal, its raw value still in `upstreamStatus`.
 */
import {
  LOAD_KINDS,
  normalizedStatus,
  type LoadKind,
  type LoadKindDescriptor,
  type LoadStatus,
  type ValueOfKind,
} from '../upstream/loadKinds.js';

export type { LoadStatus };

/**
 * What the `Load` interface shows of a load of any kind: its normalized status, AWS's raw status (null when
 * AWS gave none), whether it is terminal, and its times and message (null when unknown).
 */
export interface LoadView {
  readonly status: LoadStatus;
  readonly upstreamStatus: string | null;
  readonly terminal: boolean;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly message: string | null;
}

/**
 * The view function of one kind: computed once per upstream object (six fields of a load read it; a
 * cached terminal load is the same object request after request). Upstream objects are never mutated.
 */
function viewOf<K extends LoadKind>(kind: K): (value: ValueOfKind<K>) => LoadView {
  const d = LOAD_KINDS[kind] as LoadKindDescriptor<K>;
  const views = new WeakMap<ValueOfKind<K>, LoadView>();
  return (value) => {
    let view = views.get(value);
    if (!view) {
      const raw = d.rawStatus(value);
      view = {
        status: normalizedStatus(kind, raw),
        upstreamStatus: raw ?? null,
        terminal: d.isTerminal(value),
        ...d.details(value),
      };
      views.set(value, view);
    }
    return view;
  };
}

/** The {@link LoadView} of a Supply Chain data integration event; memoized per upstream object. */
export const eventView = viewOf('DATA_INTEGRATION_EVENT');
/** The {@link LoadView} of a Supply Chain flow execution; memoized per upstream object. */
export const flowExecutionView = viewOf('FLOW_EXECUTION');
/** The {@link LoadView} of a DataZone data source run; memoized per upstream object. */
export const dataSourceRunView = viewOf('DATA_SOURCE_RUN');
