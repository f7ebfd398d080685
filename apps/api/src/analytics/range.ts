import { AppError } from '../http/errors.js';

const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 400;
export const DEFAULT_RANGE_DAYS = 180;

export interface DateRange {
  /** inclusive, UTC ms */
  from: number;
  /** exclusive, UTC ms */
  to: number;
}

/** Minutes east of UTC that `timeZone` is at the instant `at`. */
export function offsetMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
}

/** The UTC instant of local midnight starting `date` (YYYY-MM-DD) in `timeZone`, DST included. */
export function startOfLocalDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  let at = guess - offsetMinutes(guess, timeZone) * 60_000;
  // near a DST change the offset at the guess and at the answer differ: settle on the latter
  at = guess - offsetMinutes(at, timeZone) * 60_000;
  return at;
}

/** Today's date in `timeZone`, as YYYY-MM-DD. */
export function localDate(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseBound(value: unknown, name: 'from' | 'to', timeZone: string): number | null {
  if (value === undefined || value === '') return null;
  const invalid = () =>
    new AppError('invalid_request', {
      status: 400,
      message: `${name}: expected a date such as 2026-05-01 or a date-time such as 2026-05-01T08:00:00Z, got ${JSON.stringify(value)}.`,
      details: { fields: [{ field: name, message: 'not a date' }] },
    });
  if (typeof value !== 'string') throw invalid();
  if (DATE.test(value)) {
    if (Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw invalid();
    // a plain date is a whole day in the number's time zone; `to` includes its day
    const start = startOfLocalDay(value, timeZone);
    if (name === 'from') return start;
    const next = new Date(Date.parse(`${value}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    return startOfLocalDay(next, timeZone);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) throw invalid();
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw invalid();
  return at;
}

/**
 * `from`/`to` from the query string, in the number's time zone. Default: the last 180 days up to
 * the end of today, which covers a whole synced history.
 */
export function parseRange(
  query: { from?: unknown; to?: unknown },
  timeZone: string,
  now = Date.now(),
): DateRange {
  const to =
    parseBound(query.to, 'to', timeZone) ?? startOfLocalDay(nextDay(localDate(now, timeZone)), timeZone);
  const from =
    parseBound(query.from, 'from', timeZone) ??
    startOfLocalDay(new Date(to - DEFAULT_RANGE_DAYS * DAY_MS).toISOString().slice(0, 10), timeZone);
  checked({ from, to });
  return {
    from: Math.floor(from / QUARTER_HOUR) * QUARTER_HOUR,
    to: Math.ceil(to / QUARTER_HOUR) * QUARTER_HOUR,
  };
}

/** Counts are kept per quarter hour, so a range is widened to whole quarter hours. */
const QUARTER_HOUR = 15 * 60_000;

function checked({ from, to }: DateRange): DateRange {
  if (from >= to) {
    throw new AppError('invalid_request', {
      status: 400,
      message: 'from: must be before to.',
      details: { fields: [{ field: 'from', message: 'after to' }] },
    });
  }
  if (to - from > MAX_RANGE_DAYS * DAY_MS) {
    throw new AppError('invalid_request', {
      status: 400,
      message: `to: the range may span at most ${MAX_RANGE_DAYS} days.`,
      details: { fields: [{ field: 'to', message: 'range too long' }] },
    });
  }
  return { from, to };
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** Every local date from `from` to `to` (exclusive), for filling days without messages. */
export function localDays(range: DateRange, timeZone: string): string[] {
  const days: string[] = [];
  let day = localDate(range.from, timeZone);
  const last = localDate(range.to - 1, timeZone);
  while (day <= last && days.length <= MAX_RANGE_DAYS + 1) {
    days.push(day);
    day = nextDay(day);
  }
  return days;
}
