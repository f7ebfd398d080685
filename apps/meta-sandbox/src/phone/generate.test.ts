import { describe, expect, it } from 'vitest';
import { DAY_MS, generatePhone, historyPhase, isSyncable, summarisePhone } from './generate.js';
import { localDateAt } from './local-time.js';

const spec = {
  seed: 'unit',
  businessDigits: '5511912345678',
  localTimezone: 'America/Sao_Paulo',
  onboardedAt: Date.parse('2026-11-20T15:00:00Z'),
  days: 180,
  messagesPerDay: 20,
  contacts: 30,
};

describe('generatePhone', () => {
  it('is deterministic for a seed and a number', () => {
    const a = generatePhone(spec);
    const b = generatePhone(spec);
    expect(b).toEqual(a);
    const other = generatePhone({ ...spec, seed: 'other' });
    expect(other.messages.map((m) => m.wamid)).not.toEqual(a.messages.map((m) => m.wamid));
  });

  it('makes about messages_per_day × days messages before onboarding, oldest first', () => {
    const phone = generatePhone(spec);
    expect(phone.messages.length).toBeGreaterThan(spec.messagesPerDay * spec.days * 0.85);
    expect(phone.messages.length).toBeLessThan(spec.messagesPerDay * spec.days * 1.15);
    for (let i = 1; i < phone.messages.length; i += 1) {
      expect(phone.messages[i]!.timestamp).toBeGreaterThanOrEqual(phone.messages[i - 1]!.timestamp);
    }
    expect(phone.messages.at(-1)!.timestamp).toBeLessThan(spec.onboardedAt);
    expect(phone.contacts).toHaveLength(30);
    expect(new Set(phone.messages.map((m) => m.wamid)).size).toBe(phone.messages.length);
  });

  it("happens in business hours of the business's zone, quieter at weekends", () => {
    const phone = generatePhone(spec);
    const starts = phone.messages.map((m) => localDateAt(m.timestamp, spec.localTimezone));
    const night = starts.filter((d) => d.hour < 7).length;
    expect(night / starts.length).toBeLessThan(0.05);
    const sundays = starts.filter((d) => d.weekday === 0).length;
    const wednesdays = starts.filter((d) => d.weekday === 3).length;
    expect(sundays).toBeLessThan(wednesdays * 0.6);
  });

  it('has media, reactions, groups and disappearing chats, and reactions point at a message', () => {
    const phone = generatePhone(spec);
    const types = new Set(phone.messages.map((m) => m.type));
    for (const type of ['text', 'image', 'audio', 'document', 'sticker', 'reaction'])
      expect(types.has(type as never)).toBe(true);
    expect(phone.messages.some((m) => m.group)).toBe(true);
    expect(phone.messages.some((m) => m.disappearing)).toBe(true);
    const ids = new Set(phone.messages.map((m) => m.wamid));
    for (const reaction of phone.messages.filter((m) => m.type === 'reaction')) {
      expect(ids.has(reaction.reaction!.messageId)).toBe(true);
    }
  });

  it('summarises what may be synced', () => {
    const phone = generatePhone({ ...spec, days: 200 });
    const summary = summarisePhone(phone, spec.onboardedAt);
    const syncable = phone.messages.filter((m) => isSyncable(m, spec.onboardedAt));
    expect(summary.messages.syncable).toBe(syncable.length);
    expect(summary.messages.older_than_180_days).toBeGreaterThan(0);
    expect(
      summary.messages.by_phase['0'] + summary.messages.by_phase['1'] + summary.messages.by_phase['2'],
    ).toBe(syncable.length);
    expect(syncable.every((m) => !m.group && !m.disappearing)).toBe(true);
  });
});

describe('historyPhase', () => {
  it('splits at 1 and 90 days before onboarding', () => {
    const at = spec.onboardedAt;
    expect(historyPhase(at - 1, at)).toBe(0);
    expect(historyPhase(at - DAY_MS + 1, at)).toBe(0);
    expect(historyPhase(at - DAY_MS, at)).toBe(1);
    expect(historyPhase(at - 90 * DAY_MS + 1, at)).toBe(1);
    expect(historyPhase(at - 90 * DAY_MS, at)).toBe(2);
  });
});
