import { z } from 'zod';

/** A configuration problem, with one line per variable that is wrong. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Parses the environment once, at start-up, against one schema per deployable. Empty strings
 * count as unset, so `FOO=` in a shell falls back to the default instead of failing.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const given = cleaned[variable];
      const shown = given === undefined ? 'unset' : isSecretName(variable) ? 'set' : JSON.stringify(given);
      return `${variable} (${shown}): ${issue.message}`;
    }),
  );
}

function isSecretName(variable: string): boolean {
  return /SECRET|TOKEN|KEY|PASSWORD/i.test(variable);
}

/** Schema pieces shared by the deployables, so the same variable means the same thing everywhere. */
export const envVars = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  redisUrl: () =>
    z
      .string()
      .default('redis://127.0.0.1:6379')
      .refine((value) => /^rediss?:\/\//.test(value), 'must be a redis:// or rediss:// URL'),
  dataDir: () => z.string().default('./.data'),
  /** `true`: REDIS_URL is one node of a Redis Cluster */
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false'], { error: 'true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true'),
  url: () => z.url({ message: 'must be an http(s) URL', protocol: /^https?$/ }),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** comma-separated list */
  list: (fallback: string[]) =>
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .default(fallback),
};
