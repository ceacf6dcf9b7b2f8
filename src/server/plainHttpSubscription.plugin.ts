/**
 * A subscription sent over plain HTTP (POST or GET `/graphql`) is refused with 400 BAD_REQUEST before it
 * runs, with a message naming the two transports that serve subscriptions: the WebSocket URL (graphql-ws)
 * and `/graphql/stream` (Server-Sent Events). Without this, graphql-js would execute it like a query and
 * answer 200 with a null non-null root field (POST), or Apollo a bare 405 (GET). A federation router's
 * callback-protocol request (it carries `extensions.subscription`) is left to
 * subscriptionCallback.plugin.ts.
 */
import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import { GraphQLError, getOperationAST, parse } from 'graphql';
import type { GraphContext } from './context.js';
import { ErrorCode } from '../errors.js';

/** The paths named in the refusal, so clients are told where subscriptions are served. */
export interface PlainHttpSubscriptionOptions {
  /** The GraphQL path, which is also the WebSocket path (`/graphql`). */
  readonly graphqlPath: string;
  /** The Server-Sent Events path (`/graphql/stream`). */
  readonly streamPath: string;
}

/**
 * Refuses a subscription sent as a plain HTTP request with 400 BAD_REQUEST, telling the client the
 * WebSocket and SSE URLs (built from the request's `Host` and `X-Forwarded-Proto`) to use instead.
 * Subscriptions arriving over SSE pass.
 */
export function plainHttpSubscriptionPlugin({
  graphqlPath,
  streamPath,
}: PlainHttpSubscriptionOptions): ApolloServerPlugin<GraphContext> {
  const refusal = (request: GraphQLRequest): GraphQLError => {
    const headers = request.http?.headers;
    const host = headers?.get('host');
    const secure = headers?.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
    const origin = host ? `${secure ? 'https' : 'http'}://${host}` : '';
    const webSocket = host ? `${secure ? 'wss' : 'ws'}://${host}${graphqlPath}` : graphqlPath;
    return new GraphQLError(
      `Subscriptions are not served over plain HTTP. Subscribe over WebSocket at ${webSocket} ` +
        `(graphql-ws protocol, graphql-transport-ws) or over Server-Sent Events at ${origin}${streamPath} ` +
        '(graphql-sse protocol: POST the same request with accept: text/event-stream).',
      { extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } } },
    );
  };
  return {
    async requestDidStart({ request }) {
      if (request.extensions?.['subscription']) return;
      // Apollo answers a GET of anything but a query with a 405 before any hook that could refuse it
      // (and an exception from this one would be a 500): its answer is replaced on the way out. Only a
      // GET query naming `subscription` is parsed twice.
      if (request.http?.method === 'GET' && isSubscription(request)) {
        return {
          async willSendResponse({ response }) {
            const { message, extensions } = refusal(request);
            response.http.status = 400;
            response.http.headers.delete('allow');
            response.body = {
              kind: 'single',
              singleResult: { errors: [{ message, extensions: { code: extensions['code'] } }] },
            };
          },
        };
      }
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') throw refusal(request);
        },
      };
    },
  };
}

function isSubscription({ query, operationName }: GraphQLRequest): boolean {
  if (typeof query !== 'string' || !query.includes('subscription')) return false;
  try {
    return getOperationAST(parse(query), operationName ?? null)?.operation === 'subscription';
  } catch {
    return false; // Apollo reports the syntax error itself.
  }
}
