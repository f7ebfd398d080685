import { baseConfig } from '../../tooling/vitest/base.ts';

// Faults that take minutes (kill -9, restarts): `pnpm test:chaos`, after the fast suite.
export default baseConfig({
  include: ['chaos/**/*.chaos.ts'],
  pool: 'forks',
  testTimeout: 300_000,
  hookTimeout: 120_000,
});
