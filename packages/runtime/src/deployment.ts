import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_GRAPH_API_VERSION, META_GRAPH_URL, SANDBOX_DEFAULTS } from '@coexist/meta-client';
import { z } from 'zod';
import { EnvError, envVars } from './env.js';

/** The variables every deployable that talks to Meta or reads sealed tokens shares. */
export const metaEnvShape = {
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
  SANDBOX_PORT: envVars.port(SANDBOX_DEFAULTS.port),
  /** 32 bytes, base64 or hex; in sandbox mode one is generated under DATA_DIR when unset */
  TOKEN_ENCRYPTION_KEY: z.string().optional(),
  DATA_DIR: envVars.dataDir(),
};

export type MetaEnv = z.output<z.ZodObject<typeof metaEnvShape>>;

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
export function metaSettings(env: MetaEnv): MetaSettings {
  const sandbox = env.META_GRAPH_URL === undefined && env.META_CONFIG_ID === undefined;
  if (!sandbox) {
    const missing = (
      ['META_APP_ID', 'META_APP_SECRET', 'META_CONFIG_ID', 'META_VERIFY_TOKEN'] as const
    ).filter((name) => env[name] === undefined);
    if (missing.length > 0) {
      throw new EnvError(
        missing.map(
          (name) => `${name} (unset): required to talk to Meta (META_GRAPH_URL or META_CONFIG_ID is set)`,
        ),
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

/**
 * A secret the operator did not set, in sandbox mode only: generated once and kept under
 * DATA_DIR/secrets, so a restart (and every process on the machine) reads the same value.
 */
export function localSecret(dataDir: string, name: string, make: () => string): string {
  const path = join(resolve(dataDir), 'secrets', name);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const value = make();
  // another process may have written it first: keep the first one
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    return readFileSync(path, 'utf8').trim();
  }
  return value;
}

/** A secret from the environment, or (sandbox only) the local one; Meta mode requires it set. */
export function secretOrLocal(
  value: string | undefined,
  variable: string,
  settings: { sandbox: boolean; dataDir: string },
  make: () => string,
): string {
  if (value) return value;
  if (!settings.sandbox) throw new EnvError([`${variable} (unset): required when talking to Meta`]);
  return localSecret(settings.dataDir, variable.toLowerCase(), make);
}
