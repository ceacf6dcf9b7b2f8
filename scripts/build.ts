/**
 * The production build: compiles `src/` into `dist/` (`dist/main.js` is the production command) and copies
 * every file the compiled code reads at run time beside it: the emulator's models, the GraphQL SDL, and the
 * browser pages when the project has them (`npm run build:web` writes `web/dist/`).
 *
 *   npm run build
 *
 * `dist/` then needs only the production dependencies (`npm ci --omit=dev`) to run.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Copies the files of `from` whose names end in `ext` into `to`. */
function copyFiles(from: string, to: string, ext: string): void {
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter((f) => f.endsWith(ext)))
    cpSync(join(from, file), join(to, file));
}

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
copyFiles(join(root, 'src/emulator/model'), join(dist, 'emulator/model'), '.json');
copyFiles(join(root, 'schema'), join(dist, 'schema'), '.graphql');
execFileSync(npm, ['run', 'build:web', '--if-present'], { cwd: root, stdio: 'inherit' });
if (existsSync(join(root, 'web/dist')))
  cpSync(join(root, 'web/dist'), join(dist, 'web'), { recursive: true });
process.stdout.write(`built ${dist}\n`);
