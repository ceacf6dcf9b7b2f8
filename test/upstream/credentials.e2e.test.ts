/**
 * A gateway process in real-AWS mode whose default credential chain finds nothing (no AWS_* variables, an
 * empty home, instance metadata off): it says so in one log line at start, naming the chain and what to
 * set, `/readyz` fails, and it keeps serving; a field that needs AWS answers UPSTREAM_CREDENTIALS with a
 * message saying what to fix, or, in production, a generic one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/live.js';
import { startReplica, type Replica } from '../helpers/replicas.js';

const RUN = `{ dataSourceRun(domainIdentifier: "dzd_abc123", identifier: "run1") { runId } }`;

let emulator: TestEmulator;
let home: string;
const started: Replica[] = [];

/** A gateway whose default credential chain has nothing to find. */
async function withoutCredentials(env: Record<string, string> = {}): Promise<Replica> {
  const replica = await startReplica(emulator.endpoint, {
    HOME: home,
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    READINESS_CACHE_MS: '0',
    ...env,
  });
  started.push(replica);
  return replica;
}

const logLines = (replica: Replica): any[] =>
  replica
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
const credentialLines = (replica: Replica) =>
  logLines(replica).filter((l) => /AWS credentials could not be resolved/.test(l.msg));

const query = async (replica: Replica, text: string) => {
  const res = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  return (await res.json()) as any;
};

beforeAll(async () => {
  emulator = await startTestEmulator();
  home = mkdtempSync(join(tmpdir(), 'loadgraph-no-aws-'));
});

afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  await emulator?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('a gateway without AWS credentials', () => {
  let gateway: Replica;
  beforeAll(async () => {
    gateway = await withoutCredentials();
  });

  it('says so once at start: which chain it tried and what to set', async () => {
    await eventually(() => credentialLines(gateway).length > 0, 'the credentials log line');
    const lines = credentialLines(gateway);
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe(50);
    expect(lines[0].msg).toMatch(/default provider chain: environment \(AWS_ACCESS_KEY_ID/);
    expect(lines[0].msg).toMatch(/EC2 instance metadata/);
    expect(lines[0].msg).toMatch(/To fix: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(lines[0].msg).toMatch(/keeps serving; \/readyz fails/);
  });

  it('fails /readyz naming the problem, and keeps serving /healthz', async () => {
    const ready = await gateway.readyz();
    expect(ready.status).toBe(503);
    expect(ready.body.problems).toEqual([
      expect.stringMatching(/^AWS credentials could not be resolved .*To fix: set/),
    ]);
    expect((await fetch(`${gateway.base}/healthz`)).status).toBe(200);
  });

  it('answers a field that needs AWS with UPSTREAM_CREDENTIALS and what to fix', async () => {
    const res = await query(gateway, RUN);
    expect(res.data).toEqual({ dataSourceRun: null });
    expect(res.errors[0].extensions).toMatchObject({
      code: 'UPSTREAM_CREDENTIALS',
      awsErrorName: 'CredentialsProviderError',
      awsOperation: 'GetDataSourceRun',
    });
    expect(res.errors[0].message).toMatch(
      /^the gateway has no usable AWS credentials.*To fix: set AWS_ACCESS_KEY_ID/,
    );
    // One line at start, not one per request.
    expect(credentialLines(gateway)).toHaveLength(1);
  });
});

describe('in production', () => {
  it('keeps the message generic; the start log line has the detail', async () => {
    const gateway = await withoutCredentials({ NODE_ENV: 'production' });
    const res = await query(gateway, RUN);
    expect(res.errors[0].extensions.code).toBe('UPSTREAM_CREDENTIALS');
    expect(res.errors[0].message).not.toMatch(/AWS_ACCESS_KEY_ID|To fix/);
    expect(res.errors[0].message).toMatch(/operator must configure them/);
    await eventually(() => credentialLines(gateway).length > 0, 'the credentials log line');
    expect(credentialLines(gateway)[0].msg).toMatch(/To fix: set AWS_ACCESS_KEY_ID/);
  });
});

describe('a gateway with credentials', () => {
  it('logs that they resolved, and no problem', async () => {
    const gateway = await startReplica(emulator.endpoint, { READINESS_CACHE_MS: '0' });
    started.push(gateway);
    await eventually(
      () => logLines(gateway).some((l) => l.msg === 'AWS credentials resolved'),
      'the resolved line',
    );
    expect(credentialLines(gateway)).toEqual([]);
    expect((await gateway.readyz()).status).toBe(200);
  });
});
