import type { PhoneContents } from '../phone/generate.js';
import { PairRateLimiter, type PairRateSettings } from '../rules/pair-rate.js';
import { PeakCounter, SlidingWindow } from '../rules/throughput.js';
import type { TemplateStore } from '../templates/store.js';

/** What Meta keeps about the businesses that went through Embedded Signup with this app. */

export interface Portfolio {
  id: string;
  name: string;
  createdAt: number;
}

export interface Waba {
  id: string;
  businessId: string;
  name: string;
  currency: string;
  /** IANA name; null when the business set none (then `timezone_id` is absent) */
  timezone: string | null;
  namespace: string;
  templates: TemplateStore;
  /** `POST /<WABA>/subscribed_apps` was called (and not undone) */
  subscribed: boolean;
  overrideCallbackUri: string | null;
  /** another partner's app still subscribed, as a previous provider may leave behind */
  previousPartner: { appId: string; name: string; overrideCallbackUri: string | null } | null;
  phoneNumberIds: string[];
  createdAt: number;
}

export type SyncProgress = 'not_requested' | 'sending' | 'sent' | 'declined';

export interface SyncState {
  state: SyncProgress;
  calls: number;
  requestedAt: number | null;
  requestId: string | null;
  webhooks: number;
}

/** How many of each outcome a number had: what `GET /__sandbox/numbers/{id}/stats` shows. */
export interface NumberCounters {
  accepted: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  duplicatesByCallbackData: number;
  registerCalls: number;
  deregisterCalls: number;
  markAsRead: number;
  inbound: number;
  echoes: number;
  unavailable: number;
  templates: number;
}

export interface StoredSend {
  wamid: string;
  to: string;
  type: string;
  acceptedAt: number;
  bizOpaqueCallbackData: string | null;
  template: { name: string; language: string } | null;
  body: unknown;
}

export interface PhoneNumber {
  id: string;
  wabaId: string;
  businessId: string;
  digits: string;
  /** as Meta formats it: `+1 555-078-3881` */
  display: string;
  verifiedName: string;
  country: string | null;
  appVersion: string;
  shareHistory: boolean;
  /** where the owner lives: business hours of generated chats */
  localTimezone: string;
  /** sandbox clock ms */
  onboardedAt: number;
  linked: boolean;
  /** why the number is not linked any more: the owner unlinked it, or Meta offboarded it */
  unlinkedBy: 'partner_removed' | 'offboarded' | null;
  generation: { days: number; messagesPerDay: number; contacts: number };
  overrideCallbackUri: string | null;
  sync: { contacts: SyncState; history: SyncState };
  /** the last live inbound message per contact (sandbox clock ms): the service window */
  serviceWindows: Map<string, number>;
  /** inbound wamids that may be marked as read */
  inboundWamids: Set<string>;
  callbackData: Set<string>;
  counters: NumberCounters;
  /** accepted and inbound traffic in the last second (monotonic ms) */
  window: SlidingWindow;
  /** accepted sends only, for `max_accepted_in_any_1s` */
  acceptedPeak: PeakCounter;
  /** sends and inbound, for `max_traffic_in_any_1s` */
  trafficPeak: PeakCounter;
  pairRate: PairRateLimiter;
  sends: StoredSend[];
  sendsNext: number;
  /** generated on first use */
  phone: PhoneContents | null;
}

export function newSyncState(): SyncState {
  return { state: 'not_requested', calls: 0, requestedAt: null, requestId: null, webhooks: 0 };
}

export function newCounters(): NumberCounters {
  return {
    accepted: 0,
    rejected: 0,
    rejectedByCode: {},
    duplicatesByCallbackData: 0,
    registerCalls: 0,
    deregisterCalls: 0,
    markAsRead: 0,
    inbound: 0,
    echoes: 0,
    unavailable: 0,
    templates: 0,
  };
}

export function newTraffic(
  pair: () => PairRateSettings,
): Pick<PhoneNumber, 'window' | 'acceptedPeak' | 'trafficPeak' | 'pairRate'> {
  return {
    window: new SlidingWindow(),
    acceptedPeak: new PeakCounter(),
    trafficPeak: new PeakCounter(),
    pairRate: new PairRateLimiter(pair),
  };
}

export interface BusinessToken {
  token: string;
  businessId: string;
  wabaIds: Set<string>;
  issuedAt: number;
  revoked: boolean;
}

export interface SignupCode {
  code: string;
  businessId: string;
  wabaIds: string[];
  issuedAt: number;
  used: boolean;
}
