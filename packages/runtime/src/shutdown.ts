import type { Logger } from 'pino';

type Closer = () => Promise<unknown> | unknown;

/**
 * Runs the closers in reverse order of registration on SIGTERM/SIGINT (stop taking work
 * first, close stores last), then exits. A second signal exits at once.
 */
export function onShutdown(logger: Logger, graceMs = 15_000) {
  const closers: Array<{ name: string; close: Closer }> = [];
  let stopping = false;

  async function shutdown(signal: string) {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown took too long: exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    for (const { name, close } of [...closers].reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error, name }, 'error while closing');
      }
    }
    logger.info('stopped');
    process.exit(0);
  }

  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return {
    add(name: string, close: Closer) {
      closers.push({ name, close });
    },
    get stopping() {
      return stopping;
    },
  };
}
