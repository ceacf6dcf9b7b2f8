/**
 * Assembles the executable schema: the SDL of `schema/*.graphql`, the scalars, and the resolver maps of
 * each area, composed explicitly. Two areas defining the same field is a start-up error, never a silent
 * overwrite.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/graphql.js';
import {
  dataSourceResolvers,
  dataSourceRunResolvers,
  domainResolvers,
  sageMakerRunConfigurationResolvers,
} from './datazone.resolvers.js';
import { loadTypeResolvers } from './loads.resolvers.js';
import { mutationResolvers, sendEventPayloadResolvers } from './mutation.resolvers.js';
import { queryResolvers } from './query.resolvers.js';
import { subscriptionResolvers } from './subscription.resolvers.js';
import {
  dataIntegrationEventResolvers,
  dataIntegrationFlowResolvers,
  flowExecutionResolvers,
} from './supplychain.resolvers.js';

const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

export function loadTypeDefs(): string {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(new URL(f, SCHEMA_DIR), 'utf8'))
    .join('\n');
}

type ResolverMap = Record<string, object>;

/** Merges resolver maps; throws if two of them define the same `Type.field`. */
export function composeResolvers(...maps: ResolverMap[]): ResolverMap {
  const out: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const target = (out[type] ??= {});
      if (typeof fields !== 'object' || fields === null || fields.constructor !== Object) {
        if (type in out && Object.keys(target).length > 0)
          throw new Error(`resolver for ${type} defined twice`);
        out[type] = fields as Record<string, unknown>;
        continue;
      }
      for (const [field, resolver] of Object.entries(fields)) {
        if (Object.hasOwn(target, field))
          throw new Error(`resolver ${type}.${field} is defined by two areas`);
        target[field] = resolver;
      }
    }
  }
  return out;
}

export const resolvers = composeResolvers(
  { DateTime: DateTimeResolver, JSON: JSONResolver },
  { Query: queryResolvers, Mutation: mutationResolvers, Subscription: subscriptionResolvers },
  { SendEventPayload: sendEventPayloadResolvers },
  loadTypeResolvers,
  {
    DataIntegrationEvent: dataIntegrationEventResolvers,
    FlowExecution: flowExecutionResolvers,
    DataIntegrationFlow: dataIntegrationFlowResolvers,
  },
  {
    DataSourceRun: dataSourceRunResolvers,
    DataSource: dataSourceResolvers,
    Domain: domainResolvers,
    SageMakerRunConfiguration: sageMakerRunConfigurationResolvers,
  },
) as Resolvers;

export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: resolvers as never,
    inheritResolversFromInterfaces: false,
  });
}
