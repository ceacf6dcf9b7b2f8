/**
 * Resolvers of the Supply Chain types: the Load fields of events and flow executions, the event-type
 * enum (wire `scn.data.forecast` ↔ GraphQL `FORECAST`), and the links between resources.
 */
import { DataIntegrationEventType, type EventModel, type FlowExecutionModel } from '../upstream/models.js';
import type {
  DataIntegrationEventResolvers,
  DataIntegrationFlowResolvers,
  FlowExecutionResolvers,
} from '../generated/graphql.js';
import { loadNow } from '../upstream/loaders.js';
import { paginate } from './connections.js';
import { DATASET_ARN, memoizedId, memoizedKey, toGlobalId } from './ids.js';
import { eventView, flowExecutionView } from './loadView.js';

type EventTypeName = keyof typeof DataIntegrationEventType;
const EVENT_TYPE_NAME = new Map<string, EventTypeName>(
  Object.entries(DataIntegrationEventType).map(([name, wire]) => [wire, name as EventTypeName]),
);

/**
 * The GraphQL enum name of a wire event type (`scn.data.inventorylevel` → `INVENTORY_LEVEL`); a type the
 * gateway does not know stays as it came (the open-enum rule of openEnums.ts makes it null and reports it).
 */
export function eventTypeName(wire: string): EventTypeName {
  return EVENT_TYPE_NAME.get(wire) ?? (wire as EventTypeName);
}

/** The wire value of a GraphQL event type name. */
export const eventTypeWire = (name: EventTypeName): DataIntegrationEventType =>
  DataIntegrationEventType[name];

/** Paging limits of the Supply Chain list operations (maxResults 1..20, AWS default 10). */
export const SUPPLY_CHAIN_PAGE = { defaultFirst: 10, maxFirst: 20 } as const;

/** The keys of an event's dataset (null when it targets none) and instance, and of an execution's flow. */
const datasetKeyOf = memoizedKey((e: EventModel) => {
  const arn = e.datasetTargetDetails?.datasetIdentifier;
  const m = arn ? DATASET_ARN.exec(arn) : null;
  return m ? { instanceId: m[3]!, namespace: m[4]!, name: m[5]! } : null;
});
const instanceKeyOf = memoizedKey((e: EventModel) => ({ instanceId: e.instanceId! }));
const flowKeyOf = memoizedKey((x: FlowExecutionModel) => ({
  instanceId: x.instanceId!,
  name: x.flowName!,
}));

/**
 * Fields of `DataIntegrationEvent` (a Supply Chain event as a load): its global id, the normalized load
 * view, and its dataset (null when the event targets none).
 */
export const dataIntegrationEventResolvers: DataIntegrationEventResolvers = {
  id: memoizedId((e) =>
    toGlobalId({ kind: 'DATA_INTEGRATION_EVENT', key: { instanceId: e.instanceId!, eventId: e.eventId! } }),
  ),
  kind: () => 'DATA_INTEGRATION_EVENT',
  status: (e) => eventView(e).status,
  upstreamStatus: (e) => eventView(e).upstreamStatus,
  terminal: (e) => eventView(e).terminal,
  startedAt: (e) => eventView(e).startedAt,
  finishedAt: (e) => eventView(e).finishedAt,
  message: (e) => eventView(e).message,
  eventType: (e) => (e.eventType === undefined ? null : eventTypeName(e.eventType)),
  dataset: (e, _args, { loaders }) => {
    const key = datasetKeyOf(e);
    return key ? loadNow(loaders, 'dataset', key) : null;
  },
  instance: (e, _args, { loaders }) => loadNow(loaders, 'instance', instanceKeyOf(e)),
};

/**
 * Fields of `FlowExecution` (a Supply Chain flow execution as a load): its global id, the normalized load
 * view, and its link to the flow.
 */
export const flowExecutionResolvers: FlowExecutionResolvers = {
  id: memoizedId((x) =>
    toGlobalId({
      kind: 'FLOW_EXECUTION',
      key: { instanceId: x.instanceId!, flowName: x.flowName!, executionId: x.executionId! },
    }),
  ),
  kind: () => 'FLOW_EXECUTION',
  status: (x) => flowExecutionView(x).status,
  upstreamStatus: (x) => flowExecutionView(x).upstreamStatus,
  terminal: (x) => flowExecutionView(x).terminal,
  startedAt: (x) => flowExecutionView(x).startedAt,
  finishedAt: (x) => flowExecutionView(x).finishedAt,
  message: (x) => flowExecutionView(x).message,
  executionStatus: (x) => x.status ?? null,
  flow: (x, _args, { loaders }) => loadNow(loaders, 'flow', flowKeyOf(x)),
};

/**
 * Fields of `DataIntegrationFlow`: its executions as a Relay connection over
 * ListDataIntegrationFlowExecutions.
 */
export const dataIntegrationFlowResolvers: DataIntegrationFlowResolvers = {
  executions: (flow, args, { loaders }) => {
    const key = { instanceId: flow.instanceId!, flowName: flow.name! };
    return paginate(
      args,
      { list: ['ListDataIntegrationFlowExecutions', key], ...SUPPLY_CHAIN_PAGE },
      (page) => loaders.flowExecutionsPage.load({ ...key, ...page }),
    );
  },
};
