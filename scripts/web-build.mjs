#!/usr/bin/env node
/**
 * Builds the browser pages (web/ -> web/dist) when they are missing or older than their sources, so a
 * fresh clone's `npm start` and `npm test` serve them. Plain Node, no dependency of its own: with the dev
 * dependencies absent (`npm ci --omit=dev`) it says so and leaves the gateway to run without the pages.
 *
 *   node scripts/web-build.mjs            build when stale
 *   node scripts/web-build.mjs --force    build anyway
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const built = join(web, 'dist', 'ide.html');

/** The newest modification time under `path` (a file or a folder, recursively). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'ide.html'),
  join(web, 'vite.config.ts'),
  join(root, 'package-lock.json'),
];
const force = process.argv.includes('--force');
if (!force && existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newest)))
  process.exit(0);

let vite;
try {
  vite = join(createRequire(join(root, 'package.json')).resolve('vite/package.json'), '..', 'bin', 'vite.js');
} catch {
  process.stderr.write(
    'The web pages (board and GraphQL IDE) are not built, and Vite (a dev dependency) is not installed: the gateway serves GraphQL without them. Run `npm ci` then `npm run build:web` to add them.\n',
  );
  process.exit(0);
}
process.stderr.write('Building the web pages (board and GraphQL IDE) into web/dist...\n');
const result = spawnSync(
  process.execPath,
  [vite, 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
process.exit(result.status ?? 1);
