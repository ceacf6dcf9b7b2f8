/**
 * The gateway as an operator runs it, in a child process without vitest's NODE_ENV=test: the production
 * build (`node dist/main.js`) and the developer command (`npm start`). Each answers, and on SIGTERM
 * finishes the request in flight, closes WebSocket clients with 1001 and exits 0. In production every line
 * it writes is one JSON object, an oversized WebSocket message, client mistakes and Node's warnings
 * included.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  childPids,
  isRunning,
  parseJson,
  startProcess,
  stopUnderLoad,
  type GatewayProcess,
} from '../helpers/process.js';

const root = join(import.meta.dirname, '../..');
const started: GatewayProcess[] = [];
afterAll(() => {
  for (const gw of started) if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
});

describe('the production command (node dist/main.js)', () => {
  let gw: GatewayProcess;

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    expect(existsSync(join(root, 'dist/main.js'))).toBe(true);
    gw = await startProcess(process.execPath, ['dist/main.js'], {
      cwd: root,
      env: { NODE_ENV: 'production', SHUTDOWN_GRACE_MS: '10000', WS_MAX_PAYLOAD_BYTES: '1024' },
    });
    started.push(gw);
  }, 240_000);

  it('says first that it runs on the embedded emulator, and answers', async () => {
    const first = parseJson(gw.lines.stderr[0]!);
    expect(first).toMatchObject({ mode: 'emulator', auth: 'none' });
    expect(first.msg).toMatch(/^mode: embedded emulator/);
    const { status, body } = await gw.query('{ __typename }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });

  it('writes an access line per operation and logs client mistakes at info without a stack', async () => {
    const bad = await gw.query('query Typo { nope }');
    expect(bad.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const world = await gw.control('GET', 'world');
    const instanceId = world.supplychain.instances[0].instanceId;
    const missing = await gw.query(
      'query Missing($i: ID!) { dataIntegrationEvent(instanceId: $i, eventId: "00000000-0000-0000-0000-000000000000") { eventId } }',
      { i: instanceId },
    );
    expect(missing.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const missingLine = (await gw.line((l) => l.access?.operationName === 'Missing')).access;
    const json = gw.lines.stderr.map(parseJson);
    const access = json.filter((l) => l?.component === 'access').map((l) => l.access);
    expect(access).toContainEqual(
      expect.objectContaining({
        transport: 'http',
        operationName: 'Typo',
        outcome: 'GRAPHQL_VALIDATION_FAILED',
        principal: 'anonymous',
        upstreamCalls: 0,
      }),
    );
    expect(missingLine).toMatchObject({ operationType: 'query', outcome: 'NOT_FOUND' });
    expect(missingLine.upstreamCalls).toBeGreaterThan(0);
    expect(missingLine.requestId).toMatch(/\S/);
    // The upstream call lines of that request carry its id (debug is off here: the failed call's line).
    const mistakes = json.filter((l) => l?.code === 'NOT_FOUND' || l?.code === 'GRAPHQL_VALIDATION_FAILED');
    expect(mistakes.length).toBeGreaterThanOrEqual(2);
    for (const line of mistakes) {
      expect(line.level).toBe(30);
      expect(line.err).toBeUndefined();
    }
  });

  it('logs an oversized WebSocket message as one JSON line', async () => {
    const socket = new WebSocket(gw.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send('x'.repeat(4096));
    expect(await closed).toBe(1009);
  });

  it('on SIGTERM finishes the request in flight, closes WebSocket clients with 1001, exits 0; every line is JSON', async () => {
    const stop = await stopUnderLoad(gw);
    expect(stop.inFlight.status).toBe(200);
    expect(stop.inFlight.body.errors).toBeUndefined();
    expect(stop.inFlight.body.data.sendEvent.eventId).toMatch(/\S/);
    expect(stop.closeCode).toBe(1001);
    expect(stop.exit).toBe(0);
    const notJson = [...gw.lines.stdout, ...gw.lines.stderr].filter((line) => !parseJson(line));
    expect(notJson).toEqual([]);
    const messages = gw.lines.stderr.map((l) => parseJson(l).msg as string);
    expect(messages).toContain('stopped');
    if (Number(process.versions.node.split('.')[0]) < 22) {
      // The AWS SDK warns on Node 20; the warning is one JSON line like the rest.
      expect(messages.some((m) => /NodeVersionSupportWarning/.test(m))).toBe(true);
    }
    expect(messages.some((m) => /websocket client broke the protocol/.test(m))).toBe(true);
  });
});

describe('the developer command (npm start)', () => {
  it('stops the gateway with it on SIGTERM: drains, closes WebSocket clients with 1001, leaves no process', async () => {
    const gw = await startProcess('npm', ['start', '--silent'], {
      cwd: root,
      env: { SHUTDOWN_GRACE_MS: '10000', LOG_LEVEL: 'warn' },
    });
    started.push(gw);
    const [gateway] = childPids(gw.child.pid!);
    expect(gateway).toBeGreaterThan(0);
    const stop = await stopUnderLoad(gw);
    expect(stop.inFlight.status).toBe(200);
    expect(stop.inFlight.body.errors).toBeUndefined();
    expect(stop.closeCode).toBe(1001);
    expect(stop.exit).toBe(0);
    expect(isRunning(gateway!)).toBe(false);
  }, 120_000);
});
