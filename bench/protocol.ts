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
  | { readonly type: 'usage' }
  | { readonly type: 'restart' }
  | { readonly type: 'stop' }
  /** Heap in use after a full garbage collection (Loadgraph hosts run with `--expose-gc`). */
  | { readonly type: 'heap' }
  /** The wall-clock times (ms) at which the live hub found a change since the last ask, and forgets them. */
  | { readonly type: 'changes' };

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
  | { readonly type: 'heap'; readonly heapUsedBytes: number }
  | { readonly type: 'changes'; readonly atMs: readonly number[] }
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

/** Requests to the WebSocket client farm (`farm.ts`). */
export type FarmRequest =
  /**
   * Opens `connections` graphql-transport-ws connections (each initialised and acknowledged); with a list
   * of URLs, connection j goes to `url[j % url.length]`.
   */
  | { readonly type: 'connect'; readonly url: string | readonly string[]; readonly connections: number }
  /**
   * Starts one subscription per entry of `variables`, round robin over the open connections, and answers
   * once every one has its first result (replacing the previous set).
   */
  | {
      readonly type: 'subscribe';
      readonly query: string;
      readonly variables: readonly Record<string, unknown>[];
      readonly timeoutMs: number;
    }
  /** Answers once every subscription has `messages` results: the arrival time of that result for each. */
  | { readonly type: 'await'; readonly messages: number; readonly timeoutMs: number }
  | { readonly type: 'unsubscribe' }
  | { readonly type: 'close' }
  | { readonly type: 'stop' };

export type FarmReply =
  | { readonly type: 'ready' }
  | { readonly type: 'ok'; readonly value: number }
  /** Wall-clock ms, one per subscription; `errors`: results or messages carrying errors. */
  | { readonly type: 'arrivals'; readonly arrivals: readonly number[]; readonly errors: number }
  | { readonly type: 'failed'; readonly message: string };
