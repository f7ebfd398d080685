import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths pino removes from every log line. Tokens, API keys and the app secret must never be
 * logged, wherever they appear in an object we log.
 */
export const REDACTED_PATHS = [
  'token',
  'accessToken',
  'access_token',
  'apiKey',
  'api_key',
  'appSecret',
  'app_secret',
  'client_secret',
  'password',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.apiKey',
  '*.api_key',
  '*.appSecret',
  '*.app_secret',
  '*.client_secret',
  '*.authorization',
  '*.password',
];

export interface LoggerConfig {
  name: string;
  level?: LoggerOptions['level'];
  /** strings that must never appear in a log line even inside free text (secrets from env) */
  secrets?: Array<string | undefined>;
}

/** JSON logs on stdout, one line per event, secrets redacted by key and by value. */
export function createLogger(config: LoggerConfig, destination?: DestinationStream): Logger {
  const secrets = (config.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const scrub = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text);
  const options: LoggerOptions = {
    name: config.name,
    level: config.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    base: { service: config.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks:
      secrets.length > 0
        ? {
            // Free text (error messages, URLs) can carry a secret no key path catches.
            streamWrite: scrub,
          }
        : {},
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
