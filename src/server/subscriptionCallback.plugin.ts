/**
 * Subscriptions through a federation router over the HTTP callback protocol (Apollo Router's
 * `subscription.mode.callback`, protocol `callback/1.0`): the router POSTs the subscription with
 * `extensions.subscription { callbackUrl, subscriptionId, verifier, heartbeatIntervalMs }`, Loadgraph
 * answers at once, then POSTs `check`, each `next` and a final `complete` to the callback URL.
 *
 * Apollo Server's own plugin speaks the protocol; this module adds what it leaves to the server:
 * - Only callback URLs under one of the configured prefixes are called. Anything else is a 400 before any
 *   work: without the check, any client could make the gateway POST to any URL it names.
 * - Every error sent to the router passes the error funnel, as errors on the other transports do.
 *
 * Each event is executed with the subscription's context, whose resolvers take fresh loaders per event
 * (see `relay` in subscription.resolvers.ts), and the live hub's watch ends when the router ends the
 * subscription (a 404 to `next` or `check`) or the gateway stops (drained with a last `complete`).
 */
import { ApolloServerPluginSubscriptionCallback } from '@apollo/server/plugin/subscriptionCallback';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, getOperationAST, parse, type GraphQLFormattedError } from 'graphql';
import type { GraphContext } from './context.js';
import type { AppLogger } from './logger.js';
import type { FormatError } from './subscriptions.js';
import { ErrorCode } from '../errors.js';

/** The router's subscription callback settings (SUBSCRIPTION_CALLBACK_URLS) and what the plugin needs. */
export interface SubscriptionCallbackOptions {
  /** URL prefixes a callback URL must start with; empty: the protocol is off (every such request is a 400). */
  readonly callbackUrlPrefixes: readonly string[];
  readonly formatError: FormatError;
  readonly logger: AppLogger;
}

interface CallbackExtension {
  readonly callbackUrl?: unknown;
  readonly callback_url?: unknown;
}

const badRequest = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } } });

/** A callback message with its errors (in `payload.errors` for `next`, `errors` for `complete`) funneled. */
function funnelErrors(body: string, formatError: FormatError): string {
  const message = JSON.parse(body) as {
    payload?: { errors?: GraphQLFormattedError[] };
    errors?: GraphQLFormattedError[];
  };
  const format = (errors: GraphQLFormattedError[]) => errors.map((e) => formatError(e, undefined));
  if (message.payload?.errors) message.payload.errors = format(message.payload.errors);
  if (message.errors) message.errors = format(message.errors);
  return JSON.stringify(message);
}

/**
 * The callback protocol as one plugin: Apollo's, called only for a subscription whose callback URL is
 * allowed (its hooks would otherwise still call the URL, even for a request that failed). Anything else
 * carrying `extensions.subscription` is a 400 BAD_REQUEST.
 */
export function subscriptionCallbackPlugin({
  callbackUrlPrefixes,
  formatError,
  logger,
}: SubscriptionCallbackOptions): ApolloServerPlugin<GraphContext> {
  const prefixes = callbackUrlPrefixes.map((p) => new URL(p).href);
  const protocol =
    prefixes.length === 0
      ? undefined
      : (ApolloServerPluginSubscriptionCallback({
          logger,
          fetcher: (url, init) =>
            fetch(url, {
              ...init,
              ...(typeof init?.body === 'string' ? { body: funnelErrors(init.body, formatError) } : {}),
            } as RequestInit) as never,
        }) as ApolloServerPlugin<GraphContext>);

  /** Why a callback request is refused, or undefined when Apollo's plugin may take it. */
  const refusal = (
    extension: CallbackExtension,
    query: unknown,
    operationName: unknown,
  ): string | undefined => {
    if (!protocol)
      return 'Subscriptions over the HTTP callback protocol are off on this gateway (SUBSCRIPTION_CALLBACK_URLS).';
    const url = extension.callbackUrl ?? extension.callback_url;
    let href: string | undefined;
    try {
      href = typeof url === 'string' ? new URL(url).href : undefined;
    } catch {
      href = undefined;
    }
    if (!href || !prefixes.some((p) => href.startsWith(p)))
      return 'extensions.subscription.callbackUrl is not a callback URL this gateway calls.';
    let type: string | undefined;
    try {
      const document = parse(String(query ?? ''));
      type = getOperationAST(document, typeof operationName === 'string' ? operationName : null)?.operation;
    } catch {
      return undefined; // Apollo reports the syntax error itself.
    }
    if (type !== 'subscription') return 'extensions.subscription is only for subscription operations.';
    return undefined;
  };

  return {
    async serverWillStart(service) {
      return protocol?.serverWillStart?.(service);
    },
    async requestDidStart(requestContext) {
      const { request } = requestContext;
      const extension = request.extensions?.['subscription'] as CallbackExtension | undefined;
      if (!extension) return;
      const why = refusal(extension, request.query, request.operationName);
      if (why === undefined) return protocol?.requestDidStart?.(requestContext);
      return {
        async didResolveOperation() {
          throw badRequest(why);
        },
      };
    },
  };
}
