/**
 * Business hours happen in the business's own time zone, so generated chats are laid out in
 * local time and converted to UTC. Offsets come from Intl and are looked up once per local day
 * (at noon: time-zone changes happen at night).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The local calendar date and the zone's UTC offset (ms) at an instant. */
export function localDateAt(
  instant: number,
  timeZone: string,
): LocalDate & { offsetMs: number; hour: number } {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const asUtc = Date.UTC(year, month - 1, day, hour, Number(parts.minute), Number(parts.second));
  return {
    year,
    month,
    day,
    hour,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Sun'),
    offsetMs: asUtc - Math.floor(instant / 1000) * 1000,
  };
}

/** UTC milliseconds of local midnight of a local date, with the offset the zone has at its noon. */
export function localMidnightUtc(date: LocalDate, timeZone: string): number {
  const noonGuess = Date.UTC(date.year, date.month - 1, date.day, 12);
  const { offsetMs } = localDateAt(noonGuess, timeZone);
  return Date.UTC(date.year, date.month - 1, date.day) - offsetMs;
}

/** The local date `days` calendar days before the one holding `instant`. */
export function localDateDaysBefore(instant: number, days: number, timeZone: string): LocalDate {
  const today = localDateAt(instant, timeZone);
  const shifted = new Date(Date.UTC(today.year, today.month - 1, today.day - days, 12));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
  };
}
