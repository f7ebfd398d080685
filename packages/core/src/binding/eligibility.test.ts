import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkActivation,
  checkAppVersion,
  checkEligibility,
  checkNumberCountry,
  checkTimezone,
  compareAppVersions,
  DEFAULT_UNSUPPORTED_CALLING_CODES,
  parseAppVersion,
  resolveBindingTimezone,
} from './eligibility.js';

const v = (s: string) => parseAppVersion(s)!;

describe('app version', () => {
  it('compares numerically, not as text', () => {
    expect(compareAppVersions(v('2.24.9'), v('2.24.17'))).toBe(-1);
    expect(compareAppVersions(v('2.24.17'), v('2.25.0'))).toBe(-1);
    expect(compareAppVersions(v('2.25.0'), v('2.24.17'))).toBe(1);
    expect(compareAppVersions(v('2.24.17'), v('2.24.17.0'))).toBe(0);
    expect(compareAppVersions(v('2.24.17.78'), v('2.24.17'))).toBe(1);
    expect(compareAppVersions(v('10.0.0'), v('9.99.99'))).toBe(1);
  });

  it('is a total order consistent with the numbers', () => {
    const version = fc.array(fc.nat({ max: 999 }), { minLength: 2, maxLength: 4 });
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareAppVersions(a, b)).toBe(-compareAppVersions(b, a));
        expect(compareAppVersions(a, a)).toBe(0);
      }),
    );
  });

  it.each([
    ['2.24.17', true],
    ['2.24.17.78', true],
    ['2.25.0', true],
    ['3.0', true],
    ['2.24.16', false],
    ['2.24.9', false],
    ['2.23.99', false],
    ['1.99.99', false],
  ])('%s allowed: %s', (version, allowed) => {
    const result = checkAppVersion(version);
    expect(result.ok).toBe(allowed);
    if (!result.ok) {
      expect(result.refusal.code).toBe('app_version_too_old');
      expect(result.refusal.message).toContain('2.24.17');
    }
  });

  it.each(['', 'v2.24.17', '2', '2.24.x', '2..24', 'latest', '2.24.17-beta'])(
    'refuses %j as not a version',
    (version) => {
      const result = checkAppVersion(version);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.refusal.code).toBe('invalid_app_version');
    },
  );
});

describe('country', () => {
  it('refuses Nigeria and South Africa by default, parsing the number', () => {
    for (const number of ['+2348031234567', '2348031234567', '+27 82 123 4567']) {
      const result = checkNumberCountry(number);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.refusal.code).toBe('unsupported_country');
    }
    const ng = checkNumberCountry('+2348031234567');
    if (!ng.ok) {
      expect(ng.refusal.message).toContain('Nigeria');
      expect(ng.refusal.details).toMatchObject({ country_calling_code: '234', country: 'NG' });
    }
  });

  it('does not confuse a prefix with a calling code', () => {
    // +27 is South Africa, but +2… numbers of other countries (Egypt +20, Zambia +260) are fine,
    // and a US number containing 234 after the country code is fine.
    for (const number of [
      '+201001234567',
      '+260971234567',
      '+12345678901',
      '+15550783881',
      '+5511987654321',
    ]) {
      expect(checkNumberCountry(number).ok, number).toBe(true);
    }
  });

  it('uses the configured list, not a hard-coded one', () => {
    expect(checkNumberCountry('+2348031234567', []).ok).toBe(true);
    const br = checkNumberCountry('+5511987654321', ['55']);
    expect(br.ok).toBe(false);
    expect(DEFAULT_UNSUPPORTED_CALLING_CODES).toEqual(['234', '27']);
  });

  it('refuses something that is not a phone number', () => {
    for (const number of ['', 'hello', '+1', '0000']) {
      const result = checkNumberCountry(number);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.refusal.code).toBe('invalid_phone_number');
    }
  });
});

describe('time zone', () => {
  it.each(['America/Sao_Paulo', 'Europe/Madrid', 'Asia/Kolkata', 'UTC', 'America/Argentina/Buenos_Aires'])(
    'accepts %s',
    (tz) => expect(checkTimezone(tz).ok).toBe(true),
  );

  it.each(['', 'Mars/Olympus', '+03:00', 'GMT+3', 'EST', 'america sao paulo', '../../etc/passwd', 'Europe/'])(
    'refuses %j',
    (tz) => {
      const result = checkTimezone(tz);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.refusal.code).toBe('invalid_timezone');
    },
  );

  it('is required when the business account has none, and the owner choice wins', () => {
    const missing = resolveBindingTimezone(null, '');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.refusal.code).toBe('timezone_required');
    expect(resolveBindingTimezone('Europe/Madrid', null)).toEqual({ ok: true, value: 'Europe/Madrid' });
    expect(resolveBindingTimezone('Europe/Madrid', 'America/Sao_Paulo')).toEqual({
      ok: true,
      value: 'America/Sao_Paulo',
    });
    expect(resolveBindingTimezone(null, 'Nowhere/Land').ok).toBe(false);
  });

  it('is required before activation', () => {
    expect(checkActivation({ timezone: null }).ok).toBe(false);
    expect(checkActivation({ timezone: 'Africa/Cairo' }).ok).toBe(true);
  });
});

describe('checkEligibility', () => {
  it('reports the country before the app version', () => {
    const result = checkEligibility({ displayPhoneNumber: '+27821234567', appVersion: '2.20.1' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.refusal.code).toBe('unsupported_country');
  });

  it('refuses an old app on a supported number and accepts a current one', () => {
    const old = checkEligibility({ displayPhoneNumber: '15550783881', appVersion: '2.24.9' });
    expect(old.ok).toBe(false);
    if (!old.ok) expect(old.refusal.code).toBe('app_version_too_old');
    const ok = checkEligibility({ displayPhoneNumber: '15550783881', appVersion: '2.24.17' });
    expect(ok).toMatchObject({ ok: true, value: { countryCallingCode: '1' } });
  });

  it('does not invent an app version when none was reported', () => {
    expect(checkEligibility({ displayPhoneNumber: '+5511987654321' }).ok).toBe(true);
  });
});
