import { defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Shared test config: workspace packages resolve to their TypeScript source (the `source`
 * export condition), so tests never depend on a stale `dist/`.
 */
export function baseConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  const conditions = ['source', ...defaultServerConditions];
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 20_000,
      ...overrides,
    },
  });
}
