/**
 * A lean HTTP/1.1 request handler for the Smithy clients, in place of `NodeHttpHandler` (issue 18): the
 * same requests on the same keep-alive agents, the same cuts and error names, at less CPU per call. Per
 * request it keeps one timer at a time and a few listeners: the connection or head cut, then the body
 * cut (the same timer refreshed when the two durations are equal, a second one when they are not, as
 * with the default 3 s connect and 9 s attempt cuts), where `NodeHttpHandler` arms up to four timers (connection, request, socket-usage warning, deferred keep-alive) plus a socket
 * timeout and its listeners; and it collects the response body itself into one `Buffer`, where the SDK
 * pipes the response stream through a collector stream in the deserializer. A `Uint8Array` body is what
 * `collectBody` (every deserializer, success and error) takes as it is.
 *
 * Observable behaviour, as `NodeHttpHandler` with `throwOnRequestTimeout` (the retry strategy retries
 * every `TimeoutError`; errors.ts maps them to UPSTREAM_TIMEOUT):
 * - `connectTimeoutMs`: no connected socket that long after the call started (queueing for a socket
 *   included) → `TimeoutError`, the request destroyed;
 * - `requestTimeoutMs` (or the per-call `requestTimeout`): no response head that long after the call
 *   started → `TimeoutError` with code `ETIMEDOUT`;
 * - `socketTimeoutMs`: once the head came, no body bytes for that long → `TimeoutError`;
 * - a request error with code ECONNRESET, EPIPE or ETIMEDOUT is renamed `TimeoutError`; others (such as
 *   ECONNREFUSED) pass as they are; an error while reading the body passes as it is;
 * - an aborted `abortSignal` → `AbortError` (with the reason as `cause`), the request destroyed;
 * - the URL: path, query (`buildQueryString`), fragment, IPv6 brackets and basic auth as NodeHttpHandler
 *   builds them; bodies as string, Buffer, Uint8Array or Readable (piped).
 * Not supported, as the gateway needs none: streaming response payloads (the body is always collected),
 * `Expect: 100-continue`, HTTP/2, and the socket-usage warning. Internal to the upstream layer.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { buildQueryString, HttpResponse, type HttpHandler, type HttpRequest } from '@smithy/core/protocols';
import type { HttpHandlerOptions } from '@smithy/types';

/** What a {@link LeanHttpHandler} is built from; every timeout is off when absent or 0. */
export interface LeanHttpHandlerOptions {
  /** Agent for `http:` endpoints; default a keep-alive agent of 50 sockets. */
  readonly httpAgent?: HttpAgent;
  /** Agent for `https:` endpoints; default a keep-alive agent of 50 sockets. */
  readonly httpsAgent?: HttpsAgent;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly socketTimeoutMs?: number;
}

/**
 * The handler's settings under `NodeHttpHandler`'s names, as the SDK's runtime extensions read and write
 * them.
 */
export interface LeanHttpHandlerConfig {
  connectionTimeout?: number;
  requestTimeout?: number;
  socketTimeout?: number;
  throwOnRequestTimeout: true;
}

const TIMEOUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function timeoutError(message: string, code?: string): Error {
  const error = new Error(`@smithy/node-http-handler - ${message}`);
  error.name = 'TimeoutError';
  if (code) Object.assign(error, { code });
  return error;
}

/** NodeHttpHandler's `buildAbortError`. */
function abortError(signal: HttpHandlerOptions['abortSignal']): Error {
  const reason: unknown =
    signal && typeof signal === 'object' && 'reason' in signal ? signal.reason : undefined;
  const error = new Error(reason && !(reason instanceof Error) ? String(reason) : 'Request aborted');
  error.name = 'AbortError';
  if (reason instanceof Error) error.cause = reason;
  return error;
}

function responseHeaders(res: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in res.headers) {
    const value = res.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function writeBody(req: ClientRequest, body: unknown): void {
  if (body instanceof Readable) {
    body.pipe(req);
  } else if (!body) {
    req.end();
  } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
    if (Buffer.isBuffer(body) && body.byteLength === 0) req.end();
    else req.end(body);
  } else if (ArrayBuffer.isView(body)) {
    req.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  } else {
    req.end(Buffer.from(body as ArrayBuffer));
  }
}

/** The handler the module describes; give each client its own, and `destroy` it with the client. */
export class LeanHttpHandler implements HttpHandler<LeanHttpHandlerConfig> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly config: LeanHttpHandlerConfig;

  constructor(options: LeanHttpHandlerOptions = {}) {
    this.httpAgent = options.httpAgent ?? new HttpAgent({ keepAlive: true, maxSockets: 50 });
    this.httpsAgent = options.httpsAgent ?? new HttpsAgent({ keepAlive: true, maxSockets: 50 });
    this.config = {
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      socketTimeout: options.socketTimeoutMs,
      throwOnRequestTimeout: true,
    };
  }

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  updateHttpClientConfig(key: keyof LeanHttpHandlerConfig, value: LeanHttpHandlerConfig[typeof key]): void {
    if (key !== 'throwOnRequestTimeout') this.config[key] = value as number | undefined;
  }

  httpHandlerConfigs(): LeanHttpHandlerConfig {
    return this.config;
  }

  handle(
    request: HttpRequest,
    { abortSignal, requestTimeout }: HttpHandlerOptions = {},
  ): Promise<{ response: HttpResponse }> {
    const { connectionTimeout: connectMs = 0, socketTimeout: socketMs = 0 } = this.config;
    const headMs = requestTimeout ?? this.config.requestTimeout ?? 0;
    return new Promise((resolve, reject) => {
      if (abortSignal?.aborted) {
        reject(abortError(abortSignal));
        return;
      }
      const isSsl = request.protocol === 'https:';
      let path = request.path;
      const query = request.query ? buildQueryString(request.query) : '';
      if (query) path += `?${query}`;
      if (request.fragment) path += `#${request.fragment}`;
      const hostname = request.hostname;
      const auth =
        request.username != null || request.password != null
          ? `${request.username ?? ''}:${request.password ?? ''}`
          : undefined;
      const req = (isSsl ? httpsRequest : httpRequest)({
        headers: request.headers,
        host: hostname[0] === '[' && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname,
        method: request.method,
        path,
        port: request.port,
        agent: isSsl ? this.httpsAgent : this.httpAgent,
        auth,
      });

      let settled = false;
      let res: IncomingMessage | undefined;
      // One timer: first for the connection (when it is the earlier cut), then for the head, then
      // re-armed for body inactivity.
      let phase: 'connect' | 'head' | 'body' =
        connectMs > 0 && (headMs <= 0 || connectMs < headMs) ? 'connect' : 'head';
      let timer: NodeJS.Timeout | undefined;
      let armedMs = 0;
      const arm = (ms: number): void => {
        if (timer && ms === armedMs) {
          timer.refresh();
          return;
        }
        if (timer) clearTimeout(timer);
        armedMs = ms;
        timer = ms > 0 ? setTimeout(onTimer, ms) : undefined;
      };
      const onAbort = (): void => {
        req.destroy();
        fail(abortError(abortSignal));
      };
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        if (timer) clearTimeout(timer);
        (abortSignal as AbortSignal | undefined)?.removeEventListener?.('abort', onAbort);
        return true;
      };
      const fail = (error: unknown): void => {
        if (settle()) reject(error);
      };
      function onTimer(): void {
        if (settled) return;
        if (phase === 'connect') {
          if (!req.socket || req.socket.connecting) {
            req.destroy();
            fail(
              timeoutError(
                `the request socket did not establish a connection with the server within the configured timeout of ${connectMs} ms.`,
              ),
            );
            return;
          }
          phase = 'head';
          if (headMs > 0) arm(headMs - connectMs);
          return;
        }
        if (phase === 'head') {
          const error = timeoutError(
            `[ERROR] a request has exceeded the configured ${headMs} ms requestTimeout.`,
            'ETIMEDOUT',
          );
          req.destroy(error);
          fail(error);
          return;
        }
        const error = timeoutError(
          `the request socket timed out after ${socketMs} ms of inactivity (configured by client requestHandler).`,
        );
        res?.destroy(error);
        req.destroy();
        fail(error);
      }

      arm(phase === 'connect' ? connectMs : headMs);
      if (abortSignal) {
        const signal = abortSignal as AbortSignal;
        if (typeof signal.addEventListener === 'function') {
          signal.addEventListener('abort', onAbort, { once: true });
        } else {
          abortSignal.onabort = onAbort;
        }
      }

      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code && TIMEOUT_CODES.has(err.code)) err.name = 'TimeoutError';
        fail(err);
      });
      req.on('response', (response: IncomingMessage) => {
        if (settled) {
          response.destroy();
          return;
        }
        res = response;
        phase = 'body';
        if (socketMs > 0) {
          arm(socketMs);
        } else if (timer) {
          clearTimeout(timer);
          timer = undefined;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (timer) timer.refresh();
        });
        response.on('error', fail);
        response.on('end', () => {
          if (!settle()) return;
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          resolve({
            response: new HttpResponse({
              statusCode: response.statusCode || -1,
              reason: response.statusMessage,
              headers: responseHeaders(response),
              body,
            }),
          });
        });
        response.on('close', () => {
          if (!response.complete) fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        });
      });
      writeBody(req, request.body);
    });
  }
}
