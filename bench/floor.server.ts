/**
 * The floor of the throughput benchmark: plain Apollo Server 5 on the same SDL, whose `loads` returns
 * fixed in-memory objects (the very JSON Loadgraph answered, so both serialize the same data) and every
 * other field its default resolver. What it costs is what any Apollo Server pays for this query: parse,
 * validate, execute, serialize, HTTP. Internal to the benchmarks.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { loadTypeDefs } from '../src/graph/schema.js';
import type { RunningServer } from './protocol.js';

const typeName = (value: { __typename?: unknown }): string => String(value.__typename);

/** Starts the floor server on a free loopback port; `answers` maps a load id to its fixed object. */
export async function startFloorServer(answers: Readonly<Record<string, object>>): Promise<RunningServer> {
  const byId = new Map(Object.entries(answers));
  const schema = buildSubgraphSchema({
    typeDefs: parse(loadTypeDefs()),
    resolvers: {
      DateTime: DateTimeResolver,
      JSON: JSONResolver,
      Node: { __resolveType: typeName },
      Load: { __resolveType: typeName },
      Query: { loads: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => byId.get(id) ?? null) },
    },
  });
  const apollo = new ApolloServer({ schema, introspection: false });
  const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, emulator: undefined, stop: () => apollo.stop() };
}
