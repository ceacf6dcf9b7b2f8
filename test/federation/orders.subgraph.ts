/**
 * A tiny, real `orders` subgraph for the federation e2e test: the SDL of
 * test/fixtures/federation/orders.graphql, built with `@apollo/subgraph`, served by Apollo Server on a
 * free port. Its orders are fixed, each pointing at one of the events it is given (real events of the
 * emulator's world), round-robin: order `i` carries `events[i % events.length]`.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

export const ORDERS_SDL = readFileSync(
  new URL('../fixtures/federation/orders.graphql', import.meta.url),
  'utf8',
);

export interface EventKey {
  readonly instanceId: string;
  readonly eventId: string;
}

export interface Order {
  readonly id: string;
  readonly number: string;
  readonly event: EventKey;
}

export interface RunningOrders {
  readonly url: string;
  readonly orders: readonly Order[];
  stop(): Promise<void>;
}

const sameEvent = (a: EventKey, b: EventKey): boolean =>
  a.instanceId === b.instanceId && a.eventId === b.eventId;

/** Starts the orders subgraph with `count` orders over `events`. */
export async function startOrdersSubgraph(
  events: readonly EventKey[],
  count: number,
): Promise<RunningOrders> {
  const orders: Order[] = Array.from({ length: count }, (_, i) => ({
    id: `order-${i + 1}`,
    number: `SO-${String(i + 1).padStart(5, '0')}`,
    event: events[i % events.length]!,
  }));
  const byId = new Map(orders.map((o) => [o.id, o]));
  const schema = buildSubgraphSchema({
    typeDefs: parse(ORDERS_SDL),
    resolvers: {
      Query: {
        orders: () => orders,
        orderPage: (_: unknown, { first = 10, after }: { first?: number; after?: string }) => {
          const start = after ? Number(after) + 1 : 0;
          const nodes = orders.slice(start, start + first);
          return {
            nodes,
            pageInfo: {
              hasNextPage: start + first < orders.length,
              hasPreviousPage: start > 0,
              startCursor: nodes.length ? String(start) : null,
              endCursor: nodes.length ? String(start + nodes.length - 1) : null,
            },
          };
        },
      },
      Order: {
        __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null,
        loadEvent: (order: Order) => ({ __typename: 'DataIntegrationEvent', ...order.event }),
      },
      DataIntegrationEvent: {
        __resolveReference: (ref: EventKey) => ref,
        orders: (event: EventKey) => orders.filter((o) => sameEvent(o.event, event)),
      },
    } as never,
  });
  const apollo = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, orders, stop: () => apollo.stop() };
}
