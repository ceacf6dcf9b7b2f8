/**
 * Scale-out tests: gateway replicas as real child processes (`node --import tsx src/main.ts`, as `npm
 * start` runs it) on one external emulator, and a `redis-server` of the test's own on a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { EMULATOR_CREDENTIALS } from '../../src/upstream/clients.js';
import { eventually } from './live.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Replica {
  readonly url: string;
  readonly base: string;
  readonly process: ChildProcess;
  /** What the process wrote on stderr (its logs). */
  readonly stderr: () => string;
  /** `/metrics` as `{ name: value }` for the unlabelled samples. */
  metrics(): Promise<Record<string, number>>;
  readyz(): Promise<{ status: number; body: any }>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, and waits for the exit. */
  kill(): Promise<void>;
}

/** Starts a gateway process on `emulator` with `env` on top of test defaults; resolves once it listens. */
export async function startReplica(emulator: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      PORT: '0',
      LOADGRAPH_EMULATOR: '0',
      AWS_REGION: 'us-east-1',
      SUPPLYCHAIN_ENDPOINT: emulator,
      DATAZONE_ENDPOINT: emulator,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      UPSTREAM_MAX_ATTEMPTS: '1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: '2000',
      READINESS_CACHE_MS: '0',
      // Real-AWS mode (an external endpoint) needs an explicit choice; these replicas serve test clients
      // that all come from one address, so the per-address limits are off.
      AUTH_MODE: 'none',
      AUTH_RATE_LIMIT_PER_SECOND: '0',
      AUTH_WS_MAX_CONNECTIONS_PER_PRINCIPAL: '0',
      ...env,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = '';
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('http'));
      if (line) resolve(line.trim());
    });
    // With NODE_ENV=production only JSON lines are written: the URL is in the `gateway listening` line.
    child.stderr!.on('data', () => {
      const listening = /"msg":"gateway listening"/.test(stderr) && /"url":"(http[^"]+)"/.exec(stderr);
      if (listening) resolve(listening[1]!);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}) before listening:\n${stderr}`)));
  });
  const base = url.replace(/\/graphql$/, '');
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    base,
    process: child,
    stderr: () => stderr,
    async metrics() {
      const text = await (await fetch(`${base}/metrics`)).text();
      return Object.fromEntries(
        text
          .split('\n')
          .filter((l) => /^loadgraph_\w+ /.test(l))
          .map((l) => [l.split(' ')[0]!, Number(l.split(' ')[1])]),
      );
    },
    async readyz() {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: await res.json() };
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisServer {
  readonly url: string;
  /** Stops the server (its data is gone: no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** A `redis-server` of the test's own on a free port, without persistence. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const failed = new Promise<never>((_, reject) =>
      child!.once('error', (err) =>
        reject(
          new Error(`these tests start a redis-server of their own, and it could not start: ${err.message}`),
        ),
      ),
    );
    failed.catch(() => {});
    await Promise.race([
      failed,
      eventually(
        () =>
          new Promise<boolean>((resolve) => {
            const socket = connect(port, '127.0.0.1');
            socket.once('connect', () => (socket.destroy(), resolve(true)));
            socket.once('error', () => resolve(false));
          }),
        `redis-server to listen on ${port}`,
      ),
    ]);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
