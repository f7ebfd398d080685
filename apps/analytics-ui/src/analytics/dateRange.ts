import { addDays, daysBetween, isCalendarDay } from '../format/dates.js';

/** The API refuses ranges over 400 days. */
export const MAX_RANGE_DAYS = 400;

export const PRESETS = [
  { id: '7d', days: 7, label: 'Last 7 days' },
  { id: '30d', days: 30, label: 'Last 30 days' },
  { id: '90d', days: 90, label: 'Last 90 days' },
  { id: '180d', days: 180, label: 'Last 180 days' },
  { id: '365d', days: 365, label: 'Last 365 days' },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];

/** Analysts come for the synced 180 days first. */
export const DEFAULT_PRESET: PresetId = '180d';

export interface DateRange {
  /** calendar days in the number's time zone, `to` inclusive */
  from: string;
  to: string;
  preset: PresetId | null;
}

export function presetRange(preset: PresetId, today: string): DateRange {
  const days = PRESETS.find((p) => p.id === preset)?.days ?? 180;
  return { from: addDays(today, -(days - 1)), to: today, preset };
}

/**
 * The range in the address (`?range=30d` or `?from=2026-05-01&to=2026-05-31`), with `today` in
 * the number's zone. An invalid one falls back to the default and says why.
 */
export function parseRange(
  query: { range?: string | null; from?: string | null; to?: string | null },
  today: string,
): { range: DateRange; problem: string | null } {
  const fallback = presetRange(DEFAULT_PRESET, today);
  const from = query.from?.trim();
  const to = query.to?.trim();
  if (from || to) {
    if (!from || !to) return { range: fallback, problem: 'Give both a start and an end date.' };
    if (!isCalendarDay(from))
      return { range: fallback, problem: `“${from}” is not a date (use YYYY-MM-DD).` };
    if (!isCalendarDay(to)) return { range: fallback, problem: `“${to}” is not a date (use YYYY-MM-DD).` };
    const problem = rangeProblem(from, to);
    if (problem) return { range: fallback, problem };
    return { range: { from, to, preset: null }, problem: null };
  }
  const preset = PRESETS.find((p) => p.id === query.range);
  if (query.range && !preset) return { range: fallback, problem: `Unknown range “${query.range}”.` };
  return { range: presetRange(preset?.id ?? DEFAULT_PRESET, today), problem: null };
}

/** Why a custom range cannot be asked for, or null. */
export function rangeProblem(from: string, to: string): string | null {
  if (!isCalendarDay(from) || !isCalendarDay(to)) return 'Pick both dates.';
  const days = daysBetween(from, to) + 1;
  if (days < 1) return 'The start date is after the end date.';
  if (days > MAX_RANGE_DAYS) return `Pick at most ${MAX_RANGE_DAYS} days (this range has ${days}).`;
  return null;
}

/** The query the analytics endpoints take. */
export function rangeQuery(range: DateRange): string {
  return `from=${range.from}&to=${range.to}`;
}

/** The address's parameters for a range: presets stay relative, so a bookmark keeps moving. */
export function rangeParams(range: DateRange): Record<string, string | null> {
  return range.preset
    ? { range: range.preset === DEFAULT_PRESET ? null : range.preset, from: null, to: null }
    : { range: null, from: range.from, to: range.to };
}

export function rangeDays(range: DateRange): number {
  return daysBetween(range.from, range.to) + 1;
}
