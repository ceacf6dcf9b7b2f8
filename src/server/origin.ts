/**
 * Which browser origins may talk to the gateway, over HTTP (CORS) and WebSocket (the handshake's
 * `Origin`), from one allowlist. The same origin as the gateway (the `Origin` names the `Host` the request
 * was sent to) is always allowed; `*` allows any origin, without credentials.
 *
 * - A request with an `Origin` that is not allowed is refused with 403 FORBIDDEN before its body is read,
 *   whatever the transport: browsers would hide the answer anyway, and refusing it also stops a
 *   cross-site request from having any effect.
 * - A request without `Origin` comes from a non-browser client and passes, except on the WebSocket
 *   handshake when `requireOrigin` is set.
 * - A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is answered
 *   204 with the methods and headers a GraphQL client needs; from another origin, 403.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Refusal, RequestGuard } from './subgraphSecret.js';
import { ErrorCode } from '../errors.js';

/** The CORS and WebSocket origin settings (CORS_ORIGINS, CORS_ALLOW_CREDENTIALS, WS_REQUIRE_ORIGIN). */
/** Applies the origin settings to HTTP requests (CORS) and WebSocket upgrades. */
export interface OriginPolicyOptions {
  /** Allowed origins, lower case (`['*']`: any); empty: same origin only. */
  readonly allowedOrigins: readonly string[];
  /** Browsers may send cookies and credentials (never with `*`). */
  readonly allowCredentials: boolean;
  /** Refuse WebSocket handshakes that carry no `Origin`. */
  readonly requireOrigin: boolean;
}

export interface OriginPolicy {
  /** For HTTP requests (and SSE): refuses a disallowed `Origin`. */
  readonly http: RequestGuard;
  /** For the WebSocket handshake: refuses a disallowed or (with `requireOrigin`) missing `Origin`. */
  readonly webSocket: RequestGuard;
  /**
   * Sets the CORS response headers of an allowed cross-origin request, and answers a preflight. Returns
   * true when it has answered (the caller stops there).
   */
  cors(req: IncomingMessage, res: ServerResponse): boolean;
}

const ALLOWED_HEADERS = [
  'content-type',
  'accept',
  'authorization',
  'x-api-key',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'last-event-id',
].join(', ');

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Whether `origin` names the host the request was sent to (`http://HOST` or `https://HOST`). */
function sameOrigin(origin: string, headers: IncomingHttpHeaders): boolean {
  const host = header(headers, 'host')?.toLowerCase();
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/** The origin policy of `options`. */
export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const any = options.allowedOrigins.includes('*');
  const listed = new Set(options.allowedOrigins);
  const allowed = (origin: string, headers: IncomingHttpHeaders): boolean =>
    any || listed.has(origin) || sameOrigin(origin, headers);
  const refusal = (origin: string): Refusal => ({
    status: 403,
    code: ErrorCode.FORBIDDEN,
    message: `Requests from the origin ${JSON.stringify(origin).slice(0, 200)} are not allowed: the gateway's CORS_ORIGINS setting lists the browser origins it accepts.`,
  });
  const check =
    (requireOrigin: boolean): RequestGuard =>
    (headers) => {
      const origin = header(headers, 'origin')?.toLowerCase();
      if (origin === undefined) {
        return requireOrigin
          ? {
              status: 403,
              code: ErrorCode.FORBIDDEN,
              message: 'WebSocket connections must carry an Origin header.',
            }
          : undefined;
      }
      return allowed(origin, headers) ? undefined : refusal(origin);
    };
  return {
    http: check(false),
    webSocket: check(options.requireOrigin),
    cors(req, res) {
      const origin = header(req.headers, 'origin')?.toLowerCase();
      const preflight =
        req.method === 'OPTIONS' && header(req.headers, 'access-control-request-method') !== undefined;
      if (origin === undefined || !allowed(origin, req.headers)) {
        if (!preflight) return false;
        res.writeHead(403, { vary: 'Origin', 'content-length': 0 });
        res.end();
        return true;
      }
      const credentials = options.allowCredentials && !any;
      res.setHeader('access-control-allow-origin', any && !credentials ? '*' : origin);
      res.setHeader('vary', 'Origin');
      if (credentials) res.setHeader('access-control-allow-credentials', 'true');
      if (!preflight) {
        res.setHeader('access-control-expose-headers', 'x-request-id, retry-after');
        return false;
      }
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '600',
        'content-length': 0,
      });
      res.end();
      return true;
    },
  };
}

/** One guard from several: the first refusal wins. */
export function combineGuards(...guards: readonly (RequestGuard | undefined)[]): RequestGuard | undefined {
  const present = guards.filter((g): g is RequestGuard => g !== undefined);
  if (present.length === 0) return undefined;
  return (headers) => {
    for (const guard of present) {
      const refusal = guard(headers);
      if (refusal) return refusal;
    }
    return undefined;
  };
}
