/**
 * Summarizes a V8 CPU profile (`--cpu-prof`, e.g. from `BENCH_CALLCOST_PROFILE_DIR`): self time by package
 * and by function, and total (inclusive) time by function, as shares of the busy time (idle and module
 * loading left out) and, given the µs per call measured without the profiler, as µs per call. Internal to the benchmarks.
 *
 * `npx tsx bench/profile.ts <file.cpuprofile> [µs per call] [top]`
 */
import { readFileSync } from 'node:fs';
import { num, table } from './stats.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a script comes from: its npm package, `src/...` or `bench/...` of ours, `node:` or V8. */
export function packageOf(url: string): string {
  if (!url) return '(V8 / native)';
  if (url.startsWith('node:')) return 'node:internal';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? url);
  }
  const ours = url.match(/\/(src|bench)\/(.*)\/[^/]+$/) ?? url.match(/\/(src|bench)\/[^/]+$/);
  return ours ? `${ours[1]}/${ours[2] ?? ''}` : url;
}

/** Self and total µs by function and self µs by package, over the whole profile. */
export function summarize(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode): string => {
    const f = n.callFrame;
    const file = f.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/');
    return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
  };
  // Busy time only, and none of module loading (start-up, not calls).
  const counted = (node: ProfileNode): boolean => {
    if (node.callFrame.functionName === '(idle)') return false;
    for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (url.startsWith('node:internal/modules/') || url.includes('/node_modules/tsx/')) return false;
    }
    return true;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const packages = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    if (!counted(node)) return;
    all += us;
    const own = name(node);
    self.set(own, (self.get(own) ?? 0) + us);
    const pkg = packageOf(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at)!);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  });
  return { all, self, total, packages };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, perCallArg, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/profile.ts <file.cpuprofile> [µs per call] [top]');
  const perCall = Number(perCallArg ?? 0);
  const top = Number(topArg ?? 25);
  const { all, self, total, packages } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k, `${num((100 * us) / all, 1)}%`, perCall ? num((perCall * us) / all, 1) : '']);
  const headers = (what: string) => [what, 'share', perCall ? 'µs / call' : ''];
  process.stdout.write(
    `profile: ${num(all / 1e3)} ms busy\n\nself time by package\n\n${table(headers('package'), rows(packages))}\n\n` +
      `self time by function\n\n${table(headers('function'), rows(self))}\n\n` +
      `total time by function\n\n${table(headers('function'), rows(total))}\n`,
  );
}
