/**
 * The gateway on its embedded emulator. A reset (`POST /_emulator/reset`) never makes the gateway answer
 * the previous world's event: the emulator hands out a new id for the next event (AWS never reuses one),
 * so the gateway's cache of terminal loads cannot match it. And the gateway signs with the key pair and
 * region the emulator is configured with (`EMULATOR_CREDENTIALS`, `EMULATOR_REGION`).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SEND = `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId
  event { eventId eventGroupId status terminal message } } }`;
const EVENT = `query($i: ID!, $e: ID!) { dataIntegrationEvent(instanceId: $i, eventId: $e) {
  eventId eventGroupId status terminal message } }`;

let gw: TestGateway;
let instanceId: string;
let trackingArn: string;

const reset = async (): Promise<void> => {
  const res = await fetch(`${gw.emulator}/_emulator/reset`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(200);
};

beforeAll(async () => {
  gw = await startTestGateway();
  instanceId = (await gw.world()).supplychain.instances[0].instanceId;
  trackingArn = (
    await gw.data(
      `query($i: ID!) { dataLakeDataset(instanceId: $i, namespace: "default", name: "carrier_tracking") { arn } }`,
      { i: instanceId },
    )
  ).dataLakeDataset.arn;
});
afterAll(() => gw?.stop());

it('answers the new world’s event after a reset, not the previous world’s terminal one', async () => {
  // A load that fails (its record lacks the key), read once it is terminal: the gateway caches it.
  const failing = {
    instanceId,
    eventType: 'DATASET',
    data: JSON.stringify({ carrier_code: 'DHL' }),
    eventGroupId: `reset-${randomUUID()}`,
    datasetTarget: { datasetIdentifier: trackingArn, operationType: 'APPEND' },
  };
  const first = (await gw.data(SEND, { input: failing })).sendEvent;
  await gw.advance(60_000);
  const cached = (await gw.data(EVENT, { i: instanceId, e: first.eventId })).dataIntegrationEvent;
  expect(cached).toMatchObject({ status: 'FAILED', terminal: true });

  await reset();
  const group = `after-reset-${randomUUID()}`;
  const second = (
    await gw.data(SEND, {
      input: {
        ...failing,
        eventGroupId: group,
        data: JSON.stringify({ tracking_number: '1Z', event_ts: '2025-01-03T10:00:00Z' }),
      },
    })
  ).sendEvent;
  expect(second.eventId).not.toBe(first.eventId);
  expect(second.event).toMatchObject({ eventId: second.eventId, eventGroupId: group, status: 'RUNNING' });
  const read = (await gw.data(EVENT, { i: instanceId, e: second.eventId })).dataIntegrationEvent;
  expect(read).toMatchObject({ eventGroupId: group, status: 'RUNNING', terminal: false, message: null });
});

describe('configured emulator keys and region', () => {
  let custom: TestGateway;
  beforeAll(async () => {
    custom = await startTestGateway({
      EMULATOR_CREDENTIALS: 'AKIATEAMONE000000000:team-one-secret,AKIATEAMTWO000000000:team-two-secret',
      EMULATOR_REGION: 'eu-central-1',
    });
  });
  afterAll(() => custom?.stop());

  it('signs with the first configured pair for the configured region', async () => {
    const id = (await custom.world()).supplychain.instances[0].instanceId;
    const { dataLakeDataset } = await custom.data(
      `query($i: ID!) { dataLakeDataset(instanceId: $i, namespace: "asc", name: "product") { arn } }`,
      { i: id },
    );
    expect(dataLakeDataset.arn).toMatch(/^arn:aws:scn:eu-central-1:123456789012:instance\//);
  });
});
