/**
 * The emulator's injected faults and control API, end to end: faults set over HTTP, observed through the
 * real clients and their retry strategy (3 attempts, 1 ms backoff), and the control API's own contract.
 */
import { GetDomainCommand } from '@aws-sdk/client-datazone';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  GetDataLakeNamespaceCommand,
  GetInstanceCommand,
  ListInstancesCommand,
  ThrottlingException,
  type SupplyChainClient,
} from '../../src/upstream/supplychain/index.js';
import { createDisposers, rejectionOf, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const disposers = createDisposers();
let emu: TestEmulator;
let sc: SupplyChainClient;
let instanceId: string;

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42 }));
  sc = emu.supplyChain;
  instanceId = emu.world.supplychain.instances[0]!.instanceId;
});
afterEach(async () => {
  await emu.control.clearFaults();
  await emu.control.resetCalls();
});
afterAll(() => disposers.dispose());

const getInstance = (client = sc) => client.send(new GetInstanceCommand({ instanceId }));

describe('throttling', () => {
  it('a single throttle is absorbed by the retry strategy: the call succeeds on attempt 2', async () => {
    await emu.control.addFault({ operation: 'GetInstance', kind: 'throttle', count: 1 });
    const out = await getInstance();
    expect(out.$metadata.attempts).toBe(2);
    expect(out.instance!.instanceId).toBe(instanceId);
    expect(await emu.control.calls()).toEqual({ GetInstance: 2 });
  });

  it('a single throttle is absorbed by the DataZone client as well', async () => {
    await emu.control.addFault({ operation: 'GetDomain', kind: 'throttle', count: 1 });
    const domainId = emu.world.datazone.domains[0]!.domainId;
    const out = await emu.dataZone.send(new GetDomainCommand({ identifier: domainId }));
    expect(out.$metadata.attempts).toBe(2);
  });

  it('throttling that outlasts maxAttempts surfaces ThrottlingException (429) after 3 attempts', async () => {
    await emu.control.addFault({ operation: 'GetInstance', kind: 'throttle', count: 5 });
    const err = await rejectionOf(getInstance());
    expect(err).toBeInstanceOf(ThrottlingException);
    expect(err.$metadata).toMatchObject({ httpStatusCode: 429, attempts: 3 });
    expect(err.$metadata.requestId).toEqual(expect.any(String));
    expect(await emu.control.calls()).toEqual({ GetInstance: 3 });
  });
});

describe('server errors', () => {
  it('a single 500 is retried: the call succeeds on attempt 2', async () => {
    await emu.control.addFault({ operation: 'GetInstance', kind: 'error', status: 500, count: 1 });
    const out = await getInstance();
    expect(out.$metadata.attempts).toBe(2);
  });

  it('a persistent 503 surfaces after maxAttempts as an error with httpStatusCode 503', async () => {
    await emu.control.addFault({ operation: 'GetInstance', kind: 'error', status: 503 });
    const err = await rejectionOf(getInstance());
    expect(err.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 3 });
    expect(err.$fault).toBe('server');
    expect(await emu.control.calls()).toEqual({ GetInstance: 3 });
  });
});

describe('latency and dropped connections', () => {
  it('a latency fault delays the answer by at least latencyMs', async () => {
    const latencyMs = 150;
    await emu.control.addFault({ operation: 'GetInstance', kind: 'latency', latencyMs, count: 1 });
    const started = performance.now();
    const out = await getInstance();
    // Timers may fire up to a millisecond early against performance.now(); never assert an upper bound.
    expect(performance.now() - started).toBeGreaterThanOrEqual(latencyMs - 2);
    expect(out.$metadata.attempts).toBe(1);
  });

  it('a dropped connection is retried by the client: the call succeeds on attempt 2', async () => {
    await emu.control.addFault({ operation: 'GetInstance', kind: 'drop', count: 1 });
    const out = await getInstance();
    expect(out.$metadata.attempts).toBe(2);
    expect(await emu.control.calls()).toEqual({ GetInstance: 2 });
  });

  it('a connection dropped on every attempt surfaces a socket error (no HTTP status) after maxAttempts', async () => {
    await emu.control.addFault({ operation: 'GetInstance', kind: 'drop' });
    const err = await rejectionOf(getInstance());
    expect(err.code).toBe('ECONNRESET');
    expect(err.$metadata).toMatchObject({ attempts: 3 });
    expect(err.$metadata.httpStatusCode).toBeUndefined();
  });
});

describe('percentages and targeting', () => {
  /** Which of `calls` GetInstance calls fail under a 50 % error fault, as a string of ✓ and ✗. */
  async function pattern(target: TestEmulator, calls = 40): Promise<string> {
    const { supplyChain } = target.clients({ maxAttempts: 1 });
    const input = { instanceId: target.world.supplychain.instances[0]!.instanceId };
    await target.control.addFault({ operation: 'GetInstance', kind: 'error', status: 500, percent: 50 });
    let marks = '';
    for (let i = 0; i < calls; i++) {
      marks += await supplyChain
        .send(new GetInstanceCommand(input))
        .then(() => '✓')
        .catch(() => '✗');
    }
    return marks;
  }

  it('a percentage fault fails the same calls in two emulators with the same seed', async () => {
    const a = disposers.track(await startTestEmulator({ seed: 7 }));
    const b = disposers.track(await startTestEmulator({ seed: 7 }));
    const first = await pattern(a);
    expect(first).toContain('✓');
    expect(first).toContain('✗');
    expect(await pattern(b)).toBe(first);
  });

  it('a reset with the same seed replays the same percentage pattern', async () => {
    const first = await pattern(emu);
    expect(first).toMatch(/✓.*✗|✗.*✓/);
    await emu.control.reset(42);
    expect(await pattern(emu)).toBe(first);
  });

  it('a fault on one operation leaves every other operation alone', async () => {
    await emu.control.addFault({ operation: 'GetInstance', kind: 'throttle' });
    expect((await sc.send(new ListInstancesCommand({}))).$metadata.attempts).toBe(1);
    expect(
      (await sc.send(new GetDataLakeNamespaceCommand({ instanceId, name: 'asc' }))).$metadata.attempts,
    ).toBe(1);
    const domainId = emu.world.datazone.domains[0]!.domainId;
    expect((await emu.dataZone.send(new GetDomainCommand({ identifier: domainId }))).$metadata.attempts).toBe(
      1,
    );
    await expect(getInstance()).rejects.toBeInstanceOf(ThrottlingException);
  });

  it("a fault on '*' reaches every operation of both services", async () => {
    await emu.control.addFault({ kind: 'throttle', count: 1 });
    expect((await sc.send(new ListInstancesCommand({}))).$metadata.attempts).toBe(2);
    await emu.control.addFault({ kind: 'throttle', count: 1 });
    const domainId = emu.world.datazone.domains[0]!.domainId;
    expect((await emu.dataZone.send(new GetDomainCommand({ identifier: domainId }))).$metadata.attempts).toBe(
      2,
    );
  });
});

describe('control API', () => {
  it('/_emulator/calls counts calls per operation and DELETE resets the counts', async () => {
    await emu.control.resetCalls();
    await getInstance();
    await getInstance();
    await sc.send(new ListInstancesCommand({}));
    await emu.dataZone.send(new GetDomainCommand({ identifier: emu.world.datazone.domains[0]!.domainId }));
    expect(await emu.control.calls()).toEqual({ GetDomain: 1, GetInstance: 2, ListInstances: 1 });
    const cleared = await emu.control.request('DELETE', '/_emulator/calls');
    expect(cleared.status).toBe(200);
    expect(await emu.control.calls()).toEqual({});
  });

  it('GET /_emulator/faults lists an added fault until its count is spent', async () => {
    const { id } = await emu.control.addFault({ operation: 'GetInstance', kind: 'throttle', count: 1 });
    const listed = await emu.control.request('GET', '/_emulator/faults');
    expect(listed.json.faults).toEqual([
      expect.objectContaining({ id, operation: 'GetInstance', kind: 'throttle', count: 1 }),
    ]);
    await getInstance();
    expect((await emu.control.request('GET', '/_emulator/faults')).json.faults).toEqual([]);
  });

  const badFaults: [string, unknown, string][] = [
    ['latency without latencyMs', { kind: 'latency' }, 'latencyMs'],
    ['an unknown kind', { kind: 'explode' }, 'kind'],
    ['a status that is not 500, 502, 503 or 504', { kind: 'error', status: 418 }, 'status'],
    ['a count of 0', { kind: 'throttle', count: 0 }, 'count'],
    ['a percent above 100', { kind: 'throttle', percent: 150 }, 'percent'],
    ['an empty operation', { operation: '', kind: 'throttle' }, 'operation'],
    ['an unknown member', { kind: 'throttle', surprise: true }, 'surprise'],
    ['an operation neither service has', { operation: 'GetInstances', kind: 'throttle' }, 'operation'],
  ];
  it.each(badFaults)(
    'POST /_emulator/faults with %s answers 400 with a message naming the field',
    async (_, spec, field) => {
      const res = await emu.control.request('POST', '/_emulator/faults', spec);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.json.error).toContain(field);
      expect((await emu.control.request('GET', '/_emulator/faults')).json.faults).toEqual([]);
    },
  );

  it('POST /_emulator/faults with a body that is not JSON answers 400 saying so', async () => {
    const res = await emu.control.request('POST', '/_emulator/faults', '{kind: throttle');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/JSON/);
  });

  it('POST /_emulator/clock and /_emulator/reset reject bad members with 400 naming them', async () => {
    const clock = await emu.control.request('POST', '/_emulator/clock', { advanceMs: -5 });
    expect(clock.status).toBe(400);
    expect(clock.json.error).toContain('advanceMs');
    const reset = await emu.control.request('POST', '/_emulator/reset', { seed: 'seven' });
    expect(reset.status).toBe(400);
    expect(reset.json.error).toContain('seed');
  });

  it('POST /_emulator/clock with an advanceMs past the end of representable time answers 400 and keeps the clock', async () => {
    // On an emulator of its own: if the clock is corrupted it cannot be reset.
    const other = disposers.track(await startTestEmulator({ seed: 42 }));
    const before = await other.control.now();
    const res = await other.control.request('POST', '/_emulator/clock', { advanceMs: 1e300 });
    expect(res.status).toBe(400);
    expect(res.json.error).toContain('advanceMs');
    expect(await other.control.now()).toBe(before);
  });

  it('an unknown control route answers 404 with a message', async () => {
    const res = await emu.control.request('GET', '/_emulator/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json.error).toEqual(expect.any(String));
  });

  it('advancing the clock moves simulated now by exactly the amount while it is frozen', async () => {
    const before = await emu.control.now();
    expect(await emu.control.advance(12_345)).toBe(before + 12_345);
    expect(await emu.control.now()).toBe(before + 12_345);
  });
});
