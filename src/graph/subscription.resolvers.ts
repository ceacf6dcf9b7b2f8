/**
 * Subscriptions: each asks the live hub to watch a resource and relays its states. Arguments are checked
 * before anything is watched (a refused subscription creates no poller). Every event gets fresh loaders,
 * so its links are read as of that event.
 */
import type { SubscriptionResolvers } from '../generated/graphql.js';
import type { GraphContext } from '../server/context.js';
import { badInput } from '../upstream/errors.js';
import { DATAZONE_ID, DOMAIN_ID, FLOW_NAME, UUID, checkArg, fromGlobalId } from './ids.js';

const instance = (v: string) =>
  checkArg(v, UUID, 'instanceId', 'Supply Chain instance id (a lowercase UUID)');
const domain = (v: string) => checkArg(v, DOMAIN_ID, 'domainIdentifier', 'DataZone domain id');
const flowName = (v: string, arg = 'flowName') => checkArg(v, FLOW_NAME, arg, 'flow name');

/** Relays each state as the field's value, with fresh loaders for the event. */
const relay = <T>(state: T, _args: unknown, context: GraphContext): T => {
  context.refreshLoaders();
  return state;
};

export const subscriptionResolvers: SubscriptionResolvers = {
  dataIntegrationEventChanged: {
    subscribe: (_, a, { live }) =>
      live.watch({
        kind: 'DATA_INTEGRATION_EVENT',
        key: {
          instanceId: instance(a.instanceId),
          eventId: checkArg(a.eventId, UUID, 'eventId', 'event id (a lowercase UUID)'),
        },
      }),
    resolve: relay,
  },
  flowExecutionChanged: {
    subscribe: (_, a, { live }) =>
      live.watch({
        kind: 'FLOW_EXECUTION',
        key: {
          instanceId: instance(a.instanceId),
          flowName: flowName(a.flowName),
          executionId: checkArg(a.executionId, UUID, 'executionId', 'execution id (a lowercase UUID)'),
        },
      }),
    resolve: relay,
  },
  dataSourceRunChanged: {
    subscribe: (_, a, { live }) =>
      live.watch({
        kind: 'DATA_SOURCE_RUN',
        key: {
          domainId: domain(a.domainIdentifier),
          runId: checkArg(a.identifier, DATAZONE_ID, 'identifier', 'data source run id'),
        },
      }),
    resolve: relay,
  },
  loadsChanged: {
    subscribe: (_, { ids }, { live, limits }) => {
      if (ids.length === 0)
        throw badInput('ids is empty: give the global ids (`Load.id`) of the loads to watch.', 'ids');
      if (ids.length > limits.loadsMaxIds) {
        throw badInput(
          `ids holds ${ids.length} ids; at most ${limits.loadsMaxIds} are allowed per subscription.`,
          'ids',
        );
      }
      return live.watchMany(ids.map((id, i) => fromGlobalId(id, `ids[${i}]`)));
    },
    resolve: relay,
  },
  flowExecutionsStarted: {
    subscribe: (_, a, { live }) =>
      live.watchStarted({
        kind: 'FLOW_EXECUTIONS',
        instanceId: instance(a.instanceId),
        flowName: flowName(a.flowName),
      }),
    resolve: relay,
  },
  dataSourceRunsStarted: {
    subscribe: (_, a, { live }) =>
      live.watchStarted({
        kind: 'DATA_SOURCE_RUNS',
        domainId: domain(a.domainIdentifier),
        dataSourceId: checkArg(a.dataSourceIdentifier, DATAZONE_ID, 'dataSourceIdentifier', 'data source id'),
      }),
    resolve: relay,
  },
};
