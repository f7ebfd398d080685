import { EnvError, onShutdown } from '@coexist/runtime';
import { loadSenderEnv } from './env.js';
import { startSender } from './sender.js';

try {
  const sender = await startSender({ env: loadSenderEnv() });
  // SIGTERM: stop dispatching, let in-flight sends finish (up to the Graph timeout), then exit
  const shutdown = onShutdown(sender.logger, 30_000);
  shutdown.add('sender', () => sender.close());
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
