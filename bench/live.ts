/**
 * What benchmarks 3 to 5 need from a Loadgraph host: its world (instance, a dataset to target), DATASET
 * events that stay running (the emulator clock is frozen) to watch, the subscription they are watched
 * with, and the emulator's clock and fault controls. Internal to the benchmarks.
 */
import { randomUUID } from 'node:crypto';
import { postGraphQL } from './queries.js';

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

async function control(emulatorUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulatorUrl}/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`emulator control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Moves the emulator's simulated time forward (every running load moves on). */
export const advanceClock = (emulatorUrl: string, advanceMs: number): Promise<unknown> =>
  control(emulatorUrl, 'POST', 'clock', { advanceMs });

export const addFault = (emulatorUrl: string, fault: Record<string, unknown>): Promise<unknown> =>
  control(emulatorUrl, 'POST', 'faults', fault);

export const clearFaults = (emulatorUrl: string): Promise<unknown> =>
  control(emulatorUrl, 'DELETE', 'faults');

/** The `q` quantile (0..1) of the values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** "met" or "NOT met", for the target lines. */
export const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
