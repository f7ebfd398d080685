import { parsePhoneNumber } from '../phone/phone.js';
import { allow, type RuleResult, refuse } from '../refusal.js';

/** Meta: "Business clients must use WhatsApp Business app version 2.24.17 or higher." */
export const MINIMUM_APP_VERSION = '2.24.17';

/**
 * The seed names Nigeria (+234) and South Africa (+27); Meta's newer pages dropped the list,
 * so deployments configure it and these are only the default.
 */
export const DEFAULT_UNSUPPORTED_CALLING_CODES: readonly string[] = ['234', '27'];

/**
 * Parses a WhatsApp version such as `2.24.17` or `2.24.17.78` into numbers. Returns null for
 * anything else (letters, empty parts, leading `v`…), so a typo is never mistaken for a version.
 */
export function parseAppVersion(version: string): number[] | null {
  const trimmed = version.trim();
  if (!/^\d{1,6}(\.\d{1,6}){1,3}$/.test(trimmed)) return null;
  return trimmed.split('.').map(Number);
}

/** Numeric, part by part: 2.24.9 < 2.24.17 < 2.25.0, and 2.24.17 = 2.24.17.0. */
export function compareAppVersions(a: number[], b: number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

export function checkAppVersion(
  version: string,
  minimum: string = MINIMUM_APP_VERSION,
): RuleResult<string, 'app_version_too_old' | 'invalid_app_version'> {
  const parsed = parseAppVersion(version);
  if (!parsed) {
    return refuse(
      'invalid_app_version',
      `"${version}" is not a WhatsApp Business app version. Find it in the app under Settings > Help > App info (for example 2.24.17).`,
      { app_version: version },
    );
  }
  if (compareAppVersions(parsed, parseAppVersion(minimum)!) < 0) {
    return refuse(
      'app_version_too_old',
      `The WhatsApp Business app on this phone is version ${version}; coexistence needs ${minimum} or newer. Update the app from the store, then connect again.`,
      { app_version: version, minimum_version: minimum },
    );
  }
  return allow(parsed.join('.'));
}

export interface NumberCountry {
  countryCallingCode: string;
  country: string | null;
  e164: string;
}

export function checkNumberCountry(
  phoneNumber: string,
  unsupportedCallingCodes: readonly string[] = DEFAULT_UNSUPPORTED_CALLING_CODES,
): RuleResult<NumberCountry, 'unsupported_country' | 'invalid_phone_number'> {
  const parsed = parsePhoneNumber(phoneNumber);
  if (!parsed) {
    return refuse(
      'invalid_phone_number',
      `"${phoneNumber}" is not an international phone number (country code first, for example +15550783881).`,
      { phone_number: phoneNumber },
    );
  }
  if (unsupportedCallingCodes.includes(parsed.countryCallingCode)) {
    const where = parsed.country ? regionName(parsed.country) : `+${parsed.countryCallingCode}`;
    return refuse(
      'unsupported_country',
      `Numbers from ${where} (+${parsed.countryCallingCode}) cannot use the WhatsApp Business app together with the Cloud API.`,
      {
        phone_number: parsed.e164,
        country_calling_code: parsed.countryCallingCode,
        country: parsed.country,
      },
    );
  }
  return allow({ countryCallingCode: parsed.countryCallingCode, country: parsed.country, e164: parsed.e164 });
}

function regionName(country: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
}

/**
 * An IANA zone name such as `America/Sao_Paulo` or `UTC`, returned in its canonical spelling.
 * Offsets (`+03:00`) and abbreviations (`EST`) are refused: the analytics buckets and the
 * business's hours must follow daylight-saving rules, which only a zone name carries.
 */
export function checkTimezone(timezone: string): RuleResult<string, 'invalid_timezone'> {
  const trimmed = timezone.trim();
  const refusal = refuse(
    'invalid_timezone',
    `"${timezone}" is not a time zone name. Use an IANA name such as America/Sao_Paulo or Europe/Madrid.`,
    { timezone },
  );
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(trimmed)) return refusal;
  if (!trimmed.includes('/') && !['UTC', 'GMT', 'Etc/UTC'].includes(trimmed)) return refusal;
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
    return allow(canonical);
  } catch {
    return refusal;
  }
}

/**
 * Meta's business account may already carry a time zone; when it does not, the owner must
 * pick one before the number may send (InnoPaaS: "the platform API will not be able to send").
 */
export function resolveBindingTimezone(
  businessTimezone: string | null | undefined,
  provided: string | null | undefined,
): RuleResult<string, 'timezone_required' | 'invalid_timezone'> {
  const chosen = provided?.trim() || businessTimezone?.trim();
  if (!chosen) {
    return refuse(
      'timezone_required',
      'This business account has no time zone. Choose the time zone of the country where the number is used; it is required before the number can send.',
      { field: 'timezone' },
    );
  }
  return checkTimezone(chosen);
}

export interface EligibilityInput {
  displayPhoneNumber: string;
  /** as the owner read it in the app; Meta does not report it */
  appVersion?: string | null;
}

export interface EligibilityConfig {
  unsupportedCallingCodes?: readonly string[];
  minimumAppVersion?: string;
}

/**
 * What stops a number from coexisting, in the order that matters: a number from an
 * unsupported country cannot coexist whatever its app, so its country is checked first.
 * The app version is checked when the owner reported it (Meta does not).
 */
export function checkEligibility(
  input: EligibilityInput,
  config: EligibilityConfig = {},
): RuleResult<
  NumberCountry,
  'unsupported_country' | 'invalid_phone_number' | 'app_version_too_old' | 'invalid_app_version'
> {
  const country = checkNumberCountry(input.displayPhoneNumber, config.unsupportedCallingCodes);
  if (!country.ok) return country;
  if (input.appVersion != null && input.appVersion !== '') {
    const version = checkAppVersion(input.appVersion, config.minimumAppVersion);
    if (!version.ok) return version;
  }
  return country;
}

/** A number may only start sending once its time zone is known (the seed's step 9). */
export function checkActivation(binding: {
  timezone: string | null;
}): RuleResult<string, 'timezone_required' | 'invalid_timezone'> {
  return resolveBindingTimezone(null, binding.timezone);
}
