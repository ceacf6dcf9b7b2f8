/** `/healthz` and `/readyz`: alive, ready when both AWS services answer, and saying what is wrong when not. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
const base = () => gw.url.replace(/\/graphql$/, '');

beforeAll(async () => {
  gw = await startTestGateway({ READINESS_CACHE_MS: '0' });
});
afterAll(() => gw?.stop());

describe('health', () => {
  it('answers /healthz while the process is alive', async () => {
    const res = await fetch(`${base()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when both services answer, with one list call each', async () => {
    await gw.resetCalls();
    const res = await fetch(`${base()}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', problems: [] });
    expect(await gw.calls()).toEqual({ ListInstances: 1, ListDomains: 1 });
  });

  it('is unready, naming the service, while an upstream fails, and ready again when it recovers', async () => {
    await gw.addFault({ operation: 'ListDomains', kind: 'error', status: 503 });
    const res = await fetch(`${base()}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; problems: string[] };
    expect(body.status).toBe('unready');
    expect(body.problems).toHaveLength(1);
    expect(body.problems[0]).toMatch(/^Amazon DataZone is not reachable: UPSTREAM_UNAVAILABLE/);
    await gw.clearFaults();
    expect((await fetch(`${base()}/readyz`)).status).toBe(200);
  });

  it('counts a throttled probe as reachable', async () => {
    await gw.addFault({ operation: 'ListInstances', kind: 'throttle' });
    expect((await fetch(`${base()}/readyz`)).status).toBe(200);
    await gw.clearFaults();
  });
});
