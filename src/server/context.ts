/**
 * The per-request context resolvers see: fresh loaders (the batch scope of one request), the upstream
 * actions, the request id and a child logger, and the limits resolvers enforce.
 */
import { randomUUID } from 'node:crypto';
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
  readonly loaders: Loaders;
  readonly actions: Actions;
  readonly limits: GraphLimits;
  /** Batches dispatched by this request's loaders, `[loader, size]`. */
  readonly batches: BatchLog;
}

export interface ContextDeps {
  readonly readers: Readers;
  readonly actions: Actions;
  readonly limits: GraphLimits;
  readonly logger: AppLogger;
}

export function createContext(deps: ContextDeps, requestId: string = randomUUID()): GraphContext {
  const batches: BatchLog = [];
  return {
    requestId,
    logger: deps.logger.child({ requestId }),
    loaders: createLoaders(deps.readers, performance.now(), batches),
    actions: deps.actions,
    limits: deps.limits,
    batches,
  };
}
