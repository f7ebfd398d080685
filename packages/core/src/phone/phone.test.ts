import { describe, expect, it } from 'vitest';
import { parsePhoneNumber, phoneDigits } from './phone.js';

describe('phone numbers', () => {
  it('keeps digits only, as Meta writes numbers both with and without +', () => {
    expect(phoneDigits('+1 (650) 555-1234')).toBe('16505551234');
    expect(phoneDigits('16505551234')).toBe('16505551234');
  });

  it('parses the calling code and country from E.164 with or without +', () => {
    expect(parsePhoneNumber('+5511987654321')).toEqual({
      digits: '5511987654321',
      e164: '+5511987654321',
      countryCallingCode: '55',
      country: 'BR',
    });
    expect(parsePhoneNumber('2348031234567')?.country).toBe('NG');
    expect(parsePhoneNumber('447911123456')?.countryCallingCode).toBe('44');
  });

  it('returns null for things that are not numbers', () => {
    expect(parsePhoneNumber('abc')).toBeNull();
    expect(parsePhoneNumber('12')).toBeNull();
    expect(parsePhoneNumber('9'.repeat(20))).toBeNull();
  });
});
