/**
 * Meta writes a business account's time zone as `timezone_id`, an integer from the Graph API's
 * timezone enum (Marketing API reference "Ad Account Timezone IDs": 1 = TZ_AMERICA_LOS_ANGELES,
 * …). Only the zones the sandbox offers are listed; a business without a time zone has no
 * `timezone_id` at all, which is the case the platform must handle by asking for one.
 */
export const META_TIMEZONES: ReadonlyArray<{ id: number; iana: string }> = [
  { id: 1, iana: 'America/Los_Angeles' },
  { id: 2, iana: 'America/Denver' },
  { id: 3, iana: 'Pacific/Honolulu' },
  { id: 4, iana: 'America/Anchorage' },
  { id: 5, iana: 'America/Phoenix' },
  { id: 6, iana: 'America/Chicago' },
  { id: 7, iana: 'America/New_York' },
  { id: 8, iana: 'Asia/Dubai' },
  { id: 10, iana: 'America/Argentina/Buenos_Aires' },
  { id: 12, iana: 'Europe/Vienna' },
  { id: 13, iana: 'Australia/Perth' },
  { id: 15, iana: 'Australia/Sydney' },
  { id: 17, iana: 'Asia/Dhaka' },
  { id: 18, iana: 'Europe/Brussels' },
  { id: 25, iana: 'America/Sao_Paulo' },
  { id: 28, iana: 'America/Vancouver' },
  { id: 35, iana: 'America/Toronto' },
  { id: 37, iana: 'America/Halifax' },
  { id: 39, iana: 'Europe/Zurich' },
  { id: 41, iana: 'America/Santiago' },
  { id: 42, iana: 'Asia/Shanghai' },
  { id: 43, iana: 'America/Bogota' },
  { id: 44, iana: 'America/Costa_Rica' },
  { id: 46, iana: 'Europe/Prague' },
  { id: 47, iana: 'Europe/Berlin' },
  { id: 48, iana: 'Europe/Copenhagen' },
  { id: 49, iana: 'America/Santo_Domingo' },
  { id: 51, iana: 'America/Guayaquil' },
  { id: 52, iana: 'Europe/Tallinn' },
  { id: 53, iana: 'Africa/Cairo' },
];

const BY_IANA = new Map(META_TIMEZONES.map((zone) => [zone.iana, zone.id]));
const BY_ID = new Map(META_TIMEZONES.map((zone) => [zone.id, zone.iana]));

/** Meta's `timezone_id` for an IANA name, or null when the sandbox does not offer that zone. */
export function metaTimezoneId(iana: string): number | null {
  return BY_IANA.get(iana) ?? null;
}

/** The IANA name behind a Meta `timezone_id` (number or numeric string), or null. */
export function ianaFromMetaTimezoneId(id: number | string): string | null {
  return BY_ID.get(Number(id)) ?? null;
}

/**
 * The business time zone a new account gets by default, by ISO country: only where the
 * country has one zone in the table above. Elsewhere the account has none, as many real
 * WhatsApp Business accounts do.
 */
export const DEFAULT_BUSINESS_TIMEZONE: Readonly<Record<string, string>> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  BR: 'America/Sao_Paulo',
  AR: 'America/Argentina/Buenos_Aires',
  CL: 'America/Santiago',
  CO: 'America/Bogota',
  CR: 'America/Costa_Rica',
  DO: 'America/Santo_Domingo',
  EC: 'America/Guayaquil',
  DE: 'Europe/Berlin',
  AT: 'Europe/Vienna',
  BE: 'Europe/Brussels',
  CH: 'Europe/Zurich',
  CZ: 'Europe/Prague',
  DK: 'Europe/Copenhagen',
  EE: 'Europe/Tallinn',
  AE: 'Asia/Dubai',
  BD: 'Asia/Dhaka',
  CN: 'Asia/Shanghai',
  EG: 'Africa/Cairo',
  AU: 'Australia/Sydney',
};

/**
 * Where the phone's owner lives, for business hours in generated chats: every country the
 * sandbox knows, including those whose zone Meta's table above leaves out.
 */
export const PHONE_LOCAL_TIMEZONE: Readonly<Record<string, string>> = {
  ...DEFAULT_BUSINESS_TIMEZONE,
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  FR: 'Europe/Paris',
  ES: 'Europe/Madrid',
  IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam',
  PT: 'Europe/Lisbon',
  PL: 'Europe/Warsaw',
  MX: 'America/Mexico_City',
  PE: 'America/Lima',
  IN: 'Asia/Kolkata',
  ID: 'Asia/Jakarta',
  SG: 'Asia/Singapore',
  PH: 'Asia/Manila',
  NG: 'Africa/Lagos',
  ZA: 'Africa/Johannesburg',
  KE: 'Africa/Nairobi',
  TR: 'Europe/Istanbul',
  SA: 'Asia/Riyadh',
};

/** Whether the runtime knows an IANA zone name. */
export function isIanaTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
