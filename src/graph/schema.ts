/**
 * Assembles the executable schema: the SDL of `schema/*.graphql`, the scalars, and the resolver maps of
 * each area, composed explicitly. Two areas defining the same field is a start-up error, never a silent
 * overwrite.
 *
 * The schema is an Apollo Federation v2 subgraph (`buildSubgraphSchema`): besides the SDL's own fields it
 * has `Query._service` (the subgraph SDL, for composition) and `Query._entities` (entity references, for a
 * router). Every transport serves this one schema: HTTP through Apollo Server, graphql-ws and SSE.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/graphql.js';
import { entityResolvers } from './entities.resolvers.js';
import {
  dataSourceResolvers,
  dataSourceRunResolvers,
  domainResolvers,
  projectResolvers,
  sageMakerRunConfigurationResolvers,
} from './datazone.resolvers.js';
import { loadTypeResolvers } from './loads.resolvers.js';
import { mutationResolvers, sendEventPayloadResolvers } from './mutation.resolvers.js';
import { openAwsEnums, type UnknownValueSink } from './openEnums.js';
import { queryResolvers } from './query.resolvers.js';
import { subscriptionResolvers } from './subscription.resolvers.js';
import {
  dataIntegrationEventResolvers,
  dataIntegrationFlowResolvers,
  flowExecutionResolvers,
} from './supplychain.resolvers.js';

/**
 * The SDL folder: `dist/schema/` beside the compiled code (the build copies it there), else the
 * repository's `schema/` when running from the sources.
 */
const SCHEMA_DIR = [new URL('../schema/', import.meta.url), new URL('../../schema/', import.meta.url)].find(
  (dir) => existsSync(dir),
)!;

/**
 * The subgraph SDL: every `.graphql` file of the schema folder, in file-name order, joined. Reads the files
 * on each call; throws when the folder cannot be read.
 */
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

/**
 * What a graphql-scalars scalar does (coercion), without what it says: the SDL's own description of the
 * scalar is the contract, and a scalar instance in a resolver map would replace it in introspection.
 */
export const scalarBehaviour = ({ serialize, parseValue, parseLiteral }: GraphQLScalarType) => ({
  serialize,
  parseValue,
  parseLiteral,
});

/**
 * Every resolver of the subgraph, composed into one map by typename (scalars, root types, loads, entities,
 * and the object types' fields).
 */
export const resolvers = composeResolvers(
  { DateTime: scalarBehaviour(DateTimeResolver), JSON: scalarBehaviour(JSONResolver) },
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
    Project: projectResolvers,
    SageMakerRunConfiguration: sageMakerRunConfigurationResolvers,
  },
  entityResolvers,
) as Resolvers;

type SubgraphResolvers = Extract<
  Parameters<typeof buildSubgraphSchema>[0],
  { resolvers?: unknown }
>['resolvers'];

/** Options of {@link createSchema}; all optional. */
export interface SchemaOptions {
  /** Told of each AWS enum value the gateway does not know, each time one is served (openEnums.ts). */
  readonly onUnknownValue?: UnknownValueSink;
}

/** The executable subgraph schema. */
export function createSchema({ onUnknownValue = () => {} }: SchemaOptions = {}): GraphQLSchema {
  const schema = buildSubgraphSchema({
    typeDefs: parse(loadTypeDefs()),
    resolvers: resolvers as SubgraphResolvers,
  });
  return openAwsEnums(schema, onUnknownValue);
}
