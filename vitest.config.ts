import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql module for everyone: Node (and so production) loads graphql's CommonJS build for this
    // project and for Apollo; without this alias vite would hand project code the ESM build, and
    // `instanceof GraphQLError` would differ between the two.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The deployment tests install and build: `npm run test:deploy` (vitest.deploy.config.ts), run by CI.
    exclude: ['test/deploy/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
