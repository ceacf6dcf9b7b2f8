/**
 * What the HTTP handler accepts as a request body: the content types (415 for others, CSRF-prone simple
 * types left to Apollo), strict UTF-8, and a stand-in request replaying a body already read within the
 * size limit.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/**
 * The content types a browser may send without a CORS preflight: left to Apollo's CSRF prevention,
 * which refuses them (400) unless the request carries a preflight header.
 */
const SIMPLE_TYPES = /^(text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)\b/i;
const JSON_TYPES = /^application\/(graphql-response\+)?json\s*(;|$)/i;

/**
 * Whether a POST's `content-type` is one the gateway does not accept (415): present, not JSON
 * (`application/json`, as GraphQL over HTTP requires), and not one of the CSRF-prone simple types, which
 * get Apollo's CSRF answer instead. A missing content type is left to Apollo (400).
 */
export function isUnsupportedMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return false;
  return !isJsonContentType(contentType) && !SIMPLE_TYPES.test(contentType);
}

/** Whether a `content-type` is JSON as GraphQL over HTTP sends it (the body is parsed as JSON). */
export const isJsonContentType = (contentType: string): boolean => JSON_TYPES.test(contentType);

/** Decodes a body as UTF-8, throwing a TypeError on any invalid byte sequence. */
export const decodeUtf8 = (bytes: Buffer): string => STRICT_UTF8.decode(bytes);
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A stand-in for a request whose body has already been read (within the size limit): the same method,
 * URL and headers, and a stream of `body`. Lets a handler that reads the body itself (graphql-sse) see
 * only a bounded one.
 */
export function replayRequest(req: IncomingMessage, body: string): IncomingMessage {
  return Object.assign(Readable.from(body ? [body] : []), {
    method: req.method,
    url: req.url,
    headers: req.headers,
    [ORIGINAL]: req,
  }) as unknown as IncomingMessage;
}

const ORIGINAL = Symbol('original request');

/** The request a {@link replayRequest} stands in for (what was authenticated); else `req` itself. */
export function originalRequest(req: IncomingMessage): IncomingMessage {
  return (req as { [ORIGINAL]?: IncomingMessage })[ORIGINAL] ?? req;
}
