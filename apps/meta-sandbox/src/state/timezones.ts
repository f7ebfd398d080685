/**
 * Meta's `timezone_id` enum ↔ IANA names: the table lives in @coexist/meta-client, which the
 * platform reads it with; the sandbox writes with the same one, so the two always agree.
 */
export { ianaFromMetaTimezoneId, META_TIMEZONES, metaTimezoneId } from '@coexist/meta-client';

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
