/**
 * Benchmark 2, throughput and latency: the one-load and the 50-load query through Loadgraph with the
 * upstream answered from the terminal cache, through Loadgraph with the upstream in the path (cache off,
 * every Get slowed by an emulator latency fault), and through the floor (plain Apollo Server returning
 * fixed objects); and the 50-load query without its links, cached and floor only (links are not loads,
 * so they are read upstream on every request). Load comes from a separate process (autocannon); runs are
 * interleaved across cases so drift hits every case alike, and each Loadgraph figure is divided by the
 * floor's of the same run. Internal to the benchmarks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startHost, type Host, type Loadgen } from './children.js';
import { emulatorControl, totalCalls } from './emulator.js';
import { otherCores, readMachineCpu } from './machine.js';
import type { LoadResult, Usage } from './protocol.js';
import {
  LINK_OPERATIONS,
  LOAD_OPERATIONS,
  LOADS_QUERY,
  LOADS_WITHOUT_LINKS_QUERY,
  postGraphQL,
  sameAnswer,
  requestBody,
  type BenchLoads,
} from './queries.js';
import type { BenchSettings } from './settings.js';
import { mmm, table } from './stats.js';

const SERVERS = ['floor', 'cached', 'upstream'] as const;
type ServerName = (typeof SERVERS)[number];

const SERVER_LABEL: Record<ServerName, string> = {
  floor: 'floor: plain Apollo Server, fixed objects',
  cached: 'Loadgraph, upstream from terminal cache',
  upstream: 'Loadgraph, upstream in the path',
};

interface Query {
  readonly name: string;
  readonly text: string;
  readonly ids: readonly string[];
  readonly servers: readonly ServerName[];
}

/** One measured run of one case. */
export interface Sample extends LoadResult {
  /** Upstream calls per request sent (emulator counters); NaN for the floor. */
  readonly callsPerRequest: number;
  /** Upstream load reads / link reads per request sent. */
  readonly loadReadsPerRequest: number;
  readonly linkReadsPerRequest: number;
  /** CPU of the server process (for Loadgraph: gateway and its in-process emulator) per request sent, ms. */
  readonly serverCpuMsPerRequest: number;
  /** Share of the load window the server's event loop was busy. */
  readonly serverLoopBusy: number;
  /** Cores other processes of the machine kept busy during the load window (noise). */
  readonly otherCores: number;
}

export interface ThroughputResult {
  readonly connections: number;
  readonly durationS: number;
  readonly upstreamLatencyMs: number;
  readonly cases: readonly {
    readonly query: string;
    readonly server: ServerName;
    readonly label: string;
    readonly samples: Sample[];
  }[];
}

/** Starts the floor and the upstream-in-the-path hosts; `cached` is the Loadgraph host already running. */
export async function runThroughputBenchmark(
  cached: Host,
  loadgen: Loadgen,
  loads: BenchLoads,
  settings: BenchSettings,
  progress: (line: string) => void,
): Promise<ThroughputResult> {
  const queries: Query[] = [
    { name: '1 load', text: LOADS_QUERY, ids: [loads.single], servers: SERVERS },
    { name: '50 loads (10 distinct)', text: LOADS_QUERY, ids: loads.fifty, servers: SERVERS },
    // Without links, the cached case reads nothing upstream: what the gateway itself costs.
    {
      name: '50 loads, no links',
      text: LOADS_WITHOUT_LINKS_QUERY,
      ids: loads.fifty,
      servers: ['floor', 'cached'],
    },
  ];
  // The floor answers with exactly what Loadgraph answers.
  const everyLoad = (await postGraphQL(cached.url, LOADS_QUERY, { ids: [loads.single, ...loads.distinct] }))
    .loads as { id: string }[];
  const answers = Object.fromEntries(everyLoad.map((l) => [l.id, l]));

  const [floor, upstream] = await Promise.all([
    startHost({ kind: 'floor', answers }, settings),
    startHost({ kind: 'loadgraph', env: { TERMINAL_CACHE_MAX: '0' } }, settings),
  ]);
  try {
    const upstreamControl = emulatorControl(upstream.emulator!);
    for (const op of [...LOAD_OPERATIONS, ...LINK_OPERATIONS])
      await upstreamControl.addLatency(op, settings.upstreamLatencyMs);
    const hosts: Record<ServerName, Host> = { floor, cached, upstream };

    for (const query of queries) {
      const expected = await postGraphQL(cached.url, query.text, { ids: query.ids });
      for (const server of query.servers) {
        const got = await postGraphQL(hosts[server].url, query.text, { ids: query.ids });
        if (!sameAnswer(got, expected))
          throw new Error(`${query.name}: ${server} answered differently from Loadgraph`);
      }
    }

    const cases = queries.flatMap((query) =>
      query.servers.map((server) => ({
        query: query.name,
        server,
        label: SERVER_LABEL[server],
        host: hosts[server],
        body: requestBody(query.text, { ids: query.ids }),
        samples: [] as Sample[],
      })),
    );
    const job = (c: (typeof cases)[number], durationS: number) => ({
      url: c.host.url,
      body: c.body,
      durationS,
      connections: settings.connections,
    });

    if (settings.warmupS > 0) {
      for (const c of cases) {
        progress(`throughput: warm-up ${c.query}, ${c.server}`);
        await loadgen.run(job(c, settings.warmupS));
      }
    }
    for (let run = 1; run <= settings.runs; run++) {
      for (const c of cases) {
        progress(`throughput: run ${run}/${settings.runs}, ${c.query}, ${c.server}`);
        const control = c.host.emulator ? emulatorControl(c.host.emulator) : undefined;
        await control?.resetCalls();
        const before = await c.host.usage();
        const machineBefore = readMachineCpu();
        const ownBefore = process.cpuUsage();
        const startedAt = performance.now();
        const result = await loadgen.run(job(c, settings.durationS));
        const atEnd = await c.host.usage();
        const wallMs = performance.now() - startedAt;
        const own = process.cpuUsage(ownBefore);
        const ownCpuMs = cpuMs(before, atEnd) + result.loadgenCpu * wallMs + (own.user + own.system) / 1_000;
        const others = otherCores(machineBefore, readMachineCpu(), wallMs, ownCpuMs);
        // Requests in flight when the load stopped still run to the end: count their work too.
        const drained = await drain(c.host);
        const calls = control ? await control.calls() : undefined;
        c.samples.push(sample(result, { before, atEnd, drained }, calls, others));
      }
    }
    return {
      connections: settings.connections,
      durationS: settings.durationS,
      upstreamLatencyMs: settings.upstreamLatencyMs,
      cases: cases.map(({ query, server, label, samples }) => ({ query, server, label, samples })),
    };
  } finally {
    await Promise.all([floor.stop(), upstream.stop()]);
  }
}

const cpuMs = (from: Usage, to: Usage): number =>
  (to.cpuUserUs - from.cpuUserUs + (to.cpuSystemUs - from.cpuSystemUs)) / 1_000;

const busyShare = (from: Usage, to: Usage): number => {
  const active = to.loopActiveMs - from.loopActiveMs;
  const idle = to.loopIdleMs - from.loopIdleMs;
  return active / (active + idle);
};

/** Waits until the host's event loop has been (nearly) idle for two 100 ms intervals; returns its usage then. */
async function drain(host: Host, maxWaitMs = 10_000): Promise<Usage> {
  let last = await host.usage();
  let quiet = 0;
  for (const started = performance.now(); quiet < 2 && performance.now() - started < maxWaitMs;) {
    await sleep(100);
    const now = await host.usage();
    quiet = busyShare(last, now) < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * Figures of one run. Loop busy covers the load window; CPU and upstream calls run until the host is
 * idle again and are divided by the requests sent, so requests cut off by the end of the run count whole.
 */
function sample(
  result: LoadResult,
  usage: { readonly before: Usage; readonly atEnd: Usage; readonly drained: Usage },
  calls: Readonly<Record<string, number>> | undefined,
  others: number,
): Sample {
  const perRequest = (n: number): number => (result.sent > 0 ? n / result.sent : Number.NaN);
  const { before, atEnd, drained } = usage;
  return {
    ...result,
    callsPerRequest: calls ? perRequest(totalCalls(calls)) : Number.NaN,
    loadReadsPerRequest: calls ? perRequest(totalCalls(calls, LOAD_OPERATIONS)) : Number.NaN,
    linkReadsPerRequest: calls ? perRequest(totalCalls(calls, LINK_OPERATIONS)) : Number.NaN,
    serverCpuMsPerRequest: perRequest(cpuMs(before, drained)),
    serverLoopBusy: busyShare(before, atEnd),
    otherCores: others,
  };
}

/** Run-by-run ratio of a case's figure to the floor's figure for the same query. */
function ratios(result: ThroughputResult, query: string, server: ServerName, pick: (s: Sample) => number) {
  const floor = result.cases.find((c) => c.query === query && c.server === 'floor')!;
  const own = result.cases.find((c) => c.query === query && c.server === server)!;
  return own.samples.map((s, i) => pick(s) / pick(floor.samples[i]!));
}

export function throughputTable(result: ThroughputResult): string {
  return table(
    [
      'query',
      'server',
      'req/s',
      'p50 ms',
      'p99 ms',
      'req/s ÷ floor',
      'p50 ÷ floor',
      'upstream calls/req',
      'server CPU ms/req',
      'load gen CPU',
    ],
    result.cases.map((c) => {
      const floor = c.server === 'floor';
      return [
        c.query,
        c.label,
        mmm(c.samples.map((s) => s.requestsPerS)),
        mmm(
          c.samples.map((s) => s.p50Ms),
          2,
        ),
        mmm(
          c.samples.map((s) => s.p99Ms),
          2,
        ),
        floor
          ? '—'
          : mmm(
              ratios(result, c.query, c.server, (s) => s.requestsPerS),
              2,
            ),
        floor
          ? '—'
          : mmm(
              ratios(result, c.query, c.server, (s) => s.p50Ms),
              2,
            ),
        floor
          ? '—'
          : mmm(
              c.samples.map((s) => s.callsPerRequest),
              2,
            ),
        mmm(
          c.samples.map((s) => s.serverCpuMsPerRequest),
          3,
        ),
        mmm(
          c.samples.map((s) => s.loadgenCpu * 100),
          0,
          '%',
        ),
      ];
    }),
  );
}

/** Figures that say where the time goes and whether a run was valid. */
export function throughputDetailsTable(result: ThroughputResult): string {
  return table(
    [
      'query',
      'server',
      'load reads/req',
      'link reads/req',
      'server loop busy',
      'other processes (cores)',
      'requests',
      'non-2xx / errors / timeouts / GraphQL errors',
    ],
    result.cases.map((c) => [
      c.query,
      c.label,
      c.server === 'floor'
        ? '—'
        : mmm(
            c.samples.map((s) => s.loadReadsPerRequest),
            2,
          ),
      c.server === 'floor'
        ? '—'
        : mmm(
            c.samples.map((s) => s.linkReadsPerRequest),
            2,
          ),
      mmm(
        c.samples.map((s) => s.serverLoopBusy * 100),
        0,
        '%',
      ),
      mmm(
        c.samples.map((s) => s.otherCores),
        2,
      ),
      mmm(c.samples.map((s) => s.completed)),
      [
        c.samples.reduce((n, s) => n + s.non2xx, 0),
        c.samples.reduce((n, s) => n + s.errors, 0),
        c.samples.reduce((n, s) => n + s.timeouts, 0),
        c.samples.reduce((n, s) => n + s.mismatches, 0),
      ].join(' / '),
    ]),
  );
}

/** Problems that make the figures untrustworthy (failed or wrong responses). */
export function throughputProblems(result: ThroughputResult): string[] {
  return result.cases.flatMap((c) =>
    c.samples.flatMap((s, i) =>
      s.non2xx + s.errors + s.timeouts + s.mismatches > 0
        ? [
            `${c.query}, ${c.label}, run ${i + 1}: ${s.non2xx} non-2xx, ${s.errors} errors, ${s.timeouts} timeouts, ${s.mismatches} GraphQL errors`,
          ]
        : [],
    ),
  );
}

/**
 * The throughput targets: with the upstream answered from cache, Loadgraph's req/s at least the floor's
 * (median ratio ≥ 1.0) and its p99 no worse (median ratio ≤ 1.0), per query.
 */
export function throughputTargets(result: ThroughputResult): string[] {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return result.cases
    .filter((c) => c.server === 'cached')
    .flatMap((c) => {
      const rate = median(ratios(result, c.query, 'cached', (s) => s.requestsPerS));
      const p99 = median(ratios(result, c.query, 'cached', (s) => s.p99Ms));
      return [
        `${c.query}, cached: req/s ÷ floor ${rate.toFixed(2)}, target ≥ 1.00: ${rate >= 1 ? 'met' : 'NOT met'}`,
        `${c.query}, cached: p99 ÷ floor ${p99.toFixed(2)}, target ≤ 1.00: ${p99 <= 1 ? 'met' : 'NOT met'}`,
      ];
    });
}
