import { allow, type RuleResult, refuse } from '../refusal.js';

/**
 * One binding is one attempt to connect a WhatsApp Business app number to an account:
 *
 *   started ──signup──▶ signed_up ──confirm──▶ confirmed ──finish──▶ active
 *      │                   │                      │                    │
 *      └──────fail─────────┴─────────fail─────────┘                    │
 *                          (failed: terminal, with a reason)           │
 *   signed_up | confirmed | active ──PARTNER_REMOVED──▶ removed        │
 *   active ──ACCOUNT_OFFBOARDED──▶ offboarded ──ACCOUNT_RECONNECTED──▶ active
 *
 * `removed` ends the binding for good (the owner unlinked the number in the app); history
 * stays. A new connection is a new binding.
 */
export type BindingStatus =
  | 'started'
  | 'signed_up'
  | 'confirmed'
  | 'active'
  | 'failed'
  | 'removed'
  | 'offboarded';

export const BINDING_STATUSES: readonly BindingStatus[] = [
  'started',
  'signed_up',
  'confirmed',
  'active',
  'failed',
  'removed',
  'offboarded',
];

/** Why a binding failed; every one has a message for the person connecting the number. */
export type BindingFailureReason =
  | 'unsupported_country'
  | 'app_version_too_old'
  | 'invalid_app_version'
  | 'invalid_phone_number'
  | 'code_exchange_failed'
  | 'number_not_found'
  | 'not_on_business_app'
  | 'subscription_failed'
  | 'sync_window_expired'
  | 'abandoned';

export type BindingEvent =
  | { type: 'signup' }
  | { type: 'confirm' }
  | { type: 'finish' }
  | { type: 'fail'; reason: BindingFailureReason }
  | { type: 'partner_removed' }
  | { type: 'account_offboarded' }
  | { type: 'account_reconnected' };

const TRANSITIONS: Record<BindingEvent['type'], Partial<Record<BindingStatus, BindingStatus>>> = {
  signup: { started: 'signed_up' },
  confirm: { signed_up: 'confirmed' },
  finish: { confirmed: 'active' },
  fail: { started: 'failed', signed_up: 'failed', confirmed: 'failed' },
  partner_removed: { signed_up: 'removed', confirmed: 'removed', active: 'removed', offboarded: 'removed' },
  account_offboarded: { active: 'offboarded' },
  account_reconnected: { offboarded: 'active' },
};

/** What step a caller would have to take next, for error messages. */
const NEXT_STEP: Record<BindingStatus, string> = {
  started: 'complete Embedded Signup and call signup',
  signed_up: 'confirm the business account and its time zone',
  confirmed: 'finish the binding',
  active: 'nothing: the number is bound and can send',
  failed: 'start a new binding',
  removed: 'start a new binding: the number was unlinked from the WhatsApp Business app',
  offboarded: 'wait for the owner to reconnect the number, or start a new binding',
};

export interface InvalidBindingTransition {
  current: BindingStatus;
  event: BindingEvent['type'];
  allowedFrom: BindingStatus[];
}

export function transitionBinding(
  current: BindingStatus,
  event: BindingEvent,
): RuleResult<BindingStatus, 'invalid_binding_state'> {
  const next = TRANSITIONS[event.type][current];
  if (next) return allow(next);
  const allowedFrom = Object.keys(TRANSITIONS[event.type]) as BindingStatus[];
  return refuse(
    'invalid_binding_state',
    `The binding is ${current}; "${event.type}" is only possible when it is ${allowedFrom.join(' or ')}. Next step: ${NEXT_STEP[current]}.`,
    { current, event: event.type, allowedFrom } satisfies InvalidBindingTransition as unknown as Record<
      string,
      unknown
    >,
  );
}

/** A binding in one of these states has a number that may send through the API. */
export function canSend(status: BindingStatus): boolean {
  return status === 'active';
}

/** No event leaves these states. */
export function isTerminal(status: BindingStatus): boolean {
  return status === 'failed' || status === 'removed';
}
