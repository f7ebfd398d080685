import { SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { envVars, parseEnv } from '@coexist/runtime';
import { z } from 'zod';
import { DEFAULT_WEBHOOK_URL } from './options.js';

/**
 * The sandbox's configuration, parsed once at start-up. The app id, secret, configuration id
 * and verify token default to the development values the api also uses in sandbox mode, so
 * the two agree without any setup.
 */
export const sandboxEnvSchema = z.object({
  SANDBOX_PORT: envVars.port(SANDBOX_DEFAULTS.port),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  /** the URL the browser and the platform reach the sandbox at, when not http://HOST:PORT */
  SANDBOX_PUBLIC_URL: envVars.url().optional(),
  META_APP_ID: z.string().regex(/^\d+$/, 'must be a numeric app id').default(SANDBOX_DEFAULTS.appId),
  META_APP_SECRET: z.string().min(8, 'must be at least 8 characters').default(SANDBOX_DEFAULTS.appSecret),
  META_CONFIG_ID: z
    .string()
    .regex(/^\d+$/, 'must be a numeric configuration id')
    .default(SANDBOX_DEFAULTS.configId),
  META_VERIFY_TOKEN: z.string().min(1).default(SANDBOX_DEFAULTS.verifyToken),
  SANDBOX_WEBHOOK_URL: envVars.url().default(DEFAULT_WEBHOOK_URL),
  SANDBOX_SEED: z.string().min(1).default('coexist-sandbox'),
  /** keep businesses, tokens and templates across restarts */
  SANDBOX_STATE_FILE: z.string().min(1).optional(),
  LOG_LEVEL: envVars.logLevel(),
});

export type SandboxEnv = z.output<typeof sandboxEnvSchema>;

export function loadSandboxEnv(source: NodeJS.ProcessEnv = process.env): SandboxEnv {
  return parseEnv(sandboxEnvSchema, source);
}
