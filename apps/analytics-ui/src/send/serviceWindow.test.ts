import { describe, expect, it } from 'vitest';
import type { ContactDetail } from '../api/types.js';
import {
  formatCountdown,
  normaliseRecipient,
  statusRefreshMs,
  statusSteps,
  windowState,
} from './serviceWindow.js';

const contact = (window: ContactDetail['window']): ContactDetail => ({
  wa_id: '1',
  name: null,
  window,
  opted_out: null,
});

describe('the customer-service window', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');

  it('counts down while it is open', () => {
    const state = windowState(
      contact({ open: true, last_inbound_at: '2026-05-01T09:00:00Z', closes_at: '2026-05-02T09:00:00Z' }),
      now,
    );
    expect(state).toEqual({ kind: 'open', closesAt: '2026-05-02T09:00:00Z', remainingMs: 21 * 3_600_000 });
    expect(formatCountdown(state.kind === 'open' ? state.remainingMs : 0)).toBe('21 h 00 min');
  });

  it('closes by itself when the time comes, without waiting for the API', () => {
    const open = contact({
      open: true,
      last_inbound_at: '2026-04-30T12:00:00Z',
      closes_at: '2026-05-01T12:00:00Z',
    });
    expect(windowState(open, now - 1).kind).toBe('open');
    expect(windowState(open, now)).toEqual({ kind: 'closed', lastInboundAt: '2026-04-30T12:00:00Z' });
  });

  it('is closed for a contact that never wrote, unknown without a contact', () => {
    expect(windowState(contact({ open: false, last_inbound_at: null, closes_at: null }), now)).toEqual({
      kind: 'closed',
      lastInboundAt: null,
    });
    expect(windowState(undefined, now)).toEqual({ kind: 'unknown' });
  });

  it.each([
    [0, '0 min'],
    [42_000, '42 s'],
    [5 * 60_000 + 10_000, '5 min'],
    [2 * 3_600_000 + 5 * 60_000, '2 h 05 min'],
  ])('countdown %d ms → %s', (ms, text) => expect(formatCountdown(ms)).toBe(text));
});

describe('recipients typed by hand', () => {
  it.each([
    ['+55 11 91234-5678', '5511912345678'],
    ['(650) 555-1234', '6505551234'],
    ['12', null],
    ['Pablo', null],
    ['+1234567890123456', null],
  ])('%s → %s', (input, digits) => expect(normaliseRecipient(input)).toBe(digits));
});

describe('a message’s statuses', () => {
  const states = (status: Parameters<typeof statusSteps>[0]) => statusSteps(status).map((s) => s.state);

  it('marks what was reached and what is awaited', () => {
    expect(states('queued')).toEqual(['done', 'current', 'todo', 'todo', 'todo']);
    expect(states('sending')).toEqual(['done', 'current', 'todo', 'todo', 'todo']);
    expect(states('sent')).toEqual(['done', 'done', 'done', 'current', 'todo']);
    expect(states('read')).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(states('failed')).toEqual(['todo', 'todo', 'todo', 'todo', 'todo']);
  });

  it('polls fast while it moves, slowly after a while, never once final', () => {
    expect(statusRefreshMs(undefined, 0)).toBe(1_000);
    expect(statusRefreshMs('queued', 1_000)).toBe(800);
    expect(statusRefreshMs('delivered', 1_000)).toBe(1_500);
    expect(statusRefreshMs('delivered', 600_000)).toBe(15_000);
    expect(statusRefreshMs('read', 0)).toBeNull();
    expect(statusRefreshMs('failed', 0)).toBeNull();
  });
});
