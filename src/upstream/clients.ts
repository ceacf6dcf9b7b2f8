/**
 * Builds the two upstream clients from the config: the official DataZone client and our Supply Chain
 * client, both on our lean HTTP handler (./httpHandler.ts) over keep-alive agents, the standard retry
 * strategy, and an endpoint override when one is configured. Without an override they resolve the real
 * AWS endpoints from the region and sign with the default credential chain.
 *
 * Every attempt is cut: connecting at `connectTimeoutMs`, waiting for the response head at
 * `requestTimeoutMs`, and a response body that stalls for `requestTimeoutMs`, as `NodeHttpHandler` cuts
 * them with `throwOnRequestTimeout` (test/upstream/httpHandler.e2e.test.ts runs both handlers through the
 * same cases). A cut attempt fails with a `TimeoutError`, which the standard strategy retries (every
 * operation we call is a read or takes an idempotency token) and errors.ts maps to UPSTREAM_TIMEOUT.
 *
 * What each call costs the gateway's CPU (bench/callcost.bench.ts; issue 18) is cut where the SDK redoes
 * per call work whose answer cannot change for these clients, and nothing else:
 * - `cacheMiddleware`: the middleware stack is resolved once per command class (the SDK's documented
 *   option) instead of sorted and rebuilt for every call. Middleware must be added before the first call;
 *   the gateway adds its observer right after building the clients.
 * - one SigV4 signer per client, on `node:crypto` (./signer.ts): the SDK's default `signer` builds a
 *   `SignatureV4` (copying the whole config) for every call, and `SignatureV4` hashes the credentials for
 *   its key cache and builds several hash objects per signature. Ours signs exactly what `SignatureV4`
 *   signs (a unit test holds them to identical headers), keeps the signing key per (secret, day, region,
 *   service), and reads the resolved credential provider on every signature as the SDK's does.
 * - the lean HTTP handler in place of `NodeHttpHandler`: one timer at a time per request where
 *   NodeHttpHandler arms up to four plus a socket timeout, and the response body collected into one buffer by the
 *   handler, where the SDK pipes the response stream through a collector stream.
 * - no logger middleware without a logger: given none, the SDK logs to a no-op logger, yet the middleware
 *   still walks the schema of every input and output to mask sensitive fields for it.
 * - the restJson1 protocol (./restJsonProtocol.ts), the stock `AwsRestJsonProtocol` given a JSON codec
 *   whose deserializer plans each schema once (the stock one walks the schema for every value) and parses
 *   plain `...Z` RFC 3339 date-times itself (the stock parser's regex and range checks were most of a
 *   DataZone list page); it also hands the stock protocol one operation object per operation, on which
 *   the stock protocol keeps its HTTP bindings (it parsed them again for every request). A test holds
 *   its output to the stock deserializer's for every operation we call, errors included.
 * - the schema serde middleware (./schemaSerde.ts) hands the protocol a view of the call's context with
 *   the config's serde keys, where the stock one copies the whole config and the context into a new
 *   object for every request and every response.
 * - the user agent headers (./userAgent.ts) are built by the SDK's middleware on the first call and
 *   whenever what it reads changes (identity, feature flags, endpoint), and set again otherwise.
 * Measured on a canned upstream (benchmark 7, quiet machine, median of 3 runs, × the same run's raw signed
 * call): before all of this 630 µs of CPU per GetDataIntegrationEvent, 665 per GetDataSourceRun, 720 per
 * ListDataIntegrationEvents page and 905 per ListDataSourceRuns page (20 items); with all of it 205 µs
 * (2.8×), 208 µs (2.9×), 293 µs (2.1×) and 290 µs (2.6×), and 222 µs (3.0×) for a GET through the
 * SharedReader. Endpoint resolution (already cached per region and endpoint by both clients'
 * `EndpointCache`), retries, auth scheme selection and the signing middleware are as the SDK does them.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DataZoneClient } from '@aws-sdk/client-datazone';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Logger,
  RequestSigner,
} from '@smithy/types';
import { EMULATOR_KEY_PAIR, type Config } from '../config.js';
import { LeanHttpHandler } from './httpHandler.js';
import { PlannedRestJsonProtocol } from './restJsonProtocol.js';
import { getLeanSchemaSerdePlugin } from './schemaSerde.js';
import { createSigV4Signer } from './signer.js';
import { getMemoUserAgentPlugin } from './userAgent.js';
import { SupplyChainClient } from './supplychain/index.js';

/**
 * The two AWS clients the gateway reads and writes through. Call `destroy` once, on shutdown.
 */
export interface UpstreamClients {
  readonly supplyChain: SupplyChainClient;
  readonly dataZone: DataZoneClient;
  /** Closes the clients' keep-alive sockets. */
  destroy(): void;
}

/**
 * What {@link createUpstreamClients} builds from: the AWS settings (region, endpoint override, timeouts,
 * sockets), optional static credentials, and an optional logger for the SDK's own messages.
 */
export interface UpstreamClientOptions {
  readonly aws: Config['aws'];
  /** Static credentials (the emulator's); absent: the default credential provider chain. */
  readonly credentials?: AwsCredentialIdentity;
  readonly logger?: Logger;
}

/**
 * The key pair the emulator accepts by default (`EMULATOR_CREDENTIALS`); it verifies signatures as AWS
 * does. (A copy, not frozen: the SDK tags credential objects it is given.)
 */
export const EMULATOR_CREDENTIALS: AwsCredentialIdentity = { ...EMULATOR_KEY_PAIR };

/** The SDK's logger middleware (`getLoggerPlugin`), by its name in the middleware stack. */
export const LOGGER_MIDDLEWARE = 'loggerMiddleware';

/**
 * The SigV4 signer of one client, made once (the SDK's default `signer` builds a `SignatureV4` for every
 * call): ours on `node:crypto` (./signer.ts), signing what `SignatureV4` signs. `credentials` is the
 * client's resolved provider, read at every signature, after the client resolved its config.
 */
function createSigner(
  region: string,
  signingName: string,
  credentials: () => AwsCredentialIdentityProvider,
): RequestSigner {
  return createSigV4Signer({ region, service: signingName, credentials: () => credentials()() });
}

/**
 * The upstream clients as the module describes: keep-alive agents capped at `aws.maxSockets`, every attempt
 * cut at the configured timeouts (a cut attempt is a retried `TimeoutError`). Resolves no credentials up
 * front: a missing credential surfaces on the first call.
 */
export function createUpstreamClients({ aws, credentials, logger }: UpstreamClientOptions): UpstreamClients {
  const agents = () => ({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: aws.maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: aws.maxSockets }),
  });
  // UPSTREAM_HTTP=sdk: the SDK's own handler and signer, with the same timeouts (a fallback, should the
  // lean ones ever meet something at AWS they do not handle).
  const lean = aws.http === 'lean';
  const handler = (): LeanHttpHandler | NodeHttpHandler =>
    lean
      ? new LeanHttpHandler({
          ...agents(),
          connectTimeoutMs: aws.connectTimeoutMs,
          requestTimeoutMs: aws.requestTimeoutMs,
          socketTimeoutMs: aws.requestTimeoutMs,
        })
      : new NodeHttpHandler({
          ...agents(),
          connectionTimeout: aws.connectTimeoutMs,
          requestTimeout: aws.requestTimeoutMs,
          throwOnRequestTimeout: true,
          socketTimeout: aws.requestTimeoutMs,
        });
  const common = {
    region: aws.region,
    cacheMiddleware: true,
    maxAttempts: aws.maxAttempts,
    retryMode: 'standard',
    protocol: PlannedRestJsonProtocol,
    ...(credentials ? { credentials: { ...credentials } } : {}),
    ...(logger ? { logger } : {}),
  } as const;
  const supplyChain: SupplyChainClient = new SupplyChainClient({
    ...common,
    requestHandler: handler(),
    ...(lean ? { signer: createSigner(aws.region, 'scn', () => supplyChain.config.credentials) } : {}),
    ...(aws.supplyChainEndpoint ? { endpoint: aws.supplyChainEndpoint } : {}),
  });
  const dataZone: DataZoneClient = new DataZoneClient({
    ...common,
    requestHandler: handler(),
    ...(lean ? { signer: createSigner(aws.region, 'datazone', () => dataZone.config.credentials) } : {}),
    ...(aws.dataZoneEndpoint ? { endpoint: aws.dataZoneEndpoint } : {}),
  });
  if (!logger) {
    supplyChain.middlewareStack.remove(LOGGER_MIDDLEWARE);
    dataZone.middlewareStack.remove(LOGGER_MIDDLEWARE);
  }
  supplyChain.middlewareStack.use(getLeanSchemaSerdePlugin(supplyChain.config));
  dataZone.middlewareStack.use(getLeanSchemaSerdePlugin(dataZone.config));
  supplyChain.middlewareStack.use(getMemoUserAgentPlugin(supplyChain.config));
  dataZone.middlewareStack.use(getMemoUserAgentPlugin(dataZone.config));
  return {
    supplyChain,
    dataZone,
    destroy() {
      supplyChain.destroy();
      dataZone.destroy();
    },
  };
}
