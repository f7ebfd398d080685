import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [216_800, '3 min 37 s'],
    [120_000, '2 min'],
    [7_500_000, '2 h 5 min'],
    [3 * 86_400_000 + 3_600_000, '3 d 1 h'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
