/**
 * Root query fields. Each validates its arguments against the AWS patterns (a bad one is BAD_USER_INPUT
 * with no upstream call), then reads through the request's loaders. A missing resource is null with a
 * NOT_FOUND error.
 */
import type { QueryResolvers } from '../generated/graphql.js';
import { loadNow, mayRead } from '../upstream/loaders.js';
import type { DomainModel } from '../upstream/models.js';
import { badInput } from '../upstream/errors.js';
import { kindOf, markKind } from '../upstream/loadKinds.js';
import type { GraphContext } from './context.js';
import { paginate } from './connections.js';
import { DATAZONE_PAGE, withDomainId } from './datazone.resolvers.js';
import { checkKey, fromGlobalId, type LoadRef } from './ids.js';
import { SUPPLY_CHAIN_PAGE, eventTypeWire } from './supplychain.resolvers.js';

/** Paging limits of ListDomains (maxResults 1..25, unlike the other DataZone lists). */
const DOMAINS_PAGE = { defaultFirst: 20, maxFirst: 25 } as const;

/** Loads one load of any kind through the loaders, marked with its kind (see `loadTypeOf`). */
export function loadRef(ref: LoadRef, { loaders }: GraphContext): object | Promise<object> {
  const d = kindOf(ref);
  const value = loadNow(loaders, d.reader, ref.key as never) as object | Promise<object>;
  return value instanceof Promise ? value.then((v) => markKind(v, d.kind)) : markKind(value, d.kind);
}

/** The `Query` root fields: each reads its arguments and asks a loader. */
export const queryResolvers: QueryResolvers = {
  dataIntegrationEvent: (_, a, { loaders }) =>
    loaders.event.load({
      instanceId: checkKey('instanceId', a.instanceId),
      eventId: checkKey('eventId', a.eventId),
    }),

  dataIntegrationEvents: (_, a, { loaders }) => {
    const key = {
      instanceId: checkKey('instanceId', a.instanceId),
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
      instanceId: checkKey('instanceId', a.instanceId),
      flowName: checkKey('flowName', a.flowName),
      executionId: checkKey('executionId', a.executionId),
    }),

  flowExecutions: (_, a, { loaders }) => {
    const key = {
      instanceId: checkKey('instanceId', a.instanceId),
      flowName: checkKey('flowName', a.flowName),
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
      domainId: checkKey('domainId', a.domainIdentifier, 'domainIdentifier'),
      runId: checkKey('runId', a.identifier, 'identifier'),
    }),

  dataSourceRuns: async (_, a, { loaders }) => {
    const key = {
      domainId: checkKey('domainId', a.domainIdentifier, 'domainIdentifier'),
      dataSourceId: checkKey('dataSourceId', a.dataSourceIdentifier, 'dataSourceIdentifier'),
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
        const value = loadRef(fromGlobalId(id, `ids[${i}]`), context);
        return value instanceof Promise ? value.catch((err: unknown) => err as Error) : value;
      } catch (err) {
        return err as Error;
      }
    }) as never;
  },

  dataIntegrationFlow: (_, a, { loaders }) =>
    loaders.flow.load({
      instanceId: checkKey('instanceId', a.instanceId),
      name: checkKey('flowName', a.name, 'name'),
    }),

  dataIntegrationFlows: (_, a, { loaders }) => {
    const key = { instanceId: checkKey('instanceId', a.instanceId) };
    return paginate(a, { list: ['ListDataIntegrationFlows', key], ...SUPPLY_CHAIN_PAGE }, async (page) => {
      const result = await loaders.flowsPage.load({ ...key, ...page });
      for (const f of result.items) loaders.flow.prime({ instanceId: f.instanceId!, name: f.name! }, f);
      return result;
    });
  },

  dataLakeDataset: (_, a, { loaders }) =>
    loaders.dataset.load({
      instanceId: checkKey('instanceId', a.instanceId),
      namespace: checkKey('namespace', a.namespace),
      name: checkKey('datasetName', a.name, 'name'),
    }),

  dataLakeDatasets: (_, a, { loaders }) => {
    const key = {
      instanceId: checkKey('instanceId', a.instanceId),
      namespace: checkKey('namespace', a.namespace),
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
      domainId: checkKey('domainId', a.domainIdentifier, 'domainIdentifier'),
      id: checkKey('dataSourceId', a.identifier, 'identifier'),
    }),

  instance: (_, a, { loaders }) =>
    loaders.instance.load({ instanceId: checkKey('instanceId', a.instanceId) }),

  domain: (_, a, { loaders }) =>
    loaders.domain.load({ id: checkKey('domainId', a.identifier, 'identifier') }),

  // The account-wide lists leave out what the caller may not touch: the same items on every read of a
  // page, so cursors (offsets into the page as the caller sees it) stay exact.
  instances: (_, a, { loaders }) =>
    paginate(a, { list: ['ListInstances'], ...SUPPLY_CHAIN_PAGE }, async (page) => {
      const result = await loaders.instancesPage.load(page);
      const items = result.items.filter((i) => mayRead(loaders, 'instance', { instanceId: i.instanceId! }));
      for (const i of items) loaders.instance.prime({ instanceId: i.instanceId! }, i);
      return { items, nextToken: result.nextToken };
    }),

  domains: (_, a, { loaders }) =>
    paginate(a, { list: ['ListDomains'], ...DOMAINS_PAGE }, async (page) => {
      const result = await loaders.domainsPage.load(page);
      // ListDomains gives summaries; `Domain` has GetDomain's fields (its execution role, tags...).
      const items: DomainModel[] = await Promise.all(
        result.items
          .filter((d) => mayRead(loaders, 'domain', { id: d.id! }))
          .map((d) => loaders.domain.load({ id: d.id! })),
      );
      return { items, nextToken: result.nextToken };
    }),
};
