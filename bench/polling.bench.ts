/**
 * Benchmark 3, polling cost: K subscriptions (over graphql-ws, from the client farm) spread evenly over M
 * running loads; the upstream reads of the watched loads per poll interval, counted by the emulator, and
 * their ratio to M (target ≤ 1.05: one poll per load per interval, however many watch it). First on the
 * one live host; then ({@link SCALE_OUT_REPLICAS} replicas) on gateway processes that share that host's
 * emulator and one Redis (one poller per load, by lease), the subscriptions spread evenly over their
 * WebSocket endpoints. Internal to the benchmarks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Farm, Host } from './children.js';
import { emulatorControl } from './emulator.js';
import { EVENT_SUBSCRIPTION, sendDatasetEvents, verdict, type LiveWorld } from './live.js';
import { startReplicas } from './replicas.js';
import type { BenchSettings } from './settings.js';
import { mmm, table } from './stats.js';

/** Gateway replicas of the scale-out case. */
export const SCALE_OUT_REPLICAS = 3;

export const POLL_TARGET_RATIO = 1.05;
/** WebSocket connections the subscriptions are spread over (graphql-ws multiplexes them). */
const POLL_CONNECTIONS = 100;

export interface PollingCase {
  readonly subscribers: number;
  readonly loads: number;
  readonly replicas: number;
  /** GetDataIntegrationEvent calls per poll interval, one per run. */
  readonly pollsPerInterval: number[];
}

export interface PollingResult {
  readonly intervalMs: number;
  readonly intervals: number;
  readonly cases: readonly PollingCase[];
}

export async function runPollingBenchmark(
  host: Host,
  farm: Farm,
  world: LiveWorld,
  settings: BenchSettings,
  progress: (line: string) => void,
): Promise<PollingResult> {
  const control = emulatorControl(host.emulator!);
  const intervalMs = settings.pollIntervalMs;
  const cases: PollingCase[] = [];

  /** Subscribes K on M fresh loads over the farm's open connections and counts the polls per interval. */
  const measure = async (subscribers: number, loads: number, replicas: number): Promise<void> => {
    const label = `${subscribers} on ${loads}, ${replicas} replica${replicas > 1 ? 's' : ''}`;
    progress(`polling: ${label}, sending the events`);
    const ids = await sendDatasetEvents(host.url, world, loads);
    const variables = Array.from({ length: subscribers }, (_, i) => ({
      i: world.instanceId,
      e: ids[i % loads]!,
    }));
    await farm.ask({ type: 'subscribe', query: EVENT_SUBSCRIPTION, variables, timeoutMs: 120_000 }, 120_000);
    // Let the first reads (one per load, at subscription) pass before counting.
    await sleep(intervalMs);
    const pollsPerInterval: number[] = [];
    for (let run = 1; run <= settings.runs; run++) {
      progress(`polling: ${label}, run ${run}/${settings.runs}`);
      await control.resetCalls();
      const startedAt = performance.now();
      await sleep(intervalMs * settings.pollIntervals);
      const calls = (await control.calls())['GetDataIntegrationEvent'] ?? 0;
      pollsPerInterval.push(calls / ((performance.now() - startedAt) / intervalMs));
    }
    await farm.ask({ type: 'unsubscribe' });
    cases.push({ subscribers, loads, replicas, pollsPerInterval });
  };

  await farm.ask({ type: 'connect', url: host.url, connections: POLL_CONNECTIONS }, 60_000);
  for (const { subscribers, loads } of settings.pollCases) await measure(subscribers, loads, 1);
  await farm.ask({ type: 'close' }, 60_000);

  if (settings.pollReplicaCases.length > 0) {
    progress(`polling: starting ${SCALE_OUT_REPLICAS} replicas on ${settings.redisUrl}`);
    const replicas = await startReplicas(SCALE_OUT_REPLICAS, host.emulator!, settings.redisUrl, {
      LIVE_POLL_EVENT_MS: String(intervalMs),
      LIVE_POLL_JITTER: '0',
      LIVE_MAX_POLLS_PER_SECOND: '100000',
      LIVE_SHARED_RATE_PER_SECOND: '100000',
    });
    try {
      // A multiple of the replica count, so connection j (and subscription i) goes to replica j % 3.
      const connections = POLL_CONNECTIONS - (POLL_CONNECTIONS % SCALE_OUT_REPLICAS);
      await farm.ask({ type: 'connect', url: replicas.urls, connections }, 60_000);
      for (const { subscribers, loads } of settings.pollReplicaCases) {
        await measure(subscribers, loads, SCALE_OUT_REPLICAS);
      }
      await farm.ask({ type: 'close' }, 60_000);
    } finally {
      await replicas.stop();
    }
  }
  return { intervalMs, intervals: settings.pollIntervals, cases };
}

export function pollingTable(result: PollingResult): string {
  return table(
    [
      'K subscriptions',
      'M loads',
      'replicas',
      'polls per interval',
      'ratio to M',
      `target ≤ ${POLL_TARGET_RATIO}`,
    ],
    result.cases.map((c) => [
      String(c.subscribers),
      String(c.loads),
      String(c.replicas),
      mmm(c.pollsPerInterval, 1),
      mmm(
        c.pollsPerInterval.map((p) => p / c.loads),
        3,
      ),
      verdict(Math.max(...c.pollsPerInterval) / c.loads <= POLL_TARGET_RATIO),
    ]),
  );
}
