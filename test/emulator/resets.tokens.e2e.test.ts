/**
 * Two things AWS never does that the emulator must not do either: hand out an id again (even after
 * `POST /_emulator/reset` rebuilds the world from the same seed), and drop a request whose query string
 * is long (an over-long `nextToken` is read and answered with a ValidationException, as the model's
 * length constraints say, not cut off with Node's bare 431). All through the real clients.
 */
import { ListDataSourceRunsCommand, StartDataSourceRunCommand } from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetDataIntegrationEventCommand,
  ListDataIntegrationEventsCommand,
  ListInstancesCommand,
  SendDataIntegrationEventCommand,
} from '../../src/upstream/supplychain/index.js';
import { createDisposers, rejectionOf, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const disposers = createDisposers();
let emu: TestEmulator;

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42 }));
});
afterAll(() => disposers.dispose());

const firstInstance = () => emu.world.supplychain.instances[0]!.instanceId;
const sendForecast = async (): Promise<string> =>
  (
    await emu.supplyChain.send(
      new SendDataIntegrationEventCommand({
        instanceId: firstInstance(),
        eventType: 'scn.data.forecast',
        data: '{"product_id":"P1"}',
        eventGroupId: 'resets',
      }),
    )
  ).eventId!;
const startRun = async (): Promise<string> => {
  const domain = emu.world.datazone.domains[0]!;
  const run = await emu.dataZone.send(
    new StartDataSourceRunCommand({
      domainIdentifier: domain.domainId,
      dataSourceIdentifier: domain.dataSources[0]!.id,
    }),
  );
  return run.id!;
};

describe('ids across resets', () => {
  it('rebuilds the same seeded world, but never hands out an event or run id again', async () => {
    const seeded = await emu.control.world();
    const events: string[] = [];
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      events.push(await sendForecast(), await sendForecast());
      runs.push(await startRun());
      expect(await emu.control.reset()).toEqual(seeded);
    }
    expect(new Set(events).size).toBe(events.length);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('does not answer an event of the previous world after a reset', async () => {
    const before = await sendForecast();
    await emu.control.reset();
    const after = await sendForecast();
    expect(after).not.toBe(before);
    const err = await rejectionOf(
      emu.supplyChain.send(
        new GetDataIntegrationEventCommand({ instanceId: firstInstance(), eventId: before }),
      ),
    );
    expect(err.name).toBe('ResourceNotFoundException');
    const { event } = await emu.supplyChain.send(
      new GetDataIntegrationEventCommand({ instanceId: firstInstance(), eventId: after }),
    );
    expect(event!.eventId).toBe(after);
  });

  it('keeps a fresh world per seed: reset to another seed and back gives the first world again', async () => {
    const seeded = await emu.control.reset();
    expect(await emu.control.reset(7)).not.toEqual(seeded);
    expect(await emu.control.reset(42)).toEqual(seeded);
  });
});

describe('an over-long nextToken', () => {
  it('gets a ValidationException (400) for 20 KiB, past Node’s default 16 KiB request head', async () => {
    const err = await rejectionOf(
      emu.supplyChain.send(
        new ListDataIntegrationEventsCommand({ instanceId: firstInstance(), nextToken: 'x'.repeat(20_480) }),
      ),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe('Invalid nextToken');
  });

  it('gets the model’s length constraint past 65,535 characters (Supply Chain) and 8,192 (DataZone)', async () => {
    const scn = await rejectionOf(
      emu.supplyChain.send(
        new ListDataIntegrationEventsCommand({ instanceId: firstInstance(), nextToken: 'x'.repeat(70_000) }),
      ),
    );
    expect(scn.name).toBe('ValidationException');
    expect(scn.message).toMatch(
      /^1 validation error detected: Value '.*' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 65535$/,
    );
    const listInstances = await rejectionOf(
      emu.supplyChain.send(new ListInstancesCommand({ nextToken: 'x'.repeat(20_000) })),
    );
    expect(listInstances.message).toContain('Member must have length less than or equal to 1024');
    const domain = emu.world.datazone.domains[0]!;
    const dz = await rejectionOf(
      emu.dataZone.send(
        new ListDataSourceRunsCommand({
          domainIdentifier: domain.domainId,
          dataSourceIdentifier: domain.dataSources[0]!.id,
          nextToken: 'x'.repeat(20_000),
        }),
      ),
    );
    expect(dz.name).toBe('ValidationException');
    expect(dz.$metadata.httpStatusCode).toBe(400);
    expect(dz.message).toContain('Member must have length less than or equal to 8192');
  });

  it('past the emulator’s 256 KiB request head still gets an AWS-shaped answer, not a bare status', async () => {
    const res = await fetch(
      `${emu.endpoint}/api-data/data-integration/instance/${firstInstance()}/data-integration-events?nextToken=${'x'.repeat(300_000)}`,
    );
    expect(res.status).toBe(431);
    expect(res.headers.get('x-amzn-errortype')).toBe('RequestHeaderSectionTooLarge');
    expect(await res.json()).toEqual({ message: 'The request line and headers exceed 262144 bytes' });
  });
});
