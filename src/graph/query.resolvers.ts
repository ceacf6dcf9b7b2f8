/**
 * Root query fields. Each validates its arguments against the AWS patterns (a bad one is BAD_USER_INPUT
 * with no upstream call), then reads through the request's loaders. A missing resource is null with a
 * NOT_FOUND error.
 */
import type { QueryResolvers } from '../generated/graphql.js';
import { badInput } from '../upstream/errors.js';
import type { GraphContext } from '../server/context.js';
import { paginate } from './connections.js';
import { DATAZONE_PAGE, withDomainId } from './datazone.resolvers.js';
import {
  DATASET_NAME,
  DATAZONE_ID,
  DOMAIN_ID,
  FLOW_NAME,
  NAMESPACE,
  UUID,
  checkArg,
  fromGlobalId,
  type LoadRef,
} from './ids.js';
import { SUPPLY_CHAIN_PAGE, eventTypeWire } from './supplychain.resolvers.js';

const instance = (v: string) =>
  checkArg(v, UUID, 'instanceId', 'Supply Chain instance id (a lowercase UUID)');
const domain = (v: string, arg = 'domainIdentifier') => checkArg(v, DOMAIN_ID, arg, 'DataZone domain id');

/** Loads one load of any kind through the loaders. */
export function loadRef(ref: LoadRef, { loaders }: GraphContext): Promise<object> {
  switch (ref.kind) {
    case 'DATA_INTEGRATION_EVENT':
      return loaders.event.load(ref.key);
    case 'FLOW_EXECUTION':
      return loaders.flowExecution.load(ref.key);
    case 'DATA_SOURCE_RUN':
      return loaders.dataSourceRun.load(ref.key);
  }
}

export const queryResolvers: QueryResolvers = {
  dataIntegrationEvent: (_, a, { loaders }) =>
    loaders.event.load({
      instanceId: instance(a.instanceId),
      eventId: checkArg(a.eventId, UUID, 'eventId', 'event id (a lowercase UUID)'),
    }),

  dataIntegrationEvents: (_, a, { loaders }) => {
    const key = {
      instanceId: instance(a.instanceId),
      eventType: a.eventType ? eventTypeWire(a.eventType) : undefined,
    };
    return paginate(a, { list: ['ListDataIntegrationEvents', key], ...SUPPLY_CHAIN_PAGE }, async (page) => {
      const result = await loaders.eventsPage.load({ ...key, ...page });
      for (const e of result.items)
        loaders.event.prime({ instanceId: e.instanceId!, eventId: e.eventId! }, e);
      return result;
    });
  },

  flowExecution: (_, a, { loaders }) =>
    loaders.flowExecution.load({
      instanceId: instance(a.instanceId),
      flowName: checkArg(a.flowName, FLOW_NAME, 'flowName', 'flow name'),
      executionId: checkArg(a.executionId, UUID, 'executionId', 'execution id (a lowercase UUID)'),
    }),

  flowExecutions: (_, a, { loaders }) => {
    const key = {
      instanceId: instance(a.instanceId),
      flowName: checkArg(a.flowName, FLOW_NAME, 'flowName', 'flow name'),
    };
    return paginate(
      a,
      { list: ['ListDataIntegrationFlowExecutions', key], ...SUPPLY_CHAIN_PAGE },
      async (page) => {
        const result = await loaders.flowExecutionsPage.load({ ...key, ...page });
        for (const x of result.items) {
          loaders.flowExecution.prime(
            { instanceId: x.instanceId!, flowName: x.flowName!, executionId: x.executionId! },
            x,
          );
        }
        return result;
      },
    );
  },

  dataSourceRun: (_, a, { loaders }) =>
    loaders.dataSourceRun.load({
      domainId: domain(a.domainIdentifier),
      runId: checkArg(a.identifier, DATAZONE_ID, 'identifier', 'data source run id'),
    }),

  dataSourceRuns: async (_, a, { loaders }) => {
    const key = {
      domainId: domain(a.domainIdentifier),
      dataSourceId: checkArg(a.dataSourceIdentifier, DATAZONE_ID, 'dataSourceIdentifier', 'data source id'),
      status: a.status ?? undefined,
    };
    const connection = await paginate(a, { list: ['ListDataSourceRuns', key], ...DATAZONE_PAGE }, (page) =>
      loaders.runsPage.load({ ...key, ...page }),
    );
    return withDomainId(connection, key.domainId);
  },

  node: (_, { id }, context) => loadRef(fromGlobalId(id), context) as never,

  loads: (_, { ids }, context) => {
    const max = context.limits.loadsMaxIds;
    if (ids.length > max)
      throw badInput(
        `ids holds ${ids.length} ids; at most ${max} are allowed per request. Split the list.`,
        'ids',
      );
    // A bad id or a failed load is that item's error (null in the list); the others still resolve.
    return ids.map((id, i) => {
      try {
        return loadRef(fromGlobalId(id, `ids[${i}]`), context).catch((err: unknown) => err as Error);
      } catch (err) {
        return err as Error;
      }
    }) as never;
  },

  dataIntegrationFlow: (_, a, { loaders }) =>
    loaders.flow.load({
      instanceId: instance(a.instanceId),
      name: checkArg(a.name, FLOW_NAME, 'name', 'flow name'),
    }),

  dataIntegrationFlows: (_, a, { loaders }) => {
    const key = { instanceId: instance(a.instanceId) };
    return paginate(a, { list: ['ListDataIntegrationFlows', key], ...SUPPLY_CHAIN_PAGE }, async (page) => {
      const result = await loaders.flowsPage.load({ ...key, ...page });
      for (const f of result.items) loaders.flow.prime({ instanceId: f.instanceId!, name: f.name! }, f);
      return result;
    });
  },

  dataLakeDataset: (_, a, { loaders }) =>
    loaders.dataset.load({
      instanceId: instance(a.instanceId),
      namespace: checkArg(a.namespace, NAMESPACE, 'namespace', 'data lake namespace name'),
      name: checkArg(a.name, DATASET_NAME, 'name', 'dataset name'),
    }),

  dataLakeDatasets: (_, a, { loaders }) => {
    const key = {
      instanceId: instance(a.instanceId),
      namespace: checkArg(a.namespace, NAMESPACE, 'namespace', 'data lake namespace name'),
    };
    return paginate(a, { list: ['ListDataLakeDatasets', key], ...SUPPLY_CHAIN_PAGE }, async (page) => {
      const result = await loaders.datasetsPage.load({ ...key, ...page });
      for (const d of result.items)
        loaders.dataset.prime({ instanceId: d.instanceId!, namespace: d.namespace!, name: d.name! }, d);
      return result;
    });
  },

  dataSource: (_, a, { loaders }) =>
    loaders.dataSource.load({
      domainId: domain(a.domainIdentifier),
      id: checkArg(a.identifier, DATAZONE_ID, 'identifier', 'data source id'),
    }),

  instance: (_, a, { loaders }) => loaders.instance.load({ instanceId: instance(a.instanceId) }),

  domain: (_, a, { loaders }) => loaders.domain.load({ id: domain(a.identifier, 'identifier') }),
};
