/**
 * The contract between the graph and whoever serves it: the per-request context every resolver receives.
 * The graph declares what it needs here; the server builds it (`server/context.ts`, `createContext`), and
 * codegen types every resolver's context with {@link GraphContext}.
 *
 * Reads, writes and subscriptions made through `loaders`, `actions` and `live` have already passed the
 * access gate of {@link GraphContext.principal}: a resolver never checks rights itself.
 */
import type { Logger } from 'pino';
import type { LiveHub } from '../live/hub.js';
import type { Actions } from '../upstream/actions.js';
import type { BatchLog, Loaders } from '../upstream/loaders.js';

/** The scopes of the contract: reading loads (queries, subscriptions), and sending events or runs. */
export const SCOPES = ['loads:read', 'events:send'] as const;
/** One of {@link SCOPES}. */
export type Scope = (typeof SCOPES)[number];

/**
 * Who is calling: a principal's id, its scopes, and the Supply Chain instances and DataZone domains it
 * may touch (`*`: all of them). Authentication (server) produces one per request or WebSocket connection.
 */
export interface Principal {
  /** Stable id for logs and per-principal limits: the JWT subject, the API key's id, or `anonymous`. */
  readonly id: string;
  readonly method: 'anonymous' | 'jwt' | 'apikey';
  readonly scopes: readonly Scope[];
  /** Supply Chain instance ids this principal may touch; `['*']`: all. */
  readonly instances: readonly string[];
  /** DataZone domain ids this principal may touch; `['*']`: all. */
  readonly domains: readonly string[];
  /** When the credential stops being valid (epoch ms, clock skew included); undefined: never. */
  readonly expiresAtMs?: number | undefined;
}

/** The limits resolvers enforce themselves (argument sizes), from the config. */
export interface GraphLimits {
  /** Most ids `loads(ids:)` accepts (LOADS_MAX_IDS). */
  readonly loadsMaxIds: number;
  /** Most items one `sendEvents` accepts (SEND_EVENTS_MAX_ITEMS). */
  readonly sendEventsMaxItems: number;
  /** Most events of one `sendEvents` sent upstream at once (SEND_EVENTS_CONCURRENCY). */
  readonly sendEventsConcurrency: number;
}

/** What every resolver receives as its context: one per request, or one per subscription. */
export interface GraphContext {
  /** The request's id, as logged and as sent back in `x-request-id`. */
  readonly requestId: string;
  /** Who is calling; what it may read and write is enforced by the loaders, actions and hub below. */
  readonly principal: Principal;
  /** A child logger carrying the request id and the principal. */
  readonly logger: Logger;
  /** The request's loaders (its batch and cache scope). Replaced by `refreshLoaders()`: read it at the time of use. */
  readonly loaders: Loaders;
  /** The upstream writes (send an event, start a run), behind the access gate. */
  readonly actions: Actions;
  /** The live hub (subscriptions), behind the access gate. */
  readonly live: LiveHub;
  readonly limits: GraphLimits;
  /** Batches dispatched by this context's loaders, `[loader, size]`. */
  readonly batches: BatchLog;
  /** New loaders (a new batch and cache scope), for each event of a subscription. */
  refreshLoaders(): void;
}
