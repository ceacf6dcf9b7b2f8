/**
 * Prints the structure of `src/` as numbers: the largest files (lines), the import graph at folder level
 * (an arrow per pair of areas with the number of import statements behind it) and the cycles among areas.
 * `npm run deps` runs it; `--json` prints the same data as JSON. Type-only imports count: they are
 * dependencies of the design too.
 *
 * An area is a top-level folder of `src/` (`server`, `graph`, `upstream`, `live`, `emulator`) or a top-level
 * module (`config` for `config*.ts`, `errors`, `app`, `main`). `src/generated/` holds the graph's types
 * generated from the schema (they import the graph's context type): it counts as `graph`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

/** Every `.ts` file under `dir`, as absolute paths. */
export function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The area of a file under `src/` (see the module comment). */
export function areaOf(file: string): string {
  const rel = relative(src, file).split('/');
  if (rel.length > 1) return rel[0] === 'generated' ? 'graph' : rel[0]!;
  const base = rel[0]!.replace(/\.ts$/, '');
  return base.startsWith('config') ? 'config' : base;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** The relative specifiers a source file imports or re-exports, resolved to `.ts` paths. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec?.startsWith('.')) continue;
    out.push(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
  }
  return out;
}

/** Folder-level arrows `from -> to` with the number of import statements behind each. */
export function areaGraph(files: string[]): Map<string, number> {
  const edges = new Map<string, number>();
  for (const file of files) {
    const from = areaOf(file);
    for (const target of importsOf(file)) {
      if (!target.startsWith(src)) continue;
      const to = areaOf(target);
      if (to === from) continue;
      const key = `${from} -> ${to}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  return edges;
}

/** The strongly connected components of more than one area: each one is an import cycle between areas. */
export function areaCycles(edges: Map<string, number>): string[][] {
  const next = new Map<string, string[]>();
  for (const key of edges.keys()) {
    const [from, to] = key.split(' -> ') as [string, string];
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  // Tarjan's algorithm.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!indices.has(v)) visit(v);
  return components;
}

/** The `count` largest files of `src/` by lines, largest first. */
export function largestFiles(files: string[], count: number): Array<{ file: string; lines: number }> {
  return files
    .map((file) => ({ file: relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
    .sort((a, b) => b.lines - a.lines)
    .slice(0, count);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const files = listSources(src);
  const edges = areaGraph(files);
  const cycles = areaCycles(edges);
  const largest = largestFiles(files, 15);
  if (process.argv.includes('--json')) {
    process.stdout.write(
      JSON.stringify({ largest, edges: Object.fromEntries(edges), cycles }, null, 2) + '\n',
    );
  } else {
    const lines = ['Largest files in src/ (lines):'];
    for (const { file, lines: n } of largest) lines.push(`  ${String(n).padStart(5)}  ${file}`);
    lines.push('', 'Import graph between areas (import statements):');
    for (const [edge, n] of [...edges].sort()) lines.push(`  ${edge.padEnd(26)} ${n}`);
    lines.push('', `Cycles between areas: ${cycles.length === 0 ? 'none' : ''}`);
    for (const cycle of cycles) lines.push(`  ${cycle.join(' <-> ')}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
}
