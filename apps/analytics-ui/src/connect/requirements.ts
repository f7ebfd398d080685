import { isValidTimeZone, utcOffsetLabel } from '../format/dates.js';

const VERSION = /^\d+(\.\d+){1,3}$/;

/** -1, 0 or 1; missing parts count as 0 (2.24 = 2.24.0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The owner's answer to "Your WhatsApp Business app version", judged before Meta is involved. */
export function checkAppVersion(
  input: string,
  minimum: string,
): { ok: true; version: string } | { ok: false; message: string } {
  const version = input.trim().replace(/^v/i, '');
  if (!version) {
    return { ok: false, message: 'Enter the version shown in the app: Settings > Help > App info.' };
  }
  if (!VERSION.test(version)) {
    return { ok: false, message: `“${input.trim()}” is not a version number. It looks like ${minimum}.` };
  }
  if (compareVersions(version, minimum) < 0) {
    return {
      ok: false,
      message: `Version ${version} is too old: connecting needs WhatsApp Business app ${minimum} or newer. Update the app from the Play Store or App Store, then come back.`,
    };
  }
  return { ok: true, version };
}

/** Countries Meta named for the unsupported calling codes; others are shown as their code. */
const CALLING_CODE_COUNTRIES: Record<string, string> = {
  '234': 'Nigeria',
  '27': 'South Africa',
};

export function describeCallingCode(code: string): string {
  const digits = code.replace(/\D/g, '');
  const country = CALLING_CODE_COUNTRIES[digits];
  return country ? `${country} (+${digits})` : `+${digits}`;
}

/** The zones the browser knows, UTC included (some engines leave it out of the list). */
export function allTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  const list = zones.length > 0 ? [...zones] : FALLBACK_ZONES.filter(isValidTimeZone);
  if (!list.includes('UTC')) list.push('UTC');
  return list;
}

const FALLBACK_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Madrid',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'America/Mexico_City',
  'Asia/Kolkata',
  'Asia/Jakarta',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Africa/Cairo',
  'Australia/Sydney',
];

/** The browser's own zone, as the picker's first guess. */
export function browserTimeZone(): string | null {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && isValidTimeZone(zone) ? zone : null;
  } catch {
    return null;
  }
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[_/]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Zones matching a search: every word must appear in the name ("sao paulo", "america sao") or
 * the offset ("utc-03", "-3"). Exact city matches come first.
 */
export function filterTimeZones(zones: readonly string[], query: string, now: number = Date.now()): string[] {
  const words = normalise(query).split(' ').filter(Boolean);
  if (words.length === 0) return [...zones];
  const scored: Array<{ zone: string; score: number }> = [];
  for (const zone of zones) {
    const name = normalise(zone);
    const offset = utcOffsetLabel(zone, now).toLowerCase().replace('−', '-');
    const offsetShort = offset.replace(/^utc/, '').replace(/^([+-])0?(\d+):00$/, '$1$2');
    const haystack = `${name} ${offset} ${offsetShort}`;
    if (!words.every((word) => haystack.includes(word.replace('−', '-')))) continue;
    const city = name.split(' ').slice(1).join(' ');
    const score = city === words.join(' ') ? 0 : city.startsWith(words.join(' ')) ? 1 : 2;
    scored.push({ zone, score });
  }
  return scored.sort((a, b) => a.score - b.score || a.zone.localeCompare(b.zone)).map((s) => s.zone);
}
