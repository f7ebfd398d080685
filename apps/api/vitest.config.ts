import { baseConfig } from '../../tooling/vitest/base.ts';

// Each test file opens its own embedded ClickHouse, which allows one data directory per process.
export default baseConfig({ pool: 'forks', testTimeout: 60_000, hookTimeout: 60_000 });
