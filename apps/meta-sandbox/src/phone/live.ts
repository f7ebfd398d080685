import { phoneDigits } from '@coexist/core';
import { MAX_REMEMBERED_INBOUND } from '../graph/messages.js';
import type { Sandbox } from '../sandbox.js';
import type { PhoneNumber } from '../state/world.js';
import {
  echoesValue,
  inboundValue,
  partnerRemovedValue,
  stateSyncValue,
  unavailableMessage,
} from '../webhooks/payloads.js';
import { FIRST_NAMES, LAST_NAMES } from './people.js';
import { SeededRandom } from './random.js';

/**
 * What happens on the phone after onboarding: customers write (live `messages`, which open the
 * service window and take throughput), the owner writes from the app (`smb_message_echoes`,
 * which open nothing), edits contacts, or unlinks the account (`PARTNER_REMOVED`).
 */

export type InboundType =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'reaction'
  | 'button'
  | 'interactive';

export interface InboundInput {
  from: string;
  type?: InboundType | undefined;
  text?: string | undefined;
  name?: string | undefined;
  /** the wamid a reaction, button or reply refers to */
  contextId?: string | undefined;
  emoji?: string | undefined;
  /** reuse a wamid (the real message after a `131060` placeholder) */
  wamid?: string | undefined;
}

/** The contact's name as the phone knows it, else a stable made-up profile name. */
export function profileName(sandbox: Sandbox, number: PhoneNumber, digits: string): string {
  const known = number.phone?.contacts.find((contact) => contact.digits === digits);
  if (known) return known.fullName;
  const random = new SeededRandom(`${sandbox.options.seed}:profile:${digits}`);
  return `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
}

/** A customer writes to the business, now: a live inbound message. */
export function receiveInbound(
  sandbox: Sandbox,
  number: PhoneNumber,
  input: InboundInput,
): { wamid: string } {
  const from = phoneDigits(input.from);
  const wamid = input.wamid ?? sandbox.wamids.next(from, true);
  const timestamp = sandbox.clock.unixSeconds();
  const type = input.type ?? 'text';
  const message: Record<string, unknown> = {
    from,
    id: wamid,
    timestamp,
    type,
    ...inboundContent(type, input),
  };
  if (input.contextId && type !== 'reaction') {
    message.context = { from: number.digits, id: input.contextId };
  }

  countTraffic(number);
  number.counters.inbound += 1;
  // Only a live message after onboarding opens the customer-service window.
  if (number.linked) number.serviceWindows.set(from, sandbox.clock.now());
  remember(number, wamid);
  sandbox.changed();
  sandbox.emitPhone(
    number,
    'messages',
    inboundValue(
      sandbox.phoneRef(number),
      { waId: from, name: input.name ?? profileName(sandbox, number, from) },
      message,
    ),
  );
  return { wamid };
}

function inboundContent(type: InboundType, input: InboundInput): Record<string, unknown> {
  const media = (mime: string, extra: Record<string, unknown> = {}) => ({
    mime_type: mime,
    sha256: Buffer.from(`${input.from}:${input.text ?? ''}:${type}`).toString('base64'),
    id: String(1_000_000_000_000_000 + Math.floor(Math.random() * 8_999_999_999_999_999)).slice(0, 16),
    ...extra,
  });
  switch (type) {
    case 'text':
      return { text: { body: input.text ?? 'Hello!' } };
    case 'image':
      return { image: media('image/jpeg', input.text ? { caption: input.text } : {}) };
    case 'video':
      return { video: media('video/mp4', input.text ? { caption: input.text } : {}) };
    case 'audio':
      return { audio: media('audio/ogg; codecs=opus', { voice: true }) };
    case 'document':
      return {
        document: media('application/pdf', {
          filename: 'document.pdf',
          ...(input.text ? { caption: input.text } : {}),
        }),
      };
    case 'sticker':
      return { sticker: media('image/webp', { animated: false }) };
    case 'location':
      return {
        location: {
          latitude: 38.7223,
          longitude: -9.1393,
          name: input.text ?? 'Shop',
          address: 'Main Street 1',
        },
      };
    case 'reaction':
      return { reaction: { message_id: input.contextId ?? '', emoji: input.emoji ?? '👍' } };
    case 'button':
      return { button: { text: input.text ?? 'Yes', payload: input.text ?? 'Yes' } };
    case 'interactive':
      return {
        interactive: { type: 'button_reply', button_reply: { id: 'reply-1', title: input.text ?? 'Yes' } },
      };
  }
}

/** Meta counts inbound messages against the number's 20 per second. */
function countTraffic(number: PhoneNumber): void {
  const now = performance.now();
  number.window.record(now);
  number.trafficPeak.record(now);
}

function remember(number: PhoneNumber, wamid: string): void {
  if (number.inboundWamids.size >= MAX_REMEMBERED_INBOUND) {
    const oldest = number.inboundWamids.values().next().value;
    if (oldest !== undefined) number.inboundWamids.delete(oldest);
  }
  number.inboundWamids.add(wamid);
}

/**
 * A message that only the WhatsApp Business app can show (`131060`). With `text`, Meta later
 * delivers the real message under the same wamid, as practitioners observe.
 */
export function receiveUnavailable(
  sandbox: Sandbox,
  number: PhoneNumber,
  input: {
    from: string;
    text?: string | undefined;
    deliverAfterMs?: number | undefined;
    name?: string | undefined;
  },
): { wamid: string } {
  const from = phoneDigits(input.from);
  const wamid = sandbox.wamids.next(from, true);
  countTraffic(number);
  number.counters.unavailable += 1;
  sandbox.emitPhone(
    number,
    'messages',
    inboundValue(
      sandbox.phoneRef(number),
      { waId: from, name: input.name ?? profileName(sandbox, number, from) },
      unavailableMessage(from, wamid, sandbox.clock.unixSeconds()),
    ),
  );
  if (input.text !== undefined) {
    const text = input.text;
    sandbox.later(input.deliverAfterMs ?? 1000, () => {
      receiveInbound(sandbox, number, { from, text, wamid, name: input.name });
    });
  }
  return { wamid };
}

/** The owner writes from the WhatsApp Business app: an echo, which opens no window. */
export function sendEcho(
  sandbox: Sandbox,
  number: PhoneNumber,
  input: { to: string; text?: string | undefined },
): { wamid: string } {
  const to = phoneDigits(input.to);
  const wamid = sandbox.wamids.next(to);
  number.counters.echoes += 1;
  sandbox.emitPhone(
    number,
    'smb_message_echoes',
    echoesValue(sandbox.phoneRef(number), [
      {
        from: number.digits,
        to,
        id: wamid,
        timestamp: sandbox.clock.unixSeconds(),
        type: 'text',
        text: { body: input.text ?? 'Sent from the WhatsApp Business app' },
      },
    ]),
  );
  return { wamid };
}

/** The owner adds, edits or removes a contact: one `smb_app_state_sync` webhook. */
export function changeContact(
  sandbox: Sandbox,
  number: PhoneNumber,
  input: {
    action: 'add' | 'remove';
    phoneNumber: string;
    fullName?: string | undefined;
    firstName?: string | undefined;
  },
): void {
  const digits = phoneDigits(input.phoneNumber);
  const phone = sandbox.phoneOf(number);
  const index = phone.contacts.findIndex((contact) => contact.digits === digits);
  if (input.action === 'remove') {
    if (index >= 0) phone.contacts.splice(index, 1);
  } else {
    const fullName = input.fullName ?? profileName(sandbox, number, digits);
    const firstName = input.firstName ?? fullName.split(' ')[0] ?? fullName;
    const contact = { digits, fullName, firstName };
    if (index >= 0) phone.contacts[index] = contact;
    else phone.contacts.push(contact);
  }
  sandbox.emitPhone(
    number,
    'smb_app_state_sync',
    stateSyncValue(sandbox.phoneRef(number), [
      {
        type: 'contact',
        // Names are left out on remove, as Meta does.
        contact:
          input.action === 'remove'
            ? { phone_number: digits }
            : {
                full_name: input.fullName ?? profileName(sandbox, number, digits),
                first_name:
                  input.firstName ?? (input.fullName ?? profileName(sandbox, number, digits)).split(' ')[0]!,
                phone_number: digits,
              },
        action: input.action,
        metadata: { timestamp: sandbox.clock.unixSeconds() },
      },
    ]),
  );
}

/**
 * The owner unlinks in the app (Settings > Account > Business Platform): `PARTNER_REMOVED`
 * reaches the partner, whose tokens for the WABA stop working and whose subscription ends.
 */
export function unlink(
  sandbox: Sandbox,
  number: PhoneNumber,
  input: { reason?: string | undefined; initiatedBy?: string | undefined },
): void {
  const waba = sandbox.wabas.get(number.wabaId);
  if (!waba) return;
  sandbox.emitWaba(
    waba,
    'account_update',
    partnerRemovedValue(number.digits, input.reason ?? 'ACCOUNT_DISCONNECTED', input.initiatedBy ?? 'USER'),
    number,
  );
  number.linked = false;
  number.unlinkedBy = 'partner_removed';
  sandbox.linkedDigits.delete(number.digits);
  number.serviceWindows.clear();
  for (const token of sandbox.tokens.values()) {
    if (token.wabaIds.has(waba.id)) token.revoked = true;
  }
  waba.subscribed = false;
  sandbox.changed();
}

/**
 * Meta offboards the number from Cloud API (a device change or a new registration of the app):
 * `ACCOUNT_OFFBOARDED`. The partner keeps its token and subscription, but the number cannot send.
 */
export function offboard(sandbox: Sandbox, number: PhoneNumber): void {
  const waba = sandbox.wabas.get(number.wabaId);
  if (!waba) return;
  number.linked = false;
  number.unlinkedBy = 'offboarded';
  sandbox.linkedDigits.delete(number.digits);
  number.serviceWindows.clear();
  sandbox.emitWaba(waba, 'account_update', { event: 'ACCOUNT_OFFBOARDED' }, number);
  sandbox.changed();
}

/**
 * The business reconnects to the same partner after being offboarded: `ACCOUNT_RECONNECTED`.
 * Whether Meta then allows another sync is not documented; the sandbox keeps the sync state, so
 * a second request still gets `2593107`.
 */
export function reconnect(sandbox: Sandbox, number: PhoneNumber): void {
  const waba = sandbox.wabas.get(number.wabaId);
  if (!waba) return;
  number.linked = true;
  number.unlinkedBy = null;
  sandbox.linkedDigits.set(number.digits, number.id);
  sandbox.emitWaba(waba, 'account_update', { event: 'ACCOUNT_RECONNECTED' }, number);
  sandbox.changed();
}
