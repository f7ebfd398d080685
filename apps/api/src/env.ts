import { DEFAULT_UNSUPPORTED_CALLING_CODES } from '@coexist/core';
import { envVars, metaEnvShape, parseEnv } from '@coexist/runtime';
import { z } from 'zod';

/** Every variable the api reads, parsed once at start-up; nothing else reads process.env. */
export const apiEnvSchema = z.object({
  ...metaEnvShape,
  PORT: envVars.port(8080),
  /** 0.0.0.0 to accept connections from other machines */
  HOST: z.string().default('127.0.0.1'),
  /** the address users reach the dashboard and webhooks at, for links and the printed URL */
  PUBLIC_URL: envVars.url().optional(),
  REDIS_URL: envVars.redisUrl(),
  /** REDIS_URL is one node of a Redis Cluster (keys and queues carry hash tags for it) */
  REDIS_CLUSTER: envVars.flag(false),
  /** every Redis key starts with it; two deployments can share one Redis */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, ":", "_" and "-" only')
    .default('coexist'),
  CLICKHOUSE_URL: envVars.url().optional(),
  CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/, 'a cluster name from the server config')
    .optional(),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a database name')
    .default('coexist'),
  /** guards /v1/admin; in sandbox mode one is generated under DATA_DIR when unset */
  ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** country calling codes refused at signup (Meta listed Nigeria and South Africa) */
  UNSUPPORTED_CALLING_CODES: envVars.list([...DEFAULT_UNSUPPORTED_CALLING_CODES]),
  /** public API requests per API key per second, averaged over a 10 s burst */
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).default(200),
  /** the largest webhook body accepted; Meta's history chunks go up to 3 MB */
  WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  /** where the built dashboard is; unset: apps/analytics-ui/dist next to this app */
  UI_DIR: z.string().optional(),
  /** run the ingest, bindings and analytics workers in this process (false: a receive-only api) */
  API_WORKERS: envVars.flag(true),
  LOG_LEVEL: envVars.logLevel(),
});

export type ApiEnv = z.output<typeof apiEnvSchema>;

export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv(apiEnvSchema, source);
}

export { type MetaSettings, metaSettings } from '@coexist/runtime';
