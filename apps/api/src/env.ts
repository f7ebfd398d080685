import { DEFAULT_UNSUPPORTED_CALLING_CODES } from '@coexist/core';
import { DEFAULT_GRAPH_API_VERSION, META_GRAPH_URL, SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { envVars, parseEnv } from '@coexist/runtime';
import { z } from 'zod';

/** Every variable the api reads, parsed once at start-up; nothing else reads process.env. */
export const apiEnvSchema = z.object({
  PORT: envVars.port(8080),
  /** 0.0.0.0 to accept connections from other machines */
  HOST: z.string().default('127.0.0.1'),
  /** the address users reach the dashboard and webhooks at, for links and the printed URL */
  PUBLIC_URL: envVars.url().optional(),
  REDIS_URL: envVars.redisUrl(),
  /** every Redis key starts with it; two deployments can share one Redis */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, ":", "_" and "-" only')
    .default('coexist'),
  DATA_DIR: envVars.dataDir(),
  CLICKHOUSE_URL: envVars.url().optional(),
  CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/, 'a cluster name from the server config')
    .optional(),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a database name')
    .default('coexist'),
  /** unset: the local sandbox, unless META_CONFIG_ID says this is a real Meta app (then Meta's Graph API) */
  META_GRAPH_URL: envVars.url().optional(),
  META_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'like v25.0')
    .default(DEFAULT_GRAPH_API_VERSION),
  META_APP_ID: z.string().regex(/^\d+$/, 'digits, as in the App Dashboard').optional(),
  META_APP_SECRET: z.string().min(8, 'at least 8 characters').optional(),
  META_CONFIG_ID: z
    .string()
    .regex(/^\d+$/, 'digits: the Facebook Login for Business configuration id')
    .optional(),
  META_VERIFY_TOKEN: z.string().min(8, 'at least 8 characters').optional(),
  /** 32 bytes, base64 or hex; in sandbox mode one is generated under DATA_DIR when unset */
  TOKEN_ENCRYPTION_KEY: z.string().optional(),
  /** guards /v1/admin; in sandbox mode one is generated under DATA_DIR when unset */
  ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  SANDBOX_PORT: envVars.port(SANDBOX_DEFAULTS.port),
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
  LOG_LEVEL: envVars.logLevel(),
});

export type ApiEnv = z.output<typeof apiEnvSchema>;

export interface MetaSettings {
  /** the Graph API is the local sandbox */
  sandbox: boolean;
  graphUrl: string;
  apiVersion: string;
  appId: string;
  appSecret: string;
  configId: string;
  verifyToken: string;
}

/**
 * Sandbox or Meta: with no META_GRAPH_URL and no META_CONFIG_ID everything runs against the local
 * sandbox with its development credentials (overridable). A real Meta app needs all four of
 * META_APP_ID, META_APP_SECRET, META_CONFIG_ID and META_VERIFY_TOKEN.
 */
export function metaSettings(env: ApiEnv): MetaSettings {
  const sandbox = env.META_GRAPH_URL === undefined && env.META_CONFIG_ID === undefined;
  if (!sandbox) {
    const missing = (
      ['META_APP_ID', 'META_APP_SECRET', 'META_CONFIG_ID', 'META_VERIFY_TOKEN'] as const
    ).filter((name) => env[name] === undefined);
    if (missing.length > 0) {
      throw new Error(
        `Invalid configuration:\n${missing.map((name) => `  - ${name} (unset): required to talk to Meta (META_GRAPH_URL or META_CONFIG_ID is set)`).join('\n')}`,
      );
    }
  }
  return {
    sandbox,
    graphUrl: env.META_GRAPH_URL ?? (sandbox ? `http://127.0.0.1:${env.SANDBOX_PORT}` : META_GRAPH_URL),
    apiVersion: env.META_API_VERSION,
    appId: env.META_APP_ID ?? SANDBOX_DEFAULTS.appId,
    appSecret: env.META_APP_SECRET ?? SANDBOX_DEFAULTS.appSecret,
    configId: env.META_CONFIG_ID ?? SANDBOX_DEFAULTS.configId,
    verifyToken: env.META_VERIFY_TOKEN ?? SANDBOX_DEFAULTS.verifyToken,
  };
}

export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv(apiEnvSchema, source);
}
