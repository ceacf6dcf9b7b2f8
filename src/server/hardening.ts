/**
 * The HTTP side of what no input can do, beside the operation limits: security headers, the request
 * content types the gateway accepts (415 for others), strict UTF-8 bodies, the application-level request
 * timeout, and the request id on masked internal errors. Small pieces the HTTP handler and the gateway
 * call; each says its contract.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ApolloServerPlugin } from '@apollo/server';
import { requestAbandoned } from '../upstream/errors.js';
import type { GraphContext } from './context.js';
import { ErrorCode } from '../errors.js';

/** Headers on every response: no MIME sniffing, no framing, no referrer. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
}

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

/** The answer to a request that ran past REQUEST_TIMEOUT_MS (504). */
export function requestTimeoutBody(timeoutMs: number) {
  return {
    errors: [
      {
        message: `The request took longer than ${timeoutMs} ms and was abandoned: ask for less (fewer ids, smaller pages, fewer fields) or retry later.`,
        extensions: { code: ErrorCode.REQUEST_TIMEOUT },
      },
    ],
  };
}

/** Whether a request has run past its deadline: all its work needs of an AbortSignal. */
export type Deadline = Pick<AbortSignal, 'aborted'>;

/**
 * Runs `work` with a {@link Deadline} that passes after `timeoutMs`; resolves to `work`'s result, or to
 * `'timeout'` when the deadline comes first (the work sees it passed and its outcome is ignored). A flag,
 * not an AbortController: nothing listens for the abort, and a controller per request costs more than
 * the rest of the deadline together.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  work: (deadline: Deadline) => Promise<T>,
): Promise<T | 'timeout'> {
  const state = { aborted: false };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      state.aborted = true;
      resolve('timeout');
    }, timeoutMs);
  });
  const running = work(state);
  running.catch(() => undefined);
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `target` with every method call refused once `signal` has fired: a request past its deadline starts no
 * further upstream write. (Its reads stop in its loaders, which get the signal.)
 */
export function abandonable<T extends object>(target: T, signal: Deadline): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        signal.aborted
          ? Promise.reject(requestAbandoned())
          : (value as (...a: unknown[]) => unknown).apply(object, args);
    },
  });
}

/**
 * Adds the request id to every INTERNAL_SERVER_ERROR a client gets, so the masked error can be matched
 * with its logged detail.
 */
export function requestIdOnInternalErrorsPlugin(): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors?.length || !contextValue?.requestId) return;
          response.body.singleResult.errors = errors.map((e) =>
            e.extensions?.['code'] === ErrorCode.INTERNAL_SERVER_ERROR
              ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } }
              : e,
          );
        },
      };
    },
  };
}
