/**
 * The gateway's transports: Apollo Server and the `node:http` server it owns (GraphQL over HTTP, SSE,
 * health, readiness, metrics), and graphql-ws on the same port. The services behind them are built by the
 * composition root (app.ts), which also owns their release: each transport registers its own stop with
 * `services.onRelease` as soon as it is up.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Config } from '../config.js';
import { createSchema } from '../graph/schema.js';
import type { LiveHub } from '../live/hub.js';
import type { RedisScaleOut } from '../live/redis/scaleOut.js';
import type { Actions } from '../upstream/actions.js';
import type { UpstreamClients } from '../upstream/clients.js';
import type { Readers } from '../upstream/readers.js';
import { accessLogPlugin, createAccessLog } from './accessLog.js';
import { createAdmission } from './auth/admission.js';
import type { Principal } from './auth/principal.js';
import { createContext, type GraphContext } from './context.js';
import { introspectionOffRule } from './introspection.js';
import { variablesPlugin } from './variables.plugin.js';
import { sendEventRawProblems } from '../graph/sendEvent.rawInput.js';
import { createFormatError } from './errors.js';
import { requestIdOnInternalErrorsPlugin } from './requestId.plugin.js';
import { createHttpHandler } from './http.js';
import { jitGateway, type JitExecutor } from './jit.js';
import { createShapeRule, limitsPlugin } from './limits.js';
import type { AppLogger } from './logger.js';
import { loggingPlugin } from './logging.plugin.js';
import type { Metrics } from './metrics.js';
import { metricsPlugin } from './metrics.plugin.js';
import { combineGuards, createOriginPolicy } from './origin.js';
import { createWebUi, webUiOff } from './web.js';
import { createReadiness } from './readiness.js';
import { createSubgraphSecretGuard } from './subgraphSecret.js';
import { plainHttpSubscriptionPlugin } from './plainHttpSubscription.plugin.js';
import { subscriptionCallbackPlugin } from './subscriptionCallback.plugin.js';
import { attachWebSocket, createSseTransport, type WebSocketTransport } from './subscriptions.js';
import type { Tracing } from './tracing.js';
import { tracingPlugin } from './tracing.plugin.js';
import { createUnknownValueSink } from './unknownValues.js';

/** What the transports serve, built by the composition root. */
export interface GatewayServices {
  readonly clients: UpstreamClients;
  readonly readers: Readers;
  readonly actions: Actions;
  readonly live: LiveHub;
  readonly metrics: Metrics;
  readonly scaleOut: RedisScaleOut | undefined;
  readonly tracing: Tracing | undefined;
  readonly jit: JitExecutor | undefined;
  /** Example operations' ids for the GraphQL IDE (from the emulator's world, when it runs). */
  readonly pageExamples?: object | undefined;
  /** Registers a transport's stop with the composition root's teardown (released newest first). */
  onRelease(name: string, release: () => unknown): void;
}

/**
 * What {@link startGateway} needs: the settings, the logger, and the services built by the composition root
 * (app.ts), which keeps owning their release.
 */
export interface GatewayOptions {
  readonly config: Config;
  readonly logger: AppLogger;
  readonly services: GatewayServices;
}

/**
 * A gateway that is listening. It is stopped through the release hooks it registered with
 * `services.onRelease`, not through this object.
 */
export interface StartedGateway {
  /** `http://HOST:PORT/graphql` */
  readonly url: string;
  readonly port: number;
  /** Open WebSocket connections. */
  webSocketClients(): number;
}

/** The path of GraphQL over HTTP (POST, and GET for queries) and of the graphql-ws WebSocket endpoint. */
export const GRAPHQL_PATH = '/graphql';
/** The path of subscriptions over Server-Sent Events (graphql-sse). */
export const STREAM_PATH = '/graphql/stream';

/**
 * Starts Apollo Server, the HTTP server and graphql-ws on `config.server.host`:`port` and resolves once
 * listening; rejects when the port cannot be bound. Each transport registers its stop with
 * `services.onRelease` as soon as it is up, so a failed start still releases what was started.
 */
export async function startGateway({ config, logger, services }: GatewayOptions): Promise<StartedGateway> {
  const { clients, readers, actions, live, metrics, scaleOut, tracing, jit } = services;
  const accessLog = createAccessLog(logger, config.log.access);
  const limits = {
    loadsMaxIds: config.graph.loadsMaxIds,
    sendEventsMaxItems: config.graph.sendEventsMaxItems,
    sendEventsConcurrency: config.graph.sendEventsConcurrency,
  };
  const contextDeps = {
    readers,
    actions,
    live,
    limits,
    logger,
    onBatch: (loader: string, size: number) => metrics.loaderBatchSize.observe({ loader }, size),
  };

  const httpServer: Server = createServer();
  const production = config.hardening.production;
  const schema = createSchema({
    onUnknownValue: createUnknownValueSink(logger.child({ component: 'upstream' }), metrics),
  });
  const formatError = createFormatError({
    exposeInternalMessages: config.nodeEnv === 'development' && !production,
    explainCredentials: !production,
  });
  const guard = createSubgraphSecretGuard(config.subgraph);
  if (!guard && production) {
    logger.warn(
      'SUBGRAPH_SHARED_SECRET is not set: anyone who reaches this port can query the subgraph fields (_entities, _service) directly; restrict the port to the router or set the secret',
    );
  }
  const admission = createAdmission(config.auth, logger);
  if (config.auth.modes.length === 0 && !config.emulator.enabled) {
    logger.warn('AUTH_MODE=none: every caller has every right on the AWS resources this gateway reaches');
  }
  const hardening = config.hardening;
  const origins = createOriginPolicy({
    allowedOrigins: hardening.corsOrigins,
    allowCredentials: hardening.corsAllowCredentials,
    requireOrigin: hardening.wsRequireOrigin,
    // Development on the emulator: a frontend on localhost (any port) works without a setting.
    allowLocalhost: config.emulator.enabled && !production && hardening.corsOrigins.length === 0,
    logger,
  });
  const web = config.server.webUi
    ? createWebUi({
        graphqlPath: GRAPHQL_PATH,
        pageConfig: () => ({
          graphqlPath: GRAPHQL_PATH,
          apiKeyHeader: config.auth.apiKeyHeader,
          authRequired: config.auth.modes.length > 0,
          ...(services.pageExamples ? { examples: services.pageExamples } : {}),
        }),
      })
    : undefined;
  if (web && !web.dir) {
    logger.warn(
      'the web pages are not built: run `npm run build:web` to serve the board and the GraphQL IDE',
    );
  }
  const streaming = {
    schema,
    production,
    introspection: config.hardening.introspection,
    formatError,
    createContext: (principal?: Principal) => createContext(contextDeps, undefined, principal),
    logger,
    admission,
    operationLimits: hardening.operation,
    accessLog,
  };
  const apollo = new ApolloServer<GraphContext>({
    ...(jit ? { gateway: jitGateway(schema, jit) } : { schema }),
    // Refused by introspectionOffRule when off, which names the setting (Apollo's own names an option).
    introspection: true,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    // The process owns SIGTERM and SIGINT (main.ts): Apollo's own handlers would stop it a second time
    // and re-raise the signal, ending the process before the drain is over.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: hardening.operation.maxTokens },
    validationRules: [
      createShapeRule(hardening.operation),
      ...(hardening.introspection ? [] : [introspectionOffRule]),
    ],
    formatError,
    logger,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      // The schema sets no cache hints: the per-field hook would cost ~15% of a request for nothing.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads Apollo Sandbox from a CDN: the gateway serves its own IDE instead.
      ApolloServerPluginLandingPageDisabled(),
      loggingPlugin(),
      accessLogPlugin(accessLog),
      limitsPlugin(hardening.operation),
      variablesPlugin({ production, inputChecks: { SendEventInput: sendEventRawProblems } }),
      requestIdOnInternalErrorsPlugin(),
      metricsPlugin(metrics),
      ...(tracing ? [tracingPlugin(tracing)] : []),
      plainHttpSubscriptionPlugin({ graphqlPath: GRAPHQL_PATH, streamPath: STREAM_PATH }),
      subscriptionCallbackPlugin({
        callbackUrlPrefixes: config.subgraph.callbackUrlPrefixes,
        formatError,
        logger,
      }),
    ],
  });
  await apollo.start();
  services.onRelease('http server', () => apollo.stop());
  const handleHttp = createHttpHandler({
    apollo,
    graphqlPath: GRAPHQL_PATH,
    maxBodyBytes: config.graph.maxBodyBytes,
    bodyDrain: config.graph.bodyDrain,
    logger,
    context: async (req, signal) => {
      const header = req.headers['x-request-id'];
      const requestId = typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : undefined;
      return createContext(contextDeps, requestId, admission.principalOf(req), signal);
    },
    metrics: async () => ({
      contentType: metrics.registry.contentType,
      body: await metrics.registry.metrics(),
    }),
    streamPath: STREAM_PATH,
    stream: createSseTransport(streaming),
    guard: combineGuards(origins.http, guard),
    cors: origins.cors,
    web: web ? web.handle : webUiOff,
    requestTimeoutMs: hardening.requestTimeoutMs,
    admit: (req) => admission.admit(req),
    readiness: createReadiness(clients, config.readinessCacheMs),
    degraded: () => scaleOut?.problems() ?? [],
  });
  httpServer.on('request', handleHttp);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.server.port, config.server.host, () => resolve());
  });
  // Attached once listening, so a failed listen is not also reported by the WebSocket server.
  const ws: WebSocketTransport = attachWebSocket(httpServer, GRAPHQL_PATH, {
    ...streaming,
    ...config.ws,
    guard: combineGuards(origins.webSocket, guard),
    socketRules: {
      maxSubscriptions: hardening.wsMaxSubscriptions,
      idleTimeoutMs: hardening.wsIdleTimeoutMs,
      pingIntervalMs: hardening.wsPingIntervalMs,
      maxBufferedBytes: hardening.wsMaxBufferedBytes,
    },
  });
  services.onRelease('websocket server', () => ws.close());
  const { port } = httpServer.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;
  logger.info({ url, ...(web ? { board: `http://${host}:${port}/` } : {}) }, 'gateway listening');
  return { url, port, webSocketClients: () => ws.clientCount() };
}
