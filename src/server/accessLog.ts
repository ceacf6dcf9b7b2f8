/**
 * The access log: one line at info per completed GraphQL operation, whatever its transport: operation
 * name and type, transport (`http`, `ws`, `sse`), duration, outcome (`success` or the first error code),
 * request id, principal, and the upstream AWS calls it caused. `LOG_ACCESS=0` turns it off.
 *
 * Upstream calls are tied to the operation that caused them through its request scope, which its context
 * holds (`scopeOf`) and hands down with every read and write it makes (`sentFor` in upstream/observe.ts): a
 * call counts for the scope it was made for, and its log line carries the scope's request id. A poller's
 * calls are made for no scope and carry none. A subscription group's reads count for the member whose
 * context executes them, and a read that joins a call in flight leaves the call to the request that started
 * it. (Passed explicitly, not through `AsyncLocalStorage`: on Node 20 that puts a hook on every promise of
 * the process, a fifth of a cached one-load query's CPU.)
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST } from 'graphql';
import { scopeOf, type GraphContext } from './context.js';
import type { AppLogger } from './logger.js';

/** How an operation reached the gateway: GraphQL over HTTP, graphql-ws, or Server-Sent Events. */
export type Transport = 'http' | 'ws' | 'sse';

/** What the scope of one request or operation collects while it runs. */
export interface RequestScope {
  /** Set once the request's context exists (its id: the caller's `x-request-id`, or a new one). */
  requestId: string | undefined;
  upstreamCalls: number;
}

/**
 * One access-log line: a completed operation, its duration in milliseconds (rounded to 0.1 ms when
 * written), its outcome, and who asked. `operationName`, `requestId` and `principal` are undefined when the
 * request carried none.
 */
export interface AccessEntry {
  readonly transport: Transport;
  readonly operationName: string | undefined;
  readonly operationType: string | undefined;
  readonly durationMs: number;
  /** `success`, or the first error's code. */
  readonly outcome: string;
  readonly requestId: string | undefined;
  readonly principal: string | undefined;
  readonly upstreamCalls: number;
}

/**
 * Where completed operations are reported. When `enabled` is false, `write` does nothing (callers may check
 * it to skip building entries).
 */
export interface AccessLog {
  readonly enabled: boolean;
  write(entry: AccessEntry): void;
}

/**
 * The access log writing to a child of `logger` (`component: access`), one info line per entry. It is
 * `enabled` while `LOG_ACCESS` is on (`enabled`) and the logger writes info lines (read at each use, as the
 * level may change): otherwise every write is a no-op and requests skip building their entries. Never
 * throws.
 */
export function createAccessLog(logger: AppLogger, enabled: boolean): AccessLog {
  const log = logger.child({ component: 'access' });
  const on = (): boolean => enabled && log.isLevelEnabled('info');
  return {
    get enabled() {
      return on();
    },
    write(entry) {
      if (!on()) return;
      const durationMs = Math.round(entry.durationMs * 10) / 10;
      log.info(
        { access: { ...entry, durationMs } },
        `${entry.transport} ${entry.operationType ?? 'operation'} ${entry.operationName ?? '(anonymous)'} ${entry.outcome} in ${durationMs} ms`,
      );
    },
  };
}

/** The first error's code; `INTERNAL_SERVER_ERROR` for an error without one. */
export function outcomeOf(
  errors: readonly { extensions?: Record<string, unknown> | undefined }[] | undefined,
): string {
  const first = errors?.[0];
  if (!first) return 'success';
  const code = first.extensions?.['code'];
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** The access line of GraphQL operations over HTTP (Apollo's pipeline). */
export function accessLogPlugin(accessLog: AccessLog): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      if (!accessLog.enabled) return;
      const started = performance.now();
      return {
        async willSendResponse({
          contextValue,
          operation,
          operationName,
          errors,
          response,
          request,
          document,
        }) {
          const body = response.body;
          const resultErrors = body.kind === 'single' ? body.singleResult.errors : undefined;
          accessLog.write({
            transport: 'http',
            // Named even when the operation did not validate (Apollo names it only once it is resolved).
            operationName:
              operationName ??
              request.operationName ??
              (document ? getOperationAST(document)?.name?.value : undefined),
            operationType: operation?.operation,
            durationMs: performance.now() - started,
            outcome: outcomeOf(resultErrors ?? errors),
            requestId: contextValue?.requestId,
            principal: contextValue?.principal?.id,
            upstreamCalls: (contextValue && scopeOf(contextValue)?.upstreamCalls) ?? 0,
          });
        },
      };
    },
  };
}
