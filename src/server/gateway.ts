/**
 * Starts the whole gateway: the embedded emulator when configured, the upstream clients, readers and
 * actions, Apollo Server, and the `node:http` server it owns. `stop()` drains in-flight requests and
 * closes everything in reverse order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Config } from '../config.js';
import { startEmulator, type RunningEmulator } from '../emulator/server.js';
import { createSchema } from '../graph/schema.js';
import { createActions } from '../upstream/actions.js';
import { EMULATOR_CREDENTIALS, createUpstreamClients } from '../upstream/clients.js';
import { checkCredentialsAtStart } from '../upstream/credentials.js';
import { createReaders, type Readers } from '../upstream/readers.js';
import { createTerminalCache } from '../upstream/reader.js';
import { authStartProblem } from '../config.auth.js';
import { createAdmission } from './auth/admission.js';
import { createContext, type GraphContext } from './context.js';
import { createFormatError } from './errors.js';
import { createHttpHandler } from './http.js';
import type { Principal } from './auth/principal.js';
import type { AppLogger } from './logger.js';
import { loggingPlugin } from './logging.plugin.js';
import { Metrics } from './metrics.js';
import { createTracing } from './tracing.js';
import { tracingPlugin } from './tracing.plugin.js';
import { createReadiness } from './readiness.js';
import { createUnknownValueSink } from './unknownValues.js';
import { metricsPlugin } from './metrics.plugin.js';
import { createSubgraphSecretGuard } from './subgraphSecret.js';
import { plainHttpSubscriptionPlugin } from './plainHttpSubscription.plugin.js';
import { subscriptionCallbackPlugin } from './subscriptionCallback.plugin.js';
import { attachWebSocket, createSseTransport, type WebSocketTransport } from './subscriptions.js';
import { observeClient, type UpstreamCall } from '../upstream/observe.js';
import { createLiveHub, type LiveHub } from '../live/hub.js';
import { MemoryPubSub } from '../live/pubsub.js';
import { requestIdOnInternalErrorsPlugin } from './hardening.js';
import { createJitExecutor, jitGateway } from './jit.js';
import { createShapeRule, limitsPlugin } from './limits.js';
import { combineGuards, createOriginPolicy } from './origin.js';
import { createWebUi, emulatorExamples, webUiOff } from './web.js';
import { createRedisScaleOut } from '../live/redis/scaleOut.js';

export interface RunningGateway {
  /** `http://HOST:PORT/graphql` */
  readonly url: string;
  readonly port: number;
  /** The embedded emulator's endpoint, when one runs. */
  readonly emulatorEndpoint: string | undefined;
  readonly emulator: RunningEmulator | undefined;
  readonly readers: Readers;
  readonly live: LiveHub;
  readonly metrics: Metrics;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  readonly config: Config;
  readonly logger: AppLogger;
  /**
   * Credentials for real-AWS mode in place of the default provider chain (an embedder's own, or a test's);
   * ignored with the embedded emulator, which has its own pair.
   */
  readonly credentials?: AwsCredentialIdentity;
}

export const GRAPHQL_PATH = '/graphql';
export const STREAM_PATH = '/graphql/stream';

export async function startGateway({ config, logger, credentials }: GatewayOptions): Promise<RunningGateway> {
  const authProblem = authStartProblem(config.auth, config.emulator.enabled);
  if (authProblem) throw new Error(authProblem);
  let emulator: RunningEmulator | undefined;
  if (config.emulator.enabled) {
    emulator = await startEmulator({
      port: config.emulator.port,
      seed: config.emulator.seed,
      clockSpeed: config.emulator.clockSpeed,
      logger: logger.child({ component: 'emulator' }),
    });
    logger.info({ endpoint: emulator.endpoint }, 'embedded emulator started');
  }
  const aws = emulator
    ? { ...config.aws, supplyChainEndpoint: emulator.endpoint, dataZoneEndpoint: emulator.endpoint }
    : config.aws;
  const staticCredentials = emulator ? EMULATOR_CREDENTIALS : credentials;
  const clients = createUpstreamClients({
    aws,
    ...(staticCredentials ? { credentials: staticCredentials } : {}),
  });
  const upstreamLog = logger.child({ component: 'upstream' });
  const tracing = config.tracing.otlpEndpoint
    ? createTracing({ endpoint: config.tracing.otlpEndpoint, serviceName: config.tracing.serviceName })
    : undefined;
  const observer = (call: UpstreamCall): void => {
    metrics.observeUpstream(call);
    tracing?.recordUpstream(call);
    const fields = { aws: call };
    if (call.outcome === 'success') upstreamLog.debug(fields, `${call.operation} succeeded`);
    else upstreamLog.warn(fields, `${call.operation} failed: ${call.outcome}`);
  };
  observeClient(clients.supplyChain, 'SupplyChain', observer);
  observeClient(clients.dataZone, 'DataZone', observer);
  // Real AWS with the default chain: say at once whether it finds credentials (serving goes on either way).
  if (!staticCredentials)
    void checkCredentialsAtStart(() => clients.supplyChain.config.credentials(), upstreamLog);
  const readers = createReaders(
    clients,
    createTerminalCache(config.graph.terminalCacheMax, config.graph.terminalCacheTtlMs),
    {
      concurrency: config.graph.upstreamConcurrency,
      definitionTtlMs: config.graph.definitionCacheTtlMs,
    },
  );
  const actions = createActions(clients);
  const limits = {
    loadsMaxIds: config.graph.loadsMaxIds,
    sendEventsMaxItems: config.graph.sendEventsMaxItems,
    sendEventsConcurrency: config.graph.sendEventsConcurrency,
  };

  const { redisUrl, ...scaleOutOptions } = config.scaleOut;
  const scaleOut = redisUrl
    ? createRedisScaleOut({ url: redisUrl, ...scaleOutOptions, logger: logger.child({ component: 'redis' }) })
    : undefined;
  const live = createLiveHub({
    readers,
    pubsub: scaleOut ?? new MemoryPubSub(),
    ...(scaleOut ? { coordinator: scaleOut, rateBudget: scaleOut } : {}),
    ...config.live,
    onChange: (kind, ms) => metrics.pollLag.observe({ kind }, ms / 1000),
  });
  // Hot queries run compiled (jit.ts); Apollo takes a custom executor only as a gateway.
  const jit = config.graph.jit.hotAfter > 0 ? createJitExecutor(config.graph.jit) : undefined;
  // The closures below run only once the gateway is up, after `metrics` and `ws` exist.
  const metrics: Metrics = new Metrics({
    readers,
    live,
    webSocketClients: () => ws.clientCount(),
    ...(scaleOut ? { scaleOut } : {}),
    ...(jit ? { jit } : {}),
  });
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
  const schema = createSchema({ onUnknownValue: createUnknownValueSink(upstreamLog, metrics) });
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
          ...(emulator ? { examples: emulatorExamples(emulator.world) } : {}),
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
    formatError,
    createContext: (principal?: Principal) => createContext(contextDeps, undefined, principal),
    logger,
    admission,
    operationLimits: hardening.operation,
  };
  const apollo = new ApolloServer<GraphContext>({
    ...(jit ? { gateway: jitGateway(schema, jit) } : { schema }),
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: hardening.operation.maxTokens },
    validationRules: [createShapeRule(hardening.operation)],
    formatError,
    logger,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      // The schema sets no cache hints: the per-field hook would cost ~15% of a request for nothing.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads Apollo Sandbox from a CDN: the gateway serves its own IDE instead.
      ApolloServerPluginLandingPageDisabled(),
      loggingPlugin(),
      limitsPlugin(hardening.operation),
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
  httpServer.on(
    'request',
    createHttpHandler({
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
    }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.server.port, config.server.host, () => resolve());
    });
  } catch (err) {
    // Nothing is serving yet: release what was started, and let the caller say what to change.
    live.close();
    await scaleOut?.close();
    await apollo.stop().catch(() => {});
    clients.destroy();
    await emulator?.close();
    throw err;
  }
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
  const { port } = httpServer.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;
  logger.info({ url, ...(web ? { board: `http://${host}:${port}/` } : {}) }, 'gateway listening');
  return {
    url,
    port,
    emulatorEndpoint: emulator?.endpoint,
    emulator,
    readers,
    live,
    metrics,
    /**
     * Graceful stop: WebSocket clients are closed with 1001 (graphql-ws clients reconnect, to another
     * replica), HTTP stops accepting and in-flight requests and mutations finish (up to the grace period),
     * then pollers stop and give up their Redis leases (so another replica takes over at once), and the
     * upstream clients and emulator close.
     */
    async stop() {
      logger.info('stopping: closing WebSocket clients, draining HTTP');
      await ws.close();
      await apollo.stop();
      live.close();
      await scaleOut?.close();
      clients.destroy();
      await emulator?.close();
      await tracing?.shutdown();
      logger.info('stopped');
    },
  };
}
