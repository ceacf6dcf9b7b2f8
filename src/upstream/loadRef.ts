/**
 * A reference to one load of any of the three kinds: its kind and its upstream key. Shared by the graph
 * (global ids) and the live hub (what a poller watches).
 */
import type { DataSourceRunKey, EventKey, FlowExecutionKey } from './readers.js';

export type LoadKind = 'DATA_INTEGRATION_EVENT' | 'FLOW_EXECUTION' | 'DATA_SOURCE_RUN';

export type LoadRef =
  | { readonly kind: 'DATA_INTEGRATION_EVENT'; readonly key: EventKey }
  | { readonly kind: 'FLOW_EXECUTION'; readonly key: FlowExecutionKey }
  | { readonly kind: 'DATA_SOURCE_RUN'; readonly key: DataSourceRunKey };

/** A stable string for a load, e.g. `FLOW_EXECUTION/<instanceId>/<flowName>/<executionId>`. */
export function loadRefKey(ref: LoadRef): string {
  switch (ref.kind) {
    case 'DATA_INTEGRATION_EVENT':
      return `${ref.kind}/${ref.key.instanceId}/${ref.key.eventId}`;
    case 'FLOW_EXECUTION':
      return `${ref.kind}/${ref.key.instanceId}/${ref.key.flowName}/${ref.key.executionId}`;
    case 'DATA_SOURCE_RUN':
      return `${ref.kind}/${ref.key.domainId}/${ref.key.runId}`;
  }
}
