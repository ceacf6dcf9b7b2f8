/**
 * The one reader of the benchmark environment (`BENCH_*`). Turns raw variables into frozen, typed
 * {@link BenchSettings}, or throws naming every bad variable, its value and what is allowed.
 */
import { z } from 'zod';

export interface BenchSettings {
  /** Measured seconds of one throughput run (`BENCH_DURATION_S`, default 5). */
  readonly durationS: number;
  /** Repetitions of every benchmark; figures are min/median/max over them (`BENCH_RUNS`, default 3). */
  readonly runs: number;
  /** Unmeasured seconds of load before the first run of each case (`BENCH_WARMUP_S`, default 1). */
  readonly warmupS: number;
  /** Concurrent keep-alive connections of the load generator (`BENCH_CONNECTIONS`, default 10). */
  readonly connections: number;
  /** Latency the emulator adds to every Get call in the upstream-in-the-path case (`BENCH_UPSTREAM_LATENCY_MS`, default 5). */
  readonly upstreamLatencyMs: number;
  /** Where the report goes (`BENCH_RESULTS_PATH`, default `bench/RESULTS.md`). */
  readonly resultsPath: string;
  /**
   * A directory for V8 CPU profiles of the throughput servers and of the host of benchmarks 3 to 5
   * (`BENCH_CPU_PROFILE_DIR`, default none).
   */
  readonly cpuProfileDir: string | undefined;
  /** Poll interval of watched events in benchmarks 3 and 4, ms (`BENCH_POLL_INTERVAL_MS`, default 500). */
  readonly pollIntervalMs: number;
  /** Benchmark 3 cases, `K/M` pairs: K subscriptions on M loads (`BENCH_POLL_CASES`, default `1000/100,10000/100,10000/1000`). */
  readonly pollCases: readonly { readonly subscribers: number; readonly loads: number }[];
  /**
   * Benchmark 3 cases run on three gateway replicas sharing Redis, `K/M` pairs (`BENCH_POLL_REPLICA_CASES`,
   * default `3000/100`; `none` for none). M should not be a multiple of 3, so every load is watched on
   * every replica.
   */
  readonly pollReplicaCases: readonly { readonly subscribers: number; readonly loads: number }[];
  /** The Redis the replicas of benchmark 3 share (`BENCH_REDIS_URL`, default `redis://127.0.0.1:6379`). */
  readonly redisUrl: string;
  /** Only these benchmarks, by number (`BENCH_ONLY`, e.g. `3`; default all). A partial run writes no report. */
  readonly only: readonly number[] | undefined;
  /** Poll intervals counted per benchmark 3 run (`BENCH_POLL_INTERVALS`, default 8: a window of a few intervals counts a stalled batch of polls on the wrong side of its edge). */
  readonly pollIntervals: number;
  /** Benchmark 4 subscriber counts, one WebSocket each (`BENCH_FANOUT_SIZES`, default `1000,10000`). */
  readonly fanoutSizes: readonly number[];
  /**
   * Seconds the machine idles before benchmark 4 when an earlier benchmark loaded it (`BENCH_COOLDOWN_S`,
   * default 120; 0: none). After minutes of load on both cores this machine runs the same fan-out about
   * 20% slower for a minute or two (bench/RESULTS.md, benchmark 4).
   */
  readonly cooldownS: number;
  /** Benchmark 5: events sent per run (`BENCH_SEND_EVENTS`, default 400). */
  readonly sendEvents: number;
  /** Benchmark 5: mutations in flight at once (`BENCH_SEND_CONCURRENCY`, default 20). */
  readonly sendConcurrency: number;
  /** Benchmark 5: share of SendDataIntegrationEvent calls the emulator throttles, % (`BENCH_SEND_THROTTLE_PERCENT`, default 10). */
  readonly sendThrottlePercent: number;
}

const positiveList = z
  .string()
  .regex(/^\d+(,\d+)*$/)
  .transform((s) => s.split(',').map(Number))
  .refine((xs) => xs.every((x) => x >= 1 && x <= 20_000));
const pairList = z
  .string()
  .regex(/^\d+\/\d+(,\d+\/\d+)*$/)
  .transform((s) =>
    s.split(',').map((pair) => {
      const [subscribers, loads] = pair.split('/').map(Number) as [number, number];
      return { subscribers, loads };
    }),
  )
  .refine((xs) => xs.every((x) => x.loads >= 1 && x.loads <= x.subscribers && x.subscribers <= 20_000));

/** The replica cases: M must not be a multiple of the 3 replicas, else each load is watched on one only. */
const replicaPairList = z.union([
  z.literal('none').transform(() => []),
  pairList.refine((xs) => xs.every((x) => x.loads % 3 !== 0)),
]);

const SETTINGS = {
  BENCH_DURATION_S: { default: '5', schema: z.coerce.number().positive().max(600), help: 'seconds > 0' },
  BENCH_RUNS: { default: '3', schema: z.coerce.number().int().min(1).max(50), help: 'an integer 1..50' },
  BENCH_WARMUP_S: { default: '1', schema: z.coerce.number().min(0).max(60), help: 'seconds 0..60' },
  BENCH_CONNECTIONS: {
    default: '10',
    schema: z.coerce.number().int().min(1).max(1_000),
    help: 'an integer 1..1000',
  },
  BENCH_UPSTREAM_LATENCY_MS: {
    default: '5',
    schema: z.coerce.number().int().min(0).max(10_000),
    help: 'an integer 0..10000 (ms)',
  },
  BENCH_RESULTS_PATH: { default: 'bench/RESULTS.md', schema: z.string().min(1), help: 'a file path' },
  BENCH_CPU_PROFILE_DIR: { default: '', schema: z.string(), help: 'a directory path, or empty for none' },
  BENCH_POLL_INTERVAL_MS: {
    default: '500',
    schema: z.coerce.number().int().min(50).max(60_000),
    help: 'an integer 50..60000 (ms)',
  },
  BENCH_POLL_CASES: {
    default: '1000/100,10000/100,10000/1000',
    schema: pairList,
    help: 'comma-separated K/M pairs, 1 <= M <= K <= 20000',
  },
  BENCH_POLL_REPLICA_CASES: {
    default: '3000/100',
    schema: replicaPairList,
    help: 'comma-separated K/M pairs, 1 <= M <= K <= 20000, M not a multiple of 3, or none',
  },
  BENCH_REDIS_URL: {
    default: 'redis://127.0.0.1:6379',
    schema: z.string().regex(/^rediss?:\/\/\S+$/),
    help: 'a redis:// or rediss:// URL',
  },
  BENCH_ONLY: {
    default: '1,2,3,4,5,6,7',
    schema: z
      .string()
      .regex(/^[1-7](,[1-7])*$/)
      .transform((s) => s.split(',').map(Number)),
    help: 'comma-separated benchmark numbers 1..7',
  },
  BENCH_POLL_INTERVALS: {
    default: '8',
    schema: z.coerce.number().int().min(1).max(100),
    help: 'an integer 1..100',
  },
  BENCH_FANOUT_SIZES: {
    default: '1000,10000',
    schema: positiveList,
    help: 'comma-separated integers 1..20000',
  },
  BENCH_COOLDOWN_S: {
    default: '120',
    schema: z.coerce.number().min(0).max(600),
    help: 'seconds 0..600',
  },
  BENCH_SEND_EVENTS: {
    default: '400',
    schema: z.coerce.number().int().min(1).max(100_000),
    help: 'an integer 1..100000',
  },
  BENCH_SEND_CONCURRENCY: {
    default: '20',
    schema: z.coerce.number().int().min(1).max(1_000),
    help: 'an integer 1..1000',
  },
  BENCH_SEND_THROTTLE_PERCENT: {
    default: '10',
    schema: z.coerce.number().min(0).max(100),
    help: 'a number 0..100',
  },
} as const;

type Name = keyof typeof SETTINGS;

/** undefined when every benchmark is selected. */
const onlyOrAll = (only: number[]): number[] | undefined =>
  [1, 2, 3, 4, 5, 6, 7].every((n) => only.includes(n)) ? undefined : only;

/** Bad `BENCH_*` variables: the message names each, its value and what is allowed. */
export class BenchSettingsError extends Error {
  override readonly name = 'BenchSettingsError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid benchmark settings:\n  - ${problems.join('\n  - ')}`);
  }
}

export function loadBenchSettings(env: Readonly<Record<string, string | undefined>>): BenchSettings {
  const problems: string[] = [];
  const read = <N extends Name>(name: N): z.infer<(typeof SETTINGS)[N]['schema']> => {
    const setting = SETTINGS[name];
    const raw = env[name];
    const parsed = setting.schema.safeParse(raw === undefined || raw === '' ? setting.default : raw);
    if (parsed.success) return parsed.data as never;
    problems.push(`${name}=${JSON.stringify(raw)} is not valid (allowed: ${setting.help})`);
    return setting.schema.parse(setting.default) as never;
  };
  const settings: BenchSettings = {
    durationS: read('BENCH_DURATION_S'),
    runs: read('BENCH_RUNS'),
    warmupS: read('BENCH_WARMUP_S'),
    connections: read('BENCH_CONNECTIONS'),
    upstreamLatencyMs: read('BENCH_UPSTREAM_LATENCY_MS'),
    resultsPath: read('BENCH_RESULTS_PATH'),
    cpuProfileDir: read('BENCH_CPU_PROFILE_DIR') || undefined,
    pollIntervalMs: read('BENCH_POLL_INTERVAL_MS'),
    pollCases: read('BENCH_POLL_CASES'),
    pollReplicaCases: read('BENCH_POLL_REPLICA_CASES'),
    redisUrl: read('BENCH_REDIS_URL'),
    only: onlyOrAll(read('BENCH_ONLY')),
    pollIntervals: read('BENCH_POLL_INTERVALS'),
    fanoutSizes: read('BENCH_FANOUT_SIZES'),
    cooldownS: read('BENCH_COOLDOWN_S'),
    sendEvents: read('BENCH_SEND_EVENTS'),
    sendConcurrency: read('BENCH_SEND_CONCURRENCY'),
    sendThrottlePercent: read('BENCH_SEND_THROTTLE_PERCENT'),
  };
  if (problems.length > 0) throw new BenchSettingsError(problems);
  return Object.freeze(settings);
}
