/**
 * Benchmark 6, polling at scale: N running loads of the three kinds under a few dozen parents (events of
 * 5 types in each instance, the executions of every flow, the runs of every data source), seeded through
 * the emulator's scene route, watched over `loadsChanged` by one graphql-ws client in this process; the
 * emulator and each gateway run in their own processes (`src/main.ts`). A tenth of the loads finish
 * during the measured window (the emulator clock, frozen while subscribing, runs at real speed from the
 * window's start), the rest keep running; terminal states are awaited up to three intervals after it. Measured: upstream calls per watched load per interval (the
 * emulator's counts), gateway CPU per watched load per interval (µs, /proc of every gateway process),
 * change-to-push p99 (push arrival minus the load's end), and terminal states delivered.
 * Internal to the benchmarks.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { toGlobalId } from '../src/graph/ids.js';
import type { LoadRef } from '../src/upstream/loadRef.js';
import { emulatorControl, postJson } from './emulator.js';
import { quantile, verdict } from './live.js';
import { end, startMain, startReplicas } from './replicas.js';
import { num, table } from './stats.js';

export interface ScaleCase {
  readonly loads: number;
  readonly replicas: number;
  readonly parents: number;
  /** Upstream calls per watched load per interval. */
  readonly callsPerLoad: number;
  /** Gateway CPU per watched load per interval, µs (all replicas together). */
  readonly cpuPerLoadUs: number;
  /** Gateway CPU over the window, cores (all replicas together). */
  readonly cores: number;
  readonly pushP99Ms: number;
  readonly terminalsDelivered: number;
  readonly terminalsExpected: number;
}

export interface ScaleResult {
  readonly intervalMs: number;
  readonly windowIntervals: number;
  readonly cases: readonly ScaleCase[];
}

const EVENT_TYPES = [
  'scn.data.dataset',
  'scn.data.forecast',
  'scn.data.inventorylevel',
  'scn.data.inboundorder',
  'scn.data.outboundorderline',
];
const TICKS_PER_SECOND = 100;
/** The most intervals waited for the gateway to settle before the window. */
const SETTLE_INTERVALS = 12;

/** CPU time of a process so far, µs (Linux /proc). */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1e6;
}

interface Parent {
  readonly spec: Record<string, unknown>;
  readonly ref: (id: string) => LoadRef;
}

function parentsOf(world: any): Parent[] {
  const parents: Parent[] = [];
  for (const instance of world.supplychain.instances) {
    const instanceId: string = instance.instanceId;
    for (const eventType of EVENT_TYPES)
      parents.push({
        spec: { kind: 'events', instanceId, eventType },
        ref: (eventId) => ({ kind: 'DATA_INTEGRATION_EVENT', key: { instanceId, eventId } }),
      });
    for (const flowName of instance.flows as string[])
      parents.push({
        spec: { kind: 'executions', instanceId, flowName },
        ref: (executionId) => ({ kind: 'FLOW_EXECUTION', key: { instanceId, flowName, executionId } }),
      });
  }
  for (const domain of world.datazone.domains) {
    const domainId: string = domain.domainId;
    for (const ds of domain.dataSources as { id: string }[])
      parents.push({
        spec: { kind: 'runs', domainId, dataSourceId: ds.id },
        ref: (runId) => ({ kind: 'DATA_SOURCE_RUN', key: { domainId, runId } }),
      });
  }
  return parents;
}

export async function runScaleBenchmark(
  options: {
    readonly loadCounts: readonly number[];
    readonly replicaCases: readonly number[];
    readonly redisUrl: string;
    readonly intervalMs: number;
    readonly windowIntervals: number;
  },
  progress: (line: string) => void,
): Promise<ScaleResult> {
  const { intervalMs, windowIntervals } = options;
  const cases: ScaleCase[] = [];
  const measure = async (loads: number, replicas: number): Promise<void> => {
    const label = `${loads} loads, ${replicas} replica${replicas > 1 ? 's' : ''}`;
    const emulator = startMain(
      {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        EMULATOR_PORT: '0',
        EMULATOR_CLOCK_SPEED: '0',
        LOG_LEVEL: 'silent',
      },
      ['emulator'],
    );
    const emulatorUrl = await emulator.url;
    const gateways = await startReplicas(replicas, emulatorUrl, replicas > 1 ? options.redisUrl : undefined, {
      LIVE_POLL_EVENT_MS: String(intervalMs),
      LIVE_POLL_FLOW_EXECUTION_MS: String(intervalMs),
      LIVE_POLL_DATA_SOURCE_RUN_MS: String(intervalMs),
      LIVE_MAX_POLLS_PER_SECOND: '100000',
      LIVE_SHARED_RATE_PER_SECOND: '100000',
      LIVE_LIST_MAX_PAGES: '30',
      LOADS_MAX_IDS: '100',
      UPSTREAM_CONCURRENCY: '64',
    });
    const clients: ReturnType<typeof createClient>[] = [];
    try {
      const control = emulatorControl(emulatorUrl);
      const world = await (await fetch(`${emulatorUrl}/_emulator/world`)).json();
      const parents = parentsOf(world);
      progress(`scale: ${label}: seeding over ${parents.length} parents`);
      // Per parent: a tenth finishing during the window (ends spread over its first intervals), the rest held.
      const refs: LoadRef[] = [];
      const ends = new Map<string, number>();
      const kindOfId = new Map<string, string>();
      for (const [p, parent] of parents.entries()) {
        const count = Math.floor(loads / parents.length) + (p < loads % parents.length ? 1 : 0);
        const finishing = count >= 2 ? Math.max(1, Math.round(count / 10)) : 0;
        if (finishing > 0) {
          const { ids, endsAtMs } = await postJson(`${emulatorUrl}/_emulator/scene`, {
            ...parent.spec,
            count: finishing,
            durationMs: 1_000,
            spreadMs: intervalMs * (windowIntervals - 2),
          });
          (ids as string[]).forEach((id, i) => {
            const ref = parent.ref(id);
            refs.push(ref);
            ends.set(toGlobalId(ref), endsAtMs[i]);
            kindOfId.set(toGlobalId(ref), ref.kind);
          });
        }
        if (count - finishing > 0) {
          const { ids } = await postJson(`${emulatorUrl}/_emulator/scene`, {
            ...parent.spec,
            count: count - finishing,
            durationMs: 3_600_000,
          });
          for (const id of ids as string[]) refs.push(parent.ref(id));
        }
      }
      const clock0 = ((await (await fetch(`${emulatorUrl}/_emulator/clock`)).json()) as { nowMs: number })
        .nowMs;

      progress(`scale: ${label}: subscribing`);
      const terminalAt = new Map<string, number>();
      let first = 0;
      const ids = refs.map(toGlobalId);
      const batches = Math.ceil(ids.length / 100);
      for (let b = 0; b < batches; b++) {
        const url = gateways.urls[b % gateways.urls.length]!.replace(/^http/, 'ws');
        const client =
          clients[b % gateways.urls.length] ??
          createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
        clients[b % gateways.urls.length] = client;
        const seen = new Set<string>();
        client.subscribe(
          {
            query: 'subscription($ids: [ID!]!) { loadsChanged(ids: $ids) { id terminal } }',
            variables: { ids: ids.slice(b * 100, b * 100 + 100) },
          },
          {
            next: (value: any) => {
              const load = value?.data?.loadsChanged;
              if (!load) return;
              if (!seen.has(load.id)) {
                seen.add(load.id);
                first++;
              }
              if (load.terminal && !terminalAt.has(load.id)) terminalAt.set(load.id, Date.now());
            },
            error: () => {},
            complete: () => {},
          },
        );
      }
      const deadline = performance.now() + 300_000;
      while (first < ids.length && performance.now() < deadline) await sleep(200);
      if (first < ids.length)
        throw new Error(`${label}: only ${first} of ${ids.length} loads got their first state`);
      // Every parent forms (first reads alone, then list refreshes) and the first reads' queue drains: wait
      // for an interval that costs at most 0.2 calls per load (at most SETTLE_INTERVALS).
      for (let i = 1; ; i++) {
        await control.resetCalls();
        await sleep(intervalMs);
        const settling = Object.values(await control.calls()).reduce((a, b) => a + b, 0);
        if (settling <= loads * 0.2 || i >= SETTLE_INTERVALS) {
          progress(
            `scale: ${label}: settled after ${i} intervals (${num(settling / loads, 3)} calls per load in the last)`,
          );
          break;
        }
      }

      const refreshes = async (): Promise<Record<string, number>> => {
        const totals: Record<string, number> = {};
        for (const url of gateways.urls) {
          const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
          for (const m of text.matchAll(/^loadgraph_list_refresh_total\{result="(\w+)"\} (\d+)/gm))
            totals[m[1]!] = (totals[m[1]!] ?? 0) + Number(m[2]);
        }
        return totals;
      };
      const refreshes0 = await refreshes();
      await control.resetCalls();
      const cpu0 = gateways.pids.reduce((sum, pid) => sum + cpuUs(pid), 0);
      const wall0 = Date.now();
      await postJson(`${emulatorUrl}/_emulator/clock`, { speed: 1 });
      const started = performance.now();
      await sleep(intervalMs * windowIntervals);
      const elapsedMs = performance.now() - started;
      const cpu = gateways.pids.reduce((sum, pid) => sum + cpuUs(pid), 0) - cpu0;
      const byOperation = await control.calls();
      const calls = Object.values(byOperation).reduce((a, b) => a + b, 0);
      const intervals = elapsedMs / intervalMs;
      const refreshes1 = await refreshes();
      progress(
        `scale: ${label}: list refreshes per interval: ${Object.entries(refreshes1)
          .map(([result, n]) => `${result} ${num((n - (refreshes0[result] ?? 0)) / intervals, 1)}`)
          .join(', ')}`,
      );
      progress(
        `scale: ${label}: calls per interval by operation: ${Object.entries(byOperation)
          .map(([op, n]) => `${op} ${num(n / intervals, 1)}`)
          .join(', ')}`,
      );
      // Terminal states still on their way (not counted in the window's calls and CPU).
      const lateDeadline = performance.now() + intervalMs * 3;
      while (terminalAt.size < ends.size && performance.now() < lateDeadline) await sleep(200);
      // Push arrival minus the load's end on the emulator's clock, per kind.
      const byKind = new Map<string, number[]>();
      for (const [id, endMs] of ends) {
        const at = terminalAt.get(id);
        if (at === undefined) continue;
        const kind = kindOfId.get(id)!;
        byKind.set(kind, [...(byKind.get(kind) ?? []), at - (wall0 + (endMs - clock0))]);
      }
      const lags = [...byKind.values()].flat();
      if (lags.length)
        progress(
          `scale: ${label}: change-to-push p50 ${Math.round(quantile(lags, 0.5))} ms, p90 ${Math.round(quantile(lags, 0.9))} ms; p99 by kind: ${[
            ...byKind,
          ]
            .map(
              ([kind, l]) =>
                `${kind} ${Math.round(quantile(l, 0.99))} ms (max ${Math.round(Math.max(...l))})`,
            )
            .join(', ')}`,
        );
      const result: ScaleCase = {
        loads,
        replicas,
        parents: parents.length,
        callsPerLoad: calls / loads / intervals,
        cpuPerLoadUs: cpu / loads / intervals,
        cores: cpu / 1e3 / elapsedMs,
        pushP99Ms: lags.length ? quantile(lags, 0.99) : NaN,
        terminalsDelivered: lags.length,
        terminalsExpected: ends.size,
      };
      progress(`scale: ${label}: ${JSON.stringify(result)}`);
      cases.push(result);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await gateways.stop();
      await end(emulator.child);
    }
  };
  for (const loads of options.loadCounts) await measure(loads, 1);
  for (const loads of options.replicaCases) await measure(loads, 3);
  return { intervalMs, windowIntervals, cases };
}

export function scaleTable(result: ScaleResult): string {
  return table(
    [
      'watched loads',
      'parents',
      'replicas',
      'calls / load / interval',
      'target',
      'gateway CPU / load / interval',
      'gateway cores',
      'change-to-push p99',
      'terminal states delivered',
    ],
    result.cases.map((c) => {
      const shared = c.loads / c.parents >= 20;
      const callTarget = shared ? 0.1 : 1.0;
      return [
        String(c.loads),
        String(c.parents),
        String(c.replicas),
        num(c.callsPerLoad, 3),
        `≤ ${callTarget}: ${verdict(c.callsPerLoad <= callTarget)}`,
        `${num(c.cpuPerLoadUs, 1)} µs`,
        `${num(c.cores, 3)}${c.loads >= 10_000 && c.replicas === 1 ? ` (≤ 0.5: ${verdict(c.cores <= 0.5)})` : ''}`,
        `${num(c.pushP99Ms, 0)} ms (≤ ${result.intervalMs + 100}: ${verdict(c.pushP99Ms <= result.intervalMs + 100)})`,
        `${c.terminalsDelivered} of ${c.terminalsExpected} (${verdict(c.terminalsDelivered === c.terminalsExpected)})`,
      ];
    }),
  );
}

/** The benchmark's settings from the environment (defaults: 100, 1,000 and 10,000 loads; 1,000 on three). */
export function scaleSettings(env: NodeJS.ProcessEnv): Parameters<typeof runScaleBenchmark>[0] {
  const list = (v: string | undefined, d: number[]) =>
    v !== undefined ? v.split(',').filter(Boolean).map(Number) : d;
  return {
    loadCounts: list(env['BENCH_SCALE_LOADS'], [100, 1_000, 10_000]),
    replicaCases: list(env['BENCH_SCALE_REPLICA_LOADS'], [1_000]),
    redisUrl: env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    intervalMs: Number(env['BENCH_SCALE_INTERVAL_MS'] ?? 5_000),
    windowIntervals: Number(env['BENCH_SCALE_WINDOW_INTERVALS'] ?? 4),
  };
}

/** `tsx bench/scale.bench.ts`: this benchmark alone. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runScaleBenchmark(
    scaleSettings(process.env),
    (line) => void process.stderr.write(`[scale] ${line}\n`),
  );
  process.stdout.write(
    `\n## 6. Polling at scale (interval ${result.intervalMs} ms, ${result.windowIntervals} intervals measured)\n\n${scaleTable(result)}\n`,
  );
}
