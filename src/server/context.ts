/**
 * The per-request context resolvers see: fresh loaders (the batch scope of one request), the upstream
 * actions, the live hub, the request id and a child logger, and the limits resolvers enforce.
 *
 * A subscription's context lives as long as the subscription; each event it delivers calls
 * `refreshLoaders()` so the event's fields are read fresh, never from an earlier event's loader cache.
 */
import { randomUUID } from 'node:crypto';
import type { LiveHub } from '../live/hub.js';
import type { Actions } from '../upstream/actions.js';
import { createLoaders, type BatchLog, type Loaders } from '../upstream/loaders.js';
import type { Readers } from '../upstream/readers.js';
import type { AppLogger } from './logger.js';

export interface GraphLimits {
  readonly loadsMaxIds: number;
  readonly sendEventsMaxItems: number;
  readonly sendEventsConcurrency: number;
}

export interface GraphContext {
  readonly requestId: string;
  readonly logger: AppLogger;
  /** Replaced by `refreshLoaders()`; read it at the time of use. */
  readonly loaders: Loaders;
  readonly actions: Actions;
  readonly live: LiveHub;
  readonly limits: GraphLimits;
  /** Batches dispatched by this context's loaders, `[loader, size]`. */
  readonly batches: BatchLog;
  /** New loaders (a new batch and cache scope), for each event of a subscription. */
  refreshLoaders(): void;
}

export interface ContextDeps {
  readonly readers: Readers;
  readonly actions: Actions;
  readonly live: LiveHub;
  readonly limits: GraphLimits;
  readonly logger: AppLogger;
  /** Told the size of every DataLoader batch (metrics). */
  readonly onBatch?: (loader: string, size: number) => void;
}

export function createContext(deps: ContextDeps, requestId: string = randomUUID()): GraphContext {
  const batches: BatchLog = [];
  let loaders = createLoaders(deps.readers, performance.now(), batches, deps.onBatch);
  // A child logger costs more than the rest of the context together: made when first used.
  let logger: AppLogger | undefined;
  return {
    requestId,
    get logger() {
      return (logger ??= deps.logger.child({ requestId }));
    },
    get loaders() {
      return loaders;
    },
    actions: deps.actions,
    live: deps.live,
    limits: deps.limits,
    batches,
    refreshLoaders() {
      loaders = createLoaders(deps.readers, performance.now(), batches, deps.onBatch);
    },
  };
}
