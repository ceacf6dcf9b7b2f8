/**
 * The orchestrator's side of its child processes: forks a server host or the load generator (TypeScript
 * through tsx, NODE_ENV=production, logs silent), waits for it to be ready, and sends it requests one at
 * a time over IPC. Every child is stopped by its own pid. Internal to the benchmarks.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  FarmReply,
  FarmRequest,
  HostReply,
  HostRequest,
  HostSpec,
  LoadJob,
  LoadResult,
  LoadgenReply,
  LoadgenRequest,
  Usage,
} from './protocol.js';

const READY_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** Children still running, so an interrupted benchmark can stop exactly those. */
const running = new Set<ChildProcess>();

export interface ChildOptions {
  /** Write a V8 CPU profile of the child here when it exits (`--cpu-prof`); none when undefined. */
  readonly cpuProfileDir?: string | undefined;
}

/** Adds a child started elsewhere (the gateway replicas) to those {@link killChildren} kills. */
export function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** The environment of a measured child: production mode, no logs, no SDK Node-version notice. */
export function childEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function spawnChild(
  entry: string,
  args: readonly string[],
  options: ChildOptions,
  v8Flags: readonly string[] = [],
): ChildProcess {
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = fork(fileURLToPath(new URL(entry, import.meta.url)), args, {
    execArgv: ['--import', 'tsx', '--expose-gc', ...v8Flags, ...profile],
    env: childEnv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  trackChild(child);
  return child;
}

/** Resolves with the child's next message; rejects if it exits first or stays silent `timeoutMs`. */
export function nextMessage<T>(child: ChildProcess, what: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown): void => {
      done();
      resolve(message as T);
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`${what}: the child process (pid ${child.pid}) exited with code ${code}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer from pid ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Asks a child to stop, and kills it (by pid) if it has not exited after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' } satisfies HostRequest | LoadgenRequest);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills every child this process started and that still runs (on an interrupted benchmark). */
export function killChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

export interface Host {
  /** The GraphQL endpoint (changes on `restart`). */
  readonly url: string;
  /** The emulator's base URL (Loadgraph and naive hosts; changes on `restart`). */
  readonly emulator: string | undefined;
  readonly pid: number;
  usage(): Promise<Usage>;
  /** Heap in use after a full garbage collection, bytes. */
  heapUsed(): Promise<number>;
  /** Wall-clock times (ms) at which the live hub found a change since the last call. */
  changes(): Promise<readonly number[]>;
  /** Replaces the server by a fresh one (empty caches) in the same process. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Forks a host running `spec` and waits until its server listens. */
export async function startHost(spec: HostSpec, options: ChildOptions = {}): Promise<Host> {
  const child = spawnChild('./host.ts', [JSON.stringify(spec)], options);
  const what = `${spec.kind} host`;
  const ready = await nextMessage<HostReply>(child, what, READY_TIMEOUT_MS).catch(async (err: unknown) => {
    await stopChild(child, 0);
    throw err;
  });
  if (ready.type !== 'ready') {
    await stopChild(child, 0);
    throw new Error(`${what} failed to start: ${ready.type === 'failed' ? ready.message : ready.type}`);
  }
  let urls = { url: ready.url, emulator: ready.emulator };
  return {
    get url() {
      return urls.url;
    },
    get emulator() {
      return urls.emulator;
    },
    pid: child.pid!,
    async usage() {
      const answer = nextMessage<HostReply>(child, `${what} usage`, REQUEST_TIMEOUT_MS);
      child.send({ type: 'usage' } satisfies HostRequest);
      const message = await answer;
      if (message.type !== 'usage') throw new Error(`${what}: expected usage, got ${message.type}`);
      return message.usage;
    },
    async heapUsed() {
      const answer = nextMessage<HostReply>(child, `${what} heap`, REQUEST_TIMEOUT_MS);
      child.send({ type: 'heap' } satisfies HostRequest);
      const message = await answer;
      if (message.type !== 'heap') throw new Error(`${what}: expected heap, got ${message.type}`);
      return message.heapUsedBytes;
    },
    async changes() {
      const answer = nextMessage<HostReply>(child, `${what} changes`, REQUEST_TIMEOUT_MS);
      child.send({ type: 'changes' } satisfies HostRequest);
      const message = await answer;
      if (message.type !== 'changes') throw new Error(`${what}: expected changes, got ${message.type}`);
      return message.atMs;
    },
    async restart() {
      const answer = nextMessage<HostReply>(child, `${what} restart`, READY_TIMEOUT_MS);
      child.send({ type: 'restart' } satisfies HostRequest);
      const message = await answer;
      if (message.type !== 'ready') {
        throw new Error(
          `${what} failed to restart: ${message.type === 'failed' ? message.message : message.type}`,
        );
      }
      urls = { url: message.url, emulator: message.emulator };
    },
    stop: () => stopChild(child),
  };
}

export interface Loadgen {
  run(job: LoadJob): Promise<LoadResult>;
  stop(): Promise<void>;
}

/** Forks the load generator and waits until it is ready. */
export async function startLoadgen(): Promise<Loadgen> {
  const child = spawnChild('./loadgen.ts', [], {});
  const ready = await nextMessage<LoadgenReply>(child, 'load generator', READY_TIMEOUT_MS);
  if (ready.type !== 'ready') throw new Error(`load generator failed to start: ${JSON.stringify(ready)}`);
  return {
    async run(job) {
      const answer = nextMessage<LoadgenReply>(
        child,
        'load generator',
        job.durationS * 1_000 + REQUEST_TIMEOUT_MS,
      );
      child.send({ type: 'run', job } satisfies LoadgenRequest);
      const message = await answer;
      if (message.type !== 'done') {
        throw new Error(`load run failed: ${message.type === 'failed' ? message.message : message.type}`);
      }
      return message.result;
    },
    stop: () => stopChild(child),
  };
}

export interface Farm {
  /** Sends one request and waits for its answer (at most `timeoutMs` plus a margin). */
  ask(request: FarmRequest, timeoutMs?: number): Promise<Exclude<FarmReply, { type: 'failed' | 'ready' }>>;
  stop(): Promise<void>;
}

/**
 * Young-generation size of the client farm, MB. The farm stamps each arrival when it handles it, so a
 * collection pausing it mid-burst would add its own pause to the fan-out it measures: with a young
 * generation larger than what 10,000 arrivals allocate, and a full collection before each measured burst
 * (farm.ts), none runs during one.
 */
const FARM_SEMI_SPACE_MB = 64;

/** Forks the WebSocket client farm and waits until it is ready. */
export async function startFarm(): Promise<Farm> {
  const child = spawnChild('./farm.ts', [], {}, [
    `--min-semi-space-size=${FARM_SEMI_SPACE_MB}`,
    `--max-semi-space-size=${FARM_SEMI_SPACE_MB}`,
  ]);
  const ready = await nextMessage<FarmReply>(child, 'client farm', READY_TIMEOUT_MS);
  if (ready.type !== 'ready') throw new Error(`client farm failed to start: ${JSON.stringify(ready)}`);
  return {
    async ask(request, timeoutMs = REQUEST_TIMEOUT_MS) {
      const answer = nextMessage<FarmReply>(child, `client farm ${request.type}`, timeoutMs + 10_000);
      child.send(request);
      const message = await answer;
      if (message.type === 'failed') throw new Error(`client farm ${request.type}: ${message.message}`);
      if (message.type === 'ready') throw new Error('client farm: unexpected ready');
      return message;
    },
    stop: () => stopChild(child),
  };
}
