/**
 * Benchmark 3, polling cost: K subscriptions (over graphql-ws, from the client farm) spread evenly over M
 * running loads; the upstream reads of the watched loads per poll interval, counted by the emulator, and
 * their ratio to M (target ≤ 1.05: one poll per load per interval, however many watch it). One process
 * here; the three-replica case (Redis) is listed as not run until scale-out lands: add it to
 * {@link REPLICA_CASES} with a host that starts the replicas. Internal to the benchmarks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Farm, Host } from './children.js';
import { emulatorControl } from './emulator.js';
import { EVENT_SUBSCRIPTION, sendDatasetEvents, verdict, type LiveWorld } from './live.js';
import type { BenchSettings } from './settings.js';
import { mmm, table } from './stats.js';

/** Replica setups: those not runnable yet say why. */
export const REPLICA_CASES = [
  { replicas: 1, run: true },
  { replicas: 3, run: false, why: 'not run: needs scale-out with Redis (pollers hold leases)' },
] as const;

export const POLL_TARGET_RATIO = 1.05;
/** WebSocket connections the subscriptions are spread over (graphql-ws multiplexes them). */
const POLL_CONNECTIONS = 100;

export interface PollingCase {
  readonly subscribers: number;
  readonly loads: number;
  readonly replicas: number;
  /** Why the case did not run; undefined when it did. */
  readonly notRun: string | undefined;
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
  await farm.ask({ type: 'connect', url: host.url, connections: POLL_CONNECTIONS }, 60_000);
  for (const { subscribers, loads } of settings.pollCases) {
    for (const setup of REPLICA_CASES) {
      if (!setup.run) {
        cases.push({ subscribers, loads, replicas: setup.replicas, notRun: setup.why, pollsPerInterval: [] });
        continue;
      }
      progress(`polling: ${subscribers} subscriptions on ${loads} loads, sending the events`);
      const ids = await sendDatasetEvents(host.url, world, loads);
      const variables = Array.from({ length: subscribers }, (_, i) => ({
        i: world.instanceId,
        e: ids[i % loads]!,
      }));
      await farm.ask(
        { type: 'subscribe', query: EVENT_SUBSCRIPTION, variables, timeoutMs: 120_000 },
        120_000,
      );
      // Let the first reads (one per load, at subscription) pass before counting.
      await sleep(intervalMs);
      const pollsPerInterval: number[] = [];
      for (let run = 1; run <= settings.runs; run++) {
        progress(`polling: ${subscribers} on ${loads}, run ${run}/${settings.runs}`);
        await control.resetCalls();
        const startedAt = performance.now();
        await sleep(intervalMs * settings.pollIntervals);
        const calls = (await control.calls())['GetDataIntegrationEvent'] ?? 0;
        pollsPerInterval.push(calls / ((performance.now() - startedAt) / intervalMs));
      }
      await farm.ask({ type: 'unsubscribe' });
      cases.push({ subscribers, loads, replicas: setup.replicas, notRun: undefined, pollsPerInterval });
    }
  }
  await farm.ask({ type: 'close' }, 60_000);
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
    result.cases.map((c) =>
      c.notRun
        ? [String(c.subscribers), String(c.loads), String(c.replicas), '—', '—', c.notRun]
        : [
            String(c.subscribers),
            String(c.loads),
            String(c.replicas),
            mmm(c.pollsPerInterval, 1),
            mmm(
              c.pollsPerInterval.map((p) => p / c.loads),
              3,
            ),
            verdict(Math.max(...c.pollsPerInterval) / c.loads <= POLL_TARGET_RATIO),
          ],
    ),
  );
}
