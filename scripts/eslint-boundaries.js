// @ts-check
/**
 * Local ESLint rules for the layer boundaries of docs/design.md:
 *
 * - `boundaries/layers`: every relative import is resolved against the importing file and checked against
 *   the {@link LAYERS} table (glob patterns over paths from the project root, `**` at any depth), so a
 *   file nested anywhere under a layer is held to its rules.
 * - `boundaries/no-cycle`: no runtime import cycle between files of `src/` (`import type` is left out:
 *   it is erased at build time and cannot fail at load).
 *
 * Both read import statements with the same pattern as scripts/deps.ts (`npm run deps`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/**
 * The arrows of the design, as what each layer may not import. `from` and `disallow` are globs over
 * paths relative to the project root; `allow` carves exceptions out of `disallow`.
 * Dependency direction: app -> server -> graph -> (upstream, live); live -> upstream; the emulator
 * imports nothing of the gateway and only the composition root starts it; config is a leaf.
 */
export const LAYERS = [
  {
    from: 'src/emulator/**',
    disallow: ['src/**'],
    allow: ['src/emulator/**'],
    message: 'The emulator stands for AWS: it imports nothing of the gateway.',
  },
  {
    from: 'src/server/**',
    disallow: ['src/emulator/**', 'src/app.ts', 'src/main.ts'],
    message: 'server/ is transports only: the composition root starts the emulator.',
  },
  {
    from: 'src/graph/**',
    disallow: [
      'src/server/**',
      'src/emulator/**',
      'src/app.ts',
      'src/main.ts',
      'src/upstream/reader.ts',
      'src/upstream/readers.ts',
      'src/upstream/clients.ts',
      'src/upstream/observe.ts',
      'src/upstream/supplychain/**',
    ],
    message:
      'graph/ sees only its context (graph/context.ts) and reaches upstream through loaders and actions, never readers or clients.',
  },
  {
    from: 'src/live/**',
    disallow: ['src/server/**', 'src/graph/**', 'src/emulator/**', 'src/app.ts', 'src/main.ts'],
    message: 'live/ depends on upstream/ only (and config types).',
  },
  {
    from: 'src/upstream/**',
    disallow: [
      'src/server/**',
      'src/graph/**',
      'src/live/**',
      'src/emulator/**',
      'src/app.ts',
      'src/main.ts',
    ],
    message: 'upstream/ is the bottom layer: it imports no other layer.',
  },
  {
    from: 'src/config*.ts',
    disallow: ['src/**'],
    allow: ['src/config*.ts'],
    message: 'config is a leaf: it imports nothing of the gateway.',
  },
  {
    from: 'src/errors.ts',
    disallow: ['src/**'],
    message: 'The public error codes import nothing.',
  },
];

/** A glob (`**` any depth, `*` within one segment) as a regular expression over a whole path. */
export function globToRegExp(glob) {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const source = escaped.replace(/\*\*\/?|\*/g, (m) => (m === '*' ? '[^/]*' : '(?:.*/)?'));
  return new RegExp(`^${source.replace(/\(\?:\.\*\/\)\?$/, '.*')}$`);
}

const matches = (globs, path) => (globs ?? []).some((g) => globToRegExp(g).test(path));

/** The first {@link LAYERS} rule `file` (root-relative) breaks by importing `target`, or undefined. */
export function brokenLayer(file, target) {
  return LAYERS.find(
    (layer) =>
      matches([layer.from], file) &&
      !matches(layer.except, file) &&
      matches(layer.disallow, target) &&
      !matches(layer.allow, target),
  );
}

const IMPORT =
  /(?:^|\n)\s*(import|export)(\s+type)?\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** A relative specifier resolved to the `.ts` file it names (root-relative), or undefined. */
function resolveSpecifier(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  const abs = resolve(dirname(resolve(root, fromFile)), spec).replace(/\.js$/, '.ts');
  return relative(root, abs);
}

/** Runtime (non-type) relative imports of every `.ts` file under `src/`, root-relative; built once. */
let runtimeGraph;
function graph() {
  if (runtimeGraph) return runtimeGraph;
  runtimeGraph = new Map();
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        const file = relative(root, path);
        const targets = [];
        for (const m of readFileSync(path, 'utf8').matchAll(IMPORT)) {
          if (m[2]) continue;
          const target = resolveSpecifier(file, m[3] ?? m[4] ?? m[5] ?? '');
          if (target && existsSync(resolve(root, target))) targets.push(target);
        }
        runtimeGraph.set(file, targets);
      }
    }
  };
  walk(join(root, 'src'));
  return runtimeGraph;
}

/** A path of runtime imports from `start` back to `goal`, or undefined. */
function pathBack(start, goal) {
  const seen = new Set();
  const stack = [[start, [start]]];
  while (stack.length) {
    const [node, path] = stack.pop();
    if (node === goal) return path;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const next of graph().get(node) ?? []) stack.push([next, [...path, next]]);
  }
  return undefined;
}

// `import { type A }` stays an import at run time (verbatimModuleSyntax): only `import type` is erased.
const isTypeOnly = (node) => node.importKind === 'type' || node.exportKind === 'type';

/** @type {import('eslint').ESLint.Plugin} */
export default {
  rules: {
    layers: {
      meta: { type: 'problem', docs: { description: 'imports follow the layers of the design' }, schema: [] },
      create(context) {
        const file = relative(root, context.filename);
        const check = (node) => {
          const spec = node.source?.value;
          if (typeof spec !== 'string') return;
          const target = resolveSpecifier(file, spec);
          const layer = target && brokenLayer(file, target);
          if (layer)
            context.report({ node: node.source, message: `${layer.message} (${file} imports ${target})` });
        };
        return {
          ImportDeclaration: check,
          ExportNamedDeclaration: check,
          ExportAllDeclaration: check,
          ImportExpression: check,
        };
      },
    },
    'no-cycle': {
      meta: { type: 'problem', docs: { description: 'no runtime import cycle between files' }, schema: [] },
      create(context) {
        const file = relative(root, context.filename);
        if (!file.startsWith('src/')) return {};
        const check = (node) => {
          const spec = node.source?.value;
          if (typeof spec !== 'string' || isTypeOnly(node)) return;
          const target = resolveSpecifier(file, spec);
          if (!target || !existsSync(resolve(root, target))) return;
          const cycle = pathBack(target, file);
          if (cycle)
            context.report({ node: node.source, message: `import cycle: ${[file, ...cycle].join(' -> ')}` });
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
      },
    },
  },
};
