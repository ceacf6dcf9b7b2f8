/**
 * Benchmark 4, fan-out: K subscribers (one WebSocket each, from the client farm) watch one running load;
 * the emulator's clock moves it to its terminal state, and each subscriber's push is timed from the moment
 * the hub's poll found the change (fan-out) and from the moment of the change itself (change to push).
 * Also the heap per idle subscriber (after a full GC, with its connection), measured on the host, and the
 * host process's CPU time (gateway and embedded emulator) from the clock advance to the last arrival: the
 * poll, the execution, every push and `complete`; a busy machine disturbs it less than the latencies.
 * Internal to the benchmarks.
 */
import type { Farm, Host } from './children.js';
import { emulatorControl } from './emulator.js';
import { EVENT_SUBSCRIPTION, quantile, sendDatasetEvents, verdict, type LiveWorld } from './live.js';
import type { BenchSettings } from './settings.js';
import { mmm, num, table } from './stats.js';

export const FANOUT_P99_TARGET_MS = 250;
export const IDLE_SUBSCRIPTION_TARGET_BYTES = 10 * 1024;
/** Change-to-push target: the poll interval plus this. */
export const CHANGE_TO_PUSH_SLACK_MS = 50;

export interface FanoutSample {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly changeToPushP99Ms: number;
  /** Heap per subscriber: its connection and its subscription, and the subscription alone, bytes. */
  readonly heapPerSubscriberBytes: number;
  readonly heapPerSubscriptionBytes: number;
  readonly errors: number;
  /** Host process CPU (user + system) from the clock advance to the last arrival, ms. */
  readonly hostCpuMs: number;
}

export interface FanoutResult {
  readonly intervalMs: number;
  readonly cases: readonly { readonly subscribers: number; readonly samples: FanoutSample[] }[];
}

/** Subscribers of the unmeasured warm-up round. */
const WARM_UP_SUBSCRIBERS = 100;

export async function runFanoutBenchmark(
  host: Host,
  farm: Farm,
  world: LiveWorld,
  settings: BenchSettings,
  progress: (line: string) => void,
): Promise<FanoutResult> {
  const cases: { subscribers: number; samples: FanoutSample[] }[] = [];
  // One round of a few subscribers first, unmeasured: what the host makes once, on its first subscriptions
  // (the code's type feedback, per-document caches, the server's lazily made parts), is no subscriber's
  // heap, and the first measured case would otherwise carry it.
  progress(`fan-out: warm-up with ${WARM_UP_SUBSCRIBERS} subscribers`);
  await farm.ask({ type: 'connect', url: host.url, connections: WARM_UP_SUBSCRIBERS }, 120_000);
  const [warmUpEvent] = await sendDatasetEvents(host.url, world, 1);
  await farm.ask(
    {
      type: 'subscribe',
      query: EVENT_SUBSCRIPTION,
      variables: Array.from({ length: WARM_UP_SUBSCRIBERS }, () => ({
        i: world.instanceId,
        e: warmUpEvent!,
      })),
      timeoutMs: 120_000,
    },
    120_000,
  );
  await host.changes();
  await emulatorControl(host.emulator!).advanceClock(3_600_000);
  await farm.ask({ type: 'await', messages: 2, timeoutMs: 60_000 }, 60_000);
  await host.changes();
  await farm.ask({ type: 'close' }, 120_000);
  for (const subscribers of settings.fanoutSizes) {
    const samples: FanoutSample[] = [];
    progress(`fan-out: opening ${subscribers} WebSocket connections`);
    const heapBefore = await host.heapUsed();
    await farm.ask({ type: 'connect', url: host.url, connections: subscribers }, 120_000);
    const heapConnected = await host.heapUsed();
    for (let run = 1; run <= settings.runs; run++) {
      progress(`fan-out: ${subscribers} subscribers, run ${run}/${settings.runs}`);
      const [eventId] = await sendDatasetEvents(host.url, world, 1);
      const variables = Array.from({ length: subscribers }, () => ({ i: world.instanceId, e: eventId! }));
      await farm.ask(
        { type: 'subscribe', query: EVENT_SUBSCRIPTION, variables, timeoutMs: 120_000 },
        120_000,
      );
      const heapIdle = await host.heapUsed();
      await host.changes();
      const usageBefore = await host.usage();
      const changedAt = performance.timeOrigin + performance.now();
      await emulatorControl(host.emulator!).advanceClock(3_600_000);
      const reply = await farm.ask({ type: 'await', messages: 2, timeoutMs: 60_000 }, 60_000);
      if (reply.type !== 'arrivals') throw new Error(`fan-out: unexpected farm reply ${reply.type}`);
      const usageAfter = await host.usage();
      const polledAt = (await host.changes())[0];
      if (polledAt === undefined) throw new Error('fan-out: the hub reported no change');
      const fanout = reply.arrivals.map((t) => t - polledAt);
      samples.push({
        p50Ms: quantile(fanout, 0.5),
        p99Ms: quantile(fanout, 0.99),
        maxMs: Math.max(...fanout),
        changeToPushP99Ms: quantile(
          reply.arrivals.map((t) => t - changedAt),
          0.99,
        ),
        heapPerSubscriberBytes: (heapIdle - heapBefore) / subscribers,
        heapPerSubscriptionBytes: (heapIdle - heapConnected) / subscribers,
        errors: reply.errors,
        hostCpuMs:
          (usageAfter.cpuUserUs + usageAfter.cpuSystemUs - usageBefore.cpuUserUs - usageBefore.cpuSystemUs) /
          1_000,
      });
    }
    await farm.ask({ type: 'close' }, 120_000);
    cases.push({ subscribers, samples });
  }
  return { intervalMs: settings.pollIntervalMs, cases };
}

export function fanoutTable(result: FanoutResult): string {
  const kb = (xs: number[]) =>
    mmm(
      xs.map((x) => x / 1024),
      1,
      ' KB',
    );
  return table(
    [
      'subscribers',
      'poll → push p50 ms',
      'poll → push p99 ms',
      'poll → push max ms',
      'change → push p99 ms',
      'heap per idle subscriber (with its socket)',
      'heap per idle subscription',
      'host CPU ms, change to last push',
      'errors',
    ],
    result.cases.map((c) => [
      num(c.subscribers),
      mmm(
        c.samples.map((s) => s.p50Ms),
        1,
      ),
      mmm(
        c.samples.map((s) => s.p99Ms),
        1,
      ),
      mmm(
        c.samples.map((s) => s.maxMs),
        1,
      ),
      mmm(
        c.samples.map((s) => s.changeToPushP99Ms),
        1,
      ),
      kb(c.samples.map((s) => s.heapPerSubscriberBytes)),
      kb(c.samples.map((s) => s.heapPerSubscriptionBytes)),
      mmm(
        c.samples.map((s) => s.hostCpuMs),
        1,
      ),
      String(c.samples.reduce((n, s) => n + s.errors, 0)),
    ]),
  );
}

/** The fan-out targets, each met or not (worst run counts). */
export function fanoutTargets(result: FanoutResult): string[] {
  const lines: string[] = [];
  for (const c of result.cases) {
    const worst = (pick: (s: FanoutSample) => number) => Math.max(...c.samples.map(pick));
    const p99 = worst((s) => s.p99Ms);
    const heap = worst((s) => s.heapPerSubscriberBytes);
    const push = worst((s) => s.changeToPushP99Ms);
    const bound = result.intervalMs + CHANGE_TO_PUSH_SLACK_MS;
    if (c.subscribers >= 10_000)
      lines.push(
        `fan-out to ${num(c.subscribers)}: p99 ${num(p99, 1)} ms, target < ${FANOUT_P99_TARGET_MS} ms: ${verdict(p99 < FANOUT_P99_TARGET_MS)}`,
      );
    lines.push(
      `idle subscriber (${num(c.subscribers)}): ${num(heap / 1024, 1)} KB of heap, target < 10 KB: ${verdict(heap < IDLE_SUBSCRIPTION_TARGET_BYTES)}`,
      `change to push (${num(c.subscribers)}): p99 ${num(push, 1)} ms, target ≤ poll interval + ${CHANGE_TO_PUSH_SLACK_MS} = ${bound} ms: ${verdict(push <= bound)}`,
    );
  }
  return lines;
}
