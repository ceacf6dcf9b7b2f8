/**
 * The streaming transports: graphql-ws (`graphql-transport-ws`) on the HTTP server's GraphQL path, and
 * GraphQL over SSE (graphql-sse). Both bypass Apollo's request pipeline, so they re-apply what an HTTP
 * request goes through: the same parse limits, validation rules (introspection off in production), per-
 * operation context and the same error funnel. Subscriptions run in shared groups (subscriptionGroups.ts):
 * a source stream that fails (NOT_FOUND, persistent upstream trouble) ends its subscription with a last
 * `next` carrying the formatted error, then `complete`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  execute,
  GraphQLError,
  Kind,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { TOKEN_HEADER_KEY, TOKEN_QUERY_KEY, type Response as SseResponse } from 'graphql-sse';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/http';
import { CloseCode, DEPRECATED_GRAPHQL_WS_PROTOCOL, GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { outcomeOf, type AccessLog, type RequestScope, type Transport } from './accessLog.js';
import type { Admission, WsConnection } from './auth/admission.js';
import type { Principal } from './auth/principal.js';
import { scopeOf, type GraphContext } from './context.js';
import type { AppLogger } from './logger.js';
import type { RequestGuard } from './subgraphSecret.js';
import type { OperationLimits } from './limits.js';
import {
  applySocketRules,
  boundedSocketClass,
  createSseOnSubscribe,
  createWsOnSubscribe,
  type SocketRules,
} from './streamLimits.js';
import { createSubscriptionGroups, type DeliverySink } from './subscriptionGroups.js';
import { ErrorCode } from '../errors.js';

/** The error funnel's signature (server/errors.ts): a formatted error in, the one the client gets out. */
export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** What both streaming transports need: the schema, the error funnel, the limits and the context factory. */
export interface StreamingOptions {
  readonly schema: GraphQLSchema;
  readonly production: boolean;
  /** `__schema` and `__type` may be queried. */
  readonly introspection: boolean;
  readonly formatError: FormatError;
  readonly createContext: (principal?: Principal) => GraphContext;
  readonly logger: AppLogger;
  /** Authentication and per-principal limits; none: every caller is anonymous. */
  readonly admission?: Admission | undefined;
  /** The operation limits, the same as on HTTP. */
  readonly operationLimits: OperationLimits;
  /** One access line per completed operation. */
  readonly accessLog?: AccessLog | undefined;
}

/** One streamed operation, from its subscribe message to its completion, for the access log. */
interface StreamedOperation {
  readonly started: number;
  /** Its context's scope (where its upstream calls count), or one of its own when it has none. */
  scope: RequestScope;
  /** Known once the transport has built the operation's context (before it executes). */
  context: GraphContext | undefined;
  readonly operationName: string | undefined;
  readonly operationType: string | undefined;
  outcome: string;
  /** graphql-ws only: where the operation's subscription group writes its results. */
  sink?: DeliverySink | undefined;
}

function streamedOperation(args: ExecutionArgs): StreamedOperation {
  const context = args.contextValue as GraphContext | undefined;
  const definition = args.document.definitions.find(
    (d) => d.kind === 'OperationDefinition' && (!args.operationName || d.name?.value === args.operationName),
  );
  return {
    started: performance.now(),
    scope: (context && scopeOf(context)) ?? { requestId: context?.requestId, upstreamCalls: 0 },
    context,
    operationName:
      args.operationName ?? (definition?.kind === 'OperationDefinition' ? definition.name?.value : undefined),
    operationType: definition?.kind === 'OperationDefinition' ? definition.operation : undefined,
    outcome: 'success',
  };
}

function writeAccess(
  options: StreamingOptions,
  transport: Transport,
  op: StreamedOperation | undefined,
): void {
  if (!op || !options.accessLog) return;
  options.accessLog.write({
    transport,
    operationName: op.operationName,
    operationType: op.operationType,
    durationMs: performance.now() - op.started,
    outcome: op.outcome,
    requestId: op.scope.requestId,
    principal: op.context?.principal.id,
    upstreamCalls: op.scope.upstreamCalls,
  });
}

/** Runs the operation of `args`, its context and scope (where its upstream calls count) noted first. */
function inScope<T>(op: StreamedOperation | undefined, args: ExecutionArgs, fn: () => T): T {
  if (!op) return fn();
  op.context = args.contextValue as GraphContext | undefined;
  op.scope = (op.context && scopeOf(op.context)) ?? op.scope;
  op.scope.requestId = op.context?.requestId;
  return fn();
}

/**
 * Gives graphql-js's own request errors the code Apollo gives them on HTTP: syntax errors
 * GRAPHQL_PARSE_FAILED, validation errors GRAPHQL_VALIDATION_FAILED (without one, the error funnel would
 * mask them as internal errors).
 */
function withRequestErrorCode(error: GraphQLError): GraphQLError {
  if (error.extensions['code'] || error.originalError) return error;
  const code = error.message.startsWith('Syntax Error')
    ? ErrorCode.GRAPHQL_PARSE_FAILED
    : ErrorCode.GRAPHQL_VALIDATION_FAILED;
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    extensions: { ...error.extensions, code },
  });
}

/** The request errors of an operation (parse, validation, limits) as a client gets them. */
function formatRequestErrors(
  errors: readonly GraphQLError[],
  formatError: FormatError,
): GraphQLFormattedError[] {
  return errors.map(withRequestErrorCode).map((e) => formatError(e.toJSON(), e));
}

function formatResult(result: ExecutionResult, formatError: FormatError): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((e) => formatError(e.toJSON(), e) as unknown as GraphQLError),
  };
}

const CLOSING_BRACE = 0x7d;
const TEXT_FRAME = { binary: false } as const;

/**
 * Writes a group's serialized payload to `socket` as the `next` message of operation `id`: the message's
 * head (kept as one string per operation), the group's bytes and the closing brace, copied into one buffer
 * sent as a text frame. The socket's `send` is the one the send-buffer bound wraps, so a slow consumer is
 * closed alike on this path.
 */
function nextMessageSink(socket: WebSocket, id: string): DeliverySink {
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  // Measured once, which also makes it one flat string, not the pieces of the template, for its life.
  const headBytes = Buffer.byteLength(head);
  return (payload) => {
    if (socket.readyState !== socket.OPEN) return;
    // Bytes, not a string: the payload is encoded once for the group, not once per socket.
    const body = payload.bytes;
    const message = Buffer.allocUnsafe(headBytes + body.length + 1);
    message.write(head, 0, headBytes, 'utf8');
    body.copy(message, headBytes);
    message[message.length - 1] = CLOSING_BRACE;
    socket.send(message, TEXT_FRAME);
  };
}

/** The graphql-ws endpoint attached to the HTTP server. */
export interface WebSocketTransport {
  /** Completes every subscription, closes sockets with 1001 (clients reconnect), stops accepting. */
  close(): Promise<void>;
  readonly clientCount: () => number;
}

/**
 * Serves graphql-ws on `path` of `httpServer`, with the socket rules, admission and shared subscription
 * groups; `close()` ends it.
 */
export function attachWebSocket(
  httpServer: Server,
  path: string,
  options: StreamingOptions & {
    readonly maxPayloadBytes: number;
    readonly connectionInitTimeoutMs: number;
    /** Checked on the upgrade request's headers; a refusal answers the upgrade with its HTTP status. */
    readonly guard?: RequestGuard | undefined;
    /** Subscriptions per connection, idle and ping timeouts, send buffer. */
    readonly socketRules: Omit<SocketRules, 'activeOperations'> & {
      readonly maxSubscriptions: number;
      /** Bytes queued for one client beyond which it is closed with 1013 as a slow consumer. */
      readonly maxBufferedBytes: number;
    };
  },
): WebSocketTransport {
  const { guard, admission } = options;
  const wss = new WebSocketServer({
    server: httpServer,
    path,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
    WebSocket: boundedSocketClass(options.socketRules.maxBufferedBytes),
    ...(guard
      ? {
          verifyClient: (
            info: { req: { headers: Parameters<RequestGuard>[0] } },
            done: (ok: boolean, status?: number, message?: string) => void,
          ) => {
            const refusal = guard(info.req.headers);
            if (refusal) done(false, refusal.status, refusal.message);
            else done(true);
          },
        }
      : {}),
  });
  wss.on('error', (err) => options.logger.error({ err }, 'websocket server error'));
  refuseOtherSubprotocols(wss);
  const connections = new WeakMap<object, { subscriptions: object }>();
  applySocketRules(wss, {
    ...options.socketRules,
    activeOperations: (socket) => Object.keys(connections.get(socket)?.subscriptions ?? {}).length,
  });
  const limitOperation = createWsOnSubscribe({
    schema: options.schema,
    limits: options.operationLimits,
    production: options.production,
    introspection: options.introspection,
    maxSubscriptions: options.socketRules.maxSubscriptions,
  });
  // A group's result is formatted (the error funnel onNext applies) and serialized once for all its
  // members, and each member writes it to its socket itself; see subscriptionGroups.ts.
  const groups = createSubscriptionGroups({
    serialize: (result) => JSON.stringify(formatResult(result, options.formatError)),
  });
  /** Per connection and operation id: the access-log record of an operation under way. */
  const operations = new WeakMap<object, Map<string, StreamedOperation>>();
  const operationOf = (ctx: object, id: string): StreamedOperation | undefined =>
    operations.get(ctx)?.get(id);
  /**
   * Per operation (its execution arguments): its record, with the sink its results go to. A workaround,
   * and why: graphql-ws's `subscribe` hook receives only the `ExecutionArgs` object `onSubscribe` returned
   * (graphql-ws passes that very object on), not the socket or the operation id, and the group member
   * must know its sink when it joins, inside `subscribe`; `onOperation`, which does see both, runs only
   * after. Should a later graphql-ws pass a copy, the lookup misses and the member falls back to the
   * transport's own iteration and `next` frames: slower, same messages (and no scope for the access log).
   * The `next` frame is written by hand (nextMessageSink) so one serialization serves every member; see
   * subscriptionGroups.ts.
   */
  const byArgs = new WeakMap<ExecutionArgs, StreamedOperation>();
  const operationOfArgs = (args: ExecutionArgs): StreamedOperation | undefined => byArgs.get(args);
  const cleanup = useServer<Record<string, unknown> | undefined, { context?: GraphContext }>(
    {
      // Internal errors never reach a client, whatever NODE_ENV (which graphql-ws would read itself); it
      // also keeps graphql-ws from writing to the console about refused legacy clients.
      isProd: true,
      schema: options.schema,
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      onSubscribe: (ctx, id, payload) => {
        connections.set(ctx.extra.socket, ctx);
        const refused = admission?.onSubscribe(ctx as WsConnection, id, payload.operationName);
        if (refused) return refused;
        const result = limitOperation(Object.keys(ctx.subscriptions).length, payload);
        if (Array.isArray(result)) return [...result];
        const args = result as ExecutionArgs;
        const op = streamedOperation(args);
        if (!operations.has(ctx)) operations.set(ctx, new Map());
        operations.get(ctx)!.set(id, op);
        op.sink = nextMessageSink(ctx.extra.socket, id);
        // graphql-ws passes this object on to `subscribe`.
        byArgs.set(args, op);
        return args;
      },
      execute: (args) => inScope(operationOfArgs(args), args, () => execute(args)),
      // Subscribers of one document, variables and scope share one execution per event (subscriptionGroups.ts).
      subscribe: (args) => {
        const op = operationOfArgs(args);
        return inScope(op, args, () => groups.subscribe(args, op?.sink));
      },
      context: (ctx) => options.createContext(admission?.connectionPrincipal(ctx as WsConnection)),
      onConnect: async (ctx) => {
        const admitted = admission ? await admission.onConnect(ctx as WsConnection) : true;
        // The upgrade request (its headers and socket details) is not needed after admission: not kept
        // for the life of the connection.
        (ctx.extra as { request?: unknown }).request = undefined;
        return admitted;
      },
      ...(admission ? { onClose: (ctx) => admission.onClose(ctx as WsConnection) } : {}),
      onNext: (ctx, id, _payload, _args, result) => {
        const formatted = formatResult(result, options.formatError);
        const op = operationOf(ctx, id);
        if (op && op.outcome === 'success') op.outcome = outcomeOf(formatted.errors as never);
        return formatted;
      },
      onError: (ctx, id, payload, errors) => {
        const formatted = formatRequestErrors(errors, options.formatError);
        const op = operationOf(ctx, id) ?? {
          ...streamedOperation({
            document: { kind: Kind.DOCUMENT, definitions: [] },
            schema: options.schema,
          }),
          operationName: payload.operationName ?? undefined,
        };
        op.outcome = outcomeOf(formatted);
        writeAccess(options, 'ws', op);
        operations.get(ctx)?.delete(id);
        return formatted;
      },
      onComplete: (ctx, id) => {
        writeAccess(options, 'ws', operationOf(ctx, id));
        operations.get(ctx)?.delete(id);
      },
    },
    wss,
    // No graphql-ws keep-alive: the socket rules ping every connection already (one timer for all of
    // them, where graphql-ws keeps one interval per socket).
    0,
  );
  // After useServer, which sets its own: it selects no subprotocol for a client that offers another one,
  // and such a client (subscriptions-transport-ws among them) then fails with a bare 1006 before it could
  // read why. Selecting what it offers lets it read the close reason above.
  wss.options.handleProtocols = (offered: Set<string>) =>
    offered.has(GRAPHQL_TRANSPORT_WS_PROTOCOL)
      ? GRAPHQL_TRANSPORT_WS_PROTOCOL
      : (offered.values().next().value ?? false);
  return {
    clientCount: () => wss.clients.size,
    async close() {
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Close reasons (at most 123 bytes) for a client that speaks another subprotocol than graphql-transport-ws. */
export const SUBPROTOCOL_REFUSAL = {
  legacy:
    'graphql-ws (subscriptions-transport-ws) is not supported: use graphql-transport-ws (the graphql-ws library)',
  other: 'Subprotocol not acceptable: use graphql-transport-ws (the graphql-ws library)',
} as const;

/**
 * Closes with 4406 and a reason naming the protocol to use every connection that does not speak
 * graphql-transport-ws. Registered before graphql-ws's own listener, whose close (a bare "Subprotocol not
 * acceptable") then does nothing.
 */
function refuseOtherSubprotocols(wss: WebSocketServer): void {
  wss.on('connection', (socket) => {
    if (socket.protocol === GRAPHQL_TRANSPORT_WS_PROTOCOL) return;
    socket.close(
      CloseCode.SubprotocolNotAcceptable,
      socket.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL
        ? SUBPROTOCOL_REFUSAL.legacy
        : SUBPROTOCOL_REFUSAL.other,
    );
  });
}

/**
 * graphql-sse's stream token, as its default `authenticate` reads it (header, then `?token=`), except
 * that a GET or POST that has no token and does not accept an event stream is answered 406
 * NOT_ACCEPTABLE saying what to send: left to graphql-sse it reads as a single-connection request for a
 * stream that was never reserved, a bare 404 "Stream not found".
 */
function streamToken(req: {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null | undefined };
}): string | SseResponse {
  const token =
    req.headers.get(TOKEN_HEADER_KEY) ?? new URL(req.url, 'http://gateway').searchParams.get(TOKEN_QUERY_KEY);
  if (token) return token;
  if ((req.method === 'GET' || req.method === 'POST') && req.headers.get('accept') !== 'text/event-stream') {
    const message =
      'GraphQL over SSE answers with an event stream: send the header "accept: text/event-stream" ' +
      `(or, for graphql-sse's single-connection mode, reserve a stream with PUT first and pass its token in ${TOKEN_HEADER_KEY})`;
    return [
      JSON.stringify({ errors: [{ message, extensions: { code: 'NOT_ACCEPTABLE' } }] }),
      {
        status: 406,
        statusText: 'Not Acceptable',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
    ];
  }
  return randomUUID();
}

/** The GraphQL over SSE handler (`/graphql/stream`). */
export function createSseTransport(options: StreamingOptions) {
  const limitSse = createSseOnSubscribe({
    schema: options.schema,
    limits: options.operationLimits,
    production: options.production,
    introspection: options.introspection,
    createContext: (raw) => options.createContext(options.admission?.principalOf(raw)),
    withCode: withRequestErrorCode,
    formatErrors: (errors) => formatRequestErrors(errors, options.formatError),
  });
  // SSE subscribers share executions as WebSocket ones do; graphql-sse formats each result (onNext below).
  const groups = createSubscriptionGroups();
  /** Per request (graphql-sse passes the same object to every hook) and per execution: the access record. */
  const byRequest = new WeakMap<object, StreamedOperation>();
  const byArgs = new WeakMap<ExecutionArgs, StreamedOperation>();
  const handler = createSseHandler<GraphContext & Record<PropertyKey, unknown>>({
    schema: options.schema,
    authenticate: streamToken,
    // graphql-sse validates what onSubscribe returns once more; the limits check has already validated it
    // with the same rules and more.
    validate: () => [],
    execute: (args) => inScope(byArgs.get(args), args, () => execute(args)),
    subscribe: (args) => inScope(byArgs.get(args), args, () => groups.subscribe(args)),
    // No `context` option: the arguments onSubscribe returns carry the caller's context already.
    onSubscribe: (req, params) => {
      const result = limitSse(req.raw, req.headers.get('accept') ?? null, params);
      if (result && !Array.isArray(result) && 'document' in result && 'schema' in result) {
        const op = streamedOperation(result as ExecutionArgs);
        byRequest.set(req, op);
        byArgs.set(result as ExecutionArgs, op);
      }
      return result as ReturnType<typeof limitSse> & undefined;
    },
    onNext: (_ctx, req, result) => {
      const formatted = formatResult(result as ExecutionResult, options.formatError);
      const op = byRequest.get(req);
      if (op && op.outcome === 'success') op.outcome = outcomeOf(formatted.errors as never);
      return formatted;
    },
    onComplete: (_ctx, req) => writeAccess(options, 'sse', byRequest.get(req)),
  });
  return (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // graphql-sse takes only the exact `text/event-stream`; a client listing it among others means it.
    const accept = req.headers.accept;
    if (accept && accept !== 'text/event-stream' && /(^|,)\s*text\/event-stream\s*(;|,|$)/.test(accept))
      req.headers.accept = 'text/event-stream';
    return handler(req, res);
  };
}
