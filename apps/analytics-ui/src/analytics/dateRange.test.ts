import { describe, expect, it } from 'vitest';
import { parseRange, presetRange, rangeDays, rangeParams, rangeProblem, rangeQuery } from './dateRange.js';

const today = '2026-05-20';

describe('the date range in the address', () => {
  it('defaults to the last 180 days, today included', () => {
    const { range, problem } = parseRange({}, today);
    expect(problem).toBeNull();
    expect(range).toEqual({ from: '2025-11-22', to: today, preset: '180d' });
    expect(rangeDays(range)).toBe(180);
  });

  it('reads a preset relative to today in the number’s zone', () => {
    expect(parseRange({ range: '7d' }, today).range).toEqual({ from: '2026-05-14', to: today, preset: '7d' });
    expect(presetRange('30d', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01', preset: '30d' });
  });

  it('reads a custom range', () => {
    const { range, problem } = parseRange({ from: '2026-04-01', to: '2026-04-30' }, today);
    expect(problem).toBeNull();
    expect(range).toEqual({ from: '2026-04-01', to: '2026-04-30', preset: null });
    expect(rangeQuery(range)).toBe('from=2026-04-01&to=2026-04-30');
  });

  it.each([
    [{ from: '2026-04-01' }, 'Give both a start and an end date.'],
    [{ from: '2026-04-31', to: '2026-05-02' }, '“2026-04-31” is not a date (use YYYY-MM-DD).'],
    [{ from: '2026-05-02', to: '2026-05-01' }, 'The start date is after the end date.'],
    [{ from: '2024-01-01', to: '2026-05-01' }, 'Pick at most 400 days (this range has 852).'],
    [{ range: 'forever' }, 'Unknown range “forever”.'],
  ])('falls back to the default and says why: %o', (query, problem) => {
    const parsed = parseRange(query, today);
    expect(parsed.problem).toBe(problem);
    expect(parsed.range.preset).toBe('180d');
  });

  it('keeps presets relative in the address, custom ranges absolute', () => {
    expect(rangeParams({ from: 'x', to: 'y', preset: '30d' })).toEqual({
      range: '30d',
      from: null,
      to: null,
    });
    expect(rangeParams({ from: 'x', to: 'y', preset: '180d' })).toEqual({
      range: null,
      from: null,
      to: null,
    });
    expect(rangeParams({ from: '2026-04-01', to: '2026-04-30', preset: null })).toEqual({
      range: null,
      from: '2026-04-01',
      to: '2026-04-30',
    });
  });

  it('allows a single day', () => {
    expect(rangeProblem('2026-05-01', '2026-05-01')).toBeNull();
  });
});
