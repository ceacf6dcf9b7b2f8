/**
 * The access log: one line at info per completed GraphQL operation, whatever its transport: operation
 * name and type, transport (`http`, `ws`, `sse`), duration, outcome (`success` or the first error code),
 * request id, principal, and the upstream AWS calls it caused. `LOG_ACCESS=0` turns it off.
 *
 * Upstream calls are tied to the operation that caused them through an `AsyncLocalStorage` scope opened
 * per HTTP request and per WebSocket operation: a call made while the scope is active counts for it, and
 * its log line carries the scope's request id. A poller's calls run outside any scope and carry none.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST } from 'graphql';
import type { GraphContext } from './context.js';
import type { AppLogger } from './logger.js';

/** How an operation reached the gateway: GraphQL over HTTP, graphql-ws, or Server-Sent Events. */
export type Transport = 'http' | 'ws' | 'sse';

/** What the scope of one request or operation collects while it runs. */
export interface RequestScope {
  /** Set once the request's context exists (its id: the caller's `x-request-id`, or a new one). */
  requestId: string | undefined;
  upstreamCalls: number;
}

/** The per-process store of request scopes; one per gateway (tests run several in one process). */
export class RequestScopes {
  private readonly storage = new AsyncLocalStorage<RequestScope>();

  /** Runs `fn` in a new scope. */
  run<T>(fn: () => T, scope: RequestScope = { requestId: undefined, upstreamCalls: 0 }): T {
    return this.storage.run(scope, fn);
  }

  /** The scope of the code running now, if it runs for a request. */
  current(): RequestScope | undefined {
    return this.storage.getStore();
  }
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
export function accessLogPlugin(
  accessLog: AccessLog,
  scopes: RequestScopes,
): ApolloServerPlugin<GraphContext> {
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
            upstreamCalls: scopes.current()?.upstreamCalls ?? 0,
          });
        },
      };
    },
  };
}
