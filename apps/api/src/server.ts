import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger, secretOrLocal } from '@coexist/runtime';
import { createRedis, createWorker } from '@coexist/storage';
import type { Router } from 'express';
import type { DestinationStream } from 'pino';
import { AnalyticsRefresher, type RefresherOptions } from './analytics/refresher.js';
import { analyticsRoutes } from './analytics/routes.js';
import { BindingService } from './bindings/service.js';
import { bindingJobProcessor } from './bindings/sync.js';
import { migrate } from './clickhouse/migrations.js';
import { Warehouse } from './clickhouse/warehouse.js';
import { type ApiConfig, type ApiContext, closeContext, createContext } from './context.js';
import { type ApiEnv, metaSettings } from './env.js';
import { createApp } from './http/app.js';
import { IngestProcessor } from './ingest/processor.js';
import { WarehouseWriter, type WriterOptions } from './ingest/writer.js';
import { createMetrics, type Metrics } from './metrics.js';
import { sendingRoutes } from './sending/routes.js';
import { templateRoutes } from './templates/routes.js';
import { isWebhookPost, webhookReceiver } from './webhooks/receiver.js';

export interface StartOptions {
  env: ApiEnv;
  logger?: Logger;
  /** where the api's own logger writes (tests read it); stdout by default */
  logDestination?: DestinationStream;
  /** run the ingest and bindings workers in this process (default true) */
  workers?: boolean;
  ingestConcurrency?: number;
  writer?: WriterOptions;
  refresher?: RefresherOptions;
  metaTimeoutMs?: number;
  /** more routers under /v1 */
  v1?: (context: ApiContext, metrics: Metrics) => Array<{ path: string; router: Router }>;
}

/** How many crashes of the process running a job it survives (see the ingest worker). */
export const MAX_STALLS = 20;

export interface RunningApi {
  url: string;
  port: number;
  context: ApiContext;
  metrics: Metrics;
  writer: WarehouseWriter;
  refresher: AnalyticsRefresher;
  /** turns ingest jobs into rows; the ingest worker calls it */
  processor: IngestProcessor;
  server: Server;
  close(): Promise<void>;
}

function defaultUiDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../analytics-ui/dist');
}

export async function startApi(options: StartOptions): Promise<RunningApi> {
  const { env } = options;
  const meta = metaSettings(env);
  const dataDir = resolve(env.DATA_DIR);
  const local = { sandbox: meta.sandbox, dataDir };
  const encryptionKey = secretOrLocal(env.TOKEN_ENCRYPTION_KEY, 'TOKEN_ENCRYPTION_KEY', local, () =>
    randomBytes(32).toString('base64'),
  );
  const adminToken = secretOrLocal(
    env.ADMIN_TOKEN,
    'ADMIN_TOKEN',
    local,
    () => `adm_${randomBytes(24).toString('base64url')}`,
  );

  const logger =
    options.logger ??
    createLogger(
      { name: 'api', level: env.LOG_LEVEL, secrets: [meta.appSecret, encryptionKey, adminToken] },
      options.logDestination,
    );
  const config: ApiConfig = {
    meta,
    adminToken,
    unsupportedCallingCodes: env.UNSUPPORTED_CALLING_CODES,
    rateLimitPerSecond: env.API_RATE_LIMIT_PER_SECOND,
    webhookMaxBytes: env.WEBHOOK_MAX_BYTES,
    uiDir: env.UI_DIR ?? defaultUiDir(),
    publicUrl: env.PUBLIC_URL ?? null,
  };

  const redis = createRedis(env.REDIS_URL, { name: 'coexist-api', cluster: env.REDIS_CLUSTER });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const warehouse = new Warehouse({
    url: env.CLICKHOUSE_URL,
    dataDir,
    database: env.CLICKHOUSE_DATABASE,
    cluster: env.CLICKHOUSE_CLUSTER,
  });
  const runWorkers = options.workers ?? env.API_WORKERS;
  // An embedded store belongs to the process that runs the workers; a receive-only api beside it
  // (API_WORKERS=false) takes webhooks and sends and never opens the directory.
  const ownsStore = runWorkers || !warehouse.embedded;
  if (ownsStore) {
    const applied = await migrate(warehouse);
    if (applied.length > 0) logger.info({ applied }, 'ClickHouse migrations applied');
  }

  const context = createContext({
    config: { ...config, ownsStore },
    logger,
    redis,
    redisUrl: env.REDIS_URL,
    redisCluster: env.REDIS_CLUSTER,
    keyPrefix: env.REDIS_PREFIX,
    warehouse,
    encryptionKey,
    metaTimeoutMs: options.metaTimeoutMs,
  });
  const metrics = createMetrics();
  const writer = new WarehouseWriter(warehouse, redis, context.keys, metrics, logger, options.writer);
  const bindings = new BindingService(context);
  const refresher = new AnalyticsRefresher(
    warehouse,
    redis,
    context.keys,
    logger,
    async (id) => (await context.numbers.get(id))?.timezone ?? 'UTC',
    (work) => writer.exclusive(work),
    options.refresher,
  );
  const processor = new IngestProcessor(context, writer, bindings, metrics, refresher);

  const workers = !runWorkers
    ? []
    : [
        createWorker(
          'ingest',
          // attemptsStarted counts stalled restarts (a process killed mid-job), attemptsMade failures
          (job) => processor.process(job.data, { retried: job.attemptsStarted > 1 || job.attemptsMade > 0 }),
          context.queueConnection,
          context.keys,
          logger,
          {
            concurrency: options.ingestConcurrency ?? 16,
            // A job found stalled (the api died while running it) runs again, however often that
            // happened: it is idempotent, and BullMQ's default (1) fails it for good on the second
            // crash, losing an acknowledged webhook. A job that kills its process every time is
            // failed after that many tries and kept for an operator (bull-board).
            maxStalledCount: MAX_STALLS,
          },
        ),
        createWorker(
          'bindings',
          bindingJobProcessor(context),
          context.queueConnection,
          context.keys,
          logger,
          {
            concurrency: 4,
            maxStalledCount: MAX_STALLS,
          },
        ),
      ];

  if (runWorkers) refresher.start();

  const app = createApp(context, metrics, {
    v1: [
      { path: '/templates', router: templateRoutes(context) },
      { path: '/numbers', router: analyticsRoutes(context, refresher) },
      ...sendingRoutes(context, metrics),
      ...(options.v1?.(context, metrics) ?? []),
    ],
  });
  const receiver = webhookReceiver(context, metrics);
  // Meta's webhook POSTs skip Express (the hot path); everything else is the Express app
  const server = createServer((req, res) => (isWebhookPost(req) ? receiver(req, res) : app(req, res)));
  server.listen(env.PORT, env.HOST);
  await new Promise<void>((ready, fail) => {
    server.once('listening', ready);
    server.once('error', fail);
  });
  // Meta's history webhooks take a while to upload; keep-alive connections are reused
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 120_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}`;
  logger.info(
    {
      url,
      sandbox: meta.sandbox,
      graph: meta.graphUrl,
      clickhouse: warehouse.embedded ? 'embedded chDB' : 'server',
    },
    'api listening',
  );

  let closed = false;
  return {
    url,
    port,
    context,
    metrics,
    writer,
    refresher,
    processor,
    server,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      // stop taking jobs, let running ones finish, then write what is pending
      await Promise.all(workers.map((worker) => worker.close()));
      await writer.flush();
      await refresher.stop();
      await closeContext(context);
      await redis.quit().catch(() => {});
      await warehouse.close();
    },
  };
}
