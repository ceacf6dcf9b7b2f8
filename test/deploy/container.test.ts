/**
 * The container recipe, played without a container daemon: the files the Dockerfile copies (and only
 * those, `.dockerignore` honoured) are assembled stage by stage in a temporary folder, the recipe's own
 * install and build commands run there, and the runtime stage's command starts with the image's
 * environment. It must answer, pass its HEALTHCHECK, and on SIGTERM drain and exit 0.
 *
 * Slow (two `npm ci` and a build): its own vitest project, `npm run test:deploy`, run by CI.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerIgnore, parseDockerfile, playRecipe, type PlayedRecipe } from '../helpers/dockerfile.js';
import {
  operatorEnv,
  parseJson,
  startProcess,
  stopUnderLoad,
  type GatewayProcess,
} from '../helpers/process.js';

const root = join(import.meta.dirname, '../..');
const recipe = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const workdir = mkdtempSync(join(tmpdir(), 'loadgraph-image-'));
let played: PlayedRecipe;
let gw: GatewayProcess | undefined;

afterAll(() => {
  if (gw && gw.child.exitCode === null) gw.child.kill('SIGKILL');
  rmSync(workdir, { recursive: true, force: true });
}, 300_000);

describe('the Dockerfile', () => {
  it('builds in one stage and runs slim in another, as a non-root user, bound to every interface', () => {
    expect(recipe.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(recipe.bases.every((b) => /^node:\d+-\S*slim$/.test(b))).toBe(true);
    expect(recipe.user).toBe('node');
    expect(recipe.env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(recipe.cmd).toEqual(['node', 'dist/main.js']);
    expect(recipe.stopSignal).toBe('SIGTERM');
    expect(recipe.healthcheck?.join(' ')).toMatch(/\/healthz/);
  });

  it('keeps installed and built output, tests and version control out of the build context', () => {
    const ignored = dockerIgnore(readFileSync(join(root, '.dockerignore'), 'utf8'));
    for (const path of [
      'node_modules/pino/package.json',
      'web/node_modules/x',
      'dist/main.js',
      '.git/HEAD',
      'test/x.test.ts',
    ])
      expect(ignored(path), path).toBe(true);
    for (const path of [
      'package.json',
      'src/main.ts',
      'schema/query.graphql',
      'src/emulator/model/supplychain.json',
    ])
      expect(ignored(path), path).toBe(false);
  });

  describe('played in a temporary folder', () => {
    beforeAll(async () => {
      // The host's npm cache is reused: the installs are bounded by the machine, not the network.
      played = await playRecipe(recipe, root, workdir, operatorEnv({}), 600_000);
    }, 900_000);

    it('puts only the build output and the production dependencies in the runtime stage', () => {
      expect(played.copied).toContain('dist/main.js');
      expect(played.copied).toContain('dist/emulator/model/supplychain.json');
      expect(played.copied).toContain('dist/schema/query.graphql');
      expect(played.copied.filter((p) => !p.startsWith('dist/'))).toEqual([
        'package-lock.json',
        'package.json',
        'scripts/patch-dependencies.mjs',
      ]);
      const installed = execFileSync('npm', ['ls', '--omit=dev', '--depth=0', '--json'], {
        cwd: played.dirs['runtime'],
        encoding: 'utf8',
      });
      const names = Object.keys(JSON.parse(installed).dependencies ?? {});
      expect(names).toContain('@apollo/server');
      expect(names).not.toContain('tsx');
      expect(names).not.toContain('vitest');
    });

    it('starts with the image command, answers, passes its health check, and drains on SIGTERM to exit 0', async () => {
      const [command, ...args] = recipe.cmd;
      gw = await startProcess(command === 'node' ? process.execPath : command!, args, {
        cwd: played.dirs['runtime']!,
        env: { ...recipe.env, PORT: '0', EMULATOR_PORT: '0', SHUTDOWN_GRACE_MS: '10000' },
      });
      expect(gw.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/graphql$/);
      const { body } = await gw.query('{ __typename }');
      expect(body).toEqual({ data: { __typename: 'Query' } });
      const [hcCommand, ...hcArgs] = recipe.healthcheck!;
      const port = new URL(gw.url).port;
      execFileSync(hcCommand === 'node' ? process.execPath : hcCommand!, hcArgs, {
        env: { ...operatorEnv({}), PORT: port },
        timeout: 10_000,
      });
      const stop = await stopUnderLoad(gw);
      expect(stop.inFlight.status).toBe(200);
      expect(stop.inFlight.body.errors).toBeUndefined();
      expect(stop.closeCode).toBe(1001);
      expect(stop.exit).toBe(0);
      expect([...gw.lines.stdout, ...gw.lines.stderr].filter((l) => !parseJson(l))).toEqual([]);
    }, 120_000);
  });
});
