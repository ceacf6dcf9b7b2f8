/**
 * The upstream writes the graph may ask for: sending an integration event and starting a data source
 * run. Like reads, resolvers reach them only through the request context, never a client. Failures come
 * back as mapped GraphQL errors (see errors.ts).
 */
import { randomUUID } from 'node:crypto';
import { StartDataSourceRunCommand } from '@aws-sdk/client-datazone';
import { GraphQLError } from 'graphql';
import type { UpstreamClients } from './clients.js';
import { ErrorCode, upstreamError } from './errors.js';
import type { DataSourceRunModel } from './models.js';
import { sentFor, type CallOrigin } from './origin.js';
import {
  SendDataIntegrationEventCommand,
  type SendDataIntegrationEventRequest,
} from './supplychain/index.js';

/**
 * A SendDataIntegrationEvent request whose idempotency token is optional: absent, {@link Actions.sendEvent}
 * generates one.
 */
export interface SendEventRequest extends Omit<SendDataIntegrationEventRequest, 'clientToken'> {
  readonly clientToken?: string | undefined;
}

/** What a sent event is known by: AWS's event id, and the token that makes a retry safe. */
export interface SendEventResult {
  readonly eventId: string;
  /** The token sent: the caller's, or one generated here; retrying with it never duplicates the event. */
  readonly clientToken: string;
}

/**
 * The gateway's writes to AWS, each idempotent through its client token (the caller's, or a new UUID). Both
 * reject with the mapped upstream error (errors.ts), which carries the token used so the caller can retry
 * without duplicating the write. `origin` is the request the write is made for (see `sentFor`).
 */
export interface Actions {
  sendEvent(request: SendEventRequest, origin?: CallOrigin): Promise<SendEventResult>;
  startDataSourceRun(
    request: {
      domainId: string;
      dataSourceId: string;
      clientToken?: string | undefined;
    },
    origin?: CallOrigin,
  ): Promise<DataSourceRunModel>;
}

/**
 * The writes, sent through `clients` (SendDataIntegrationEvent on Supply Chain, StartDataSourceRun on
 * DataZone). Nothing is retried here beyond the clients' own retry strategy.
 */
export function createActions(clients: UpstreamClients): Actions {
  return {
    async sendEvent(request, origin) {
      const clientToken = request.clientToken ?? randomUUID();
      try {
        const out = await clients.supplyChain.send(
          sentFor(new SendDataIntegrationEventCommand({ ...request, clientToken }), origin),
        );
        return { eventId: out.eventId!, clientToken };
      } catch (err) {
        throw withClientToken(upstreamError(err, 'SendDataIntegrationEvent'), clientToken);
      }
    },
    async startDataSourceRun({ domainId, dataSourceId, clientToken: given }, origin) {
      const clientToken = given ?? randomUUID();
      try {
        const { $metadata: _, ...run } = await clients.dataZone.send(
          sentFor(
            new StartDataSourceRunCommand({
              domainIdentifier: domainId,
              dataSourceIdentifier: dataSourceId,
              clientToken,
            }),
            origin,
          ),
        );
        return run as DataSourceRunModel;
      } catch (err) {
        throw withClientToken(upstreamError(err, 'StartDataSourceRun'), clientToken);
      }
    },
  };
}

/** Failures after which the write may or may not have happened upstream. */
const OUTCOME_UNKNOWN: ReadonlySet<string> = new Set([
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.INTERNAL_SERVER_ERROR,
]);

/**
 * Puts the idempotency token a failed write used in `extensions.clientToken`. When the outcome is
 * unknown (the upstream timed out or failed mid-call) the message says to retry with it: AWS does not
 * perform a write twice for one token, so the retry is safe whether or not the first one landed.
 */
function withClientToken(error: GraphQLError, clientToken: string): GraphQLError {
  const unknown = OUTCOME_UNKNOWN.has(String(error.extensions['code']));
  const message = unknown
    ? `${error.message}. It may or may not have been applied: retry with clientToken "${clientToken}" (the same token is never applied twice)`
    : error.message;
  return new GraphQLError(message, {
    ...(error.originalError ? { originalError: error.originalError } : {}),
    extensions: { ...error.extensions, clientToken },
  });
}
