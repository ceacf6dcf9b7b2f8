/**
 * `npm run bench`: the Loadgraph benchmarks. Starts everything it needs as child processes (servers
 * under test, load generator), runs
 *   1. upstream calls per request, Loadgraph vs a naive resolver set, and
 *   2. throughput and latency, Loadgraph (cached / upstream in the path) vs a plain Apollo floor,
 *   3. polling cost: every upstream call of the polling per interval (reads and list pages) for K
 *      subscriptions on M loads, the loads under one parent and each under its own,
 *   4. fan-out: one change pushed to 1,000 and 10,000 WebSocket subscribers, and heap per idle one,
 *   5. sendEvent throughput under injected throttling, every event checked against the emulator,
 *   6. polling at scale: 100 / 1,000 / 10,000 running loads of the three kinds under 26 parents, the
 *      emulator and each gateway in their own processes, one replica and three on Redis (scale.bench.ts;
 *      BENCH_SCALE_LOADS, BENCH_SCALE_REPLICA_LOADS, BENCH_SCALE_INTERVAL_MS, BENCH_SCALE_WINDOW_INTERVALS;
 *   7. upstream call cost: gateway CPU per call through our clients against a raw SigV4-signed keep-alive
 *      call to the same canned upstream, in the same run (callcost.bench.ts; BENCH_CALLCOST_*),
 * prints one table per benchmark and its targets (met or not) on stdout (progress on stderr), and writes
 * bench/RESULTS.md.
 * Settings: BENCH_DURATION_S (5), BENCH_RUNS (3), BENCH_WARMUP_S (1), BENCH_CONNECTIONS (10),
 * BENCH_UPSTREAM_LATENCY_MS (5), BENCH_RESULTS_PATH (bench/RESULTS.md), BENCH_CPU_PROFILE_DIR (none: set
 * it to get a V8 CPU profile of each throughput server and of the host of benchmarks 3 to 5), and for benchmarks 3 to 5 BENCH_POLL_INTERVAL_MS,
 * BENCH_POLL_CASES, BENCH_POLL_INTERVALS, BENCH_FANOUT_SIZES, BENCH_SEND_EVENTS, BENCH_SEND_CONCURRENCY,
 * BENCH_SEND_THROTTLE_PERCENT, BENCH_POLL_REPLICA_CASES and BENCH_REDIS_URL (the three-replica case of
 * benchmark 3), and BENCH_ONLY (e.g. `3`: only those benchmarks, no report written) (see settings.ts). Asserts correctness of the answers, never timings.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { callsTable, callsTargets, runCallsBenchmark, type CallsResult } from './calls.bench.js';
import {
  killChildren,
  startFarm,
  startHost,
  startLoadgen,
  type Farm,
  type Host,
  type Loadgen,
} from './children.js';
import { fanoutTable, fanoutTargets, runFanoutBenchmark, type FanoutResult } from './fanout.bench.js';
import { liveWorld } from './live.js';
import { checkRedis, deleteLeftoverKeys, RedisUnreachableError } from './replicas.js';
import { pollingTable, runPollingBenchmark, type PollingResult } from './polling.bench.js';
import { runSendBenchmark, sendTable, sendTargets, type SendResult } from './sends.bench.js';
import { runScaleBenchmark, scaleSettings, scaleTable, type ScaleResult } from './scale.bench.js';
import {
  callCostSettings,
  callCostTable,
  callCostTargets,
  runCallCostBenchmark,
  type CallCostResult,
} from './callcost.bench.js';
import { findBenchLoads } from './queries.js';
import { describeEnvironment, writeResults } from './report.js';
import { BenchSettingsError, loadBenchSettings } from './settings.js';
import { spread } from './stats.js';
import {
  throughputProblems,
  throughputTable,
  throughputTargets,
  runThroughputBenchmark,
  type ThroughputResult,
} from './throughput.bench.js';

const targets = (lines: readonly string[]): string => `${lines.map((l) => `- ${l}`).join('\n')}\n`;

const startedAt = performance.now();
const progress = (line: string): void =>
  void process.stderr.write(`[bench +${((performance.now() - startedAt) / 1_000).toFixed(1)} s] ${line}\n`);

async function main(): Promise<number> {
  const settings = loadBenchSettings(process.env);
  const env = describeEnvironment();
  progress(
    `${env.cpuModel}, ${env.cores} cores, Node ${env.node}; ${settings.runs} runs of ${settings.durationS} s`,
  );

  const selected = (n: number): boolean => settings.only?.includes(n) ?? true;
  // The replica cases need Redis: find out now, not after the other benchmarks have run.
  if (
    (selected(3) && settings.pollReplicaCases.length > 0) ||
    (selected(6) && scaleSettings(process.env).replicaCases.length > 0)
  )
    await checkRedis(settings.redisUrl);
  if (settings.only) progress(`only benchmarks ${settings.only.join(', ')}: no report is written`);
  let cached: Host | undefined;
  let loadgen: Loadgen | undefined;
  let live: Host | undefined;
  let farm: Farm | undefined;
  let pollingHost: Host | undefined;
  try {
    let calls: CallsResult | undefined;
    let throughput: ThroughputResult | undefined;
    if (selected(1) || selected(2)) {
      [cached, loadgen] = await Promise.all([
        startHost({ kind: 'loadgraph', env: {} }, settings),
        startLoadgen(),
      ]);
      const loads = await findBenchLoads(cached.url, cached.emulator!);
      progress(
        `loads: 1 single, ${loads.distinct.length} distinct, ${loads.fifty.length} in the 50-load query`,
      );

      // The same host serves benchmark 1 (restarted per run) and then the cached case of benchmark 2.
      if (selected(1)) {
        calls = await runCallsBenchmark(cached, loads, settings.runs, progress);
        process.stdout.write(
          `\n## 1. Upstream calls per request (min / median / max over ${settings.runs} runs)\n\n`,
        );
        process.stdout.write(`${callsTable(calls)}\n\n${targets(callsTargets(calls))}`);
      }

      if (selected(2)) {
        throughput = await runThroughputBenchmark(cached, loadgen, loads, settings, progress);
        process.stdout.write(
          `\n## 2. Throughput and latency (${settings.durationS} s runs, ${settings.connections} connections; min / median / max over ${settings.runs} runs)\n\n`,
        );
        process.stdout.write(`${throughputTable(throughput)}\n\n${targets(throughputTargets(throughput))}`);
      }
      await Promise.all([cached.stop(), loadgen.stop()]);
    }

    let polling: PollingResult | undefined;
    let fanout: FanoutResult | undefined;
    let sends: SendResult | undefined;
    if (selected(3) || selected(4)) farm = await startFarm();
    if (selected(3)) {
      // A host of its own, polling at the default jitter (±10%): the loads' polls drift apart, so a count
      // over a few intervals does not hinge on where the window falls in their (otherwise common) phase.
      pollingHost = await startHost(
        {
          kind: 'loadgraph',
          env: { LIVE_POLL_EVENT_MS: String(settings.pollIntervalMs), LIVE_MAX_POLLS_PER_SECOND: '100000' },
        },
        settings,
      );
      polling = await runPollingBenchmark(pollingHost, farm!, settings, progress);
      await pollingHost.stop();
      pollingHost = undefined;
      process.stdout.write(
        `\n## 3. Polling cost (poll interval ${polling.intervalMs} ms, ${polling.intervals} intervals per run after ${polling.settleIntervals}; min / median / max over ${settings.runs} runs)\n\n${pollingTable(polling)}\n`,
      );
    }
    if (selected(4) || selected(5)) {
      // Benchmarks 4 and 5 share one Loadgraph host with fast, unjittered polling and no poll budget.
      live = await startHost(
        {
          kind: 'loadgraph',
          env: {
            LIVE_POLL_EVENT_MS: String(settings.pollIntervalMs),
            LIVE_POLL_JITTER: '0',
            LIVE_MAX_POLLS_PER_SECOND: '100000',
          },
        },
        settings,
      );
      const world = await liveWorld(live.url, live.emulator!);
      if (selected(4)) {
        // Benchmarks 2 and 3 keep both cores busy for minutes, after which this machine runs the fan-out
        // slower for a while: benchmark 4 measures the gateway, not what came before it.
        if ((selected(2) || selected(3)) && settings.cooldownS > 0) {
          progress(`fan-out: the machine idles ${settings.cooldownS} s first (BENCH_COOLDOWN_S)`);
          await sleep(settings.cooldownS * 1_000);
        }
        fanout = await runFanoutBenchmark(live, farm!, world, settings, progress);
        process.stdout.write(
          `\n## 4. Fan-out (poll interval ${fanout.intervalMs} ms; min / median / max over ${settings.runs} runs)\n\n${fanoutTable(fanout)}\n\n${targets(fanoutTargets(fanout))}`,
        );
      }
      if (selected(5)) {
        sends = await runSendBenchmark(live, world, settings, progress);
        process.stdout.write(
          `\n## 5. Send throughput (${sends.concurrency} in flight, ${sends.throttlePercent}% throttled; min / median / max over ${settings.runs} runs)\n\n${sendTable(sends)}\n\n${targets(sendTargets(sends))}\n`,
        );
      }
    }

    let scale: ScaleResult | undefined;
    if (selected(6)) {
      scale = await runScaleBenchmark(scaleSettings(process.env), progress);
      process.stdout.write(
        `\n## 6. Polling at scale (interval ${scale.intervalMs} ms, ${scale.windowIntervals} intervals measured)\n\n${scaleTable(scale)}\n`,
      );
    }

    let callCost: CallCostResult | undefined;
    if (selected(7)) {
      callCost = await runCallCostBenchmark(callCostSettings(process.env), progress);
      process.stdout.write(
        `\n## 7. Upstream call cost\n\n${callCostTable(callCost)}\n\n${targets(callCostTargets(callCost))}`,
      );
    }

    if (throughput) {
      const noise = spread(throughput.cases.flatMap((c) => c.samples.map((s) => s.otherCores)));
      if (noise.max > 0.25) {
        progress(
          `warning: other processes kept up to ${noise.max.toFixed(2)} cores busy during the runs: the timings are noisy`,
        );
      }
    }
    if (calls && throughput && polling && fanout && sends && scale && callCost) {
      await writeResults(settings.resultsPath, env, settings, {
        calls,
        throughput,
        polling,
        fanout,
        sends,
        scale,
        callCost,
      });
      progress(`wrote ${settings.resultsPath} in ${((performance.now() - startedAt) / 1_000).toFixed(0)} s`);
    }
    const problems = throughput ? throughputProblems(throughput) : [];
    for (const p of problems) progress(`FAILED RESPONSES: ${p}`);
    return problems.length ? 1 : 0;
  } finally {
    await Promise.all([cached?.stop(), loadgen?.stop(), pollingHost?.stop(), live?.stop(), farm?.stop()]);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killChildren();
    const exit = (): never => process.exit(130);
    setTimeout(exit, 3_000).unref();
    void deleteLeftoverKeys().finally(exit);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    killChildren();
    void deleteLeftoverKeys();
    // A settings or setup problem says all there is to say; anything else comes with its stack.
    const expected = err instanceof BenchSettingsError || err instanceof RedisUnreachableError;
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (expected ? err.message : (err.stack ?? err.message)) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
