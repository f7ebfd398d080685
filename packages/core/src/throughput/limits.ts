/**
 * Throughput rules in one place. Meta: numbers used with both the WhatsApp Business app and
 * the Cloud API have a fixed throughput of 20 messages per second, and throughput counts
 * inbound and outbound messages of every type. Going over it returns `130429`.
 */
export const COEXISTENCE_MESSAGES_PER_SECOND = 20;

/** The cap holds in every sliding window of this length, not per calendar second. */
export const THROUGHPUT_WINDOW_MS = 1000;

/** Numbers on the Cloud API alone start at 80 mps (Meta may raise them to 1,000). */
export const CLOUD_API_DEFAULT_MESSAGES_PER_SECOND = 80;

/**
 * Pair rate (`131056`): Meta allows about one message every 6 s to the same user, with bursts
 * borrowed from future quota. On a `131056` we wait 4^attempt seconds before that recipient
 * is tried again (Meta's own advice), starting at attempt 0.
 */
export const PAIR_RATE_INTERVAL_MS = 6000;
export const PAIR_RATE_MAX_BACKOFF_MS = 15 * 60 * 1000;

export function pairRateBackoffMs(attempt: number): number {
  const safe = Math.max(0, Math.floor(attempt));
  return Math.min(4 ** safe * 1000, PAIR_RATE_MAX_BACKOFF_MS);
}

/**
 * On `130429` a number backs off: its next allowed send moves later, doubling from 1 s up to
 * a minute while Meta keeps refusing, so retries never hammer a throttled number.
 */
export const THROUGHPUT_BACKOFF_BASE_MS = 1000;
export const THROUGHPUT_BACKOFF_MAX_MS = 60_000;

export function throughputBackoffMs(consecutiveRejections: number): number {
  const safe = Math.max(1, Math.floor(consecutiveRejections));
  return Math.min(THROUGHPUT_BACKOFF_BASE_MS * 2 ** (safe - 1), THROUGHPUT_BACKOFF_MAX_MS);
}

/** The spacing between sends that keeps a number under its cap when it has a backlog. */
export function sendIntervalMs(messagesPerSecond: number = COEXISTENCE_MESSAGES_PER_SECOND): number {
  return THROUGHPUT_WINDOW_MS / messagesPerSecond;
}
