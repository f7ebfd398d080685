import { baseConfig } from '../../tooling/vitest/base.ts';

// Property tests run hundreds of cases; on a busy 2-core machine they need more than the default.
export default baseConfig({ testTimeout: 120_000 });
