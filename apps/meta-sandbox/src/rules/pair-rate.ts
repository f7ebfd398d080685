/**
 * Meta's pair rate (`131056`): "1 message every 6 seconds to the same WhatsApp user … You may
 * send up to 45 messages in a 6-second burst, but this borrows from your future quota." A
 * token bucket per (number, recipient) says exactly that: 45 tokens, one back every 6 s.
 */
export interface PairRateSettings {
  burst: number;
  refillMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class PairRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly settings: () => PairRateSettings) {}

  /** Takes a token for `recipient` at `now`; false when the pair is out of tokens. */
  take(recipient: string, now: number): boolean {
    const { burst, refillMs } = this.settings();
    const bucket = this.buckets.get(recipient);
    if (!bucket) {
      this.buckets.set(recipient, { tokens: burst - 1, at: now });
      return burst >= 1;
    }
    // The clock can be moved back by tests; time never runs backwards for a bucket.
    const elapsed = Math.max(0, now - bucket.at);
    const refilled = refillMs > 0 ? elapsed / refillMs : Number.POSITIVE_INFINITY;
    bucket.tokens = Math.min(burst, bucket.tokens + refilled);
    bucket.at = Math.max(bucket.at, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  clear(): void {
    this.buckets.clear();
  }
}
