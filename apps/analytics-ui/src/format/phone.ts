import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * "+5511912345678" as people write it: "+55 11 91234-5678". The API keeps digits; anything that
 * is not a phone number (a business-scoped user id) is shown as it is.
 */
export function formatPhone(value: string | null | undefined): string {
  if (!value) return '—';
  const digits = value.replace(/[^\d+]/g, '');
  if (!/^\+?\d{6,15}$/.test(digits)) return value;
  const parsed = parsePhoneNumberFromString(digits.startsWith('+') ? digits : `+${digits}`);
  return parsed?.isPossible() ? parsed.formatInternational() : value;
}
