import { describe, expect, it } from 'vitest';
import {
  COEXISTENCE_MESSAGES_PER_SECOND,
  PAIR_RATE_MAX_BACKOFF_MS,
  pairRateBackoffMs,
  sendIntervalMs,
  THROUGHPUT_BACKOFF_MAX_MS,
  THROUGHPUT_WINDOW_MS,
  throughputBackoffMs,
} from './limits.js';

describe('throughput rules', () => {
  it('caps coexistence numbers at 20 per sliding second', () => {
    expect(COEXISTENCE_MESSAGES_PER_SECOND).toBe(20);
    expect(THROUGHPUT_WINDOW_MS).toBe(1000);
    expect(sendIntervalMs()).toBe(50);
  });

  it('backs a recipient off 4^X seconds after a pair-rate error, capped', () => {
    expect([0, 1, 2, 3].map(pairRateBackoffMs)).toEqual([1000, 4000, 16000, 64000]);
    expect(pairRateBackoffMs(20)).toBe(PAIR_RATE_MAX_BACKOFF_MS);
    expect(pairRateBackoffMs(-3)).toBe(1000);
  });

  it('doubles a throttled number back-off up to a minute', () => {
    expect([1, 2, 3, 4].map(throughputBackoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(throughputBackoffMs(100)).toBe(THROUGHPUT_BACKOFF_MAX_MS);
  });
});
