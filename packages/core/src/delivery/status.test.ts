import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceDeliveryState, type DeliveryState } from './status.js';

const ALL: DeliveryState[] = [
  'queued',
  'sending',
  'accepted',
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
];

describe('advanceDeliveryState', () => {
  it('moves forward only', () => {
    expect(advanceDeliveryState('accepted', 'sent')).toBe('sent');
    expect(advanceDeliveryState('delivered', 'sent')).toBe('delivered');
    expect(advanceDeliveryState('read', 'delivered')).toBe('read');
    expect(advanceDeliveryState('sent', 'read')).toBe('read');
  });

  it('treats failed as terminal', () => {
    expect(advanceDeliveryState('sent', 'failed')).toBe('failed');
    expect(advanceDeliveryState('failed', 'read')).toBe('failed');
  });

  it('ends in the same state whatever order the statuses arrive in', () => {
    const statuses = fc.array(fc.constantFrom<DeliveryState>('sent', 'delivered', 'read'), { minLength: 1 });
    fc.assert(
      fc.property(statuses, (list) => {
        const forward = list.reduce(advanceDeliveryState, 'accepted' as DeliveryState);
        const backward = [...list].reverse().reduce(advanceDeliveryState, 'accepted' as DeliveryState);
        expect(forward).toBe(backward);
        const max = ALL.filter((s) => list.includes(s)).at(-1);
        expect(forward).toBe(max);
      }),
    );
  });
});
