import type { ContactDetail, MessageStatus } from '../api/types.js';

export type WindowState =
  | { kind: 'unknown' }
  | { kind: 'open'; closesAt: string; remainingMs: number }
  | { kind: 'closed'; lastInboundAt: string | null };

/**
 * The customer-service window as of `now`: the API says whether it is open and until when; the
 * page counts down itself and closes it when the time comes, without waiting for a refresh.
 */
export function windowState(contact: ContactDetail | null | undefined, now: number): WindowState {
  if (!contact) return { kind: 'unknown' };
  const { window } = contact;
  const closes = window.closes_at ? Date.parse(window.closes_at) : Number.NaN;
  if (window.open && Number.isFinite(closes) && closes > now) {
    return { kind: 'open', closesAt: window.closes_at as string, remainingMs: closes - now };
  }
  if (window.open && !window.closes_at) {
    // open without a closing time: trust the API until it says otherwise
    return { kind: 'open', closesAt: '', remainingMs: Number.POSITIVE_INFINITY };
  }
  return { kind: 'closed', lastInboundAt: window.last_inbound_at };
}

/** "2 h 05 min" style countdown, to the minute (seconds while under one). */
export function formatCountdown(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms <= 0) return '0 min';
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const minutes = Math.floor(totalSeconds / 60);
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes} min`;
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A recipient typed by hand: digits with the country code, as the Cloud API's `to` takes it. */
export function normaliseRecipient(input: string): string | null {
  const trimmed = input.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 ? digits : null;
}

// ---------------------------------------------------------------------------------------------
// A message's way through Coexist and Meta.

export const STATUS_STEPS: Array<{ status: MessageStatus; label: string; detail: string }> = [
  { status: 'queued', label: 'Queued', detail: 'Coexist accepted it and checked the rules.' },
  {
    status: 'accepted',
    label: 'Accepted',
    detail: 'The sender handed it to Meta within the number’s 20 msg/s.',
  },
  { status: 'sent', label: 'Sent', detail: 'Meta sent it to WhatsApp.' },
  { status: 'delivered', label: 'Delivered', detail: 'It reached the customer’s phone.' },
  { status: 'read', label: 'Read', detail: 'The customer opened it (if they share read receipts).' },
];

const RANK: Record<MessageStatus, number> = {
  queued: 0,
  sending: 0.5,
  accepted: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: -1,
};

export type StepState = 'done' | 'current' | 'todo';

/** Each step: reached (`done`), the one being waited for (`current`), or later (`todo`). */
export function statusSteps(
  status: MessageStatus,
): Array<(typeof STATUS_STEPS)[number] & { state: StepState }> {
  const rank = RANK[status] ?? 0;
  const next = Math.floor(rank) + 1;
  return STATUS_STEPS.map((step, i) => ({
    ...step,
    state: status === 'failed' ? 'todo' : i <= rank ? 'done' : i === next ? 'current' : 'todo',
  }));
}

export function isFinalStatus(status: MessageStatus): boolean {
  return status === 'read' || status === 'failed';
}

/** Polling: quick while it moves, slower once delivered (reading can take hours), off when final. */
export function statusRefreshMs(status: MessageStatus | undefined, ageMs: number): number | null {
  if (!status) return 1_000;
  if (isFinalStatus(status)) return null;
  if (status === 'delivered') return ageMs < 120_000 ? 1_500 : 15_000;
  return ageMs < 120_000 ? 800 : 10_000;
}
