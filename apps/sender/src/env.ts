import { envVars, metaEnvShape, parseEnv } from '@coexist/runtime';
import { z } from 'zod';

/** Every variable the sender reads, parsed once at start-up; nothing else reads process.env. */
export const senderEnvSchema = z.object({
  ...metaEnvShape,
  REDIS_URL: envVars.redisUrl(),
  /** REDIS_URL is one node of a Redis Cluster */
  REDIS_CLUSTER: envVars.flag(false),
  /** every Redis key starts with it: the same value as the api's */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, ":", "_" and "-" only')
    .default('coexist'),
  /** send jobs one process works on at once (a job is one number's hand-off, up to 20 messages) */
  SENDER_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(100),
  /**
   * Added to the 1,000 ms sliding window our limiter enforces. Each slot is re-stamped when Meta
   * answers, so network delays are covered already; the margin covers the drift between Redis's
   * clock and Meta's (README, "The margin").
   */
  SENDER_WINDOW_MARGIN_MS: z.coerce.number().int().min(0).max(250).default(2),
  /**
   * The dispatcher hands a message off this long before its number's next slot frees, and a send
   * may take a slot up to twice this early, holding its request until the slot frees: the work
   * before the HTTP call overlaps the wait instead of following it.
   */
  SENDER_LOOKAHEAD_MS: z.coerce.number().int().min(0).max(200).default(15),
  /** Graph API requests out at once per process (and keep-alive connections to it) */
  SENDER_HTTP_CONCURRENCY: z.coerce.number().int().min(1).max(5000).default(256),
  /** numbers a dispatcher claims per round */
  SENDER_DISPATCH_BATCH: z.coerce.number().int().min(1).max(5000).default(250),
  /**
   * A send that may have reached Meta without an answer (timeout, crash) waits this long for
   * its status webhook before it is reported `send_outcome_unknown`; it is never sent again.
   */
  SENDER_RECONCILE_GRACE_MS: z.coerce.number().int().min(1000).default(120_000),
  /** retries of a transient failure (Meta 5xx, network) before the message fails */
  SENDER_MAX_RETRIES: z.coerce.number().int().min(0).max(50).default(6),
  /** a crashed sender's jobs are picked up after about this long (BullMQ lock duration) */
  SENDER_LOCK_MS: z.coerce.number().int().min(1000).default(10_000),
  /** Graph API calls give up after this long */
  META_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** unset: no metrics endpoint; otherwise Prometheus metrics at http://127.0.0.1:<port>/metrics */
  SENDER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_LEVEL: envVars.logLevel(),
});

export type SenderEnv = z.output<typeof senderEnvSchema>;

export function loadSenderEnv(source: NodeJS.ProcessEnv = process.env): SenderEnv {
  return parseEnv(senderEnvSchema, source);
}
