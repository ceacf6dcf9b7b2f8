/**
 * The streaming transports: graphql-ws (`graphql-transport-ws`) on the HTTP server's GraphQL path, and
 * GraphQL over SSE (graphql-sse). Both bypass Apollo's request pipeline, so they re-apply what an HTTP
 * request goes through: the same parse limits, validation rules (introspection off in production), per-
 * operation context and the same error funnel. Subscriptions run in shared groups (subscriptionGroups.ts):
 * a source stream that fails (NOT_FOUND, persistent upstream trouble) ends its subscription with a last
 * `next` carrying the formatted error, then `complete`.
 */
import type { Server } from 'node:http';
import {
  execute,
  GraphQLError,
  Kind,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/http';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import {
  outcomeOf,
  type AccessLog,
  type RequestScope,
  type RequestScopes,
  type Transport,
} from './accessLog.js';
import type { Admission, WsConnection } from './auth/admission.js';
import type { Principal } from './auth/principal.js';
import type { GraphContext } from './context.js';
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
  readonly formatError: FormatError;
  readonly createContext: (principal?: Principal) => GraphContext;
  readonly logger: AppLogger;
  /** Authentication and per-principal limits; none: every caller is anonymous. */
  readonly admission?: Admission | undefined;
  /** The operation limits, the same as on HTTP. */
  readonly operationLimits: OperationLimits;
  /** One access line per completed operation, and the scope its upstream calls count in. */
  readonly accessLog?: AccessLog | undefined;
  readonly scopes?: RequestScopes | undefined;
}

/** One streamed operation, from its subscribe message to its completion, for the access log. */
interface StreamedOperation {
  readonly started: number;
  readonly scope: RequestScope;
  /** Known once the transport has built the operation's context (before it executes). */
  context: GraphContext | undefined;
  readonly operationName: string | undefined;
  readonly operationType: string | undefined;
  outcome: string;
}

function streamedOperation(args: ExecutionArgs): StreamedOperation {
  const context = args.contextValue as GraphContext | undefined;
  const definition = args.document.definitions.find(
    (d) => d.kind === 'OperationDefinition' && (!args.operationName || d.name?.value === args.operationName),
  );
  return {
    started: performance.now(),
    scope: { requestId: context?.requestId, upstreamCalls: 0 },
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

/** Runs the operation of `args` in its request scope, when there is one. */
function inScope<T>(
  options: StreamingOptions,
  op: StreamedOperation | undefined,
  args: ExecutionArgs,
  fn: () => T,
): T {
  if (!op) return fn();
  op.context = args.contextValue as GraphContext | undefined;
  op.scope.requestId = op.context?.requestId;
  return options.scopes ? options.scopes.run(fn, op.scope) : fn();
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

const CLOSING_BRACE = Buffer.from('}');

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
  const connections = new WeakMap<object, { subscriptions: object }>();
  applySocketRules(wss, {
    ...options.socketRules,
    activeOperations: (socket) => Object.keys(connections.get(socket)?.subscriptions ?? {}).length,
  });
  const limitOperation = createWsOnSubscribe({
    schema: options.schema,
    limits: options.operationLimits,
    production: options.production,
    maxSubscriptions: options.socketRules.maxSubscriptions,
  });
  // A group's result is formatted (the error funnel onNext applies) and serialized once for all its
  // members, and each member writes it to its socket itself; see subscriptionGroups.ts.
  const groups = createSubscriptionGroups({
    serialize: (result) => JSON.stringify(formatResult(result, options.formatError)),
  });
  /**
   * Per operation (its execution arguments): where its results go. A workaround, and why: graphql-ws's
   * `subscribe` hook receives only the `ExecutionArgs` object `onSubscribe` returned (graphql-ws passes
   * that very object on), not the socket or the operation id, and the group member must know its sink
   * when it joins, inside `subscribe`; `onOperation`, which does see both, runs only after. Should a later
   * graphql-ws pass a copy, `sinks.get` misses and the member falls back to the transport's own iteration
   * and `next` frames: slower, same messages. The `next` frame is written by hand (its id prefix, then
   * the group's bytes) so one serialization serves every member; see subscriptionGroups.ts.
   */
  const sinks = new WeakMap<ExecutionArgs, DeliverySink>();
  /** Per connection and operation id: the access-log record of an operation under way. */
  const operations = new WeakMap<object, Map<string, StreamedOperation>>();
  const operationOf = (ctx: object, id: string): StreamedOperation | undefined =>
    operations.get(ctx)?.get(id);
  const byArgs = new WeakMap<ExecutionArgs, StreamedOperation>();
  const operationOfArgs = (args: ExecutionArgs): StreamedOperation | undefined => byArgs.get(args);
  const cleanup = useServer<Record<string, unknown> | undefined, { context?: GraphContext }>(
    {
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
        byArgs.set(args, op);
        // graphql-ws passes this object on to `subscribe`. The socket's `send` is the one the send-buffer
        // bound wraps, so a slow consumer is closed alike on this path.
        const socket = ctx.extra.socket;
        const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
        prefix.charCodeAt(0); // one flat string, not the pieces of the template, for the operation's life
        sinks.set(args, (payload) => {
          // Bytes, not a string: the payload is encoded once for the group, not once per socket.
          if (socket.readyState === socket.OPEN)
            socket.send(Buffer.concat([Buffer.from(prefix), payload.bytes, CLOSING_BRACE]), {
              binary: false,
            });
        });
        return args;
      },
      execute: (args) => inScope(options, operationOfArgs(args), args, () => execute(args)),
      // Subscribers of one document, variables and scope share one execution per event (subscriptionGroups.ts).
      subscribe: (args) =>
        inScope(options, operationOfArgs(args), args, () => groups.subscribe(args, sinks.get(args))),
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
  return {
    clientCount: () => wss.clients.size,
    async close() {
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The GraphQL over SSE handler (`/graphql/stream`). */
export function createSseTransport(options: StreamingOptions) {
  const limitSse = createSseOnSubscribe({
    schema: options.schema,
    limits: options.operationLimits,
    production: options.production,
    createContext: (raw) => options.createContext(options.admission?.principalOf(raw)),
    withCode: withRequestErrorCode,
    formatErrors: (errors) => formatRequestErrors(errors, options.formatError),
  });
  // SSE subscribers share executions as WebSocket ones do; graphql-sse formats each result (onNext below).
  const groups = createSubscriptionGroups();
  /** Per request (graphql-sse passes the same object to every hook) and per execution: the access record. */
  const byRequest = new WeakMap<object, StreamedOperation>();
  const byArgs = new WeakMap<ExecutionArgs, StreamedOperation>();
  return createSseHandler<GraphContext & Record<PropertyKey, unknown>>({
    schema: options.schema,
    // graphql-sse validates what onSubscribe returns once more; the limits check has already validated it
    // with the same rules and more.
    validate: () => [],
    execute: (args) => inScope(options, byArgs.get(args), args, () => execute(args)),
    subscribe: (args) => inScope(options, byArgs.get(args), args, () => groups.subscribe(args)),
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
}
