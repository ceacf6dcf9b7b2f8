/**
 * The gateway's `node:http` request handler: GraphQL over HTTP at `/graphql` (POST, and GET for queries)
 * through Apollo Server, `/healthz` and `/readyz`, and JSON 404s elsewhere. Bodies are bounded (413).
 * The GraphQL paths (HTTP and SSE) pass the request guard first, when there is one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { AppLogger } from './logger.js';
import type { RequestGuard } from './subgraphSecret.js';

export interface HttpHandlerOptions<C extends BaseContext> {
  readonly apollo: ApolloServer<C>;
  readonly graphqlPath: string;
  readonly maxBodyBytes: number;
  readonly context: (req: IncomingMessage) => Promise<C>;
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
  readonly logger: AppLogger;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
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

export function createHttpHandler<C extends BaseContext>(options: HttpHandlerOptions<C>) {
  const { apollo, graphqlPath, maxBodyBytes, logger } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gateway');
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
      if (url.pathname !== graphqlPath && url.pathname !== options.streamPath) {
        return sendJson(res, 404, {
          errors: [{ message: `Not found: the GraphQL endpoint is ${graphqlPath}` }],
        });
      }
      const refusal = options.guard?.(req.headers);
      if (refusal) {
        return sendJson(res, refusal.status, {
          errors: [{ message: refusal.message, extensions: { code: refusal.code } }],
        });
      }
      if (url.pathname === options.streamPath) return await options.stream(req, res);
      let body: unknown;
      if (req.method === 'POST') {
        let text: string;
        try {
          text = await readBody(req, maxBodyBytes);
        } catch (err) {
          if (err instanceof BodyTooLarge) {
            return sendJson(
              res,
              413,
              {
                errors: [
                  {
                    message: `Request body exceeds ${maxBodyBytes} bytes`,
                    extensions: { code: 'PAYLOAD_TOO_LARGE' },
                  },
                ],
              },
              { connection: 'close' },
            );
          }
          throw err;
        }
        const type = req.headers['content-type'] ?? '';
        if (/^application\/(graphql-response\+)?json/i.test(type) && text.length > 0) {
          try {
            body = JSON.parse(text);
          } catch {
            return sendJson(res, 400, {
              errors: [
                { message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } },
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
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: (req.method ?? 'GET').toUpperCase(),
          headers,
          search: url.search,
          body,
        },
        context: () => options.context(req),
      });
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
          errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        });
      else res.destroy();
    }
  };
}
