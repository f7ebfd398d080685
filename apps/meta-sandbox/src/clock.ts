/**
 * The sandbox's idea of "now": real time plus an offset that tests move (`POST /__sandbox/clock`)
 * to reach Meta's day-long limits (code expiry, the 24 h sync deadline, the service window)
 * without waiting. Internal scheduling (retries, batching) keeps using real time.
 */
export class SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Unix seconds as Meta writes them in webhooks: a string. */
  unixSeconds(at: number = this.now()): string {
    return String(Math.floor(at / 1000));
  }

  get offset(): number {
    return this.offsetMs;
  }

  setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }
}
