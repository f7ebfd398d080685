import { baseConfig } from '../../tooling/vitest/base.ts';

// The browser tests: one file, one process (it owns an embedded ClickHouse), the whole platform inside.
export default baseConfig({
  include: ['e2e/**/*.e2e.ts'],
  environment: 'node',
  fileParallelism: false,
  testTimeout: 150_000,
  hookTimeout: 120_000,
});
