import { describe, expect, it } from 'vitest';
import {
  BINDING_STATUSES,
  type BindingEvent,
  type BindingStatus,
  canSend,
  isTerminal,
  transitionBinding,
} from './state.js';

const EVENTS: BindingEvent[] = [
  { type: 'signup' },
  { type: 'confirm' },
  { type: 'finish' },
  { type: 'fail', reason: 'unsupported_country' },
  { type: 'partner_removed' },
  { type: 'account_offboarded' },
  { type: 'account_reconnected' },
];

/** The complete list of legal moves; anything not here must be refused. */
const LEGAL: Array<[BindingStatus, BindingEvent['type'], BindingStatus]> = [
  ['started', 'signup', 'signed_up'],
  ['signed_up', 'confirm', 'confirmed'],
  ['confirmed', 'finish', 'active'],
  ['started', 'fail', 'failed'],
  ['signed_up', 'fail', 'failed'],
  ['confirmed', 'fail', 'failed'],
  ['signed_up', 'partner_removed', 'removed'],
  ['confirmed', 'partner_removed', 'removed'],
  ['active', 'partner_removed', 'removed'],
  ['offboarded', 'partner_removed', 'removed'],
  ['active', 'account_offboarded', 'offboarded'],
  ['offboarded', 'account_reconnected', 'active'],
];

describe('transitionBinding', () => {
  it('walks the happy path started → signed_up → confirmed → active', () => {
    let status: BindingStatus = 'started';
    for (const type of ['signup', 'confirm', 'finish'] as const) {
      const result = transitionBinding(status, { type });
      expect(result.ok).toBe(true);
      if (result.ok) status = result.value;
    }
    expect(status).toBe('active');
  });

  it.each(BINDING_STATUSES.flatMap((status) => EVENTS.map((event) => [status, event] as const)))(
    'from %s on %o: legal only if listed',
    (status, event) => {
      const legal = LEGAL.find(([from, type]) => from === status && type === event.type);
      const result = transitionBinding(status, event);
      if (legal) {
        expect(result).toEqual({ ok: true, value: legal[2] });
      } else {
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.refusal.code).toBe('invalid_binding_state');
          expect(result.refusal.details).toMatchObject({ current: status, event: event.type });
          expect(result.refusal.message).toContain(status);
        }
      }
    },
  );

  it('refuses to skip confirm, and names the current state and the next step', () => {
    const result = transitionBinding('signed_up', { type: 'finish' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.message).toMatch(/signed_up/);
      expect(result.refusal.message).toMatch(/time zone/);
      expect(result.refusal.details?.allowedFrom).toEqual(['confirmed']);
    }
  });

  it('never leaves failed or removed', () => {
    for (const status of ['failed', 'removed'] as const) {
      expect(isTerminal(status)).toBe(true);
      for (const event of EVENTS) expect(transitionBinding(status, event).ok).toBe(false);
    }
  });

  it('lets only an active binding send', () => {
    expect(BINDING_STATUSES.filter(canSend)).toEqual(['active']);
  });
});
