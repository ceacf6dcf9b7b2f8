/**
 * The per-request context resolvers see: fresh loaders (the batch scope of one request), the upstream
 * actions, the live hub, the request id and a child logger, and the limits resolvers enforce.
 *
 * Reads, writes and subscriptions pass the access gate of the request's principal (auth/access.ts).
 *
 * A subscription's context lives as long as the subscription; each event it delivers calls
 * `refreshLoaders()` so the event's fields are read fresh, never from an earlier event's loader cache.
 */
import { randomUUID } from 'node:crypto';
import type { LiveHub } from '../live/hub.js';
import type { Actions } from '../upstream/actions.js';
import { createLoaders, type BatchLog, type Loaders } from '../upstream/loaders.js';
import type { Readers } from '../upstream/readers.js';
import { accessOf, gateActions, gateLive, type Access } from './auth/access.js';
import { ANONYMOUS, type Principal } from './auth/principal.js';
import { abandonable, type Deadline } from './hardening.js';
import type { AppLogger } from './logger.js';

export interface GraphLimits {
  readonly loadsMaxIds: number;
  readonly sendEventsMaxItems: number;
  readonly sendEventsConcurrency: number;
}

export interface GraphContext {
  readonly requestId: string;
  /** Who is calling; what it may read and write is enforced by the loaders, actions and hub below. */
  readonly principal: Principal;
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

const DEPS = Symbol('deps');
const ACCESS = Symbol('access');
const LOADERS = Symbol('loaders');
const LOADERS_SINCE = Symbol('loadersSince');
const LOGGER = Symbol('logger');
const ACTIONS = Symbol('actions');
const LIVE = Symbol('live');
const DEADLINE = Symbol('deadline');

/**
 * A class, not an object literal, because Apollo copies each request's context (`Object.assign` onto an
 * object of the same prototype): own fields are copied, so the state lives in symbol-keyed fields and
 * the lazy parts in prototype getters, which a copy keeps lazy and live (an object literal's getters
 * would all run at copy time, and `refreshLoaders` would no longer reach the copy's `loaders`).
 */
class RequestContext implements GraphContext {
  readonly limits: GraphLimits;
  readonly batches: BatchLog = [];
  readonly [DEPS]: ContextDeps;
  readonly [ACCESS]: Access;
  [LOADERS]: Loaders | undefined;
  /** The `performance.now()` instant the current loaders' scope began (made lazily, on first use). */
  [LOADERS_SINCE] = 0;
  [LOGGER]: AppLogger | undefined;
  [ACTIONS]: Actions | undefined;
  [LIVE]: LiveHub | undefined;
  /** Passes when the request has run past its deadline: nothing more is read or written upstream. */
  readonly [DEADLINE]: Deadline | undefined;

  constructor(
    deps: ContextDeps,
    readonly requestId: string,
    readonly principal: Principal,
    deadline: Deadline | undefined,
  ) {
    this[DEADLINE] = deadline;
    this[DEPS] = deps;
    this[ACCESS] = accessOf(principal);
    this.limits = deps.limits;
    this.refreshLoaders();
  }

  /**
   * Made on first use: most subscription contexts never read through their own loaders (a subscription
   * group executes with its first member's context), and an idle subscription should cost little.
   */
  get loaders(): Loaders {
    if (this[LOADERS]) return this[LOADERS];
    const deps = this[DEPS];
    return (this[LOADERS] = createLoaders(deps.readers, {
      requestStart: this[LOADERS_SINCE],
      batches: this.batches,
      onBatch: deps.onBatch,
      gate: this[ACCESS].reads,
      signal: this[DEADLINE],
    }));
  }

  /** The actions, through the principal's access gate. */
  get actions(): Actions {
    const deadline = this[DEADLINE];
    const actions = this[DEPS].actions;
    return (this[ACTIONS] ??= gateActions(deadline ? abandonable(actions, deadline) : actions, this[ACCESS]));
  }

  /** The live hub, through the principal's access gate. */
  get live(): LiveHub {
    return (this[LIVE] ??= gateLive(this[DEPS].live, this[ACCESS]));
  }

  /** A child logger costs more than the rest of the context together: made when first used. */
  get logger(): AppLogger {
    return (this[LOGGER] ??= this[DEPS].logger.child({
      requestId: this.requestId,
      principal: this.principal.id,
    }));
  }

  refreshLoaders(): void {
    this[LOADERS_SINCE] = performance.now();
    this[LOADERS] = undefined;
  }
}

/**
 * A random UUID as one flat string: `randomUUID()` builds it from a dozen concatenated pieces, which a
 * subscription's context would otherwise keep for its whole life.
 */
function newRequestId(): string {
  const id = randomUUID();
  id.charCodeAt(0); // flattens the concatenation in place
  return id;
}

/**
 * `principal` defaults to {@link ANONYMOUS} (all rights): pass the authenticated one. `deadline`: the
 * request's (HTTP), after which it reads and writes nothing more upstream.
 */
export function createContext(
  deps: ContextDeps,
  requestId: string = newRequestId(),
  principal: Principal = ANONYMOUS,
  deadline?: Deadline,
): GraphContext {
  return new RequestContext(deps, requestId, principal, deadline);
}
