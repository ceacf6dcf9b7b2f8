/**
 * The README's examples marked `<!-- runnable-example -->`, run as written against `npm start` (the gateway
 * on its embedded emulator, started here on free ports): shell blocks with bash, GraphQL blocks posted to the
 * gateway, TypeScript blocks with tsx. Only the addresses and the `<placeholders>` change, filled from the
 * emulator's world. Each must succeed: exit 0, no `"errors"` in what it prints, nothing on stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, runnableExamples } from './helpers/readme.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SCRATCH = join(ROOT, 'node_modules', '.cache', 'readme-examples');

let gateway: ChildProcess | undefined;
let graphqlUrl = '';
let emulatorUrl = '';
const placeholders = new Map<string, string[]>();

/** Starts `tsx src/main.ts` (what `npm start` runs) on free ports; resolves with the two URLs it prints. */
function startGateway(): Promise<[string, string]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  gateway = child;
  const lines = createInterface({ input: child.stdout! });
  const urls: string[] = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    lines.on('line', (line) => {
      if (/^https?:\/\//.test(line)) urls.push(line.trim());
      if (urls.length === 2) resolve([urls[0]!, urls[1]!]);
    });
  });
}

async function graphql(query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

beforeAll(async () => {
  [graphqlUrl, emulatorUrl] = await startGateway();
  const world: any = await (await fetch(`${emulatorUrl}/_emulator/world`)).json();
  const domain = world.datazone.domains[0];
  const source = domain.dataSources[0].id;
  const runs = await graphql(
    `
      query ($d: ID!, $s: ID!) {
        dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 50) {
          nodes {
            id
            runId
            terminal
          }
        }
      }
    `,
    { d: domain.domainId, s: source },
  );
  const events = await graphql(
    `
      query ($i: ID!) {
        dataIntegrationEvents(instanceId: $i, first: 20) {
          nodes {
            id
            terminal
          }
        }
      }
    `,
    { i: world.supplychain.instances[0].instanceId },
  );
  const terminalRun = runs.data.dataSourceRuns.nodes.find((r: any) => r.terminal);
  const terminalEvent = events.data.dataIntegrationEvents.nodes.find((e: any) => e.terminal);
  placeholders.set('<dataSourceId>', [source]);
  placeholders.set('<runId>', [terminalRun.runId]);
  // Terminal loads: a subscription to them sends their state and completes.
  placeholders.set('<Load.id>', [terminalEvent.id, terminalRun.id]);
  mkdirSync(SCRATCH, { recursive: true });
}, 60_000);

afterAll(() => {
  gateway?.kill('SIGTERM');
});

/** The example as a user on this machine would run it: the addresses of this gateway, placeholders filled. */
function filled(code: string): string {
  const gatewayOrigin = new URL(graphqlUrl).origin;
  let text = code
    .replaceAll('http://127.0.0.1:4000', gatewayOrigin)
    .replaceAll('ws://127.0.0.1:4000', gatewayOrigin.replace(/^http/, 'ws'))
    .replaceAll('http://127.0.0.1:4010', emulatorUrl);
  for (const [name, values] of placeholders) {
    let i = 0;
    text = text.replaceAll(name, () => values[i++ % values.length]!);
  }
  expect(text, 'every placeholder of the example is known').not.toMatch(/<[A-Za-z.]+>/);
  return text;
}

function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      // A clean environment: what the example needs, it must say itself (credentials above all).
      env: {
        PATH: process.env['PATH'],
        HOME: mkdtempSync(join(tmpdir(), 'loadgraph-readme-')),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        NODE_NO_WARNINGS: '1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const examples = runnableExamples();
const cli = awsCli();

describe('README examples, run as written', () => {
  it('marks the examples a newcomer copies first', () => {
    expect(examples.map((e) => e.language).sort()).toEqual([
      'graphql',
      'graphql',
      'sh',
      'sh',
      'sh',
      'sh',
      'ts',
      'ts',
    ]);
  });

  for (const example of examples) {
    const usesCli = example.language === 'sh' && /^aws /m.test(example.code);
    const name = `line ${example.line} (${example.language}): ${example.code
      .split('\n')
      .find((l) => l && !l.startsWith('#'))!
      .slice(0, 60)}`;
    (usesCli && !cli.available ? it.skip : it)(
      usesCli && !cli.available ? `${name}: skipped, ${cli.why}` : name,
      async () => {
        const code = filled(example.code);
        if (example.language === 'graphql') {
          const res = await graphql(code);
          expect(res.errors ?? []).toEqual([]);
          // Every root field the example asks for answers (the placeholders name loads that exist).
          expect(res.data).toBeTypeOf('object');
          const roots = Object.entries(res.data ?? {});
          expect(roots.length).toBeGreaterThan(0);
          expect(roots.filter(([, value]) => value === null).map(([field]) => field)).toEqual([]);
          return;
        }
        let result;
        if (example.language === 'sh') {
          result = await run('bash', ['-e', '-o', 'pipefail', '-c', code], ROOT);
        } else {
          const file = join(SCRATCH, `example-${example.line}.mts`);
          writeFileSync(file, code);
          result = await run(process.execPath, ['--import', 'tsx', file], ROOT);
        }
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(result.stdout.trim()).not.toBe('');
        expect(result.stdout).not.toContain('"errors"');
      },
      // The AWS CLI takes seconds to start on a busy machine.
      120_000,
    );
  }
});
