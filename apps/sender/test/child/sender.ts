// A sender in a process of its own, for tests that kill it: `node test/child/run.mjs test/child/sender.ts`.
import { loadSenderEnv } from '../../src/env.js';
import { startSender } from '../../src/sender.js';

const sender = await startSender({ env: loadSenderEnv(), stalledIntervalMs: 500 });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void sender.close().then(() => process.exit(0));
});
