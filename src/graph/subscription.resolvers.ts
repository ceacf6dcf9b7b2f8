/**
 * Subscriptions: each asks the live hub to watch a resource and relays its states. Arguments are checked
 * before anything is watched (a refused subscription creates no poller). Every event gets fresh loaders,
 * so its links are read as of that event.
 */
import type { SubscriptionResolvers } from '../generated/graphql.js';
import type { GraphContext } from './context.js';
import { badInput } from '../upstream/errors.js';
import { checkKey, fromGlobalId } from './ids.js';

/** Relays each state as the field's value, with fresh loaders for the event. */
const relay = <T>(state: T, _args: unknown, context: GraphContext): T => {
  context.refreshLoaders();
  return state;
};

/** The `Subscription` root fields: each watches a load or a list through the live hub. */
export const subscriptionResolvers: SubscriptionResolvers = {
  dataIntegrationEventChanged: {
    subscribe: (_, a, { live }) =>
      live.watch({
        kind: 'DATA_INTEGRATION_EVENT',
        key: {
          instanceId: checkKey('instanceId', a.instanceId),
          eventId: checkKey('eventId', a.eventId),
        },
      }),
    resolve: relay,
  },
  flowExecutionChanged: {
    subscribe: (_, a, { live }) =>
      live.watch({
        kind: 'FLOW_EXECUTION',
        key: {
          instanceId: checkKey('instanceId', a.instanceId),
          flowName: checkKey('flowName', a.flowName),
          executionId: checkKey('executionId', a.executionId),
        },
      }),
    resolve: relay,
  },
  dataSourceRunChanged: {
    subscribe: (_, a, { live }) =>
      live.watch({
        kind: 'DATA_SOURCE_RUN',
        key: {
          domainId: checkKey('domainId', a.domainIdentifier, 'domainIdentifier'),
          runId: checkKey('runId', a.identifier, 'identifier'),
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
        instanceId: checkKey('instanceId', a.instanceId),
        flowName: checkKey('flowName', a.flowName),
      }),
    resolve: relay,
  },
  dataSourceRunsStarted: {
    subscribe: (_, a, { live }) =>
      live.watchStarted({
        kind: 'DATA_SOURCE_RUNS',
        domainId: checkKey('domainId', a.domainIdentifier, 'domainIdentifier'),
        dataSourceId: checkKey('dataSourceId', a.dataSourceIdentifier, 'dataSourceIdentifier'),
      }),
    resolve: relay,
  },
};
