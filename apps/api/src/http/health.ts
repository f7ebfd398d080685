import { Router } from 'express';
import type { ApiContext } from '../context.js';
import type { Metrics } from '../metrics.js';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

async function check(name: string, work: () => Promise<unknown>) {
  const started = performance.now();
  try {
    const detail = await Promise.race([
      work(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref()),
    ]);
    return { name, ok: true, ms: Math.round(performance.now() - started), detail };
  } catch (error) {
    return { name, ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

/** `/healthz` (Redis, ClickHouse, queues) and `/metrics` (Prometheus). */
export function healthRoutes(context: ApiContext, metrics: Metrics): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    const checks = await Promise.all([
      check('redis', () => context.redis.ping()),
      check('clickhouse', async () => {
        if (context.config.ownsStore === false)
          return 'embedded chDB, owned by the api that runs the workers';
        if (!(await context.warehouse.ping())) throw new Error('ping failed');
        return context.warehouse.embedded ? 'embedded chDB' : 'server';
      }),
      check('queues', async () =>
        Object.fromEntries(
          await Promise.all(
            Object.entries(context.queues).map(async ([name, queue]) => [
              name,
              await queue.getJobCounts(...STATES),
            ]),
          ),
        ),
      ),
    ]);
    const ok = checks.every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  });

  router.get('/metrics', async (_req, res) => {
    await Promise.all(
      Object.entries(context.queues).map(async ([name, queue]) => {
        const counts = await queue.getJobCounts(...STATES).catch(() => null);
        if (!counts) return;
        for (const state of STATES) metrics.queueDepth.set({ queue: name, state }, counts[state] ?? 0);
      }),
    );
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return router;
}
