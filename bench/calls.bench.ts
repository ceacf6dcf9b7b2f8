/**
 * Benchmark 1, upstream calls per request: Loadgraph against the naive resolver set, counted by the
 * emulator (`GET /_emulator/calls`), for one load, 50 loads over 10 distinct ones, and the same 50-load
 * request again (terminal loads: Loadgraph's cache answers). Each run restarts Loadgraph, so the first
 * requests meet an empty cache. Internal to the benchmarks.
 */
import { startHost, type Host } from './children.js';
import { emulatorControl, totalCalls, type CallCounts } from './emulator.js';
import {
  LINK_OPERATIONS,
  LOAD_OPERATIONS,
  LOADS_QUERY,
  postGraphQL,
  sameAnswer,
  type BenchLoads,
} from './queries.js';
import { mmm, table } from './stats.js';

interface Scenario {
  readonly name: string;
  readonly ids: (loads: BenchLoads) => readonly string[];
  /** Whether everything it reads is cached by then (terminal loads, definitions): the target is 0 calls. */
  readonly repeat: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { name: '1 load (first request)', ids: (l) => [l.single], repeat: false },
  { name: '50 loads, 10 distinct (first request)', ids: (l) => l.fifty, repeat: false },
  { name: '50 loads, same request again', ids: (l) => l.fifty, repeat: true },
];

/** Distinct resources an answer holds: its loads, and what they link to (a dataset, flow or data source). */
function distinctResources(data: unknown): number {
  const loads = (data as { loads: Record<string, any>[] }).loads;
  const keys = new Set<string>();
  for (const l of loads) {
    keys.add(`load:${l['id']}`);
    if (l['dataset']) keys.add(`dataset:${l['dataset'].namespace}/${l['dataset'].name}`);
    if (l['flow']) keys.add(`flow:${l['flow'].name}`);
    if (l['dataSource']) keys.add(`dataSource:${l['dataSource'].name}`);
  }
  return keys.size;
}

/** Calls one request made, per scenario, per run. */
export interface CallsResult {
  readonly scenarios: readonly {
    readonly name: string;
    readonly naive: CallCounts[];
    readonly loadgraph: CallCounts[];
    /** The target per run: distinct uncached resources (0 for a repeat). */
    readonly expected: number[];
  }[];
}

/** Sends the scenario's request and returns the answer and the upstream calls it made. */
async function measure(host: Host, ids: readonly string[]): Promise<{ data: unknown; calls: CallCounts }> {
  const control = emulatorControl(host.emulator!);
  await control.resetCalls();
  const data = await postGraphQL(host.url, LOADS_QUERY, { ids });
  return { data, calls: await control.calls() };
}

/**
 * Runs the scenarios `runs` times. `loadgraph` is restarted before each run (a fresh gateway and
 * emulator: empty cache); the naive server keeps nothing between requests, so one serves every run.
 */
export async function runCallsBenchmark(
  loadgraph: Host,
  loads: BenchLoads,
  runs: number,
  progress: (line: string) => void,
): Promise<CallsResult> {
  const scenarios = SCENARIOS.map((s) => ({
    name: s.name,
    naive: [] as CallCounts[],
    loadgraph: [] as CallCounts[],
    expected: [] as number[],
  }));
  const naive = await startHost({ kind: 'naive' });
  try {
    for (let run = 1; run <= runs; run++) {
      progress(`calls: run ${run}/${runs}`);
      await loadgraph.restart();
      for (const [i, scenario] of SCENARIOS.entries()) {
        const ids = scenario.ids(loads);
        const ours = await measure(loadgraph, ids);
        const theirs = await measure(naive, ids);
        if (!sameAnswer(ours.data, theirs.data)) {
          throw new Error(`${scenario.name}: the naive server and Loadgraph answered differently`);
        }
        const answered = (ours.data as { loads: ({ terminal: boolean } | null)[] }).loads;
        if (answered.length !== ids.length || answered.some((l) => l === null || !l.terminal)) {
          throw new Error(`${scenario.name}: expected ${ids.length} terminal loads in the answer`);
        }
        scenarios[i]!.loadgraph.push(ours.calls);
        scenarios[i]!.expected.push(scenario.repeat ? 0 : distinctResources(ours.data));
        scenarios[i]!.naive.push(theirs.calls);
      }
    }
  } finally {
    await naive.stop();
  }
  return { scenarios };
}

export function callsTable({ scenarios }: CallsResult): string {
  return table(
    ['request', 'naive: calls', 'Loadgraph: calls', 'Loadgraph: load reads', 'Loadgraph: link reads'],
    scenarios.map((s) => [
      s.name,
      mmm(s.naive.map((c) => totalCalls(c))),
      mmm(s.loadgraph.map((c) => totalCalls(c))),
      mmm(s.loadgraph.map((c) => totalCalls(c, LOAD_OPERATIONS))),
      mmm(s.loadgraph.map((c) => totalCalls(c, LINK_OPERATIONS))),
    ]),
  );
}

/** Calls per AWS operation in the last run, naive and Loadgraph side by side. */
export function callsByOperationTable({ scenarios }: CallsResult): string {
  const operations = [...LOAD_OPERATIONS, ...LINK_OPERATIONS];
  const others = new Set<string>();
  for (const s of scenarios)
    for (const c of [...s.naive, ...s.loadgraph])
      for (const op of Object.keys(c)) if (!operations.includes(op as never)) others.add(op);
  const all = [...operations, ...others];
  return table(
    ['request', ...all.map((op) => op.replace(/^Get/, ''))],
    scenarios.flatMap((s) => [
      [`${s.name}, naive`, ...all.map((op) => String(s.naive.at(-1)?.[op] ?? 0))],
      [`${s.name}, Loadgraph`, ...all.map((op) => String(s.loadgraph.at(-1)?.[op] ?? 0))],
    ]),
  );
}

/** The calls targets: calls = distinct uncached resources (ratio 1.00), zero for a repeat; worst run counts. */
export function callsTargets({ scenarios }: CallsResult): string[] {
  return scenarios.map((s) => {
    const calls = s.loadgraph.map((c) => totalCalls(c));
    const met = calls.every((c, i) => c === s.expected[i]);
    const worst = Math.max(...calls);
    const expected = Math.max(...s.expected);
    const ratio = expected > 0 ? ` (ratio ${(worst / expected).toFixed(2)})` : '';
    return `${s.name}: ${worst} upstream calls, target ${expected}${ratio}: ${met ? 'met' : 'NOT met'}`;
  });
}
