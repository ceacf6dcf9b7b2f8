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
 *   204 with the methods and headers a GraphQL client needs; from another origin, 403 with a body that
 *   says which setting to change (browsers hide it; curl and proxies show it).
 * - Each refused origin is logged once (a warning naming the origin and `CORS_ORIGINS`), so a developer
 *   whose browser only says "No 'Access-Control-Allow-Origin' header" finds the cause in the log.
 * - `allowLocalhost` (development on the emulator, no CORS setting) also allows `http(s)://localhost` and
 *   `http(s)://127.0.0.1` on any port: a frontend's dev server works without a setting.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AppLogger } from './logger.js';
import type { Refusal, RequestGuard } from './subgraphSecret.js';
import { ErrorCode } from '../errors.js';

/** The CORS and WebSocket origin settings (CORS_ORIGINS, CORS_ALLOW_CREDENTIALS, WS_REQUIRE_ORIGIN). */
export interface OriginPolicyOptions {
  /** Allowed origins, lower case (`['*']`: any); empty: same origin only. */
  readonly allowedOrigins: readonly string[];
  /** Browsers may send cookies and credentials (never with `*`). */
  readonly allowCredentials: boolean;
  /** Refuse WebSocket handshakes that carry no `Origin`. */
  readonly requireOrigin: boolean;
  /** Also allow `localhost` and `127.0.0.1` origins on any port (development). */
  readonly allowLocalhost?: boolean | undefined;
  /** Told once per refused origin. */
  readonly logger?: Pick<AppLogger, 'warn'> | undefined;
}

/** How many refused origins are remembered (logged once each); past it, further ones are not logged. */
const MAX_LOGGED_ORIGINS = 1_000;

const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/**
 * The `Origin` rules of the gateway (browser requests from other sites): guards for HTTP and WebSocket
 * handshakes, and the CORS answers for allowed origins.
 */
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
    any ||
    listed.has(origin) ||
    sameOrigin(origin, headers) ||
    (options.allowLocalhost === true && LOCALHOST.test(origin));
  const logged = new Set<string>();
  const refusal = (origin: string): Refusal => {
    const shown = JSON.stringify(origin).slice(0, 200);
    const message = `Requests from the origin ${shown} are not allowed: add it to the gateway's CORS_ORIGINS setting (comma-separated origins, e.g. CORS_ORIGINS=${origin.slice(0, 200)}).`;
    if (options.logger && logged.size < MAX_LOGGED_ORIGINS && !logged.has(origin)) {
      logged.add(origin);
      options.logger.warn(
        { origin: origin.slice(0, 200), setting: 'CORS_ORIGINS' },
        `refused requests from the browser origin ${shown} (logged once per origin): add it to CORS_ORIGINS to allow it`,
      );
    }
    return { status: 403, code: ErrorCode.FORBIDDEN, message };
  };
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
        const body = JSON.stringify({
          errors: [
            origin === undefined
              ? {
                  message: 'A CORS preflight must carry an Origin header.',
                  extensions: { code: ErrorCode.FORBIDDEN },
                }
              : { message: refusal(origin).message, extensions: { code: ErrorCode.FORBIDDEN } },
          ],
        });
        res.writeHead(403, {
          vary: 'Origin',
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
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
