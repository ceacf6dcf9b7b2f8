/**
 * The composition root: builds every service from the config (tracing, the embedded emulator when asked,
 * the upstream clients, readers and actions, the Redis scale-out, the live hub, metrics), hands them to the
 * gateway's transports, and owns the one ordered teardown that both a stop and a failed start run.
 *
 * Services are torn down in the reverse order of their creation: transports first (WebSocket clients
 * closed with 1001, HTTP drained), then pollers and their Redis leases, the upstream clients, the
 * emulator, and tracing last so the spans of the drain are flushed.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Config } from './config.js';
import { authStartProblem } from './config.auth.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator/server.js';
import type { World } from './emulator/world/index.js';
import { createLiveHub, type LiveHub } from './live/hub.js';
import { MemoryPubSub } from './live/pubsub.js';
import { createRedisScaleOut } from './live/redis/scaleOut.js';
import type { RequestScope } from './server/accessLog.js';
import { startGateway, type GatewayServices } from './server/gateway.js';
import { createJitExecutor } from './server/jit.js';
import type { AppLogger } from './server/logger.js';
import { Metrics } from './server/metrics.js';
import { createTracing } from './server/tracing.js';
import { createActions } from './upstream/actions.js';
import { createUpstreamClients } from './upstream/clients.js';
import { checkCredentialsAtStart } from './upstream/credentials.js';
import { observeClient, type UpstreamCall } from './upstream/observe.js';
import { createTerminalCache } from './upstream/reader.js';
import { createReaders, type Readers } from './upstream/readers.js';

/**
 * What the composition root starts from: the settings (which also choose real AWS or the embedded
 * emulator), the logger, and optionally credentials for real AWS.
 */
export interface AppOptions {
  readonly config: Config;
  readonly logger: AppLogger;
  /**
   * Credentials for real-AWS mode in place of the default provider chain (an embedder's own, or a test's);
   * ignored with the embedded emulator, which has its own pair.
   */
  readonly credentials?: AwsCredentialIdentity;
}

/**
 * A started gateway and the services behind it (exposed for tests, embedders and the CLI). Stop it once
 * through its `stop`, which releases every service, newest first.
 */
export interface RunningApp {
  /** `http://HOST:PORT/graphql` */
  readonly url: string;
  readonly port: number;
  /** The embedded emulator's endpoint, when one runs. */
  readonly emulatorEndpoint: string | undefined;
  readonly emulator: RunningEmulator | undefined;
  readonly readers: Readers;
  readonly live: LiveHub;
  readonly metrics: Metrics;
  /**
   * Graceful stop: WebSocket clients are closed with 1001 (graphql-ws clients reconnect, to another
   * replica), HTTP stops accepting and in-flight requests and mutations finish (up to the grace period),
   * then pollers stop and give up their Redis leases (so another replica takes over at once), and the
   * upstream clients, emulator and tracing close. Calling it again returns the same promise.
   */
  stop(): Promise<void>;
}

/**
 * The emulator started on its own (`npm run emulator`). `stop` closes it, once.
 */
export interface RunningStandaloneEmulator {
  readonly emulator: RunningEmulator;
  stop(): Promise<void>;
}

/**
 * One ordered list of things to release. `add` as each service comes up; `run` releases them newest
 * first, every step even when an earlier one failed (the first failure is rethrown at the end), once.
 */
export class Teardown {
  private readonly steps: { readonly name: string; readonly release: () => unknown }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: AppLogger) {}

  add(name: string, release: () => unknown): void {
    this.steps.push({ name, release });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      let failure: unknown;
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step.release();
        } catch (err) {
          this.logger.error({ err, step: step.name }, `releasing ${step.name} failed`);
          failure ??= err;
        }
      }
      if (failure !== undefined) throw failure;
    })();
    return this.running;
  }
}

/** The start-up line: where the gateway's data comes from, and who may read it. */
export function describeMode(config: Config): { message: string; fields: Record<string, unknown> } {
  const auth = config.auth.modes.length > 0 ? config.auth.modes.join(',') : 'none';
  if (config.emulator.enabled) {
    return {
      message: `mode: embedded emulator (no AWS account is reached; set LOADGRAPH_EMULATOR=0 and AWS_REGION to talk to AWS), auth ${auth}`,
      fields: { mode: 'emulator', region: config.aws.region, auth },
    };
  }
  const endpoints = {
    supplyChain: config.aws.supplyChainEndpoint ?? 'the AWS endpoint of the region',
    dataZone: config.aws.dataZoneEndpoint ?? 'the AWS endpoint of the region',
  };
  return {
    message: `mode: AWS (chosen by ${config.emulator.awsChosenBy}), region ${config.aws.region}, Supply Chain ${endpoints.supplyChain}, DataZone ${endpoints.dataZone}, credentials from ${config.aws.credentialSource}, auth ${auth}`,
    fields: {
      mode: 'aws',
      chosenBy: config.emulator.awsChosenBy,
      region: config.aws.region,
      endpoints,
      credentials: config.aws.credentialSource,
      auth,
    },
  };
}

/** Builds the services, starts the gateway, and returns it; on any failure, releases what had started. */
export async function startApp({ config, logger, credentials }: AppOptions): Promise<RunningApp> {
  const mode = describeMode(config);
  logger.info(mode.fields, mode.message);
  const authProblem = authStartProblem(config.auth, config.emulator.awsChosenBy);
  if (authProblem) throw new Error(authProblem);
  const teardown = new Teardown(logger);
  try {
    return await compose(config, logger, teardown, credentials);
  } catch (err) {
    await teardown.run().catch(() => {});
    throw err;
  }
}

async function compose(
  config: Config,
  logger: AppLogger,
  teardown: Teardown,
  credentials: AwsCredentialIdentity | undefined,
): Promise<RunningApp> {
  const tracing = config.tracing.otlpEndpoint
    ? createTracing({ endpoint: config.tracing.otlpEndpoint, serviceName: config.tracing.serviceName })
    : undefined;
  if (tracing) teardown.add('tracing', () => tracing.shutdown());

  let emulator: RunningEmulator | undefined;
  if (config.emulator.enabled) {
    emulator = await startEmulator(emulatorOptions(config, logger.child({ component: 'emulator' })));
    teardown.add('emulator', () => emulator!.close());
    logger.info({ endpoint: emulator.endpoint }, 'embedded emulator started');
  }

  const aws = emulator
    ? {
        ...config.aws,
        region: config.emulator.region,
        supplyChainEndpoint: emulator.endpoint,
        dataZoneEndpoint: emulator.endpoint,
      }
    : config.aws;
  // On the embedded emulator: the first key pair it accepts (EMULATOR_CREDENTIALS).
  const staticCredentials = emulator ? { ...config.emulator.credentials[0]! } : credentials;
  const clients = createUpstreamClients({
    aws,
    ...(staticCredentials ? { credentials: staticCredentials } : {}),
  });
  teardown.add('upstream clients', () => clients.destroy());
  const upstreamLog = logger.child({ component: 'upstream' });
  const observer = (call: UpstreamCall): void => {
    metrics.observeUpstream(call);
    tracing?.recordUpstream(call);
    // The request that caused the call, when one did (a poller's calls have none).
    const scope = call.origin as RequestScope | undefined;
    if (scope) scope.upstreamCalls++;
    const fields = { aws: call, ...(scope?.requestId ? { requestId: scope.requestId } : {}) };
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

  const { redisUrl, ...scaleOutOptions } = config.scaleOut;
  const scaleOut = redisUrl
    ? createRedisScaleOut({ url: redisUrl, ...scaleOutOptions, logger: logger.child({ component: 'redis' }) })
    : undefined;
  if (scaleOut) teardown.add('redis scale-out', () => scaleOut.close());
  const live = createLiveHub({
    readers,
    pubsub: scaleOut ?? new MemoryPubSub(),
    ...(scaleOut ? { coordinator: scaleOut, rateBudget: scaleOut } : {}),
    ...config.live,
    logger: logger.child({ component: 'live' }),
    onChange: (kind, ms) => metrics.pollLag.observe({ kind }, ms / 1000),
  });
  teardown.add('live hub', () => live.close());

  // Hot queries run compiled (server/jit.ts).
  const jit = config.graph.jit.hotAfter > 0 ? createJitExecutor(config.graph.jit) : undefined;
  let webSocketClients = (): number => 0;
  const metrics: Metrics = new Metrics({
    readers,
    live,
    webSocketClients: () => webSocketClients(),
    ...(scaleOut ? { scaleOut } : {}),
    ...(jit ? { jit } : {}),
  });

  const services: GatewayServices = {
    clients,
    readers,
    actions,
    live,
    metrics,
    scaleOut,
    tracing,
    jit,
    pageExamples: emulator ? emulatorExamples(emulator.world) : undefined,
    onRelease: (name, release) => teardown.add(name, release),
  };
  const gateway = await startGateway({ config, logger, services });
  webSocketClients = gateway.webSocketClients;
  let stopping: Promise<void> | undefined;
  return {
    url: gateway.url,
    port: gateway.port,
    emulatorEndpoint: emulator?.endpoint,
    emulator,
    readers,
    live,
    metrics,
    stop() {
      stopping ??= (async () => {
        logger.info('stopping: closing WebSocket clients, draining HTTP');
        await teardown.run();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

/** The emulator's options from the config: the same for the embedded and the standalone emulator. */
function emulatorOptions(config: Config, logger: AppLogger): EmulatorOptions {
  const { port, seed, clockSpeed, credentials, region, listOrder } = config.emulator;
  return { port, seed, clockSpeed, credentials, region, listOrder, logger };
}

/** The emulator alone (`npm run emulator`), with the same teardown contract. */
export async function startStandaloneEmulator({
  config,
  logger,
}: AppOptions): Promise<RunningStandaloneEmulator> {
  const emulator = await startEmulator(emulatorOptions(config, logger));
  const teardown = new Teardown(logger);
  teardown.add('emulator', () => emulator.close());
  logger.info(
    `emulator listening at ${emulator.endpoint} (control API at ${emulator.endpoint}/_emulator/world)`,
  );
  return { emulator, stop: () => teardown.run() };
}

/** Ids of the emulator's world for the IDE's example operations (the gateway writes them into the IDE's page; see web/src/shared/config.ts). */
export function emulatorExamples(world: World): object | undefined {
  const summary = world.summary();
  const instance = summary.supplychain.instances[0];
  if (!instance) return undefined;
  const events = [...(world.instances.get(instance.instanceId)?.events.values() ?? [])];
  // A dataset load shows a status that moves; any event does when there is none.
  const event = events.find((e) => e.datasetTarget) ?? events[0];
  const domain = summary.datazone.domains[0];
  return {
    instanceId: instance.instanceId,
    instanceName: instance.instanceName,
    ...(event ? { eventId: event.eventId } : {}),
    ...(instance.flows[0] ? { flowName: instance.flows[0] } : {}),
    ...(domain ? { domainId: domain.domainId } : {}),
    ...(domain?.dataSources[0] ? { dataSourceId: domain.dataSources[0].id } : {}),
  };
}
