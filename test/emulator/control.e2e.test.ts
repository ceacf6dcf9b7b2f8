/**
 * The control API says what it will do: a fault is echoed with the status it answers with (and the AWS
 * error), a status that fault kind never answers with is refused, and a reset without a seed returns to
 * the world the emulator started with, whatever resets came between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListDomainsCommand } from '@aws-sdk/client-datazone';
import { rejectionOf, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => void (emu = await startTestEmulator({ seed: 42 })));
afterAll(async () => emu?.close());

describe('faults', () => {
  it.each([
    [{ kind: 'throttle' }, { status: 429, answer: '429 ThrottlingException' }],
    [{ kind: 'error' }, { status: 500, answer: '500 InternalServerException' }],
    [
      { kind: 'error', status: 504 },
      { status: 504, answer: '504 GatewayTimeoutException' },
    ],
    [{ kind: 'drop' }, { answer: 'no answer: the connection is closed' }],
  ])('echoes %j with what it will answer', async (spec, echoed) => {
    const res = await emu.control.request('POST', '/_emulator/faults', {
      operation: 'GetDomain',
      count: 1,
      ...spec,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ ...spec, ...echoed });
    if (!('status' in echoed)) expect(res.json).not.toHaveProperty('status');
    await emu.control.clearFaults();
  });

  it.each([
    [{ kind: 'throttle' }, 'ThrottlingException'],
    [{ kind: 'error', status: 503 }, 'ServiceUnavailableException'],
  ])('answers %j with the status and error it echoed', async (spec, name) => {
    const echoed = await emu.control.request('POST', '/_emulator/faults', {
      operation: 'ListDomains',
      count: 1,
      ...spec,
    });
    const err = await rejectionOf(emu.clients({ maxAttempts: 1 }).dataZone.send(new ListDomainsCommand({})));
    expect(err.$metadata.httpStatusCode).toBe((echoed.json as any).status);
    expect(err.name).toBe(name);
    expect((echoed.json as any).answer).toBe(`${err.$metadata.httpStatusCode} ${name}`);
  });

  it('refuses a status the fault kind never answers with, saying why', async () => {
    const res = await emu.control.request('POST', '/_emulator/faults', { kind: 'throttle', status: 500 });
    expect(res.status).toBe(400);
    expect(res.text).toContain("a 'throttle' fault always answers 429 ThrottlingException");
  });
});

describe('reset', () => {
  it('without a seed returns to the seed the emulator started with', async () => {
    const first = await emu.control.world();
    const other = await emu.control.request('POST', '/_emulator/reset', { seed: 7 });
    expect((other.json as any).seed).toBe(7);
    expect((other.json as any).world).not.toEqual(first);
    const back = await emu.control.request('POST', '/_emulator/reset');
    expect(back.status).toBe(200);
    expect((back.json as any).seed).toBe(42);
    expect((back.json as any).world).toEqual(first);
  });
});
