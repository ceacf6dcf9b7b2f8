/**
 * The IPC messages between the orchestrator (`run.ts`) and its two kinds of child process: a server host
 * (`host.ts`, one GraphQL server under test) and the load generator (`loadgen.ts`, autocannon).
 * Internal to the benchmarks.
 */

/** What a server host starts; given as the host's only argument, JSON-encoded. */
export type HostSpec =
  /** The Loadgraph gateway with its embedded emulator; `env` overrides its settings. */
  | { readonly kind: 'loadgraph'; readonly env: Readonly<Record<string, string>> }
  /** The naive resolver set (one upstream call per field occurrence) on its own emulator. */
  | { readonly kind: 'naive' }
  /** Plain Apollo Server answering `loads` with these fixed objects, by id. */
  | { readonly kind: 'floor'; readonly answers: Readonly<Record<string, object>> };

/** A server under test, as a host runs it. */
export interface RunningServer {
  /** Its GraphQL endpoint. */
  readonly url: string;
  /** The base URL of the emulator it reads from, if any. */
  readonly emulator: string | undefined;
  stop(): Promise<void>;
}

/** `restart` stops the server and starts a fresh one (empty caches, new ports) in the same process. */
export type HostRequest =
  { readonly type: 'usage' } | { readonly type: 'restart' } | { readonly type: 'stop' };

/** CPU and event-loop counters of a process, cumulative since it started. */
export interface Usage {
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  /** Event loop active and idle time, ms (`performance.eventLoopUtilization()`). */
  readonly loopActiveMs: number;
  readonly loopIdleMs: number;
}

export type HostReply =
  | { readonly type: 'ready'; readonly url: string; readonly emulator: string | undefined }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'failed'; readonly message: string };

/** One autocannon run: POST `body` to `url` for `durationS` over `connections` connections. */
export interface LoadJob {
  readonly url: string;
  readonly body: string;
  readonly durationS: number;
  readonly connections: number;
}

export interface LoadResult {
  /** Responses completed (any status). */
  readonly completed: number;
  /** Requests sent: the completed ones plus those still in flight when the run stopped. */
  readonly sent: number;
  readonly durationS: number;
  readonly requestsPerS: number;
  /** Latency percentiles in ms, from every response's own timing (sub-millisecond resolution). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** 2xx responses whose body was not `{"data":...}` without `errors`. */
  readonly mismatches: number;
  /** CPU the load generator itself used, as a share of one core over the run (0..1+). */
  readonly loadgenCpu: number;
}

export type LoadgenRequest = { readonly type: 'run'; readonly job: LoadJob } | { readonly type: 'stop' };

export type LoadgenReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly message: string };

/** Reads the counters of this process. */
export function readUsage(): Usage {
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  return { cpuUserUs: cpu.user, cpuSystemUs: cpu.system, loopActiveMs: loop.active, loopIdleMs: loop.idle };
}
