/**
 * The gateway's `node:http` request handler: GraphQL over HTTP at `/graphql` (POST, and GET for queries)
 * through Apollo Server, `/healthz` and `/readyz`, the browser pages when they are on, and JSON 404s
 * elsewhere. Bodies are bounded (413).
 * The GraphQL paths (HTTP and SSE) pass the request guard first, when there is one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { HttpRefusal } from './auth/admission.js';
import type { AppLogger } from './logger.js';
import type { RequestGuard } from './subgraphSecret.js';
import { requestTimeoutBody, withDeadline, type Deadline } from './deadline.js';
import { decodeUtf8, isJsonContentType, isUnsupportedMediaType, replayRequest } from './requestBody.js';
import { setSecurityHeaders } from './securityHeaders.js';
import { ErrorCode } from '../errors.js';

/**
 * What {@link createHttpHandler} serves: GraphQL through `apollo` at `graphqlPath`, SSE at `streamPath`,
 * health, readiness and metrics, and optionally the web pages and CORS. `maxBodyBytes` bounds request
 * bodies (larger ones get 413).
 */
export interface HttpHandlerOptions<C extends BaseContext> {
  readonly apollo: ApolloServer<C>;
  readonly graphqlPath: string;
  readonly maxBodyBytes: number;
  /** How much of a refused body is drained before the 413 (default {@link DEFAULT_BODY_DRAIN}). */
  readonly bodyDrain?: BodyDrain | undefined;
  /** `signal` fires when the request has run past `requestTimeoutMs`. */
  readonly context: (req: IncomingMessage, signal?: Deadline) => Promise<C>;
  /** Readiness: resolves to the problems that make the gateway unready (empty when ready). */
  readonly readiness: () => Promise<string[]>;
  /**
   * Problems that degrade the gateway but leave it serving (e.g. Redis unreachable: subscriptions fall back
   * to local polling): named in `/readyz` with status `degraded`, still 200. None when absent.
   */
  readonly degraded?: () => string[];
  /** The Prometheus exposition served at `/metrics`. */
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  /** GraphQL over SSE, served at `streamPath`. */
  readonly streamPath: string;
  readonly stream: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Checked on the headers of every GraphQL request (both paths) before anything else; none: all pass. */
  readonly guard?: RequestGuard | undefined;
  /** Runs on every GraphQL request (both paths) after the guard: authentication and rate limits. */
  readonly admit?: ((req: IncomingMessage) => Promise<HttpRefusal | undefined>) | undefined;
  readonly logger: AppLogger;
  /** CORS: sets the headers of an allowed origin; true when it has answered (a preflight). */
  readonly cors?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /**
   * The browser pages (the board at `/`, the IDE at the GraphQL path to browsers, their assets): true when
   * it has answered. None: no pages.
   */
  readonly web?: ((req: IncomingMessage, res: ServerResponse, pathname: string) => boolean) | undefined;
  /** A GraphQL request over HTTP still running after this gets 504 REQUEST_TIMEOUT; none: no limit. */
  readonly requestTimeoutMs?: number | undefined;
}

/**
 * A body refused for its size. `drained`: the rest of it was read and discarded, so the client has
 * finished sending and will read the 413; otherwise it was over the drain bounds and the socket is closed.
 */
class BodyTooLarge extends Error {
  constructor(readonly drained: boolean) {
    super('request body too large');
  }
}

/** How much of a refused body is read and discarded before the 413, so that ordinary clients read it. */
export interface BodyDrain {
  /** Largest refused body read to its end (bytes in all); a larger one gets the 413 and a closed socket. */
  readonly maxBytes: number;
  /** Time the discarding may take, from the refusal. */
  readonly timeoutMs: number;
}

/**
 * The body as text; rejects with BodyTooLarge past `limit` bytes. Events, not `for await`: far cheaper per
 * request. Once the body is refused, the rest is read and discarded (within `drain`) before the rejection:
 * a client still uploading when the answer comes and the socket closes gets EPIPE instead of the 413 (most
 * do: browsers, Node's fetch).
 */
function readBody(req: IncomingMessage, limit: number, drain: BodyDrain): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit && declared > drain.maxBytes) return Promise.reject(new BodyTooLarge(false));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = declared > limit;
    let timer: NodeJS.Timeout | undefined;
    const refuse = (): void => {
      refused = true;
      chunks.length = 0;
      timer = setTimeout(() => (cleanup(), reject(new BodyTooLarge(false))), drain.timeoutMs);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (refused) {
        if (size > drain.maxBytes) {
          cleanup();
          reject(new BodyTooLarge(false));
        }
        return;
      }
      if (size > limit) return refuse();
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (refused) return reject(new BodyTooLarge(true));
      try {
        resolve(decodeUtf8(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      } catch (err) {
        reject(err as Error);
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      if (!req.complete) onError(new Error('the request was aborted'));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    if (refused) refuse();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/**
 * The path and query string of a request target. An origin-form target (`/graphql?x=1`, all that clients
 * send) is split as it is, which costs far less than a URL parse per request; any other form goes
 * through URL.
 */
function targetOf(raw: string | undefined): { readonly pathname: string; readonly search: string } {
  if (!raw?.startsWith('/') || raw.startsWith('//')) return new URL(raw ?? '/', 'http://gateway');
  const q = raw.indexOf('?');
  if (q < 0) return { pathname: raw, search: '' };
  return { pathname: raw.slice(0, q), search: q === raw.length - 1 ? '' : raw.slice(q) };
}

/**
 * How much of a refused (too large) body is read and discarded before the 413: at most 64 MiB or 10 s. A
 * client still sending past these bounds gets the 413 and then the connection closes, so clients that
 * ignore the refusal cannot tie up the server.
 */
export const DEFAULT_BODY_DRAIN: BodyDrain = { maxBytes: 64 * 1024 * 1024, timeoutMs: 10_000 };

/**
 * The `node:http` request listener of the gateway: `/healthz` (always 200), `/readyz` (503 with the
 * problems when unready), `/metrics`, the web pages, then GraphQL and SSE; anything else is a 404 naming
 * the paths that exist. Every error answer is a JSON GraphQL error with a public `extensions.code`; the
 * returned promise never rejects.
 */
export function createHttpHandler<C extends BaseContext>(options: HttpHandlerOptions<C>) {
  const { apollo, graphqlPath, maxBodyBytes, logger, bodyDrain = DEFAULT_BODY_DRAIN } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = targetOf(req.url);
    setSecurityHeaders(res);
    try {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/readyz') {
        const problems = await options.readiness();
        const degraded = options.degraded?.() ?? [];
        return sendJson(res, problems.length ? 503 : 200, {
          status: problems.length ? 'unready' : degraded.length ? 'degraded' : 'ready',
          problems,
          ...(degraded.length ? { degraded } : {}),
        });
      }
      if (url.pathname === '/metrics') {
        const { contentType, body } = await options.metrics();
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      if (options.web?.(req, res, url.pathname)) return;
      if (url.pathname !== graphqlPath && url.pathname !== options.streamPath) {
        return sendJson(res, 404, {
          errors: [
            {
              message: `Nothing at ${url.pathname.slice(0, 200)}: send GraphQL requests to ${graphqlPath} (POST, GET for queries, WebSocket), subscriptions over SSE to ${options.streamPath}; /healthz, /readyz and /metrics are the other paths`,
              extensions: { code: 'NOT_FOUND' },
            },
          ],
        });
      }
      if (options.cors?.(req, res)) return;
      const refusal = options.guard?.(req.headers);
      if (refusal) {
        return sendJson(res, refusal.status, {
          errors: [{ message: refusal.message, extensions: { code: refusal.code } }],
        });
      }
      const denied = await options.admit?.(req);
      if (denied) {
        const { status, message, code, headers } = denied;
        return sendJson(res, status, { errors: [{ message, extensions: { code } }] }, { ...headers });
      }
      const streaming = url.pathname === options.streamPath;
      if (streaming && req.method !== 'POST') return await options.stream(req, res);
      let body: unknown;
      if (req.method === 'POST') {
        // Before the body is read: a body of a type never accepted is not worth receiving.
        if (isUnsupportedMediaType(req.headers['content-type'])) {
          req.resume();
          return sendJson(res, 415, {
            errors: [
              {
                message: 'Unsupported content type: send the GraphQL request as application/json',
                extensions: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE },
              },
            ],
          });
        }
        let text: string;
        try {
          text = await readBody(req, maxBodyBytes, bodyDrain);
        } catch (err) {
          if (err instanceof BodyTooLarge) {
            // Past the drain bounds the client is still sending: the socket closes once the 413 is written.
            if (!err.drained) res.once('finish', () => req.destroy());
            return sendJson(
              res,
              413,
              {
                errors: [
                  {
                    message: `Request body exceeds ${maxBodyBytes} bytes`,
                    extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE },
                  },
                ],
              },
              { connection: 'close' },
            );
          }
          if (err instanceof TypeError) {
            return sendJson(res, 400, {
              errors: [
                {
                  message: 'The request body is not valid UTF-8',
                  extensions: { code: ErrorCode.BAD_REQUEST },
                },
              ],
            });
          }
          throw err;
        }
        if (streaming) return await options.stream(replayRequest(req, text), res);
        const type = req.headers['content-type'] ?? '';
        if (isJsonContentType(type) && text.length > 0) {
          try {
            body = JSON.parse(text);
          } catch {
            return sendJson(res, 400, {
              errors: [
                {
                  message: 'The request body is not valid JSON',
                  extensions: { code: ErrorCode.BAD_REQUEST },
                },
              ],
            });
          }
        } else {
          body = text;
        }
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const execute = (signal?: Deadline) =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: (req.method ?? 'GET').toUpperCase(),
            headers,
            search: url.search,
            body,
          },
          context: () => options.context(req, signal),
        });
      const timeoutMs = options.requestTimeoutMs;
      const response = timeoutMs === undefined ? await execute() : await withDeadline(timeoutMs, execute);
      if (response === 'timeout') return sendJson(res, 504, requestTimeoutBody(timeoutMs!));
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (err) {
      logger.error({ err, path: url.pathname }, 'http handler failed');
      if (!res.headersSent)
        sendJson(res, 500, {
          errors: [
            { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } },
          ],
        });
      else res.destroy();
    }
  };
}
