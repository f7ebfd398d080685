import { SANDBOX_DEFAULTS } from '@coexist/meta-client';

/** How long things take. Production-like defaults; tests pass fast ones. */
export interface SandboxTimings {
  /** Meta's exchangeable code lives 30 s. */
  codeTtlMs: number;
  /** Syncs must be requested within 24 h of onboarding (`2593108`). */
  syncWindowMs: number;
  /** The customer-service window. */
  serviceWindowMs: number;
  /** A created template stays PENDING this long, then is approved. */
  templateApprovalMs: number;
  /** Status webhooks are gathered per phone number for this long, then posted as one batch. */
  statusBatchMs: number;
  /** After acceptance: when the message is `sent`, `delivered` and `read`. */
  sentAfterMs: number;
  deliveredAfterMs: number;
  readAfterMs: number;
  /** Pause between two history chunks handed to delivery. */
  historyChunkIntervalMs: number;
  /** Media follow-ups of the last 14 days come this long after the chunks. */
  mediaFollowUpDelayMs: number;
  /** A webhook POST or verification GET that takes longer has failed. */
  webhookTimeoutMs: number;
  /** Wait before each retry of a failed webhook; its length is the number of retries. */
  webhookRetryDelaysMs: number[];
}

/** Settings a running sandbox can change through `POST /__sandbox/settings`. */
export interface SandboxSettings {
  /** Off for pure throughput benchmarks: accepted sends then produce no status webhooks. */
  statusWebhooks: boolean;
  /** Share of delivered messages that are also read. */
  readFraction: number;
  /** Pair rate per (number, recipient): a token bucket. */
  pairBurst: number;
  pairRefillMs: number;
  codeTtlMs: number;
  templateApprovalMs: number;
  /** The app's default callback URL; changing it runs Meta's verification handshake. */
  webhookUrl: string;
  /** Finish events carry `phone_number_id` and `business_id` besides `waba_id` (Meta's documented event has only `waba_id`). */
  signupEventIds: boolean;
}

/** Faults injected on purpose (`POST /__sandbox/faults`); rates are 0…1. */
export interface SandboxFaults {
  /** Added to every Graph API answer. */
  latencyMs: number;
  /** Share of Graph calls answered with a Meta 5xx (`131000`, `1`, `2`, `131016`). */
  errorRate: number;
  /** Share of Graph calls never answered (the client times out); nothing is accepted. */
  timeoutRate: number;
  /** Share of delivered webhooks delivered a second time, byte for byte. */
  webhookDuplicateRate: number;
  /** Share of webhook attempts failed before sending (then retried like any failure). */
  webhookFailureRate: number;
}

export const NO_FAULTS: SandboxFaults = {
  latencyMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  webhookDuplicateRate: 0,
  webhookFailureRate: 0,
};

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The base URL printed in QR codes and paging links; defaults to the address it listens on (or the Host header). */
  publicUrl?: string | undefined;
  appId?: string;
  appSecret?: string;
  configId?: string;
  verifyToken?: string;
  appName?: string;
  /** The app's default webhook callback URL (empty: webhooks go nowhere until one is set). */
  webhookUrl?: string;
  /** Businesses, tokens, templates and sync state survive a restart when set. */
  stateFile?: string | undefined;
  /** Seeds every generated business; the same seed and number give the same phone. */
  seed?: string;
  statusWebhooks?: boolean;
  readFraction?: number;
  pairBurst?: number;
  pairRefillMs?: number;
  /** A history chunk's body stays below this many bytes (Meta's limit is 3 MB). */
  historyChunkMaxBytes?: number;
  contactsBatchSize?: number;
  mediaBatchSize?: number;
  /** Accepted sends kept per number for `GET /__sandbox/numbers/{id}/messages`. */
  storedMessagesPerNumber?: number;
  signupEventIds?: boolean;
  /** Webhook POSTs in flight at once. */
  webhookConcurrency?: number;
  timings?: Partial<SandboxTimings>;
  /** One line per notable event; silent by default. */
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  publicUrl: string | undefined;
  appId: string;
  appSecret: string;
  configId: string;
  verifyToken: string;
  appName: string;
  webhookUrl: string;
  stateFile: string | undefined;
  seed: string;
  historyChunkMaxBytes: number;
  contactsBatchSize: number;
  mediaBatchSize: number;
  storedMessagesPerNumber: number;
  webhookConcurrency: number;
  timings: SandboxTimings;
  /** The settings the sandbox starts with, and returns to on reset. */
  initialSettings: SandboxSettings;
  log: (line: string) => void;
}

const HOUR = 3_600_000;

export const DEFAULT_TIMINGS: SandboxTimings = {
  codeTtlMs: 30_000,
  syncWindowMs: 24 * HOUR,
  serviceWindowMs: 24 * HOUR,
  templateApprovalMs: 3_000,
  statusBatchMs: 250,
  sentAfterMs: 100,
  deliveredAfterMs: 600,
  readAfterMs: 2_000,
  historyChunkIntervalMs: 50,
  mediaFollowUpDelayMs: 1_000,
  webhookTimeoutMs: 5_000,
  webhookRetryDelaysMs: [250, 1_000, 5_000, 15_000, 60_000, 300_000],
};

export const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:8080/webhooks/meta';

export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  return {
    port: options.port ?? SANDBOX_DEFAULTS.port,
    host: options.host ?? '127.0.0.1',
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    appId: options.appId ?? SANDBOX_DEFAULTS.appId,
    appSecret: options.appSecret ?? SANDBOX_DEFAULTS.appSecret,
    configId: options.configId ?? SANDBOX_DEFAULTS.configId,
    verifyToken: options.verifyToken ?? SANDBOX_DEFAULTS.verifyToken,
    appName: options.appName ?? 'Coexist Sandbox App',
    webhookUrl: options.webhookUrl ?? DEFAULT_WEBHOOK_URL,
    stateFile: options.stateFile,
    seed: options.seed ?? 'coexist-sandbox',
    historyChunkMaxBytes: options.historyChunkMaxBytes ?? 1_000_000,
    contactsBatchSize: options.contactsBatchSize ?? 100,
    mediaBatchSize: options.mediaBatchSize ?? 10,
    storedMessagesPerNumber: options.storedMessagesPerNumber ?? 1_000,
    webhookConcurrency: options.webhookConcurrency ?? 64,
    timings,
    initialSettings: {
      statusWebhooks: options.statusWebhooks ?? true,
      readFraction: options.readFraction ?? 0.7,
      pairBurst: options.pairBurst ?? 45,
      pairRefillMs: options.pairRefillMs ?? 6_000,
      codeTtlMs: timings.codeTtlMs,
      templateApprovalMs: timings.templateApprovalMs,
      webhookUrl: options.webhookUrl ?? DEFAULT_WEBHOOK_URL,
      signupEventIds: options.signupEventIds ?? false,
    },
    log: options.log ?? (() => {}),
  };
}
