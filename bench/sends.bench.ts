/**
 * Benchmark 5, send throughput: `sendEvent` mutations (each with its own client token) against the
 * emulator throttling a share of SendDataIntegrationEvent calls. A mutation that still fails after the
 * gateway's own retries is retried by the sender with the same token, as a client should. Afterwards
 * every event is accounted for against the emulator's ledger (its event list): each sent event exactly
 * once, none lost, none duplicated. Internal to the benchmarks.
 */
import { randomUUID } from 'node:crypto';
import type { Host } from './children.js';
import { emulatorControl } from './emulator.js';
import { verdict, type LiveWorld } from './live.js';
import type { BenchSettings } from './settings.js';
import { mmm, table } from './stats.js';

const SEND = `mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId clientToken } }`;
const LEDGER = `query($i: ID!, $after: String) {
  dataIntegrationEvents(instanceId: $i, eventType: FORECAST, first: 20, after: $after) {
    nodes { eventGroupId } pageInfo { hasNextPage endCursor }
  }
}`;
const MAX_ATTEMPTS = 20;

export interface SendSample {
  readonly events: number;
  readonly eventsPerS: number;
  /** SendDataIntegrationEvent calls the emulator received (throttled ones included). */
  readonly upstreamCalls: number;
  /** Mutations that failed and were sent again with the same token. */
  readonly clientRetries: number;
  readonly lost: number;
  readonly duplicated: number;
}

export interface SendResult {
  readonly concurrency: number;
  readonly throttlePercent: number;
  readonly samples: readonly SendSample[];
}

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

/** Every eventGroupId among FORECAST events in the ledger that starts with `prefix`, with repeats. */
async function ledger(url: string, instanceId: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let after: string | null = null;
  for (;;) {
    const reply = await post(url, LEDGER, { i: instanceId, after });
    if (reply.errors?.length) throw new Error(`ledger read failed: ${JSON.stringify(reply.errors)}`);
    const page = reply.data.dataIntegrationEvents;
    for (const n of page.nodes as { eventGroupId: string }[])
      if (n.eventGroupId.startsWith(prefix)) found.push(n.eventGroupId);
    if (!page.pageInfo.hasNextPage) return found;
    after = page.pageInfo.endCursor;
  }
}

export async function runSendBenchmark(
  host: Host,
  world: LiveWorld,
  settings: BenchSettings,
  progress: (line: string) => void,
): Promise<SendResult> {
  const control = emulatorControl(host.emulator!);
  const samples: SendSample[] = [];
  for (let run = 1; run <= settings.runs; run++) {
    progress(`sends: run ${run}/${settings.runs}, ${settings.sendEvents} events`);
    const prefix = `bench-send-${randomUUID()}-`;
    await control.resetCalls();
    if (settings.sendThrottlePercent > 0) {
      await control.addFault({
        operation: 'SendDataIntegrationEvent',
        kind: 'throttle',
        percent: settings.sendThrottlePercent,
      });
    }
    let next = 0;
    let clientRetries = 0;
    const startedAt = performance.now();
    const worker = async (): Promise<void> => {
      while (next < settings.sendEvents) {
        const i = next++;
        const input = {
          instanceId: world.instanceId,
          eventType: 'FORECAST',
          data: JSON.stringify({ product_id: `p${i}`, forecast: i }),
          eventGroupId: `${prefix}${i}`,
          clientToken: `${prefix}token-${i}`,
        };
        for (let attempt = 1; ; attempt++) {
          const reply = await post(host.url, SEND, { input });
          if (!reply.errors?.length) break;
          if (attempt >= MAX_ATTEMPTS)
            throw new Error(`sendEvent ${i} failed ${attempt} times: ${JSON.stringify(reply.errors)}`);
          clientRetries++;
        }
      }
    };
    await Promise.all(Array.from({ length: settings.sendConcurrency }, worker));
    const elapsedS = (performance.now() - startedAt) / 1_000;
    await control.clearFaults();
    const upstreamCalls = (await control.calls())['SendDataIntegrationEvent'] ?? 0;
    const found = await ledger(host.url, world.instanceId, prefix);
    const distinct = new Set(found);
    samples.push({
      events: settings.sendEvents,
      eventsPerS: settings.sendEvents / elapsedS,
      upstreamCalls,
      clientRetries,
      lost: settings.sendEvents - distinct.size,
      duplicated: found.length - distinct.size,
    });
  }
  return {
    concurrency: settings.sendConcurrency,
    throttlePercent: settings.sendThrottlePercent,
    samples,
  };
}

export function sendTable(result: SendResult): string {
  const s = result.samples;
  return table(
    [
      'events per run',
      'sendEvent/s',
      'upstream calls (throttled included)',
      'sender retries',
      'lost',
      'duplicated',
    ],
    [
      [
        String(s[0]?.events ?? 0),
        mmm(s.map((x) => x.eventsPerS)),
        mmm(s.map((x) => x.upstreamCalls)),
        mmm(s.map((x) => x.clientRetries)),
        String(s.reduce((n, x) => n + x.lost, 0)),
        String(s.reduce((n, x) => n + x.duplicated, 0)),
      ],
    ],
  );
}

export function sendTargets(result: SendResult): string[] {
  const lost = result.samples.reduce((n, x) => n + x.lost, 0);
  const duplicated = result.samples.reduce((n, x) => n + x.duplicated, 0);
  return [
    `sends under ${result.throttlePercent}% throttling: ${lost} lost, ${duplicated} duplicated, target zero: ${verdict(lost === 0 && duplicated === 0)}`,
  ];
}
