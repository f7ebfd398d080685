import { EnvError, onShutdown } from '@coexist/runtime';
import { loadApiEnv } from './env.js';
import { startApi } from './server.js';

try {
  const api = await startApi({ env: loadApiEnv() });
  const shutdown = onShutdown(api.context.logger);
  shutdown.add('api', () => api.close());
} catch (error) {
  if (
    error instanceof EnvError ||
    (error instanceof Error && error.message.startsWith('Invalid configuration'))
  ) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
