import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Two projects: `unit` (in-process tests with injected fakes: no server, no Redis, no child process;
 * `npm run test:unit`, seconds) and `e2e` (real servers on free ports, real Redis, real processes; the
 * `*.e2e.test.ts` files and the Redis suites). `npm test` runs both.
 */
const slow = ['test/**/*.e2e.test.ts', 'test/live/redis.*.test.ts'];
/** The deployment tests install and build: `npm run test:deploy` (vitest.deploy.config.ts), run by CI. */
const deploy = ['test/deploy/**', 'node_modules/**'];

const shared = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
  pool: 'forks' as const,
};

export default defineConfig({
  resolve: {
    // One graphql module for everyone: Node (and so production) loads graphql's CommonJS build for this
    // project and for Apollo; without this alias vite would hand project code the ESM build, and
    // `instanceof GraphQLError` would differ between the two.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...slow, ...deploy],
          ...shared,
          pool: 'threads',
        },
      },
      { extends: true, test: { name: 'e2e', include: slow, exclude: deploy, ...shared } },
    ],
  },
});
