import { describe, expect, it } from 'vitest';
import { PairRateLimiter } from './pair-rate.js';

describe('PairRateLimiter', () => {
  const limiter = () => new PairRateLimiter(() => ({ burst: 45, refillMs: 6000 }));

  it('allows a burst of 45 to one recipient, then one every 6 s', () => {
    const pair = limiter();
    for (let i = 0; i < 45; i += 1) expect(pair.take('16505551234', 0)).toBe(true);
    expect(pair.take('16505551234', 100)).toBe(false);
    expect(pair.take('16505551234', 5_999)).toBe(false);
    expect(pair.take('16505551234', 6_000)).toBe(true);
    expect(pair.take('16505551234', 6_001)).toBe(false);
  });

  it('keeps recipients apart', () => {
    const pair = limiter();
    for (let i = 0; i < 45; i += 1) pair.take('a', 0);
    expect(pair.take('a', 0)).toBe(false);
    expect(pair.take('b', 0)).toBe(true);
  });

  it('never refills backwards when the clock is moved back', () => {
    const pair = limiter();
    for (let i = 0; i < 45; i += 1) pair.take('a', 60_000);
    expect(pair.take('a', 0)).toBe(false);
  });
});
