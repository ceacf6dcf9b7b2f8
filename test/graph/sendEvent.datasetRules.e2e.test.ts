/**
 * `sendEvent` and `sendEvents` refuse what the SendDataIntegrationEvent reference forbids before AWS
 * sees it: a record carrying `connection_id` for an `asc` dataset, and UPSERT or DELETE on a dataset
 * without primary keys. The rule is read from the target dataset's definition through the shared cache;
 * the emulator's call counters prove no such input reaches SendDataIntegrationEvent.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SEND = `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId clientToken } }`;
const SEND_MANY = `mutation($inputs: [SendEventInput!]!) { sendEvents(inputs: $inputs) {
  index payload { eventId } error { code message field } } }`;

let gw: TestGateway;
let instanceId: string;
let productArn: string;
let logArn: string;

const event = (arn: string, operationType: string, data: unknown) => ({
  instanceId,
  eventType: 'DATASET',
  data: JSON.stringify(data),
  eventGroupId: `rules-${randomUUID()}`,
  datasetTarget: { datasetIdentifier: arn, operationType },
});
const logRecord = { received_at: '2025-05-01T10:00:00Z', partner_code: 'ACME', transaction_set: '214' };

beforeAll(async () => {
  gw = await startTestGateway();
  instanceId = (await gw.world()).supplychain.instances[0].instanceId;
  const arns = await gw.data(
    `query($i: ID!) {
       p: dataLakeDataset(instanceId: $i, namespace: "asc", name: "product") { arn }
       l: dataLakeDataset(instanceId: $i, namespace: "default", name: "edi_message_log") { arn primaryKeys: schema { primaryKeys { name } } } }`,
    { i: instanceId },
  );
  productArn = arns.p.arn;
  logArn = arns.l.arn;
  expect(arns.l.primaryKeys.primaryKeys ?? []).toEqual([]);
});
beforeEach(() => gw.resetCalls());
afterAll(() => gw?.stop());

describe('sendEvent refuses the dataset rules first', () => {
  it.each(['UPSERT', 'DELETE'])(
    'refuses %s into a dataset without primary keys with BAD_USER_INPUT on operationType; nothing is sent',
    async (operation) => {
      const res = await gw.query(SEND, { input: event(logArn, operation, logRecord) });
      expect(res.data).toBeNull();
      expect(res.errors![0]!.message).toBe(
        `input.datasetTarget.operationType is ${operation}, but dataset default/edi_message_log has no primary keys: AWS takes UPSERT and DELETE only for a dataset with primary keys. Use APPEND, or target a dataset with primary keys.`,
      );
      expect(res.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.datasetTarget.operationType',
      });
      expect((await gw.calls()).SendDataIntegrationEvent).toBeUndefined();
    },
  );

  it('refuses a record carrying connection_id for an asc dataset with BAD_USER_INPUT on data; nothing is sent', async () => {
    const res = await gw.query(SEND, {
      input: event(productArn, 'UPSERT', [{ id: 'P1' }, { id: 'P2' }, { id: 'P3', connection_id: 'x' }]),
    });
    expect(res.data).toBeNull();
    expect(res.errors![0]!.message).toBe(
      'input.data record 3 carries connection_id, an internal field of asc datasets (asc/product) that AWS Supply Chain fills in itself and refuses from clients. Remove connection_id from the records.',
    );
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.data' });
    expect((await gw.calls()).SendDataIntegrationEvent).toBeUndefined();
  });

  it('holds the connection_id rule for APPEND too, for a single record', async () => {
    const res = await gw.query(SEND, {
      input: event(productArn.replace(/product$/, 'site'), 'APPEND', { id: 'S1', connection_id: 'x' }),
    });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.data' });
    expect(res.errors![0]!.message).toContain('record 1 carries connection_id');
    expect((await gw.calls()).SendDataIntegrationEvent).toBeUndefined();
  });

  it('sends what the rules allow: APPEND without keys, asc records without connection_id', async () => {
    await gw.data(SEND, { input: event(logArn, 'APPEND', logRecord) });
    await gw.data(SEND, { input: event(productArn, 'UPSERT', { id: 'P1' }) });
    expect((await gw.calls()).SendDataIntegrationEvent).toBe(2);
  });

  it('reads each dataset definition once through the shared cache, not once per event', async () => {
    for (let i = 0; i < 3; i++) await gw.data(SEND, { input: event(productArn, 'APPEND', { id: `P${i}` }) });
    const calls = await gw.calls();
    expect(calls.SendDataIntegrationEvent).toBe(3);
    // Read at most once (beforeAll's query may already have cached it): never once per event.
    expect(calls.GetDataLakeDataset ?? 0).toBeLessThanOrEqual(1);
  });
});

describe('sendEvents refuses the dataset rules per item', () => {
  it('gives a breaking item its BAD_USER_INPUT and field, and sends the others', async () => {
    const { sendEvents } = await gw.data(SEND_MANY, {
      inputs: [
        event(logArn, 'APPEND', logRecord),
        event(logArn, 'DELETE', logRecord),
        event(productArn, 'UPSERT', { id: 'P1', connection_id: 'x' }),
        event(productArn, 'UPSERT', { id: 'P1' }),
      ],
    });
    expect(sendEvents.map((r: any) => r.error?.field ?? null)).toEqual([
      null,
      'inputs.1.datasetTarget.operationType',
      'inputs.2.data',
      null,
    ]);
    expect(sendEvents[1].error.code).toBe('BAD_USER_INPUT');
    expect(sendEvents[2].error.message).toContain('connection_id');
    expect((await gw.calls()).SendDataIntegrationEvent).toBe(2);
  });
});
