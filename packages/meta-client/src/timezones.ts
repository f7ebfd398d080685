/**
 * Meta writes a business account's time zone as `timezone_id`, an integer from the Graph API's
 * timezone enum (Marketing API reference "Ad Account Timezone IDs": 1 = TZ_AMERICA_LOS_ANGELES,
 * …). The zones below are the ones Coexist can name; any other id means the owner picks the zone,
 * which the binding flow asks for anyway when the account has none.
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

/** Meta's `timezone_id` for an IANA name, or null when the table does not have that zone. */
export function metaTimezoneId(iana: string): number | null {
  return BY_IANA.get(iana) ?? null;
}

/**
 * The IANA name behind Meta's `timezone_id` (number or numeric string), or null when unknown.
 * An IANA name, should Graph ever return one, is taken as it is.
 */
export function ianaFromMetaTimezoneId(id: number | string | null | undefined): string | null {
  if (id === null || id === undefined || id === '') return null;
  if (typeof id === 'string' && id.includes('/')) return id;
  return BY_ID.get(Number(id)) ?? null;
}
