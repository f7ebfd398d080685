import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Meta writes the same number as `16505551234` in examples and `+16505551234` in parameter
 * tables; we keep digits only.
 */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '');
}

export interface ParsedPhoneNumber {
  /** digits only, country code first */
  digits: string;
  e164: string;
  /** ITU calling code without `+`, e.g. `234` */
  countryCallingCode: string;
  /** ISO 3166-1 alpha-2 when the number maps to one country, else null (e.g. shared +1 ranges not assigned) */
  country: string | null;
}

/**
 * Parses an international number (with or without `+`). Returns null when it is not a
 * possible phone number in any country.
 */
export function parsePhoneNumber(value: string): ParsedPhoneNumber | null {
  const digits = phoneDigits(value);
  if (digits.length < 6 || digits.length > 15) return null;
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  if (!parsed?.isPossible()) return null;
  return {
    digits,
    e164: parsed.number,
    countryCallingCode: parsed.countryCallingCode,
    country: parsed.country ?? null,
  };
}
