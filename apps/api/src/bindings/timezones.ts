/**
 * Meta reports a business account's time zone as `timezone_id`, an integer from its own time-zone
 * enum, not an IANA name. Only the ids below are known to us with certainty; any other id (or
 * none) means the owner picks the zone in the wizard, which the seed makes a required step
 * anyway. An IANA name, should Graph ever return one, is taken as it is.
 */
const META_TIMEZONE_IDS: Readonly<Record<string, string>> = {
  '1': 'America/Los_Angeles',
  '2': 'America/Denver',
  '3': 'Pacific/Honolulu',
  '4': 'America/Anchorage',
  '5': 'America/Phoenix',
  '6': 'America/Chicago',
  '7': 'America/New_York',
};

export function timezoneFromMeta(timezoneId: string | null): string | null {
  if (!timezoneId) return null;
  if (timezoneId.includes('/')) return timezoneId;
  return META_TIMEZONE_IDS[timezoneId] ?? null;
}
