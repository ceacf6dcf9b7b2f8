/**
 * The dataset rules of SendDataIntegrationEvent, held by the emulator as AWS holds them, through the
 * real Supply Chain client: an `asc` dataset has an internal `connection_id` field no record may carry,
 * and UPSERT and DELETE need a dataset with primary keys. A refused event is not recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldSummary } from '../../src/emulator/world/index.js';
import {
  GetDataLakeDatasetCommand,
  ListDataIntegrationEventsCommand,
  SendDataIntegrationEventCommand,
  type DataLakeDataset,
  type SupplyChainClient,
} from '../../src/upstream/supplychain/index.js';
import { createDisposers, rejectionOf, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const disposers = createDisposers();
let emu: TestEmulator;
let sc: SupplyChainClient;
let instance: WorldSummary['supplychain']['instances'][number];
let product: DataLakeDataset;
let log: DataLakeDataset;

const dataset = async (namespace: string, name: string): Promise<DataLakeDataset> =>
  (await sc.send(new GetDataLakeDatasetCommand({ instanceId: instance.instanceId, namespace, name })))
    .dataset!;

const send = (target: DataLakeDataset, operationType: 'APPEND' | 'UPSERT' | 'DELETE', data: unknown) =>
  sc.send(
    new SendDataIntegrationEventCommand({
      instanceId: instance.instanceId,
      eventType: 'scn.data.dataset',
      data: JSON.stringify(data),
      eventGroupId: 'dataset-rules',
      datasetTarget: { datasetIdentifier: target.arn!, operationType },
    }),
  );

const eventCount = async (): Promise<number> =>
  (await emu.control.world()).supplychain.instances.find((i) => i.instanceId === instance.instanceId)!
    .eventCount;

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42 }));
  sc = emu.supplyChain;
  instance = emu.world.supplychain.instances[0]!;
  product = await dataset('asc', 'product');
  log = await dataset('default', 'edi_message_log');
});
afterAll(() => disposers.dispose());

describe('the seeded data lake', () => {
  it('gives every asc dataset the internal connection_id field, as AWS does', async () => {
    for (const instanceSummary of emu.world.supplychain.instances) {
      const asc = instanceSummary.namespaces.find((n) => n.name === 'asc')!;
      for (const name of asc.datasets) {
        const d = (
          await sc.send(
            new GetDataLakeDatasetCommand({ instanceId: instanceSummary.instanceId, namespace: 'asc', name }),
          )
        ).dataset!;
        expect(d.schema!.fields).toContainEqual({ name: 'connection_id', type: 'STRING', isRequired: true });
      }
    }
  });

  it('has datasets without primary keys in every instance, and only outside asc has none', async () => {
    for (const instanceSummary of emu.world.supplychain.instances) {
      const names = instanceSummary.namespaces.find((n) => n.name === 'default')!.datasets;
      expect(names).toContain('edi_message_log');
    }
    expect(log.schema!.primaryKeys).toBeUndefined();
    expect(product.schema!.primaryKeys).toEqual([{ name: 'id' }]);
  });

  it('seeds no UPSERT or DELETE event into a dataset without primary keys', async () => {
    expect(instance.namespaces.find((n) => n.name === 'default')!.datasets).toContain(
      'planner_adjustment_log',
    );
    const ops = new Set<string>();
    let nextToken: string | undefined;
    do {
      const page = await sc.send(
        new ListDataIntegrationEventsCommand({ instanceId: instance.instanceId, maxResults: 20, nextToken }),
      );
      for (const e of page.events ?? []) {
        const arn = e.datasetTargetDetails?.datasetIdentifier ?? '';
        if (/\/datasets\/(edi_message_log|planner_adjustment_log)$/.test(arn))
          ops.add(e.datasetTargetDetails!.operationType!);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    expect([...ops]).toEqual(['APPEND']); // and there are some: the seeded history targets them too
  });
});

describe('SendDataIntegrationEvent', () => {
  it('refuses a record carrying connection_id for an asc dataset with a ValidationException naming it', async () => {
    const before = await eventCount();
    const err = await rejectionOf(
      send(product, 'UPSERT', [{ id: 'P1' }, { id: 'P2', connection_id: 'c-1' }]),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe(
      'Record 2 of data provides connection_id, an internal field of dataset asc/product that AWS Supply Chain populates; it is not allowed to be provided by the client. Remove it.',
    );
    expect(await eventCount()).toBe(before);
  });

  it('takes the same asc record without connection_id', async () => {
    const { eventId } = await send(product, 'UPSERT', [{ id: 'P1' }, { id: 'P2' }]);
    expect(eventId).toMatch(/^[a-f0-9-]{36}$/);
  });

  it('takes connection_id in a record of a dataset outside asc (the rule is asc only)', async () => {
    const { eventId } = await send(log, 'APPEND', {
      received_at: '2025-05-01T10:00:00Z',
      partner_code: 'ACME',
      transaction_set: '214',
      connection_id: 'mine',
    });
    expect(eventId).toBeDefined();
  });

  it.each(['UPSERT', 'DELETE'] as const)(
    'refuses %s into a dataset without primary keys with a ValidationException, and records nothing',
    async (operation) => {
      const before = await eventCount();
      const err = await rejectionOf(send(log, operation, { received_at: '2025-05-01T10:00:00Z' }));
      expect(err.name).toBe('ValidationException');
      expect(err.$metadata.httpStatusCode).toBe(400);
      expect(err.message).toBe(
        `Dataset default/edi_message_log has no primary keys: ${operation} events are not allowed for it (UPSERT and DELETE need a dataset with primary keys). Use APPEND.`,
      );
      expect(await eventCount()).toBe(before);
    },
  );

  it('takes APPEND into a dataset without primary keys', async () => {
    const { eventId } = await send(log, 'APPEND', {
      received_at: '2025-05-01T10:00:00Z',
      partner_code: 'ACME',
      transaction_set: '856',
    });
    expect(eventId).toBeDefined();
  });
});
