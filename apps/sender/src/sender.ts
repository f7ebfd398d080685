import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { THROUGHPUT_WINDOW_MS } from '@coexist/core';
import { MetaClient } from '@coexist/meta-client';
import { createLogger, type Logger, metaSettings, secretOrLocal } from '@coexist/runtime';
import {
  ContactStateStore,
  createQueue,
  createRedis,
  createWorker,
  Keys,
  MessageStore,
  NumberStore,
  queueConnection,
  SendBackoff,
  SendLanes,
  SendSlots,
  SendStateReader,
  TokenCipher,
  TrafficLimiter,
} from '@coexist/storage';
import type { Job, Queue } from 'bullmq';
import { DEFAULT_DISPATCHER_SETTINGS, Dispatcher, type DispatcherSettings } from './dispatch/dispatcher.js';
import type { SenderEnv } from './env.js';
import { createSenderMetrics, type SenderMetrics, serveMetrics } from './metrics.js';
import { OutcomeQueue } from './send/outcomes.js';
import { type SendJobData, SendProcessor } from './send/processor.js';

export interface SenderOptions {
  env: SenderEnv;
  logger?: Logger;
  /** run a dispatcher in this process (default true); workers alone also work */
  dispatcher?: boolean;
  /** tests shorten the sweeps and stale checks */
  dispatcherSettings?: Partial<Omit<DispatcherSettings, 'windowMs'>>;
  /** how often this process tries to sweep unarmed numbers (one process at a time does) */
  sweepIntervalMs?: number;
  /** BullMQ's stalled-job check; a crashed sender's jobs return within lock + this */
  stalledIntervalMs?: number;
}

export interface RunningSender {
  keys: Keys;
  metrics: SenderMetrics;
  logger: Logger;
  metricsServer: Server | null;
  /** Stops taking work, lets every in-flight send finish, then closes its connections. */
  close(): Promise<void>;
}

/**
 * One sender process: a dispatcher feeding the send queue from the per-number lanes, and a BullMQ
 * worker that sends. Any number can run side by side on the same Redis: the per-number limit lives
 * in Redis, so together they still send at most 20 per number in any sliding second.
 */
export async function startSender(options: SenderOptions): Promise<RunningSender> {
  const { env } = options;
  const meta = metaSettings(env);
  const encryptionKey = secretOrLocal(
    env.TOKEN_ENCRYPTION_KEY,
    'TOKEN_ENCRYPTION_KEY',
    { sandbox: meta.sandbox, dataDir: resolve(env.DATA_DIR) },
    () => randomBytes(32).toString('base64'),
  );
  const logger =
    options.logger ??
    createLogger({ name: 'sender', level: env.LOG_LEVEL, secrets: [meta.appSecret, encryptionKey] });

  const keys = new Keys(env.REDIS_PREFIX);
  // the stores' connection pipelines the many small commands of concurrent sends issued in one tick
  const redis = createRedis(env.REDIS_URL, {
    name: 'coexist-sender',
    enableAutoPipelining: true,
    cluster: env.REDIS_CLUSTER,
  });
  const subscriber = createRedis(env.REDIS_URL, {
    name: 'coexist-sender-wake',
    maxRetriesPerRequest: null,
    cluster: env.REDIS_CLUSTER,
  });
  for (const client of [redis, subscriber])
    client.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const connection = queueConnection(env.REDIS_URL, { cluster: env.REDIS_CLUSTER });

  const metrics = createSenderMetrics();
  const windowMs = THROUGHPUT_WINDOW_MS + env.SENDER_WINDOW_MARGIN_MS;
  const sendQueue = createQueue('send', connection, keys, logger, {
    defaultJobOptions: {
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
      // Only unexpected errors (a store outage) count as attempts: the processor parks its own waits.
      attempts: 20,
      backoff: { type: 'exponential', delay: 500 },
    },
  });
  // the send queue carries hand-off batches besides single messages (SendJobData)
  const sendJobs = sendQueue as unknown as Queue<SendJobData>;
  const ingestQueue = createQueue('ingest', connection, keys, logger);
  const outcomes = new OutcomeQueue(ingestQueue);
  const metaClient = new MetaClient({
    graphUrl: meta.graphUrl,
    apiVersion: meta.apiVersion,
    timeoutMs: env.META_TIMEOUT_MS,
    connections: env.SENDER_HTTP_CONCURRENCY,
  });
  const lanes = new SendLanes(redis, keys);
  const numbers = new NumberStore(redis, keys);

  const processor = new SendProcessor({
    logger,
    messages: new MessageStore(redis, keys),
    numbers,
    contacts: new ContactStateStore(redis, keys),
    state: new SendStateReader(redis, keys),
    lanes,
    slots: new SendSlots(redis, keys, { windowMs }),
    limiter: new TrafficLimiter(redis, keys, { windowMs }),
    backoff: new SendBackoff(redis, keys),
    cipher: new TokenCipher(encryptionKey),
    meta: metaClient,
    queue: sendJobs,
    outcomes,
    metrics,
    settings: {
      windowMs,
      slotHorizonMs: 2 * env.SENDER_LOOKAHEAD_MS,
      reconcileGraceMs: env.SENDER_RECONCILE_GRACE_MS,
      maxRetries: env.SENDER_MAX_RETRIES,
      httpConcurrency: env.SENDER_HTTP_CONCURRENCY,
    },
  });
  const worker = createWorker(
    'send',
    (job: Job<SendJobData>, token?: string) => processor.process(job, token),
    connection,
    keys,
    logger,
    {
      concurrency: env.SENDER_CONCURRENCY,
      lockDuration: env.SENDER_LOCK_MS,
      stalledInterval: options.stalledIntervalMs ?? Math.max(1000, Math.round(env.SENDER_LOCK_MS / 2)),
      // A job found stalled (its sender died) is always run again: the processor knows from the
      // message's state whether it may send, must reconcile, or is already done.
      maxStalledCount: 1_000,
    },
  );

  const dispatcher =
    options.dispatcher === false
      ? null
      : new Dispatcher(
          { lanes, numbers, queue: sendJobs, subscriber, keys, logger, metrics },
          {
            ...DEFAULT_DISPATCHER_SETTINGS,
            batch: env.SENDER_DISPATCH_BATCH,
            ...options.dispatcherSettings,
            windowMs,
          },
        );
  await dispatcher?.start();
  const sweepEvery = options.sweepIntervalMs ?? 30_000;
  const sweeper = setInterval(() => {
    lanes.sweep(sweepEvery).then(
      (rearmed) =>
        rearmed > 0 && logger.warn({ rearmed }, 'swept numbers left unarmed back into the ready set'),
      (error: unknown) => logger.warn({ err: error }, 'sweep failed'),
    );
  }, sweepEvery);
  sweeper.unref();

  const metricsServer =
    env.SENDER_METRICS_PORT !== undefined ? await serveMetrics(metrics, env.SENDER_METRICS_PORT) : null;
  logger.info(
    {
      graph: meta.graphUrl,
      sandbox: meta.sandbox,
      concurrency: env.SENDER_CONCURRENCY,
      windowMs,
      dispatcher: dispatcher !== null,
      metricsPort: env.SENDER_METRICS_PORT,
    },
    'sender started',
  );

  let closing: Promise<void> | null = null;
  return {
    keys,
    metrics,
    logger,
    metricsServer,
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        await dispatcher?.stop();
        // waits for the jobs in progress: a send that has left finishes and records its outcome
        await worker.close();
        await outcomes.flush();
        await Promise.all([sendQueue.close(), ingestQueue.close()]);
        await metaClient.close();
        await new Promise<void>((done) => (metricsServer ? metricsServer.close(() => done()) : done()));
        await Promise.all([redis.quit().catch(() => {}), subscriber.quit().catch(() => {})]);
        // on a cluster BullMQ shares a client we made, and leaves it open
        if (typeof (connection as { quit?: unknown }).quit === 'function')
          await (connection as { quit(): Promise<unknown> }).quit().catch(() => {});
        logger.info('sender stopped');
      })();
      return closing;
    },
  };
}
