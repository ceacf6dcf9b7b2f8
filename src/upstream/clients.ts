/**
 * Builds the two upstream clients from the config: the official DataZone client and our Supply Chain
 * client, both on the node HTTP handler with keep-alive, the standard retry strategy, and an endpoint
 * override when one is configured. Without an override they resolve the real AWS endpoints from the region
 * and sign with the default credential chain.
 *
 * Every attempt is cut: connecting at `connectTimeoutMs`, waiting for the response head at
 * `requestTimeoutMs` (`throwOnRequestTimeout`: without it the handler only logs a warning and waits on),
 * and a response body that stalls for `requestTimeoutMs` (the socket timeout). A cut attempt fails with
 * a `TimeoutError`, which the standard strategy retries (every operation we call is a read or takes an
 * idempotency token) and errors.ts maps to UPSTREAM_TIMEOUT.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DataZoneClient } from '@aws-sdk/client-datazone';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, Logger } from '@smithy/types';
import { EMULATOR_KEY_PAIR, type Config } from '../config.js';
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

/**
 * The upstream clients as the module describes: keep-alive agents capped at `aws.maxSockets`, every attempt
 * cut at the configured timeouts (a cut attempt is a retried `TimeoutError`). Resolves no credentials up
 * front: a missing credential surfaces on the first call.
 */
export function createUpstreamClients({ aws, credentials, logger }: UpstreamClientOptions): UpstreamClients {
  const handler = (): NodeHttpHandler =>
    new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: aws.maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: aws.maxSockets }),
      connectionTimeout: aws.connectTimeoutMs,
      requestTimeout: aws.requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: aws.requestTimeoutMs,
    });
  const common = {
    region: aws.region,
    maxAttempts: aws.maxAttempts,
    retryMode: 'standard',
    ...(credentials ? { credentials: { ...credentials } } : {}),
    ...(logger ? { logger } : {}),
  } as const;
  const supplyChain = new SupplyChainClient({
    ...common,
    requestHandler: handler(),
    ...(aws.supplyChainEndpoint ? { endpoint: aws.supplyChainEndpoint } : {}),
  });
  const dataZone = new DataZoneClient({
    ...common,
    requestHandler: handler(),
    ...(aws.dataZoneEndpoint ? { endpoint: aws.dataZoneEndpoint } : {}),
  });
  return {
    supplyChain,
    dataZone,
    destroy() {
      supplyChain.destroy();
      dataZone.destroy();
    },
  };
}
