import { parsePhoneNumber } from '@coexist/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface DescribedNumber {
  digits: string;
  /** as Graph's `display_phone_number` writes it, e.g. `+1 555-078-3881` */
  display: string;
  callingCode: string;
  /** ISO country; for ranges with no assigned country (test numbers), the calling code's main one */
  country: string | null;
}

/** Countries behind calling codes shared by test ranges (`+1 555…`) that libphonenumber leaves unassigned. */
const MAIN_COUNTRY: Record<string, string> = {
  '1': 'US',
  '7': 'RU',
  '20': 'EG',
  '27': 'ZA',
  '31': 'NL',
  '32': 'BE',
  '33': 'FR',
  '34': 'ES',
  '39': 'IT',
  '41': 'CH',
  '43': 'AT',
  '44': 'GB',
  '45': 'DK',
  '48': 'PL',
  '49': 'DE',
  '51': 'PE',
  '52': 'MX',
  '54': 'AR',
  '55': 'BR',
  '56': 'CL',
  '57': 'CO',
  '61': 'AU',
  '62': 'ID',
  '63': 'PH',
  '65': 'SG',
  '86': 'CN',
  '90': 'TR',
  '91': 'IN',
  '234': 'NG',
  '254': 'KE',
  '351': 'PT',
  '353': 'IE',
  '372': 'EE',
  '420': 'CZ',
  '506': 'CR',
  '593': 'EC',
  '880': 'BD',
  '966': 'SA',
  '971': 'AE',
};

/** A business number as the sandbox stores it, or null when it is not a possible number. */
export function describeNumber(input: string): DescribedNumber | null {
  if (!/^\+?[\d\s().-]+$/.test(input.trim())) return null;
  const parsed = parsePhoneNumber(input);
  if (!parsed) return null;
  const full = parsePhoneNumberFromString(parsed.e164);
  const international = full?.formatInternational() ?? parsed.e164;
  // Graph writes NANP numbers as `+1 555-078-3881`.
  const display =
    parsed.countryCallingCode === '1'
      ? international.replace(/^\+1 (\d{3})[ -]?(\d{3})[ -]?(\d{4})$/, '+1 $1-$2-$3')
      : international;
  return {
    digits: parsed.digits,
    display,
    callingCode: parsed.countryCallingCode,
    country: parsed.country ?? MAIN_COUNTRY[parsed.countryCallingCode] ?? null,
  };
}

const CURRENCY: Record<string, string> = {
  US: 'USD',
  CA: 'CAD',
  BR: 'BRL',
  MX: 'MXN',
  AR: 'ARS',
  CL: 'CLP',
  CO: 'COP',
  PE: 'PEN',
  GB: 'GBP',
  IN: 'INR',
  ID: 'IDR',
  NG: 'NGN',
  ZA: 'ZAR',
  AE: 'AED',
  AU: 'AUD',
  CN: 'CNY',
  EG: 'EGP',
  CH: 'CHF',
  DK: 'DKK',
  CZ: 'CZK',
  PL: 'PLN',
  TR: 'TRY',
  SA: 'SAR',
};

const EURO = new Set(['DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'AT', 'PT', 'IE', 'EE', 'FI']);

export function currencyFor(country: string | null): string {
  if (!country) return 'USD';
  if (EURO.has(country)) return 'EUR';
  return CURRENCY[country] ?? 'USD';
}
