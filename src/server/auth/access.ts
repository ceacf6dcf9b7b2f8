/**
 * The one place where a principal's rights meet the resources: every upstream read (through the
 * request's loaders), every write (through the actions) and every subscription (through the live hub)
 * of a request passes the gate built here, so no resolver path can forget a check.
 *
 * - Without the scope an operation needs (`loads:read` to read or watch, `events:send` to send events or
 *   start runs), the answer is FORBIDDEN.
 * - A resource in an instance or domain the principal may not touch is answered exactly as one that does
 *   not exist, with no upstream call. For such a principal, real NOT_FOUND answers are reduced to the
 *   same shape (code, AWS error name and operation, message `not found`), so nothing tells the two apart;
 *   the upstream detail stays in the log.
 */
import { GraphQLError } from 'graphql';
import type { LiveHub, StartedParent } from '../../live/hub.js';
import type { Actions } from '../../upstream/actions.js';
import { ErrorCode } from '../../errors.js';
import { kindOf, type LoadKind, type LoadKindDescriptor, type LoadRef } from '../../upstream/loadKinds.js';
import type { ReadGate } from '../../upstream/loaders.js';
import type { Readers } from '../../upstream/readers.js';
import {
  hasScope,
  mayTouchDomain,
  mayTouchInstance,
  restrictsDomains,
  restrictsInstances,
  type Principal,
  type Scope,
} from './principal.js';

/** Where a resource lives: the Supply Chain instance or the DataZone domain it belongs to. */
type Home = { readonly instanceId: string } | { readonly domainId: string };

/**
 * The home of each reader's keys. A new reader must say where its keys live, or the build fails. The
 * account-wide lists (instances, domains) have none: they need only the scope, and their resolvers drop
 * the items the principal may not touch (see `mayRead`).
 */
const HOME_OF: { readonly [N in keyof Readers]: (key: any) => Home | undefined } = {
  event: (k) => ({ instanceId: k.instanceId }),
  flowExecution: (k) => ({ instanceId: k.instanceId }),
  flow: (k) => ({ instanceId: k.instanceId }),
  dataset: (k) => ({ instanceId: k.instanceId }),
  instance: (k) => ({ instanceId: k.instanceId }),
  eventsPage: (k) => ({ instanceId: k.instanceId }),
  flowExecutionsPage: (k) => ({ instanceId: k.instanceId }),
  flowsPage: (k) => ({ instanceId: k.instanceId }),
  datasetsPage: (k) => ({ instanceId: k.instanceId }),
  dataSourceRun: (k) => ({ domainId: k.domainId }),
  dataSource: (k) => ({ domainId: k.domainId }),
  dataSourceDefinition: (k) => ({ domainId: k.domainId }),
  runsPage: (k) => ({ domainId: k.domainId }),
  activitiesPage: (k) => ({ domainId: k.domainId }),
  domain: (k) => ({ domainId: k.id }),
  instancesPage: () => undefined,
  domainsPage: () => undefined,
  projectsPage: (k) => ({ domainId: k.domainId }),
  dataSourcesPage: (k) => ({ domainId: k.domainId }),
};

const pollOperationOf = (ref: LoadRef): string => kindOf(ref).pollOperation;
const homeOfRef = (ref: LoadRef): Home =>
  (kindOf(ref) as LoadKindDescriptor<LoadKind>).home(ref.key as never);

/** The NOT_FOUND error both a hidden and a missing resource are answered with. */
function hiddenNotFound(awsOperation: string): GraphQLError {
  return new GraphQLError('not found', {
    extensions: { code: ErrorCode.NOT_FOUND, awsErrorName: 'ResourceNotFoundException', awsOperation },
  });
}

function forbidden(scope: Scope): GraphQLError {
  return new GraphQLError(`This operation needs the scope ${scope}, which the caller does not have.`, {
    extensions: { code: ErrorCode.FORBIDDEN, scope },
  });
}

const codeOfError = (error: unknown): unknown =>
  error instanceof GraphQLError ? error.extensions['code'] : undefined;

/** The access rules of one principal. */
export interface Access {
  readonly principal: Principal;
  /** The gate of the request's loaders. */
  readonly reads: ReadGate;
  /** Throws FORBIDDEN without the scope. */
  require(scope: Scope): void;
  /** Whether the principal may touch the instance or domain the resource lives in. */
  mayTouch(home: Home): boolean;
  /** Whether some instance (or domain, as `home` is) is hidden from the principal. */
  hidesSome(home: Home): boolean;
  /** A missing resource's error as this principal sees it (reduced when some resources are hidden). */
  notFoundAs(home: Home, error: unknown, awsOperation: string): unknown;
}

const accessByPrincipal = new WeakMap<Principal, Access>();

/**
 * The access rules of `principal`, made once per principal object: every request and subscription of one
 * connection or token shares them.
 */
export function accessOf(principal: Principal): Access {
  let access = accessByPrincipal.get(principal);
  if (!access) accessByPrincipal.set(principal, (access = createAccess(principal)));
  return access;
}

function createAccess(principal: Principal): Access {
  const mayTouch = (home: Home): boolean =>
    'instanceId' in home
      ? mayTouchInstance(principal, home.instanceId)
      : mayTouchDomain(principal, home.domainId);
  const hidesSome = (home: Home): boolean =>
    'instanceId' in home ? restrictsInstances(principal) : restrictsDomains(principal);
  const notFoundAs = (home: Home, error: unknown, awsOperation: string): unknown => {
    if (codeOfError(error) !== ErrorCode.NOT_FOUND || !hidesSome(home)) return error;
    const reduced = hiddenNotFound(awsOperation);
    (reduced as { cause?: unknown }).cause = error;
    return reduced;
  };
  return {
    principal,
    require(scope) {
      if (!hasScope(principal, scope)) throw forbidden(scope);
    },
    mayTouch,
    hidesSome,
    notFoundAs,
    reads: {
      refuse(loader, key, operation) {
        if (!hasScope(principal, 'loads:read')) return forbidden('loads:read');
        const home = HOME_OF[loader as keyof Readers](key);
        return home === undefined || mayTouch(home) ? undefined : hiddenNotFound(operation);
      },
      failed(loader, key, error, operation) {
        const home = HOME_OF[loader as keyof Readers](key);
        return (home === undefined ? error : notFoundAs(home, error, operation)) as Error;
      },
    },
  };
}

/** The upstream writes, checked: the scope `events:send`, and the instance or domain written to. */
export function gateActions(actions: Actions, access: Access): Actions {
  return {
    async sendEvent(request) {
      access.require('events:send');
      const home = { instanceId: request.instanceId ?? '' };
      const operation = 'SendDataIntegrationEvent';
      if (!access.mayTouch(home)) throw hiddenNotFound(operation);
      return actions.sendEvent(request).catch((err: unknown) => {
        throw access.notFoundAs(home, err, operation);
      });
    },
    async startDataSourceRun(request) {
      access.require('events:send');
      const home = { domainId: request.domainId };
      const operation = 'StartDataSourceRun';
      if (!access.mayTouch(home)) throw hiddenNotFound(operation);
      return actions.startDataSourceRun(request).catch((err: unknown) => {
        throw access.notFoundAs(home, err, operation);
      });
    },
  };
}

/** A stream that fails at its first `next()`: how a subscription to a missing load ends. */
function failing(error: unknown): AsyncIterableIterator<object> {
  let done = false;
  return {
    async next() {
      if (done) return { value: undefined, done: true };
      done = true;
      throw error;
    },
    async return() {
      done = true;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** `source`, with its NOT_FOUND failure reduced as `access` sees it. */
function reducingNotFound(
  source: AsyncIterableIterator<object>,
  reduce: (error: unknown) => unknown,
): AsyncIterableIterator<object> {
  return {
    async next() {
      try {
        return await source.next();
      } catch (err) {
        throw reduce(err);
      }
    },
    async return() {
      return (await source.return?.()) ?? { value: undefined, done: true };
    },
    async throw(error: unknown) {
      if (source.throw) return source.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * The live hub, checked before anything is watched: without `loads:read` the subscription is refused
 * (FORBIDDEN), and a load the principal may not touch ends as a missing one does, with a NOT_FOUND
 * result; neither creates a poller.
 */
export function gateLive(live: LiveHub, access: Access): LiveHub {
  const reduceFor = (ref: LoadRef) => (err: unknown) =>
    access.notFoundAs(homeOfRef(ref), err, pollOperationOf(ref));
  return {
    get stats() {
      return live.stats;
    },
    close: () => live.close(),
    watch(ref) {
      access.require('loads:read');
      if (!access.mayTouch(homeOfRef(ref))) return failing(hiddenNotFound(pollOperationOf(ref)));
      return reducingNotFound(live.watch(ref), reduceFor(ref));
    },
    watchMany(refs) {
      access.require('loads:read');
      const hidden = refs.find((ref) => !access.mayTouch(homeOfRef(ref)));
      if (hidden) return failing(hiddenNotFound(pollOperationOf(hidden)));
      return reducingNotFound(live.watchMany(refs), (err) => {
        const operation = err instanceof GraphQLError ? err.extensions['awsOperation'] : undefined;
        const home = refs.map(homeOfRef).find((h) => access.hidesSome(h));
        return home && typeof operation === 'string' ? access.notFoundAs(home, err, operation) : err;
      });
    },
    watchStarted(parent: StartedParent) {
      access.require('loads:read');
      const [home, operation]: [Home, string] =
        parent.kind === 'FLOW_EXECUTIONS'
          ? [{ instanceId: parent.instanceId }, 'ListDataIntegrationFlowExecutions']
          : [{ domainId: parent.domainId }, 'ListDataSourceRuns'];
      if (!access.mayTouch(home)) return failing(hiddenNotFound(operation));
      return reducingNotFound(live.watchStarted(parent), (err) => access.notFoundAs(home, err, operation));
    },
  };
}
