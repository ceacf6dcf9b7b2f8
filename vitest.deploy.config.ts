import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The base config's `projects` (unit, e2e) would replace this config's own include: left out.
const { projects: _projects, ...baseTest } = base.test ?? {};

/** The deployment tests (`npm run test:deploy`): slow (installs and builds), so not part of `npm test`. */
export default defineConfig({
  ...base,
  test: {
    ...baseTest,
    include: ['test/deploy/**/*.test.ts'],
    exclude: [],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
