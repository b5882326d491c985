import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'schema/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'subgraphs/*/src/**/*.test.ts',
      'subgraphs/*/test/**/*.test.ts',
      'bffs/*/src/**/*.test.ts',
      'gateway/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    // One real PostgreSQL and the whole system (every subgraph, two stock replicas, the gateway and the
    // three BFFs) are booted once for the run; test files talk to them over HTTP.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2 cores: more workers only fight the services under test for CPU.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
