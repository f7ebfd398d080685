import {
  type ConnectionOptions,
  type DefaultJobOptions,
  Queue,
  type QueueOptions,
  Worker,
  type WorkerOptions,
} from 'bullmq';
import type { Logger } from 'pino';
import type { Keys } from '../redis.js';
import type { BindingJob, IngestJob, SendJob } from './jobs.js';
import { QUEUE_NAMES } from './jobs.js';

export type QueueName = keyof typeof QUEUE_NAMES;

type JobOf<N extends QueueName> = N extends 'ingest' ? IngestJob : N extends 'send' ? SendJob : BindingJob;

/** Finished jobs are kept a while for operators, then dropped; Redis must not fill up. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
};

/** Every Queue and Worker gets an error listener: without one, a Redis hiccup crashes the process. */
export function createQueue<N extends QueueName>(
  name: N,
  connection: ConnectionOptions,
  keys: Keys,
  logger: Logger,
  options: Partial<QueueOptions> = {},
): Queue<JobOf<N>> {
  const queue = new Queue<JobOf<N>>(QUEUE_NAMES[name], {
    connection,
    prefix: keys.prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
    ...options,
  });
  queue.on('error', (error) => logger.error({ err: error, queue: name }, 'queue error'));
  return queue;
}

export function createWorker<N extends QueueName>(
  name: N,
  processor: (job: import('bullmq').Job<JobOf<N>>) => Promise<unknown>,
  connection: ConnectionOptions,
  keys: Keys,
  logger: Logger,
  options: Partial<WorkerOptions> = {},
): Worker<JobOf<N>> {
  const worker = new Worker<JobOf<N>>(QUEUE_NAMES[name], processor, {
    connection,
    prefix: keys.prefix,
    ...options,
  });
  worker.on('error', (error) => logger.error({ err: error, queue: name }, 'worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ err: error, queue: name, jobId: job?.id, attempts: job?.attemptsMade }, 'job failed'),
  );
  return worker;
}
