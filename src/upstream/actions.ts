/**
 * The upstream writes the graph may ask for: sending an integration event and starting a data source
 * run. Like reads, resolvers reach them only through the request context, never a client. Failures come
 * back as mapped GraphQL errors (see errors.ts).
 */
import { randomUUID } from 'node:crypto';
import { StartDataSourceRunCommand } from '@aws-sdk/client-datazone';
import type { UpstreamClients } from './clients.js';
import { upstreamError } from './errors.js';
import type { DataSourceRunModel } from './models.js';
import {
  SendDataIntegrationEventCommand,
  type SendDataIntegrationEventRequest,
} from './supplychain/index.js';

export interface SendEventRequest extends Omit<SendDataIntegrationEventRequest, 'clientToken'> {
  readonly clientToken?: string | undefined;
}

export interface SendEventResult {
  readonly eventId: string;
  /** The token sent: the caller's, or one generated here; retrying with it never duplicates the event. */
  readonly clientToken: string;
}

export interface Actions {
  sendEvent(request: SendEventRequest): Promise<SendEventResult>;
  startDataSourceRun(request: {
    domainId: string;
    dataSourceId: string;
    clientToken?: string | undefined;
  }): Promise<DataSourceRunModel>;
}

export function createActions(clients: UpstreamClients): Actions {
  return {
    async sendEvent(request) {
      const clientToken = request.clientToken ?? randomUUID();
      try {
        const out = await clients.supplyChain.send(
          new SendDataIntegrationEventCommand({ ...request, clientToken }),
        );
        return { eventId: out.eventId!, clientToken };
      } catch (err) {
        throw upstreamError(err, 'SendDataIntegrationEvent');
      }
    },
    async startDataSourceRun({ domainId, dataSourceId, clientToken }) {
      try {
        const { $metadata: _, ...run } = await clients.dataZone.send(
          new StartDataSourceRunCommand({
            domainIdentifier: domainId,
            dataSourceIdentifier: dataSourceId,
            clientToken: clientToken ?? randomUUID(),
          }),
        );
        return run as DataSourceRunModel;
      } catch (err) {
        throw upstreamError(err, 'StartDataSourceRun');
      }
    },
  };
}
