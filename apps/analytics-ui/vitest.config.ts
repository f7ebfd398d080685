import { baseConfig } from '../../tooling/vitest/base.ts';

// Logic and component tests run in happy-dom; the browser tests under e2e/ have their own runner.
export default baseConfig({
  include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
  environment: 'happy-dom',
});
