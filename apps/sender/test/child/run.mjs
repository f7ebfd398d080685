// Runs a TypeScript entry point with workspace packages from their source, the way the tests see them
// (Vite's module runner), so a test can start and kill -9 a real sender process without a build.
import { defaultServerConditions, runnerImport } from 'vite';

const conditions = ['source', ...defaultServerConditions];
await runnerImport(process.argv[2], {
  configFile: false,
  logLevel: 'error',
  resolve: { conditions },
  // workspace packages from their TypeScript source, not their dist/
  ssr: { noExternal: [/^@coexist\//], resolve: { conditions, externalConditions: ['source'] } },
});
