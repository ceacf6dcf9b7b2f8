import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The deployment tests (`npm run test:deploy`): slow (installs and builds), so not part of `npm test`. */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/deploy/**/*.test.ts'], exclude: [], testTimeout: 600_000 },
});
