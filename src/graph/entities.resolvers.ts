/**
 * Federation: `__resolveReference` of every entity, which a router reaches through `Query._entities`.
 *
 * A reference reads through the request's loaders, exactly as a `Query` field does, so the references of
 * one `_entities` call are batched and de-duplicated like any other reads: 100 references to 10 events
 * are 10 `GetDataIntegrationEvent` calls (fewer when terminal ones are cached). Each key is checked
 * against its AWS pattern first: a malformed one is that entity's BAD_USER_INPUT, a missing resource is
 * null with NOT_FOUND, and the other entities of the call still resolve (so every resolver is async: a
 * synchronous throw would fail the whole `_entities` list).
 *
 * The three loads take either key: their upstream key or their global `id`. The result is a copy of the
 * loaded object, because `@apollo/subgraph` tags what `__resolveReference` returns with `__typename`,
 * and loaded objects may be shared with other requests through the terminal cache.
 */
import type {
  DataIntegrationEventResolvers,
  DataIntegrationFlowResolvers,
  DataLakeDatasetResolvers,
  DataSourceResolvers,
  DataSourceRunResolvers,
  FlowExecutionResolvers,
} from '../generated/graphql.js';
import { badInput } from '../upstream/errors.js';
import type { LoadRef } from '../upstream/loadRef.js';
import { checkKey, fromGlobalId } from './ids.js';

type LoadKind = LoadRef['kind'];
type KeyOf<K extends LoadKind> = Extract<LoadRef, { kind: K }>['key'];

/** A fresh object with the loaded one's fields, for `@apollo/subgraph` to tag. */
const copy = async <T extends object>(loaded: Promise<T>): Promise<T> => ({ ...(await loaded) });

/** The upstream key in a reference by global id, which must be an id of the entity's own kind. */
function byGlobalId<K extends LoadKind>(type: string, kind: K, id: unknown): KeyOf<K> {
  const ref = fromGlobalId(typeof id === 'string' ? id : '', `${type}.id`);
  if (ref.kind !== kind)
    throw badInput(
      `${type}.id is the id of another kind of load (${ref.kind}), not of a ${type}.`,
      `${type}.id`,
    );
  return ref.key as KeyOf<K>;
}

/**
 * The `__resolveReference` of every federation entity, by typename: a reference by global id or by key
 * fields is read through the request's loaders and returned as a fresh copy for `@apollo/subgraph` to tag.
 * A global id of another kind is BAD_USER_INPUT.
 */
export const entityResolvers: {
  DataIntegrationEvent: Pick<DataIntegrationEventResolvers, '__resolveReference'>;
  FlowExecution: Pick<FlowExecutionResolvers, '__resolveReference'>;
  DataSourceRun: Pick<DataSourceRunResolvers, '__resolveReference'>;
  DataIntegrationFlow: Pick<DataIntegrationFlowResolvers, '__resolveReference'>;
  DataLakeDataset: Pick<DataLakeDatasetResolvers, '__resolveReference'>;
  DataSource: Pick<DataSourceResolvers, '__resolveReference'>;
} = {
  DataIntegrationEvent: {
    __resolveReference: async (ref, { loaders }) => {
      const T = 'DataIntegrationEvent';
      const key =
        'eventId' in ref
          ? {
              instanceId: checkKey('instanceId', ref.instanceId, `${T}.instanceId`),
              eventId: checkKey('eventId', ref.eventId, `${T}.eventId`),
            }
          : byGlobalId(T, 'DATA_INTEGRATION_EVENT', ref.id);
      return copy(loaders.event.load(key));
    },
  },

  FlowExecution: {
    __resolveReference: async (ref, { loaders }) => {
      const T = 'FlowExecution';
      const key =
        'executionId' in ref
          ? {
              instanceId: checkKey('instanceId', ref.instanceId, `${T}.instanceId`),
              flowName: checkKey('flowName', ref.flowName, `${T}.flowName`),
              executionId: checkKey('executionId', ref.executionId, `${T}.executionId`),
            }
          : byGlobalId(T, 'FLOW_EXECUTION', ref.id);
      return copy(loaders.flowExecution.load(key));
    },
  },

  DataSourceRun: {
    __resolveReference: async (ref, { loaders }) => {
      const T = 'DataSourceRun';
      const key =
        'runId' in ref
          ? {
              domainId: checkKey('domainId', ref.domainId, `${T}.domainId`),
              runId: checkKey('runId', ref.runId, `${T}.runId`),
            }
          : byGlobalId(T, 'DATA_SOURCE_RUN', ref.id);
      return copy(loaders.dataSourceRun.load(key));
    },
  },

  DataIntegrationFlow: {
    __resolveReference: async (ref, { loaders }) => {
      const T = 'DataIntegrationFlow';
      return copy(
        loaders.flow.load({
          instanceId: checkKey('instanceId', ref.instanceId, `${T}.instanceId`),
          name: checkKey('flowName', ref.name, `${T}.name`),
        }),
      );
    },
  },

  DataLakeDataset: {
    __resolveReference: async (ref, { loaders }) => {
      const T = 'DataLakeDataset';
      return copy(
        loaders.dataset.load({
          instanceId: checkKey('instanceId', ref.instanceId, `${T}.instanceId`),
          namespace: checkKey('namespace', ref.namespace, `${T}.namespace`),
          name: checkKey('datasetName', ref.name, `${T}.name`),
        }),
      );
    },
  },

  DataSource: {
    __resolveReference: async (ref, { loaders }) => {
      const T = 'DataSource';
      return copy(
        loaders.dataSource.load({
          domainId: checkKey('domainId', ref.domainId, `${T}.domainId`),
          id: checkKey('dataSourceId', ref.id, `${T}.id`),
        }),
      );
    },
  },
};
