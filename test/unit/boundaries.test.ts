/**
 * The layer boundaries hold: a forbidden import fails lint (the real ESLint config, on probe sources
 * linted as if they sat at the given paths), an allowed one passes, and an import cycle is reported.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { areaCycles, areaGraph, listSources } from '../../scripts/deps.js';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

/** The messages of the boundary rules for `code` linted as the file at `filePath`. */
async function boundaryMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.startsWith('boundaries/') || m.ruleId === 'no-restricted-syntax')
    .map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint boundaries', () => {
  it.each([
    [
      'src/emulator/world/probe.ts',
      "import type { GraphContext } from '../../server/context.js';",
      'emulator',
    ],
    ['src/emulator/protocol/deep/probe.ts', "import { ErrorCode } from '../../../errors.js';", 'emulator'],
    ['src/emulator/probe.ts', "export { SETTINGS } from '../config.js';", 'emulator'],
    ['src/graph/probe.ts', "import type { Readers } from '../upstream/readers.js';", 'graph/'],
    ['src/graph/probe.ts', "import { createUpstreamClients } from '../upstream/clients.js';", 'graph/'],
    ['src/graph/probe.ts', "import type { GraphContext } from '../server/context.js';", 'graph/'],
    ['src/live/redis/probe.ts', "import { createContext } from '../../server/context.js';", 'live/'],
    ['src/live/probe.ts', "import { resolvers } from '../graph/schema.js';", 'live/'],
    ['src/upstream/supplychain/probe.ts', "import type { LiveHub } from '../../live/hub.js';", 'upstream/'],
    ['src/upstream/probe.ts', "import type { GraphContext } from '../graph/context.js';", 'upstream/'],
    ['src/server/auth/probe.ts', "import { startEmulator } from '../../emulator/server.js';", 'server/'],
    ['src/config.probe.ts', "import { POLLED_OPERATIONS } from './live/operations.js';", 'config'],
    ['src/server/probe.ts', "import { readConfig } from '../config.js';", 'entry point'],
  ])('%s: %s fails lint', async (filePath, code, says) => {
    const messages = await boundaryMessages(filePath, `${code}\n`);
    expect(messages.length, messages.join('\n')).toBeGreaterThan(0);
    expect(messages.join('\n')).toContain(says);
  });

  it.each([
    ['src/emulator/world/probe.ts', "import type { WorldSummary } from './index.js';"],
    ['src/graph/probe.ts', "import { loadNow } from '../upstream/loaders.js';"],
    ['src/graph/probe.ts', "import type { LiveHub } from '../live/hub.js';"],
    ['src/server/probe.ts', "import type { GraphContext } from '../graph/context.js';"],
    ['src/live/probe.ts', "import type { Config } from '../config.js';"],
  ])('%s: %s passes', async (filePath, code) => {
    expect(await boundaryMessages(filePath, `${code}\n`)).toEqual([]);
  });

  it('reports an import that closes a runtime cycle, not a type-only one', async () => {
    // errors.ts is imported at run time by upstream/errors.ts: importing it back closes a cycle.
    const cycle = await boundaryMessages('src/upstream/probe.ts', "export { codeOf } from './errors.js';\n");
    expect(cycle).toEqual([]);
    const real = await boundaryMessages(
      'src/upstream/errors.ts',
      "import { createLoaders } from './loaders.js';\nexport const x = createLoaders;\n",
    );
    expect(real.join('\n')).toMatch(
      /boundaries\/no-cycle: import cycle: src\/upstream\/errors\.ts -> src\/upstream\/loaders\.ts -> src\/upstream\/errors\.ts/,
    );
    const typeOnly = await boundaryMessages(
      'src/upstream/errors.ts',
      "import type { Loaders } from './loaders.js';\nexport type X = Loaders;\n",
    );
    expect(typeOnly).toEqual([]);
  });
});

describe('the folder-level import graph of src/', () => {
  it('has no cycle between areas', () => {
    expect(areaCycles(areaGraph(listSources(new URL('../../src', import.meta.url).pathname)))).toEqual([]);
  });
});
