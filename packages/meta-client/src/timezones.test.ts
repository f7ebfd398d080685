import { describe, expect, it } from 'vitest';
import { ianaFromMetaTimezoneId, META_TIMEZONES, metaTimezoneId } from './timezones.js';

describe('Meta timezone ids', () => {
  it('maps ids both ways and knows nothing of other ids', () => {
    expect(ianaFromMetaTimezoneId(1)).toBe('America/Los_Angeles');
    expect(ianaFromMetaTimezoneId('25')).toBe('America/Sao_Paulo');
    expect(metaTimezoneId('America/Sao_Paulo')).toBe(25);
    expect(ianaFromMetaTimezoneId(9999)).toBeNull();
    expect(ianaFromMetaTimezoneId(null)).toBeNull();
    expect(ianaFromMetaTimezoneId('')).toBeNull();
    expect(ianaFromMetaTimezoneId('Europe/Madrid')).toBe('Europe/Madrid');
  });

  it('names only real IANA zones, once each', () => {
    for (const { iana } of META_TIMEZONES) {
      expect(new Intl.DateTimeFormat('en', { timeZone: iana }).resolvedOptions().timeZone).toBeTruthy();
    }
    expect(new Set(META_TIMEZONES.map((z) => z.id)).size).toBe(META_TIMEZONES.length);
  });
});
