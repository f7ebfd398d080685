import { baseConfig } from '../../tooling/vitest/base.ts';

export default baseConfig();
