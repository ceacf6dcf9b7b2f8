/**
 * Type resolution for the `Node` and `Load` interfaces. The loaders return upstream shapes, which are
 * told apart by their keys: an event has `eventId`, a flow execution `executionId`, a run `dataSourceId`.
 */
import type { LoadResolvers, NodeResolvers } from '../generated/graphql.js';

type LoadTypeName = 'DataIntegrationEvent' | 'FlowExecution' | 'DataSourceRun';

export function loadTypeOf(value: object): LoadTypeName {
  if ('eventId' in value) return 'DataIntegrationEvent';
  if ('executionId' in value) return 'FlowExecution';
  if ('dataSourceId' in value) return 'DataSourceRun';
  throw new Error('value is not a load');
}

export const loadTypeResolvers = {
  Node: { __resolveType: (value: object) => loadTypeOf(value) } satisfies NodeResolvers,
  Load: { __resolveType: (value: object) => loadTypeOf(value) } satisfies LoadResolvers,
};
