import { formatDuration } from './duration.js';

/**
 * Every time on the dashboard is shown in the number's own time zone (the one its analytics
 * buckets use), never the browser's, so that "busiest at 10:00" means 10:00 at the shop.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}:${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function zone(timeZone: string | null | undefined): string | undefined {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : undefined;
}

/** 25 Nov 2026, 14:05 in the zone */
export function formatDateTime(
  iso: string | null | undefined,
  timeZone?: string | null,
  locale?: string,
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return dateFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone(timeZone),
  }).format(date);
}

/** 14:05 in the zone */
export function formatTime(
  iso: string | null | undefined,
  timeZone?: string | null,
  locale?: string,
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return dateFormat(locale, { timeStyle: 'short', timeZone: zone(timeZone) }).format(date);
}

/** A calendar day `2026-05-01` as "1 May" (with the year when asked); no zone conversion. */
export function formatDay(
  day: string,
  options: { year?: boolean; weekday?: boolean } = {},
  locale?: string,
): string {
  const match = DAY.exec(day);
  if (!match) return day;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return dateFormat(locale, {
    day: 'numeric',
    month: 'short',
    ...(options.year ? { year: 'numeric' } : {}),
    ...(options.weekday ? { weekday: 'short' } : {}),
    timeZone: 'UTC',
  }).format(date);
}

/** `2026-05` as "May 2026" */
export function formatMonth(month: string, locale?: string): string {
  const match = MONTH.exec(month) ?? DAY.exec(month);
  if (!match) return month;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  return dateFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}

/**
 * A chart bucket: a calendar day, a local date-time (`2026-05-01T08:00`, already in the number's
 * zone) or an instant with an offset (shown in the zone).
 */
export function formatBucket(bucket: string, timeZone?: string | null, locale?: string): string {
  if (DAY.test(bucket)) return formatDay(bucket, {}, locale);
  const local = LOCAL_DATE_TIME.exec(bucket);
  if (local) {
    const date = new Date(
      Date.UTC(Number(local[1]), Number(local[2]) - 1, Number(local[3]), Number(local[4]), Number(local[5])),
    );
    return dateFormat(locale, {
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
    }).format(date);
  }
  const date = new Date(bucket);
  if (Number.isNaN(date.getTime())) return bucket;
  return dateFormat(locale, { day: 'numeric', month: 'short', timeZone: zone(timeZone) }).format(date);
}

/** The calendar day it is now in the zone, as `YYYY-MM-DD`. */
export function todayIn(timeZone: string | null | undefined, now: number = Date.now()): string {
  const parts = dateFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: zone(timeZone),
  }).formatToParts(new Date(now));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** "UTC−03:00" for a zone at an instant (daylight saving changes it). */
export function utcOffsetLabel(timeZone: string, now: number = Date.now()): string {
  if (!isValidTimeZone(timeZone)) return '';
  const parts = dateFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(now));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  const label = name.replace('GMT', 'UTC').replace('\u2212', '-');
  return label === 'UTC+00:00' ? 'UTC' : label;
}

/** "in 3 h 12 min" / "5 min ago" / "now" */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const delta = at - now;
  if (Math.abs(delta) < 30_000) return delta > 0 ? 'in a moment' : 'just now';
  const amount = formatDuration(Math.abs(delta));
  return delta > 0 ? `in ${amount}` : `${amount} ago`;
}

/** Shifts a calendar day by whole days. */
export function addDays(day: string, days: number): string {
  const match = DAY.exec(day);
  if (!match) return day;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days));
  return date.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (calendar days). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function isCalendarDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}
