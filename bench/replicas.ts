/**
 * Gateway replicas for the scale-out case of benchmark 3: real gateway processes (`node --import tsx
 * src/main.ts`, as `npm start` runs it) on one external emulator, sharing one poller per watched load
 * through Redis leases under a key prefix of their own, deleted again on stop. Every replica is tracked
 * with the other children, so an interrupted benchmark kills it too. Internal to the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { EMULATOR_CREDENTIALS } from '../src/upstream/clients.js';
import { trackChild } from './children.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export interface Replicas {
  /** The GraphQL endpoint of each replica. */
  readonly urls: readonly string[];
  /** The process id of each replica. */
  readonly pids: readonly number[];
  /** Stops every replica (SIGTERM, then SIGKILL after a grace) and deletes the prefix's Redis keys. */
  stop(): Promise<void>;
}

/** Ends a process by its pid: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function end(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A TCP port free on loopback right now (the OS picks it; closed again before it is returned). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once `url` answers 200 (polled every 100 ms), or rejects when `child` exits first. */
async function answering(url: string, child: ChildProcess): Promise<void> {
  while (child.exitCode === null && child.signalCode === null) {
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
}

/**
 * Starts `src/main.ts` with `args` and `env`; `url` is the first URL it prints. A gateway in production
 * prints only JSON log lines (none at all with LOG_LEVEL=silent): give it `gatewayPort`, and `url` is its
 * GraphQL endpoint on that port once `/healthz` answers.
 */
export function startMain(
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
  gatewayPort?: number,
): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
  });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`replica (pid ${child.pid}) not listening within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    if (gatewayPort !== undefined) {
      const origin = `http://127.0.0.1:${gatewayPort}`;
      void answering(`${origin}/healthz`, child).then(() => {
        clearTimeout(timer);
        resolve(`${origin}/graphql`);
      });
    }
    child.stdout!.on('data', (chunk: Buffer) => {
      if (gatewayPort !== undefined) return;
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('http'));
      if (line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica (pid ${child.pid}) exited (${code}) before listening:\n${stderr}`));
    });
  });
  // Awaited by the caller; this keeps a second failure (after the first rejected it) from going unhandled.
  url.catch(() => {});
  return { child, url };
}

/** The Redis of the replica cases cannot be reached. */
export class RedisUnreachableError extends Error {
  override readonly name = 'RedisUnreachableError';
}

/** Resolves once `redisUrl` answers PING; else rejects with what to do about it. */
export async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000 });
  let cause: Error | undefined;
  redis.on('error', (err: Error) => (cause ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new RedisUnreachableError(
      `the replica cases of benchmark 3 need Redis at ${redisUrl} (BENCH_REDIS_URL), which does not answer (${(cause ?? (err as Error)).message}): start it, or set BENCH_POLL_REPLICA_CASES=none`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` (SCAN + DEL); the pub/sub channels hold no data. */
async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // Failures surface through the commands below; without a listener ioredis reports them as unhandled.
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Prefixes whose keys are not deleted yet, with their Redis, for {@link deleteLeftoverKeys}. */
const leftovers = new Map<string, string>();

/** Deletes the keys of every replica set not stopped (on an interrupted benchmark, after killChildren). */
export async function deleteLeftoverKeys(): Promise<void> {
  await Promise.allSettled([...leftovers].map(([prefix, redisUrl]) => deleteKeys(redisUrl, prefix)));
  leftovers.clear();
}

/**
 * Starts `count` replicas on `emulatorUrl`, sharing `redisUrl` (if any) under a fresh key prefix, with
 * `env` on top of the bench defaults; resolves once all listen (or stops those started and rejects).
 */
export async function startReplicas(
  count: number,
  emulatorUrl: string,
  redisUrl: string | undefined,
  env: Readonly<Record<string, string>>,
): Promise<Replicas> {
  const keyPrefix = `loadgraph-bench-${randomUUID().slice(0, 8)}:`;
  if (redisUrl) leftovers.set(keyPrefix, redisUrl);
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const started = ports.map((port) =>
    startMain(
      {
        PORT: String(port),
        LOADGRAPH_EMULATOR: '0',
        AWS_REGION: 'us-east-1',
        SUPPLYCHAIN_ENDPOINT: emulatorUrl,
        DATAZONE_ENDPOINT: emulatorUrl,
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // Real-AWS mode (an external endpoint) needs an explicit choice; the load comes from one address,
        // which the per-principal limits would (rightly) hold back.
        AUTH_MODE: 'none',
        AUTH_RATE_LIMIT_PER_SECOND: '0',
        AUTH_WS_MAX_CONNECTIONS_PER_PRINCIPAL: '0',
        WS_MAX_SUBSCRIPTIONS: '100000',
        ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix } : {}),
        ...env,
      },
      [],
      port,
    ),
  );
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(started.map(({ child }) => end(child)));
    if (redisUrl) await deleteKeys(redisUrl, keyPrefix);
    leftovers.delete(keyPrefix);
  };
  try {
    const urls = await Promise.all(started.map(({ url }) => url));
    return { urls, pids: started.map(({ child }) => child.pid!), stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
