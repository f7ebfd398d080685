import { createLogger, EnvError, onShutdown } from '@coexist/runtime';
import { loadSandboxEnv } from './env.js';
import { startSandbox } from './server.js';

/** `pnpm --filter ./apps/meta-sandbox start`: the sandbox alone, configured from the environment. */
async function main(): Promise<void> {
  let env: ReturnType<typeof loadSandboxEnv>;
  try {
    env = loadSandboxEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ name: 'meta-sandbox', level: env.LOG_LEVEL, secrets: [env.META_APP_SECRET] });
  const sandbox = await startSandbox({
    port: env.SANDBOX_PORT,
    host: env.SANDBOX_HOST,
    publicUrl: env.SANDBOX_PUBLIC_URL,
    appId: env.META_APP_ID,
    appSecret: env.META_APP_SECRET,
    configId: env.META_CONFIG_ID,
    verifyToken: env.META_VERIFY_TOKEN,
    webhookUrl: env.SANDBOX_WEBHOOK_URL,
    seed: env.SANDBOX_SEED,
    stateFile: env.SANDBOX_STATE_FILE,
    log: (line) => logger.info(line),
  });
  const url = env.SANDBOX_PUBLIC_URL ?? sandbox.url;
  logger.info({ url, webhookUrl: env.SANDBOX_WEBHOOK_URL }, `meta sandbox listening on ${url}`);
  onShutdown(logger).add('meta sandbox', () => sandbox.close());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
