/**
 * What benchmarks 3 to 5 need from a Loadgraph host: its world (instance, a dataset to target), DATASET
 * events that stay running (the emulator clock is frozen) to watch, the subscription they are watched
 * with, and the emulator's clock and fault controls. Internal to the benchmarks.
 */
import { randomUUID } from 'node:crypto';
import { postGraphQL } from './queries.js';
import { sortedQuantile } from './stats.js';

export const EVENT_SUBSCRIPTION = `subscription($i: ID!, $e: ID!) {
  dataIntegrationEventChanged(instanceId: $i, eventId: $e) {
    id status upstreamStatus terminal startedAt finishedAt message eventType eventGroupId
  }
}`;

export interface LiveWorld {
  readonly instanceId: string;
  readonly datasetArn: string;
}

export async function liveWorld(graphqlUrl: string, emulatorUrl: string): Promise<LiveWorld> {
  const world = (await (await fetch(`${emulatorUrl}/_emulator/world`)).json()) as {
    supplychain: { instances: { instanceId: string }[] };
  };
  const instanceId = world.supplychain.instances[0]?.instanceId;
  if (!instanceId) throw new Error('the emulator world has no Supply Chain instance');
  const data = await postGraphQL(
    graphqlUrl,
    `query($i: ID!) { dataLakeDataset(instanceId: $i, namespace: "default", name: "carrier_tracking") { arn } }`,
    { i: instanceId },
  );
  return { instanceId, datasetArn: data.dataLakeDataset.arn };
}

const SEND_EVENT = `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId } }`;

/** Sends `count` DATASET events, `concurrency` at a time; resolves to their event ids. */
export async function sendDatasetEvents(
  graphqlUrl: string,
  world: LiveWorld,
  count: number,
  concurrency = 10,
): Promise<string[]> {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const data = await postGraphQL(graphqlUrl, SEND_EVENT, {
        input: {
          instanceId: world.instanceId,
          eventType: 'DATASET',
          data: JSON.stringify({ tracking_number: `1Z${i}`, event_ts: '2025-01-03T10:00:00Z' }),
          eventGroupId: `bench-${randomUUID()}`,
          datasetTarget: { datasetIdentifier: world.datasetArn, operationType: 'APPEND' },
        },
      });
      ids[i] = data.sendEvent.eventId;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return ids;
}

/** The `q` quantile (0..1) of the values, nearest rank. */
export const quantile = (values: readonly number[], q: number): number =>
  sortedQuantile(
    [...values].sort((a, b) => a - b),
    q,
  );

/** "met" or "NOT met", for the target lines. */
export const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
