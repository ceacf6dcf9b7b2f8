/**
 * Benchmark 7, the cost of one upstream call: gateway CPU per call (µs) through the clients the gateway
 * builds, against the floor of the same GET SigV4-signed with `node:crypto` on a keep-alive `http.Agent`
 * and parsed with `JSON.parse`. A canned upstream (`callcost.upstream.ts`) answers fixed bodies in its
 * own process; each case runs in its own measuring process (`callcost.client.ts`, pinned to CPU 0 with
 * `taskset` when there is one, the upstream to CPU 1), which makes its calls with some in flight and
 * reports its own CPU (`process.cpuUsage()`) over them, after a warmup. Runs interleave the cases in
 * short rounds, so a ratio compares a case with the floor of the same run (the machine may be busy with
 * other work).
 *
 * Cases: `raw-get` (floor of the single reads), `scn-get` (our Supply Chain client,
 * GetDataIntegrationEvent), `dz-get` (the official DataZone client, GetDataSourceRun), `reader-get`
 * (GetDataIntegrationEvent through the gateway's SharedReader and observing middleware), `raw-list`
 * (floor of the list pages, 20 items), `scn-list` (ListDataIntegrationEvents), `dz-list`
 * (ListDataSourceRuns). Target: each client case at most 3× its floor (median over runs).
 *
 * Settings (environment):
 * - `BENCH_RUNS`: runs, figures are min / median / max over them (default 3);
 * - `BENCH_CALLCOST_CALLS`: measured calls per case and run (default 3,000);
 * - `BENCH_CALLCOST_ROUNDS`: rounds a run is cut into, each measuring every case in turn for its share of
 *   the calls, so that a case and its floor see the same load on a shared machine (default 6);
 * - `BENCH_CALLCOST_WARMUP_CALLS`: unmeasured calls per case before the first run (default 2,000);
 * - `BENCH_CALLCOST_CONCURRENCY`: calls in flight (default 16);
 * - `BENCH_CALLCOST_CASES`: comma-separated case ids (default all; a client case needs its floor);
 * - `BENCH_CALLCOST_PIN`: `0` to not pin the processes to CPUs (default `1`, when `taskset` exists);
 * - `BENCH_CALLCOST_PROFILE_DIR`: write a V8 CPU profile of every measuring process there (default none).
 *
 * Internal to the benchmarks.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  CALL_COST_CASES,
  type CallCostCaseId,
  type CallCostChildReply,
  type CallCostChildRequest,
} from './callcost.client.js';
import { childEnv, nextMessage, trackChild } from './children.js';
import { verdict } from './live.js';
import { mmm, num, spread, table } from './stats.js';

export interface CallCostSettings {
  readonly runs: number;
  readonly calls: number;
  /** Rounds a run is cut into, each measuring every case in turn. */
  readonly rounds: number;
  readonly warmupCalls: number;
  readonly concurrency: number;
  readonly cases: readonly CallCostCaseId[];
  readonly pin: boolean;
  readonly profileDir: string | undefined;
}

export interface CallCostCase {
  readonly caseId: CallCostCaseId;
  /** Gateway CPU per call, µs, one per run. */
  readonly cpuPerCallUs: readonly number[];
  /** Wall time per call, µs (with `concurrency` in flight), one per run. */
  readonly wallPerCallUs: readonly number[];
}

export interface CallCostResult {
  readonly calls: number;
  readonly concurrency: number;
  readonly pinned: boolean;
  readonly cases: readonly CallCostCase[];
}

/** At most this many times the floor's CPU per call. */
export const CALL_COST_TARGET_RATIO = 3;

/** What each case is compared with; undefined for a floor. */
const FLOOR_OF: Readonly<Record<CallCostCaseId, CallCostCaseId | undefined>> = {
  'raw-get': undefined,
  'scn-get': 'raw-get',
  'dz-get': 'raw-get',
  'reader-get': 'raw-get',
  'raw-list': undefined,
  'scn-list': 'raw-list',
  'dz-list': 'raw-list',
};

const LABELS: Readonly<Record<CallCostCaseId, string>> = {
  'raw-get': 'floor: GET, node:http + node:crypto SigV4 + JSON.parse',
  'scn-get': 'SupplyChainClient GetDataIntegrationEvent',
  'dz-get': 'DataZoneClient GetDataSourceRun',
  'reader-get': 'gateway reader (SharedReader + observer) GetDataIntegrationEvent',
  'raw-list': 'floor: list page (20 items), node:http + SigV4 + JSON.parse',
  'scn-list': 'SupplyChainClient ListDataIntegrationEvents (20 items)',
  'dz-list': 'DataZoneClient ListDataSourceRuns (20 items)',
};

const READY_TIMEOUT_MS = 60_000;
const MEASURE_TIMEOUT_MS = 300_000;

const SETTINGS_SCHEMA = z.object({
  BENCH_RUNS: z.coerce.number().int().min(1).max(50).default(3),
  BENCH_CALLCOST_CALLS: z.coerce.number().int().min(100).max(1_000_000).default(3_000),
  BENCH_CALLCOST_ROUNDS: z.coerce.number().int().min(1).max(100).default(6),
  BENCH_CALLCOST_WARMUP_CALLS: z.coerce.number().int().min(0).max(1_000_000).default(2_000),
  BENCH_CALLCOST_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
  BENCH_CALLCOST_CASES: z
    .string()
    .default(CALL_COST_CASES.join(','))
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(CALL_COST_CASES)).min(1)),
  BENCH_CALLCOST_PIN: z.enum(['0', '1']).default('1'),
  BENCH_CALLCOST_PROFILE_DIR: z.string().optional(),
});

/** The benchmark's settings from the environment (see the module comment); throws naming a bad variable. */
export function callCostSettings(env: NodeJS.ProcessEnv): CallCostSettings {
  const given = Object.fromEntries(
    Object.keys(SETTINGS_SCHEMA.shape).flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
  );
  const parsed = SETTINGS_SCHEMA.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${String(i.path[0])}=${JSON.stringify(given[String(i.path[0])])}: ${i.message}`,
    );
    throw new Error(`invalid call-cost benchmark settings:\n  - ${problems.join('\n  - ')}`);
  }
  const s = parsed.data;
  // A client case is only measured with its floor, so every ratio has one.
  const cases = CALL_COST_CASES.filter(
    (c) => s.BENCH_CALLCOST_CASES.includes(c) || s.BENCH_CALLCOST_CASES.some((d) => FLOOR_OF[d] === c),
  );
  return {
    runs: s.BENCH_RUNS,
    calls: s.BENCH_CALLCOST_CALLS,
    rounds: s.BENCH_CALLCOST_ROUNDS,
    warmupCalls: s.BENCH_CALLCOST_WARMUP_CALLS,
    concurrency: s.BENCH_CALLCOST_CONCURRENCY,
    cases,
    pin: s.BENCH_CALLCOST_PIN === '1',
    profileDir: s.BENCH_CALLCOST_PROFILE_DIR || undefined,
  };
}

/** Whether `taskset` runs here (Linux util-linux). */
const hasTaskset = (): boolean => spawnSync('taskset', ['-c', '0', 'true']).status === 0;

interface Child {
  readonly process: ChildProcess;
  next<T>(what: string, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
}

/** Starts `entry` (TypeScript, through tsx) with IPC, on `cpu` when given. */
function startChild(
  entry: string,
  args: readonly string[],
  cpu: number | undefined,
  profileDir?: string,
): Child {
  const node = [
    process.execPath,
    '--import',
    'tsx',
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    fileURLToPath(new URL(entry, import.meta.url)),
    ...args,
  ];
  const [command, ...rest] = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
  const child = spawn(command!, rest, {
    env: childEnv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  trackChild(child);
  const next = <T>(what: string, timeoutMs: number): Promise<T> => nextMessage<T>(child, what, timeoutMs);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.send({ type: 'stop' } satisfies CallCostChildRequest);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { process: child, next, stop };
}

/**
 * Runs the benchmark: the canned upstream, one measuring process per case, a warmup per case, then
 * `settings.runs` runs, each measuring every case once in turn.
 */
export async function runCallCostBenchmark(
  settings: CallCostSettings,
  progress: (line: string) => void,
): Promise<CallCostResult> {
  const pinned = settings.pin && os.availableParallelism() >= 2 && hasTaskset();
  const upstream = startChild('./callcost.upstream.ts', [], pinned ? 1 : undefined);
  const children = new Map<CallCostCaseId, Child>();
  try {
    const ready = await upstream.next<{ type: string; url: string }>('canned upstream', READY_TIMEOUT_MS);
    progress(`callcost: canned upstream at ${ready.url}${pinned ? ' (CPU 1; measuring on CPU 0)' : ''}`);
    for (const caseId of settings.cases) {
      const child = startChild(
        './callcost.client.ts',
        [JSON.stringify({ caseId, url: ready.url })],
        pinned ? 0 : undefined,
        settings.profileDir,
      );
      children.set(caseId, child);
      const reply = await child.next<CallCostChildReply>(caseId, READY_TIMEOUT_MS);
      if (reply.type !== 'ready') throw new Error(`${caseId}: ${JSON.stringify(reply)}`);
    }
    const measure = async (caseId: CallCostCaseId, calls: number) => {
      const child = children.get(caseId)!;
      const answer = child.next<CallCostChildReply>(caseId, MEASURE_TIMEOUT_MS);
      child.process.send({
        type: 'measure',
        calls,
        concurrency: settings.concurrency,
      } satisfies CallCostChildRequest);
      const reply = await answer;
      if (reply.type !== 'measured') throw new Error(`${caseId}: ${JSON.stringify(reply)}`);
      return { cpuPerCallUs: reply.cpuUs / calls, wallPerCallUs: (reply.wallMs * 1e3) / calls };
    };
    if (settings.warmupCalls > 0) {
      for (const caseId of settings.cases) await measure(caseId, settings.warmupCalls);
      progress(`callcost: warmed up (${num(settings.warmupCalls)} calls per case)`);
    }
    const samples = new Map(settings.cases.map((c) => [c, { cpu: [] as number[], wall: [] as number[] }]));
    // A run is `rounds` rounds, each measuring every case in turn for its share of the calls: every case
    // sees the machine as busy as the floor it is compared with.
    const perRound = Math.ceil(settings.calls / settings.rounds);
    for (let run = 1; run <= settings.runs; run++) {
      const sums = new Map(settings.cases.map((c) => [c, { cpu: 0, wall: 0 }]));
      for (let round = 0; round < settings.rounds; round++) {
        for (const caseId of settings.cases) {
          const { cpuPerCallUs, wallPerCallUs } = await measure(caseId, perRound);
          sums.get(caseId)!.cpu += cpuPerCallUs / settings.rounds;
          sums.get(caseId)!.wall += wallPerCallUs / settings.rounds;
        }
      }
      for (const [caseId, sum] of sums) {
        samples.get(caseId)!.cpu.push(sum.cpu);
        samples.get(caseId)!.wall.push(sum.wall);
      }
      progress(`callcost: run ${run}: ${[...sums].map(([c, sum]) => `${c} ${num(sum.cpu)} µs`).join(', ')}`);
    }
    return {
      calls: settings.calls,
      concurrency: settings.concurrency,
      pinned,
      cases: settings.cases.map((caseId) => ({
        caseId,
        cpuPerCallUs: samples.get(caseId)!.cpu,
        wallPerCallUs: samples.get(caseId)!.wall,
      })),
    };
  } finally {
    await Promise.all([...children.values()].map((c) => c.stop()));
    await upstream.stop();
  }
}

/** Per run, the case's CPU per call over its floor's in the same run; empty for a floor. */
function ratios(result: CallCostResult, c: CallCostCase): number[] {
  const floorId = FLOOR_OF[c.caseId];
  const floor = result.cases.find((f) => f.caseId === floorId);
  if (!floor) return [];
  return c.cpuPerCallUs.map((cpu, run) => cpu / floor.cpuPerCallUs[run]!);
}

export function callCostTable(result: CallCostResult): string {
  return table(
    ['case', 'CPU µs / call', '× floor (same run)', `target ≤ ${CALL_COST_TARGET_RATIO}×`, 'wall µs / call'],
    result.cases.map((c) => {
      const r = ratios(result, c);
      return [
        LABELS[c.caseId],
        mmm(c.cpuPerCallUs),
        r.length ? mmm(r, 2) : '—',
        r.length ? verdict(spread(r).median <= CALL_COST_TARGET_RATIO) : '—',
        mmm(c.wallPerCallUs),
      ];
    }),
  );
}

/** The call-cost targets: each client case at most 3× the floor's CPU per call (median over runs). */
export function callCostTargets(result: CallCostResult): string[] {
  return result.cases.flatMap((c) => {
    const r = ratios(result, c);
    if (!r.length) return [];
    const median = spread(r).median;
    return [
      `${LABELS[c.caseId]}: ${num(spread(c.cpuPerCallUs).median)} µs of CPU per call, ${num(median, 2)}× the floor, target ≤ ${CALL_COST_TARGET_RATIO}×: ${verdict(median <= CALL_COST_TARGET_RATIO)}`,
    ];
  });
}

/** `tsx bench/callcost.bench.ts`: this benchmark alone. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const settings = callCostSettings(process.env);
  const result = await runCallCostBenchmark(
    settings,
    (line) => void process.stderr.write(`[callcost] ${line}\n`),
  );
  process.stdout.write(
    `\n## 7. Cost of an upstream call (${num(result.calls)} calls per case and run, ${result.concurrency} in flight${result.pinned ? ', pinned to one CPU' : ''}; min / median / max over ${settings.runs} runs)\n\n${callCostTable(result)}\n\n${callCostTargets(
      result,
    )
      .map((l) => `- ${l}\n`)
      .join('')}`,
  );
}
