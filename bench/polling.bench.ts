/**
 * Benchmark 3, polling cost: K subscriptions (over graphql-ws, from the client farm) spread evenly over M
 * running events; every upstream call the polling makes per poll interval, counted by the emulator per
 * operation (GetDataIntegrationEvent reads and ListDataIntegrationEvents pages), and their ratio to M
 * (target ≤ 1.05: no load polled more than once per interval, however many watch it). Each case runs in
 * two layouts of the M events (seeded through the emulator's scene route, running until the benchmark
 * ends):
 * - **shared parent**: all M of one instance and one event type, so the gateway refreshes them from the
 *   parent's list pages (a page holds 20 events) instead of one read each; the ratio is well below 1.
 * - **own parent**: each event of an event type of its own, so no two watched loads share a parent and
 *   each is read alone: the per-load poll path, ratio ≈ 1. AWS has 16 event types and the emulator's world
 *   two instances, 32 real parents, fewer than M: the types here are made up (`bench.own.…`), which the
 *   emulator accepts and AWS would not. A parent with one watched load is never listed, so the gateway
 *   does for each exactly what it does for a lone load of a real type.
 * Beside the calls, the gateways' own count of polls per load per interval shows whether they kept up (a
 * gateway that falls behind calls less, which would flatter the ratio); after each case, the time until
 * upstream calls stop. First on one Loadgraph host; then ({@link SCALE_OUT_REPLICAS} replicas) on gateway
 * processes that share that host's emulator and one Redis (one poller per load and one lister per parent,
 * by lease), the subscriptions spread evenly over their WebSocket endpoints. Internal to the benchmarks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DataIntegrationEventType } from '../src/upstream/supplychain/generated/models.js';
import { LOAD_KINDS } from '../src/upstream/loadKinds.js';
import type { Farm, Host } from './children.js';
import { emulatorControl, totalCalls, postJson } from './emulator.js';
import { EVENT_SUBSCRIPTION, verdict } from './live.js';
import { startReplicas } from './replicas.js';
import type { BenchSettings } from './settings.js';
import { mmm, num, table } from './stats.js';

/** Gateway replicas of the scale-out case. */
export const SCALE_OUT_REPLICAS = 3;

/** Upstream calls per load per interval, at most (one poll per load per interval, with a margin). */
export const POLL_TARGET_RATIO = 1.05;
/** WebSocket connections the subscriptions are spread over (graphql-ws multiplexes them). */
const POLL_CONNECTIONS = 100;
/** Intervals waited after subscribing before counting: first reads, parents forming, a rest from listing. */
const SETTLE_INTERVALS = 3;
/** Intervals waited at most, after the last subscriber left, for the polling to stop (see `quietAfterMs`). */
const QUIET_MAX_INTERVALS = 60;
/** Polls per load per interval below this: the gateway fell behind, and called less for it. */
export const LATE_POLLS_RATIO = 0.95;
/** Simulated run time of the seeded events: far beyond the benchmark (the emulator clock is frozen). */
const RUNNING_MS = 86_400_000;
/** Scene routes in flight while seeding the own-parent layout (one route call per event). */
const SEED_CONCURRENCY = 16;

const GET = LOAD_KINDS.DATA_INTEGRATION_EVENT.pollOperation;
const LIST = LOAD_KINDS.DATA_INTEGRATION_EVENT.listOperation;

/** How the M loads of a case are placed: all under one parent, or each under a parent of its own. */
export type PollingLayout = 'shared parent' | 'own parent';
const LAYOUTS: readonly PollingLayout[] = ['shared parent', 'own parent'];

export interface PollingCase {
  readonly layout: PollingLayout;
  readonly subscribers: number;
  readonly loads: number;
  readonly replicas: number;
  /** Per poll interval, one figure per run: GetDataIntegrationEvent calls. */
  readonly gets: readonly number[];
  /** Per poll interval, one figure per run: ListDataIntegrationEvents calls (pages). */
  readonly listPages: readonly number[];
  /** Per poll interval, one figure per run: every upstream call (the two above and any other). */
  readonly calls: readonly number[];
  /**
   * Per poll interval, one figure per run: polls of watched loads by the gateways (`loadgraph_polls_total`
   * of every gateway process, all outcomes), each a look at one load, by a read or from a list page.
   */
  readonly polls: readonly number[];
  /**
   * From the last unsubscribe to the start of the first interval without an upstream call, ms (whole
   * intervals; undefined: still calling after {@link QUIET_MAX_INTERVALS}). With Redis, a parent's holder
   * polls the loads watched under it until their member entries expire (`LIVE_LEASE_TTL_MS`).
   */
  readonly quietAfterMs: number | undefined;
}

export interface PollingResult {
  readonly intervalMs: number;
  readonly intervals: number;
  readonly settleIntervals: number;
  readonly cases: readonly PollingCase[];
}

/** Polls of watched loads so far, all outcomes, summed over the gateways at `graphqlUrls` (their `/metrics`). */
async function gatewayPolls(graphqlUrls: readonly string[]): Promise<number> {
  let sum = 0;
  for (const url of graphqlUrls) {
    const res = await fetch(new URL('/metrics', url));
    if (!res.ok) throw new Error(`GET ${new URL('/metrics', url)}: ${res.status}`);
    for (const line of (await res.text()).split('\n'))
      if (line.startsWith('loadgraph_polls_total{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function runPollingBenchmark(
  host: Host,
  farm: Farm,
  settings: BenchSettings,
  progress: (line: string) => void,
): Promise<PollingResult> {
  const emulator = host.emulator!;
  const control = emulatorControl(emulator);
  const intervalMs = settings.pollIntervalMs;
  const cases: PollingCase[] = [];
  const world = (await (await fetch(`${emulator}/_emulator/world`)).json()) as {
    supplychain: { instances: { instanceId: string }[] };
  };
  // A fresh real parent per shared-parent case (while there are some), so no case lists another's loads.
  const sharedParents = world.supplychain.instances.flatMap(({ instanceId }) =>
    Object.values(DataIntegrationEventType).map((eventType) => ({ instanceId, eventType })),
  );
  let shared = 0;
  let own = 0;

  /** Seeds M running events in `layout`; resolves to the subscription variables of each. */
  const seed = async (layout: PollingLayout, loads: number): Promise<{ i: string; e: string }[]> => {
    const scene = `${emulator}/_emulator/scene`;
    switch (layout) {
      case 'shared parent': {
        const parent = sharedParents[shared++ % sharedParents.length]!;
        const { ids } = await postJson(scene, {
          kind: 'events',
          ...parent,
          count: loads,
          durationMs: RUNNING_MS,
        });
        return (ids as string[]).map((e) => ({ i: parent.instanceId, e }));
      }
      case 'own parent': {
        const instanceId = world.supplychain.instances[0]!.instanceId;
        const batch = own++;
        const vars = new Array<{ i: string; e: string }>(loads);
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < loads) {
            const n = next++;
            const eventType = `bench.own.${batch}.${n}`;
            const { ids } = await postJson(scene, {
              kind: 'events',
              instanceId,
              eventType,
              count: 1,
              durationMs: RUNNING_MS,
            });
            vars[n] = { i: instanceId, e: (ids as string[])[0]! };
          }
        };
        await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, loads) }, worker));
        return vars;
      }
    }
  };

  /** Subscribes K on M fresh loads over the farm's open connections and counts the calls per interval. */
  const measure = async (
    layout: PollingLayout,
    subscribers: number,
    loads: number,
    gateways: readonly string[],
  ): Promise<void> => {
    const replicas = gateways.length;
    const label = `${layout}, ${subscribers} on ${loads}, ${replicas} replica${replicas > 1 ? 's' : ''}`;
    progress(`polling: ${label}, seeding the events`);
    const loadVars = await seed(layout, loads);
    const variables = Array.from({ length: subscribers }, (_, i) => loadVars[i % loads]!);
    await farm.ask({ type: 'subscribe', query: EVENT_SUBSCRIPTION, variables, timeoutMs: 120_000 }, 120_000);
    const first = await farm.ask({ type: 'await', messages: 1, timeoutMs: 1_000 });
    if (first.type === 'arrivals' && first.errors > 0)
      throw new Error(`polling: ${label}: ${first.errors} subscriptions answered with errors`);
    await sleep(intervalMs * SETTLE_INTERVALS);
    const gets: number[] = [];
    const listPages: number[] = [];
    const calls: number[] = [];
    const polls: number[] = [];
    for (let run = 1; run <= settings.runs; run++) {
      progress(`polling: ${label}, run ${run}/${settings.runs}`);
      const [pollsBefore] = await Promise.all([gatewayPolls(gateways), control.resetCalls()]);
      const startedAt = performance.now();
      await sleep(intervalMs * settings.pollIntervals);
      const [counts, pollsAfter] = await Promise.all([control.calls(), gatewayPolls(gateways)]);
      const intervals = (performance.now() - startedAt) / intervalMs;
      polls.push((pollsAfter - pollsBefore) / intervals);
      gets.push((counts[GET] ?? 0) / intervals);
      listPages.push((counts[LIST] ?? 0) / intervals);
      calls.push(totalCalls(counts) / intervals);
    }
    await farm.ask({ type: 'unsubscribe' });
    // The next case counts from zero only once this one's polling has stopped.
    const leftAt = performance.now();
    let quietAfterMs: number | undefined;
    for (let i = 0; i < QUIET_MAX_INTERVALS && quietAfterMs === undefined; i++) {
      const from = performance.now();
      await control.resetCalls();
      await sleep(intervalMs);
      if (totalCalls(await control.calls()) === 0) quietAfterMs = from - leftAt;
    }
    if (quietAfterMs === undefined)
      progress(
        `polling: ${label}: still calling upstream ${QUIET_MAX_INTERVALS} intervals after unsubscribing`,
      );
    cases.push({ layout, subscribers, loads, replicas, gets, listPages, calls, polls, quietAfterMs });
  };

  await farm.ask({ type: 'connect', url: host.url, connections: POLL_CONNECTIONS }, 60_000);
  for (const { subscribers, loads } of settings.pollCases)
    for (const layout of LAYOUTS) await measure(layout, subscribers, loads, [host.url]);
  await farm.ask({ type: 'close' }, 60_000);

  if (settings.pollReplicaCases.length > 0) {
    progress(`polling: starting ${SCALE_OUT_REPLICAS} replicas on ${settings.redisUrl}`);
    const replicas = await startReplicas(SCALE_OUT_REPLICAS, emulator, settings.redisUrl, {
      LIVE_POLL_EVENT_MS: String(intervalMs),
      LIVE_MAX_POLLS_PER_SECOND: '100000',
      LIVE_SHARED_RATE_PER_SECOND: '100000',
    });
    try {
      // A multiple of the replica count, so connection j (and subscription i) goes to replica j % 3.
      const connections = POLL_CONNECTIONS - (POLL_CONNECTIONS % SCALE_OUT_REPLICAS);
      await farm.ask({ type: 'connect', url: replicas.urls, connections }, 60_000);
      for (const { subscribers, loads } of settings.pollReplicaCases)
        for (const layout of LAYOUTS) await measure(layout, subscribers, loads, replicas.urls);
      await farm.ask({ type: 'close' }, 60_000);
    } finally {
      await replicas.stop();
    }
  }
  return { intervalMs, intervals: settings.pollIntervals, settleIntervals: SETTLE_INTERVALS, cases };
}

export function pollingTable(result: PollingResult): string {
  const perLoad = (values: readonly number[], loads: number): number[] => values.map((n) => n / loads);
  const verdictOf = (c: PollingCase): string => {
    const met = verdict(Math.max(...perLoad(c.calls, c.loads)) <= POLL_TARGET_RATIO);
    // A run that fell behind (each load polled less than about once an interval) calls less for it: the
    // verdict stands on its own only when at least one run kept up.
    const late = Math.max(...perLoad(c.polls, c.loads)) < LATE_POLLS_RATIO;
    return late ? `${met}, but polled late (cost understated)` : met;
  };
  return table(
    [
      'layout',
      'K subscriptions',
      'M loads',
      'replicas',
      'Get per interval',
      'list pages per interval',
      'calls ÷ M',
      'polls ÷ M',
      'calls per poll',
      'quiet after',
      `calls ÷ M ≤ ${POLL_TARGET_RATIO}`,
    ],
    result.cases.map((c) => [
      c.layout,
      String(c.subscribers),
      String(c.loads),
      String(c.replicas),
      mmm(c.gets, 1),
      mmm(c.listPages, 1),
      mmm(perLoad(c.calls, c.loads), 3),
      mmm(perLoad(c.polls, c.loads), 3),
      mmm(
        c.calls.map((n, run) => n / c.polls[run]!),
        3,
      ),
      c.quietAfterMs === undefined ? 'n/a' : `${num(c.quietAfterMs / 1_000, 1)} s`,
      verdictOf(c),
    ]),
  );
}
