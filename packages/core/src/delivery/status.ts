import type { MessageStatus } from '../webhooks/records.js';

/**
 * The states one of our sends goes through. `queued`/`sending` are ours; `accepted` means Meta
 * answered 200 with a wamid; the rest come from status webhooks.
 */
export type DeliveryState = 'queued' | 'sending' | 'accepted' | MessageStatus;

const RANK: Record<DeliveryState, number> = {
  queued: 0,
  sending: 1,
  accepted: 2,
  sent: 3,
  delivered: 4,
  read: 5,
  played: 6,
  failed: 7,
};

/**
 * Statuses arrive out of order and more than once; they only move forward
 * (sent < delivered < read < played), and `failed` is terminal. A `read` that arrives before
 * `delivered` stands (Meta: "delivered" is implied).
 */
export function advanceDeliveryState(current: DeliveryState, incoming: DeliveryState): DeliveryState {
  if (current === 'failed') return current;
  if (incoming === 'failed') return 'failed';
  return RANK[incoming] > RANK[current] ? incoming : current;
}
