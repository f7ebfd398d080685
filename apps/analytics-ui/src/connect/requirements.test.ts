import { describe, expect, it } from 'vitest';
import { checkAppVersion, compareVersions, describeCallingCode, filterTimeZones } from './requirements.js';

describe('the app version the owner reports', () => {
  it('compares versions part by part', () => {
    expect(compareVersions('2.24.17', '2.24.17')).toBe(0);
    expect(compareVersions('2.24.9', '2.24.17')).toBe(-1);
    expect(compareVersions('2.25', '2.24.17')).toBe(1);
    expect(compareVersions('2.24', '2.24.0')).toBe(0);
  });

  it('accepts the minimum and newer, refusing older versions in words', () => {
    expect(checkAppVersion(' 2.25.12 ', '2.24.17')).toEqual({ ok: true, version: '2.25.12' });
    expect(checkAppVersion('v2.24.17', '2.24.17')).toEqual({ ok: true, version: '2.24.17' });
    const old = checkAppVersion('2.24.9', '2.24.17');
    expect(old.ok).toBe(false);
    expect(!old.ok && old.message).toMatch(
      /Version 2.24.9 is too old: connecting needs WhatsApp Business app 2.24.17 or newer/,
    );
    expect(checkAppVersion('latest', '2.24.17')).toMatchObject({
      ok: false,
      message: expect.stringContaining('not a version number'),
    });
    expect(checkAppVersion('', '2.24.17')).toMatchObject({
      ok: false,
      message: expect.stringContaining('App info'),
    });
  });
});

describe('unsupported countries', () => {
  it('names the countries Meta listed', () => {
    expect(describeCallingCode('234')).toBe('Nigeria (+234)');
    expect(describeCallingCode('+27')).toBe('South Africa (+27)');
    expect(describeCallingCode('999')).toBe('+999');
  });
});

describe('time-zone search', () => {
  const zones = [
    'America/Sao_Paulo',
    'America/New_York',
    'Europe/Paris',
    'Asia/Kolkata',
    'UTC',
    'America/Argentina/Buenos_Aires',
  ];
  const now = Date.parse('2026-05-01T00:00:00Z');

  it('finds zones by city words, ignoring case, underscores and accents', () => {
    expect(filterTimeZones(zones, 'são paulo', now)).toEqual(['America/Sao_Paulo']);
    expect(filterTimeZones(zones, 'new york', now)).toEqual(['America/New_York']);
    expect(filterTimeZones(zones, 'america', now)).toEqual([
      'America/Argentina/Buenos_Aires',
      'America/New_York',
      'America/Sao_Paulo',
    ]);
  });

  it('finds zones by offset', () => {
    expect(filterTimeZones(zones, 'utc-03', now)).toEqual([
      'America/Argentina/Buenos_Aires',
      'America/Sao_Paulo',
    ]);
    expect(filterTimeZones(zones, '+05:30', now)).toEqual(['Asia/Kolkata']);
  });

  it('lists everything for an empty search', () => {
    expect(filterTimeZones(zones, '  ', now)).toHaveLength(zones.length);
  });
});
