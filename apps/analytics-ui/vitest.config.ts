import { baseConfig } from '../../tooling/vitest/base.ts';

export default baseConfig({ include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] });
