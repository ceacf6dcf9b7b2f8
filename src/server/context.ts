/**
 * Builds the per-request context the graph declares (`graph/context.ts`): fresh loaders (the batch scope
 * of one request), the upstream actions, the live hub, the request id and a child logger, and the limits
 * resolvers enforce.
 *
 * Reads, writes and subscriptions pass the access gate of the request's principal (auth/access.ts).
 *
 * A subscription's context lives as long as the subscription; each event it delivers calls
 * `refreshLoaders()` so the event's fields are read fresh, never from an earlier event's loader cache.
 */
import { randomUUID } from 'node:crypto';
import type { GraphContext, GraphLimits } from '../graph/context.js';
import type { LiveHub } from '../live/hub.js';
import type { Actions } from '../upstream/actions.js';
import { createLoaders, type BatchLog, type Loaders } from '../upstream/loaders.js';
import type { Readers } from '../upstream/readers.js';
import type { RequestScope } from './accessLog.js';
import { accessOf, gateActions, gateLive, type Access } from './auth/access.js';
import { ANONYMOUS, type Principal } from './auth/principal.js';
import { abandonable, type Deadline } from './deadline.js';
import type { AppLogger } from './logger.js';

export type { GraphContext, GraphLimits } from '../graph/context.js';

/** What the server hands {@link createContext}: the gateway-wide services every request shares. */
export interface ContextDeps {
  readonly readers: Readers;
  readonly actions: Actions;
  readonly live: LiveHub;
  readonly limits: GraphLimits;
  readonly logger: AppLogger;
  /** Told the size of every DataLoader batch (metrics). */
  readonly onBatch?: (loader: string, size: number) => void;
}

/**
 * Everything a request context keeps besides its public fields: what it was built from, and the parts it
 * makes on first use. One object, shared by a context and its copies (see {@link RequestContext}).
 */
interface RequestState {
  readonly deps: ContextDeps;
  readonly access: Access;
  /** Passes when the request has run past its deadline: nothing more is read or written upstream. */
  readonly deadline: Deadline | undefined;
  loaders: Loaders | undefined;
  /** The `performance.now()` instant the current loaders' scope began (made lazily, on first use). */
  loadersSince: number;
  logger: AppLogger | undefined;
  actions: Actions | undefined;
  live: LiveHub | undefined;
}

const STATE = Symbol('request state');

/**
 * A class, not an object literal, because Apollo copies each request's context (`Object.assign` onto an
 * object of the same prototype): own fields are copied, so the state is one own field holding a
 * {@link RequestState} (the copy shares it, so `refreshLoaders` on either reaches both), and the lazy parts
 * are prototype getters, which a copy keeps lazy and live (an object literal's getters would all run at
 * copy time).
 */
class RequestContext implements GraphContext {
  readonly limits: GraphLimits;
  /** What its upstream reads and writes are made for: counted and logged with its request id. */
  readonly scope: RequestScope;
  readonly batches: BatchLog = [];
  readonly [STATE]: RequestState;

  constructor(
    deps: ContextDeps,
    readonly requestId: string,
    readonly principal: Principal,
    deadline: Deadline | undefined,
  ) {
    this[STATE] = {
      deps,
      access: accessOf(principal),
      deadline,
      loaders: undefined,
      loadersSince: 0,
      logger: undefined,
      actions: undefined,
      live: undefined,
    };
    this.limits = deps.limits;
    this.scope = { requestId, upstreamCalls: 0 };
    this.refreshLoaders();
  }

  /**
   * Made on first use: most subscription contexts never read through their own loaders (a subscription
   * group executes with its first member's context), and an idle subscription should cost little.
   */
  get loaders(): Loaders {
    const state = this[STATE];
    if (state.loaders) return state.loaders;
    return (state.loaders = createLoaders(state.deps.readers, {
      requestStart: state.loadersSince,
      batches: this.batches,
      onBatch: state.deps.onBatch,
      gate: state.access.reads,
      signal: state.deadline,
      origin: this.scope,
    }));
  }

  /** The actions, through the principal's access gate. */
  get actions(): Actions {
    const state = this[STATE];
    const { deadline } = state;
    if (state.actions) return state.actions;
    const { sendEvent, startDataSourceRun } = state.deps.actions;
    const { scope } = this;
    const actions: Actions = {
      sendEvent: (request) => sendEvent(request, scope),
      startDataSourceRun: (request) => startDataSourceRun(request, scope),
    };
    return (state.actions = gateActions(deadline ? abandonable(actions, deadline) : actions, state.access));
  }

  /** The live hub, through the principal's access gate. */
  get live(): LiveHub {
    const state = this[STATE];
    return (state.live ??= gateLive(state.deps.live, state.access));
  }

  /** A child logger costs more than the rest of the context together: made when first used. */
  get logger(): AppLogger {
    const state = this[STATE];
    return (state.logger ??= state.deps.logger.child({
      requestId: this.requestId,
      principal: this.principal.id,
    }));
  }

  refreshLoaders(): void {
    const state = this[STATE];
    state.loadersSince = performance.now();
    state.loaders = undefined;
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

/** The scope of a context {@link createContext} made (its copies share it); undefined for any other. */
export function scopeOf(context: GraphContext): RequestScope | undefined {
  return context instanceof RequestContext ? context.scope : undefined;
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
