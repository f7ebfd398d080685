import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  formatBucket,
  formatDay,
  formatMonth,
  formatRelative,
  isCalendarDay,
  todayIn,
  utcOffsetLabel,
} from './dates.js';

describe('dates in the number’s time zone', () => {
  it('knows which day it is in a zone, not in the browser', () => {
    // 02:30 UTC on 1 May is still 30 April in São Paulo (UTC−3) and already 1 May in Tokyo
    const at = Date.parse('2026-05-01T02:30:00Z');
    expect(todayIn('America/Sao_Paulo', at)).toBe('2026-04-30');
    expect(todayIn('Asia/Tokyo', at)).toBe('2026-05-01');
    expect(todayIn('Not/AZone', at)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('labels calendar days and months without shifting them', () => {
    expect(formatDay('2026-05-01', {}, 'en-GB')).toBe('1 May');
    expect(formatDay('2026-05-01', { year: true }, 'en-GB')).toBe('1 May 2026');
    expect(formatMonth('2026-05', 'en-GB')).toBe('May 2026');
    expect(formatDay('not a day')).toBe('not a day');
  });

  it('labels chart buckets of each shape', () => {
    expect(formatBucket('2026-05-01', 'America/Sao_Paulo', 'en-GB')).toBe('1 May');
    // an hour bucket is already local to the number
    expect(formatBucket('2026-05-01T08:00', 'America/Sao_Paulo', 'en-GB')).toBe('1 May, 08:00');
    // an instant is shown in the zone
    expect(formatBucket('2026-05-01T02:00:00Z', 'America/Sao_Paulo', 'en-GB')).toBe('30 Apr');
  });

  it('does calendar arithmetic across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-05-01', -179)).toBe('2025-11-03');
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-5-1')).toBe(false);
  });

  it('says how far away a moment is', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(formatRelative('2026-05-01T15:12:00Z', now)).toBe('in 3 h 12 min');
    expect(formatRelative('2026-05-01T11:55:00Z', now)).toBe('5 min ago');
    expect(formatRelative('2026-05-01T12:00:10Z', now)).toBe('in a moment');
    expect(formatRelative('2026-05-01T11:59:50Z', now)).toBe('just now');
    expect(formatRelative(null, now)).toBe('—');
  });

  it('names the offset of a zone at a moment', () => {
    expect(utcOffsetLabel('America/Sao_Paulo', Date.parse('2026-05-01T00:00:00Z'))).toBe('UTC-03:00');
    expect(utcOffsetLabel('UTC')).toBe('UTC');
    expect(utcOffsetLabel('Europe/Berlin', Date.parse('2026-07-01T00:00:00Z'))).toBe('UTC+02:00');
  });
});
