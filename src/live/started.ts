/**
 * The poll source of a "started" watch: the first page of a parent's list, announcing each item that was
 * not there before (oldest first). Internal to live/.
 */
import type { Readers } from '../upstream/readers.js';
import type { LiveMessage } from './pubsub.js';
import type { BudgetedCall } from './loadSource.js';
import type { Poller } from './poller.js';

/** A parent whose new children a subscriber wants to hear about. */
export type StartedParent =
  | { readonly kind: 'FLOW_EXECUTIONS'; readonly instanceId: string; readonly flowName: string }
  | { readonly kind: 'DATA_SOURCE_RUNS'; readonly domainId: string; readonly dataSourceId: string };

/** The topic of a parent's started watch. */
export function startedTopic(parent: StartedParent): string {
  return parent.kind === 'FLOW_EXECUTIONS'
    ? `started:${parent.kind}/${parent.instanceId}/${parent.flowName}`
    : `started:${parent.kind}/${parent.domainId}/${parent.dataSourceId}`;
}

/** The list operation a started watch calls. */
export function startedOperation(
  parent: StartedParent,
): 'ListDataIntegrationFlowExecutions' | 'ListDataSourceRuns' {
  return parent.kind === 'FLOW_EXECUTIONS' ? 'ListDataIntegrationFlowExecutions' : 'ListDataSourceRuns';
}

/** One poll of the watch: the items new since the previous poll, as messages (none on the first poll). */
export function createStartedSource(
  parent: StartedParent,
  readers: Readers,
  call: BudgetedCall,
): (poller: Poller) => Promise<LiveMessage[]> {
  let seen: Set<string> | undefined;
  const operation = startedOperation(parent);
  const firstPage = async (): Promise<{ id: string; state: object }[]> => {
    const now = performance.now();
    if (parent.kind === 'FLOW_EXECUTIONS') {
      const page = await call(operation, () =>
        readers.flowExecutionsPage.read({ ...parent, maxResults: 20 }, now),
      );
      return page.items.map((x) => ({ id: x.executionId!, state: x }));
    }
    const page = await call(operation, () =>
      readers.runsPage.read(
        { domainId: parent.domainId, dataSourceId: parent.dataSourceId, maxResults: 50 },
        now,
      ),
    );
    return page.items.map((r) => ({ id: r.id!, state: { ...r, domainId: parent.domainId } }));
  };
  return async (poller) => {
    const items = await firstPage();
    if (!seen) {
      seen = new Set(items.map((i) => i.id));
      return [];
    }
    // Lists are newest first: announce the new ones oldest first.
    const fresh = items.filter((i) => !seen!.has(i.id)).reverse();
    for (const i of fresh) seen.add(i.id);
    if (seen.size > 10_000) seen = new Set(items.map((i) => i.id));
    return fresh.map((i) => ({ version: ++poller.version, state: i.state, terminal: false }));
  };
}
