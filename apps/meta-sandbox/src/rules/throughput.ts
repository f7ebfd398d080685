import { COEXISTENCE_MESSAGES_PER_SECOND, THROUGHPUT_WINDOW_MS } from '@coexist/core';

/**
 * Meta's 20 messages per second for coexistence numbers, held in every sliding second: a send
 * is accepted only when fewer than 20 messages of the number (accepted sends and inbound
 * messages alike: Meta counts both) fall in the half-open window `(now - 1000 ms, now]`. So a
 * message at t and one at t + 1000 ms are never in the same window.
 *
 * It only has to remember the last 20 events: the window is full exactly when the 20th most
 * recent event is still inside it. A ring buffer of 20 times makes each check O(1) with no
 * allocation, which keeps the send path fast across thousands of numbers.
 */
export class SlidingWindow {
  private readonly times: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly limit: number = COEXISTENCE_MESSAGES_PER_SECOND,
    readonly windowMs: number = THROUGHPUT_WINDOW_MS,
  ) {
    this.times = new Float64Array(limit);
  }

  /** Whether one more event at `now` stays within the limit. */
  hasRoom(now: number): boolean {
    if (this.filled < this.limit) return true;
    // `next` points at the oldest of the last `limit` events.
    return this.times[this.next]! <= now - this.windowMs;
  }

  /** Counts an event (a send or an inbound message) at `now`, room or not. */
  record(now: number): void {
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    if (this.filled < this.limit) this.filled += 1;
  }

  /** Events in the window ending at `now`, newest first until one falls out. */
  countAt(now: number): number {
    let count = 0;
    for (let i = 1; i <= this.filled; i += 1) {
      const index = (this.next - i + this.limit) % this.limit;
      if (this.times[index]! <= now - this.windowMs) break;
      count += 1;
    }
    return count;
  }

  clear(): void {
    this.next = 0;
    this.filled = 0;
  }
}

/**
 * The most accepted sends seen in any sliding second, kept as the sends happen: when a send is
 * recorded at t, the window ending at t holds it and the earlier sends after t - 1000 ms.
 */
export class PeakCounter {
  private readonly window: SlidingWindow;
  peak = 0;

  constructor(
    capacity: number = COEXISTENCE_MESSAGES_PER_SECOND * 4,
    windowMs: number = THROUGHPUT_WINDOW_MS,
  ) {
    this.window = new SlidingWindow(capacity, windowMs);
  }

  record(now: number): void {
    this.window.record(now);
    const count = this.window.countAt(now);
    if (count > this.peak) this.peak = count;
  }

  clear(): void {
    this.window.clear();
    this.peak = 0;
  }
}
