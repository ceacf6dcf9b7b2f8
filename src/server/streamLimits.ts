/**
 * The operation limits and production rules on the streaming transports, which bypass Apollo's request
 * pipeline: an `onSubscribe` for graphql-ws and one for graphql-sse that size-check, parse (with
 * `maxTokens`), validate (the shape limits, no introspection in production) and cost-check every
 * operation before anything runs, and the WebSocket connection rules (subscriptions per connection, idle
 * and ping timeouts, a bounded send buffer).
 */
import {
  GraphQLError,
  validate,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { IncomingMessage } from 'node:http';
import { WebSocket as WebSocketClass, type WebSocket, type WebSocketServer } from 'ws';
import { createDocumentCache } from './documentCache.js';
import { prepareOperation, validationRules, type DocumentSteps, type OperationLimits } from './limits.js';
import type { GraphContext } from './context.js';
import { ErrorCode } from '../errors.js';
import { introspectionOffRule } from './introspection.js';

/** What the streaming transports check an operation against: the schema, the operation limits, production mode. */
export interface StreamLimitOptions {
  readonly schema: GraphQLSchema;
  readonly limits: OperationLimits;
  /** No field suggestions in error messages. */
  readonly production: boolean;
  /** `__schema` and `__type` may be queried. */
  readonly introspection: boolean;
}

/** Drops graphql-js's "Did you mean …?" hints, as Apollo's `hideSchemaDetailsFromClientErrors` does. */
function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = error.message.replace(/ ?Did you mean(.+?)\?$/, '');
  if (message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    extensions: error.extensions,
  });
}

interface Payload {
  readonly query: string;
  readonly operationName?: string | null | undefined;
  readonly variables?: Record<string, unknown> | null | undefined;
}

/**
 * The limits check of one transport. Documents are parsed and validated once per distinct query text
 * (documentCache.ts): ten thousand subscribers of one dashboard share one syntax tree. Cost and variables
 * depend on each request's variables, so they are checked every time.
 */
function preparer(options: StreamLimitOptions) {
  const rules = validationRules(options.limits, options.introspection ? [] : [introspectionOffRule]);
  const documents = createDocumentCache({ maxQueryChars: options.limits.maxQueryChars });
  const steps: DocumentSteps = {
    parse: (query, parseOptions) => documents.parse(query, parseOptions),
    validate: documents.validated((schema, document) => validate(schema, document, rules)),
  };
  return (payload: Payload) => {
    const prepared = prepareOperation(options.schema, payload, options.limits, rules, steps);
    if ('errors' in prepared && options.production)
      return { errors: prepared.errors.map(withoutSuggestions) };
    return prepared;
  };
}

/** A rejection of an operation that would open one subscription too many on a connection. */
function tooManySubscriptions(max: number): GraphQLError {
  return new GraphQLError(
    `This connection already holds ${max} subscriptions: complete some, or watch many loads with one loadsChanged(ids:).`,
    { extensions: { code: ErrorCode.BAD_REQUEST, limit: 'subscriptionsPerConnection', max } },
  );
}

/**
 * graphql-ws `onSubscribe`: the execution arguments of an operation within the limits, else its errors
 * (sent as the protocol's `error` message, through the transport's `onError`). `active` is how many
 * operations the connection holds, this one included.
 */
export function createWsOnSubscribe(options: StreamLimitOptions & { readonly maxSubscriptions: number }) {
  const prepare = preparer(options);
  return (
    active: number,
    payload: Payload,
  ): readonly GraphQLError[] | Omit<ExecutionArgs, 'contextValue'> => {
    if (active > options.maxSubscriptions) return [tooManySubscriptions(options.maxSubscriptions)];
    const prepared = prepare(payload);
    if ('errors' in prepared) return prepared.errors;
    return {
      schema: options.schema,
      document: prepared.document,
      operationName: payload.operationName ?? null,
      variableValues: payload.variables ?? null,
    };
  };
}

/**
 * graphql-sse `onSubscribe`: the execution arguments (with a fresh context) of an operation within the
 * limits; else, as graphql-sse does for validation errors, the errors on the event stream when the
 * client asked for one (`accept: text/event-stream`), or a 400 JSON response.
 */
export function createSseOnSubscribe(
  options: StreamLimitOptions & {
    /** The context of an admitted request (its principal). */
    readonly createContext: (req: IncomingMessage) => GraphContext;
    /** Gives graphql-js's parse and validation errors their request error codes. */
    readonly withCode: (error: GraphQLError) => GraphQLError;
    readonly formatErrors: (errors: readonly GraphQLError[]) => GraphQLFormattedError[];
  },
) {
  const prepare = preparer(options);
  return (
    raw: IncomingMessage,
    accept: string | null,
    payload: Payload,
  ):
    | ExecutionArgs
    | AsyncGenerator<ExecutionResult>
    | [string, { status: number; statusText: string; headers: Record<string, string> }] => {
    const prepared = prepare(payload);
    if ('errors' in prepared) {
      // An async iterable of one result: graphql-sse streams it as `next`, then `complete`.
      if (accept === 'text/event-stream') return oneResult({ errors: prepared.errors.map(options.withCode) });
      return [
        JSON.stringify({ errors: options.formatErrors(prepared.errors) }),
        {
          status: 400,
          statusText: 'Bad Request',
          headers: { 'content-type': 'application/json; charset=utf-8' },
        },
      ];
    }
    return {
      schema: options.schema,
      document: prepared.document,
      operationName: payload.operationName ?? null,
      variableValues: payload.variables ?? null,
      contextValue: options.createContext(raw),
    };
  };
}

async function* oneResult(result: ExecutionResult): AsyncGenerator<ExecutionResult> {
  yield result;
}

/** The WebSocket connection rules (WS_* settings): subscriptions, idle time, pings, send buffer. */
export interface SocketRules {
  /** Close code 1000 after this long with no operation running and no message from the client. */
  readonly idleTimeoutMs: number;
  /** A ping every this often; a client that has not answered the previous one is dropped. */
  readonly pingIntervalMs: number;
  /** Operations the connection of `socket` is running now. */
  readonly activeOperations: (socket: WebSocket) => number;
}

/** Close code for a client that does not read fast enough ("try again later": it may reconnect). */
export const SLOW_CONSUMER_CLOSE_CODE = 1013;

/**
 * What the rules track per connection, as fields of the socket itself: ten thousand connections cost no
 * timer and no closure each (one sweep and one pinger serve them all).
 */
interface RuledSocket extends WebSocket {
  /** `performance.now()` when the client last sent a message or the connection last ran an operation. */
  lastActiveAt: number;
  /** Whether the client answered the last ping. */
  answeredPing: boolean;
}

/**
 * The socket class of a WebSocket server (its `WebSocket` option) whose sends are bounded: after each
 * send, a socket holding more than `maxBufferedBytes` unsent is closed with 1013 and sent nothing more,
 * and terminated if even the close cannot get through within `graceMs`.
 */
export function boundedSocketClass(maxBufferedBytes: number, graceMs = 1_000): typeof WebSocket {
  return class BoundedSocket extends WebSocketClass implements RuledSocket {
    lastActiveAt = performance.now();
    answeredPing = true;
    private slow = false;

    // One signature for both of ws's overloads (data, cb) and (data, options, cb).
    override send(data: unknown, ...rest: unknown[]): void {
      if (this.slow) return;
      (super.send as (...a: unknown[]) => void)(data, ...rest);
      if (this.bufferedAmount <= maxBufferedBytes) return;
      this.slow = true;
      this.close(
        SLOW_CONSUMER_CLOSE_CODE,
        `Slow consumer: over ${maxBufferedBytes} bytes waiting to be sent`,
      );
      setTimeout(() => this.terminate(), graceMs).unref();
    }
  };
}

/** Listeners shared by every socket (ws calls them with the socket as `this`). */
function heard(this: WebSocket): void {
  (this as RuledSocket).lastActiveAt = performance.now();
}

function answered(this: WebSocket): void {
  (this as RuledSocket).answeredPing = true;
}

/**
 * Applies {@link SocketRules} to every connection of `wss` (made with a {@link boundedSocketClass}):
 * one interval pings every client and drops those that did not answer the last ping; another closes
 * connections idle for `idleTimeoutMs` (checked every tenth of it, between 100 ms and 5 s).
 */
export function applySocketRules(wss: WebSocketServer, rules: SocketRules): void {
  wss.on('connection', (socket: WebSocket) => {
    socket.on('pong', answered);
    socket.on('message', heard);
  });
  const sockets = () => wss.clients as Set<RuledSocket>;
  const pinger = setInterval(() => {
    for (const socket of sockets()) {
      if (!socket.answeredPing) {
        socket.terminate();
        continue;
      }
      socket.answeredPing = false;
      socket.ping();
    }
  }, rules.pingIntervalMs);
  pinger.unref();
  const sweep = setInterval(
    () => {
      const now = performance.now();
      for (const socket of sockets()) {
        if (rules.activeOperations(socket) > 0) socket.lastActiveAt = now;
        else if (now - socket.lastActiveAt >= rules.idleTimeoutMs) socket.close(1000, 'Idle timeout');
      }
    },
    Math.min(5_000, Math.max(100, rules.idleTimeoutMs / 10)),
  );
  sweep.unref();
  wss.on('close', () => {
    clearInterval(pinger);
    clearInterval(sweep);
  });
}
