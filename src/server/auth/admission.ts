/**
 * Who gets in, per transport: the HTTP admission (authentication, then the per-principal rate limit)
 * that runs on every GraphQL request (HTTP and SSE) before its body is read, and the graphql-ws hooks
 * (authentication at `connection_init`, the per-principal connection limit, and a check of the
 * credentials' expiry at every `subscribe`). Both remember the principal for the transport's context.
 */
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { AuthConfig } from '../../config.auth.js';
import { originalRequest } from '../requestBody.js';
import type { AppLogger } from '../logger.js';
import { createAuthenticator, type Authenticator } from './authenticate.js';
import { createConnectionCounter, createRateLimiter, limitKeyOf } from './limits.js';
import { isExpired, type Principal } from './principal.js';
import { ErrorCode } from '../../errors.js';

/** An HTTP request that is not let in: its status, error code, message and extra headers. */
export interface HttpRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What the graphql-ws hooks see of a connection. */
export interface WsConnection {
  readonly connectionParams?: Readonly<Record<string, unknown>> | undefined;
  readonly extra: {
    readonly request: IncomingMessage;
    readonly socket: { close(code: number, reason: string): void };
  };
}

/** The principal of a request or connection that was never admitted: no rights at all (fail closed). */
const NOBODY: Principal = Object.freeze({
  id: 'unauthenticated',
  method: 'anonymous',
  scopes: [],
  instances: [],
  domains: [],
});

/** graphql-ws: the close code of a connection over its principal's connection limit. */
const TOO_MANY_CONNECTIONS = 4429;

/**
 * The gate every transport passes before running an operation: authentication, the per-principal rate
 * limit, and the per-principal cap on open WebSocket connections. Refusals carry the HTTP status and public
 * error code the client sees.
 */
export interface Admission {
  /** HTTP and SSE: undefined lets the request in (its principal is then {@link principalOf}). */
  admit(req: IncomingMessage): Promise<HttpRefusal | undefined>;
  principalOf(req: IncomingMessage): Principal;
  /** graphql-ws `onConnect`: false refuses with 4403 Forbidden; over the limit closes with 4429. */
  onConnect(ctx: WsConnection): Promise<boolean>;
  /** graphql-ws `onSubscribe`: errors refuse the subscription (UNAUTHENTICATED once expired). */
  onSubscribe(
    ctx: WsConnection,
    id: string,
    operationName: string | null | undefined,
  ): GraphQLError[] | undefined;
  onClose(ctx: WsConnection): void;
  /** The principal of a graphql-ws connection. */
  connectionPrincipal(ctx: WsConnection): Principal;
}

/**
 * The admission of `config`: credentials checked by `authenticator` (by default the one `config`
 * describes), requests held to `config.rateLimit` per principal, and refused credentials held to the same
 * rate per client address before any verification, so a flood of bad tokens costs bounded work.
 */
export function createAdmission(
  config: AuthConfig,
  logger: AppLogger,
  authenticator: Authenticator = createAuthenticator(config, logger),
): Admission {
  const limiter = createRateLimiter(config.rateLimit);
  // Refused credentials cost a verification each: a client address that keeps sending them is held to the
  // same rate, counted before any verification, so a flood of bad tokens cannot buy unbounded work.
  const refusals = createRateLimiter(config.rateLimit);
  const tooMany = (retryAfterS: number): HttpRefusal => ({
    status: 429,
    code: ErrorCode.THROTTLED,
    message: `Too many requests: retry after ${retryAfterS} s.`,
    headers: { 'retry-after': String(retryAfterS) },
  });
  const connections = createConnectionCounter(config.wsMaxConnectionsPerPrincipal);
  const requests = new WeakMap<IncomingMessage, Principal>();
  const sockets = new WeakMap<WsConnection, { principal: Principal; key: string }>();

  return {
    async admit(req): Promise<HttpRefusal | undefined> {
      const refusalKey = `refused@${req.socket.remoteAddress ?? 'unknown'}`;
      const blockedS = refusals.wait(refusalKey);
      if (blockedS !== undefined) return tooMany(blockedS);
      const outcome = await authenticator.fromHeaders(req.headers);
      if (outcome.refusal) {
        refusals.take(refusalKey);
        const { status, code, message, challenge } = outcome.refusal;
        const headers: Record<string, string> = challenge ? { 'www-authenticate': challenge } : {};
        return { status, code, message, headers };
      }
      const { principal } = outcome;
      const retryAfterS = limiter.take(limitKeyOf(principal, req.socket.remoteAddress));
      if (retryAfterS !== undefined) {
        logger.info({ principal: principal.id, retryAfterS }, 'rate limited');
        return tooMany(retryAfterS);
      }
      requests.set(req, principal);
      return undefined;
    },
    principalOf: (req) => requests.get(originalRequest(req)) ?? NOBODY,

    async onConnect(ctx) {
      const { request, socket } = ctx.extra;
      const outcome = await authenticator.fromConnectionParams(ctx.connectionParams, request.headers);
      if (outcome.refusal) {
        logger.info({ transport: 'ws' }, `websocket refused: ${outcome.refusal.message}`);
        return false;
      }
      const { principal } = outcome;
      const key = limitKeyOf(principal, request.socket.remoteAddress);
      if (!connections.open(key)) {
        logger.info({ transport: 'ws', principal: principal.id }, 'websocket refused: too many connections');
        socket.close(TOO_MANY_CONNECTIONS, 'Too many connections');
        return false;
      }
      sockets.set(ctx, { principal, key });
      logger.debug({ transport: 'ws', principal: principal.id }, 'websocket connected');
      return true;
    },
    onSubscribe(ctx, id, operationName) {
      const principal = sockets.get(ctx)?.principal ?? NOBODY;
      if (isExpired(principal)) {
        logger.info(
          { transport: 'ws', principal: principal.id, id },
          'subscription refused: credentials expired',
        );
        return [
          new GraphQLError('The credentials of this connection have expired: reconnect with fresh ones.', {
            extensions: { code: ErrorCode.UNAUTHENTICATED },
          }),
        ];
      }
      logger.info({ transport: 'ws', principal: principal.id, id, operationName }, 'subscription started');
      return undefined;
    },
    onClose(ctx) {
      const entry = sockets.get(ctx);
      if (!entry) return;
      sockets.delete(ctx);
      connections.close(entry.key);
    },
    connectionPrincipal: (ctx) => sockets.get(ctx)?.principal ?? NOBODY,
  };
}
