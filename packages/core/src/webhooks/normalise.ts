/**
 * Turns a whole Meta webhook body into our records (see `records.ts`).
 *
 * Each entry, change and array item is parsed on its own, so a broken part costs only itself:
 * it is reported in `invalid` with its path and the rest of the body is still used. The
 * function never throws; a body that is not a webhook envelope yields a single invalid part.
 */
import type * as z from 'zod';
import { phoneDigits } from '../phone/phone.js';
import type {
  AlertRecord,
  ContactRecord,
  ContactRef,
  Direction,
  HistoryPosition,
  MediaRef,
  MessageRecord,
  MessageSource,
  MetaErrorDetail,
  NormalisedWebhook,
} from './records.js';
import {
  AccountUpdateValueSchema,
  ECHO_ARRAY_KEYS,
  EchoMessageSchema,
  type EditedMessage,
  HistoryChunkHeaderSchema,
  HistoryChunkMetadataSchema,
  type HistoryMessage,
  HistoryMessageSchema,
  HistoryThreadHeaderSchema,
  InboundMessageSchema,
  MEDIA_MESSAGE_TYPES,
  type MediaMessageType,
  type MessageContact,
  MessageContactSchema,
  type MessageContent,
  MessageTemplateStatusUpdateValueSchema,
  type MetaError,
  MetaErrorSchema,
  PhoneValueHeaderSchema,
  StateSyncContactSchema,
  StateSyncItemHeaderSchema,
  StatusSchema,
  UnixTimestampSchema,
  WebhookChangeSchema,
  WebhookEntryHeaderSchema,
  WebhookEnvelopeHeaderSchema,
} from './schemas.js';

/** The user's message reached Meta but only the WhatsApp Business app can show it (coexistence). */
export const MESSAGE_UNAVAILABLE_ERROR_CODE = 131060;
/** The business turned history sharing off in the WhatsApp Business app. */
export const HISTORY_DECLINED_ERROR_CODE = 2593109;

/** Path of the body itself in `InvalidPart.path`. */
export const ROOT_PATH = '$';

/** Prefix of the reason given when the normaliser itself failed on a part (a bug, never Meta's). */
export const UNEXPECTED_FAILURE = 'normaliser failed unexpectedly';

type Scope = Pick<MessageRecord, 'wabaId' | 'phoneNumberId' | 'displayPhoneNumber'>;

/** Where we are in the body, and where to put what we find. */
interface Place {
  out: NormalisedWebhook;
  field: string | null;
  path: string;
}

interface ChangePlace extends Place {
  field: string;
  entryId: string;
  /** `entry[].time` in milliseconds */
  entryTime: number | null;
}

export function normaliseWebhook(body: unknown): NormalisedWebhook {
  const out: NormalisedWebhook = {
    messages: [],
    statuses: [],
    contacts: [],
    historyChunks: [],
    historyDeclined: [],
    accountEvents: [],
    templateStatuses: [],
    alerts: [],
    unknown: [],
    invalid: [],
  };
  guarded({ out, field: null, path: ROOT_PATH }, () => {
    const envelope = parse(WebhookEnvelopeHeaderSchema, body, { out, field: null, path: ROOT_PATH });
    envelope?.entry.forEach((entry, index) => {
      const path = `entry[${index}]`;
      guarded({ out, field: null, path }, () => normaliseEntry(entry, { out, field: null, path }));
    });
  });
  return out;
}

function normaliseEntry(raw: unknown, place: Place): void {
  const entry = parse(WebhookEntryHeaderSchema, raw, place);
  if (!entry) return;
  // A bad `time` only costs the time: records that need it fall back to 0.
  let entryTime: number | null = null;
  if (entry.time !== undefined) {
    entryTime = parse(UnixTimestampSchema, entry.time, { ...place, path: `${place.path}.time` });
  }
  for (const change of itemsAt(entry, 'changes', place, { required: true })) {
    guarded({ ...place, path: change.path }, () =>
      normaliseChange(change.raw, { ...place, path: change.path }, entry.id, entryTime),
    );
  }
}

function normaliseChange(raw: unknown, place: Place, entryId: string, entryTime: number | null): void {
  const change = parse(WebhookChangeSchema, raw, place);
  if (!change) return;
  const handle = FIELD_HANDLERS.get(change.field);
  if (!handle) {
    place.out.unknown.push({ entryId, field: change.field, path: place.path });
    return;
  }
  handle(change.value, {
    out: place.out,
    field: change.field,
    path: `${place.path}.value`,
    entryId,
    entryTime,
  });
}

const FIELD_HANDLERS = new Map<string, (value: unknown, place: ChangePlace) => void>([
  ['messages', normaliseMessagesValue],
  ['smb_message_echoes', normaliseEchoesValue],
  ['history', normaliseHistoryValue],
  ['smb_app_state_sync', normaliseStateSyncValue],
  ['account_update', normaliseAccountUpdate],
  ['message_template_status_update', normaliseTemplateStatusUpdate],
]);

// ---------------------------------------------------------------------------------------------
// Field `messages`

function normaliseMessagesValue(raw: unknown, place: ChangePlace): void {
  const header = parse(PhoneValueHeaderSchema, raw, place);
  if (!header) return;
  const scope = scopeOf(header.metadata, place);

  const profiles = parseItems(header, 'contacts', MessageContactSchema, place);
  const firstSeen = new Map<MessageContact, number>();

  for (const item of itemsAt(header, 'messages', place)) {
    if (isLeftOutChat(item.raw)) continue;
    const message = parse(InboundMessageSchema, item.raw, { ...place, path: item.path });
    if (!message) continue;
    const profile = profiles.find(({ value }) => isProfileOf(value, message))?.value;
    const contact = contactRef(message.from ?? profile?.wa_id, message.from_user_id ?? profile?.user_id);
    if (!contact) {
      invalidate({ ...place, path: item.path }, 'from: no phone number or user id to identify the sender');
      continue;
    }
    if (profile && !firstSeen.has(profile)) firstSeen.set(profile, message.timestamp);
    pushMessage(messageRecord(message, scope, { source: 'live', direction: 'inbound', contact }), place);
  }

  for (const { value: profile, path } of profiles) {
    const contact = contactRef(profile.wa_id, profile.user_id);
    if (!contact) {
      invalidate({ ...place, path }, 'wa_id: no phone number or user id to identify the contact');
      continue;
    }
    place.out.contacts.push({
      kind: 'contact',
      ...scope,
      contact,
      action: 'seen',
      origin: 'message',
      name: profile.profile.name,
      firstName: null,
      username: profile.profile.username ?? null,
      // Profiles carry no time of their own; 0 when no message in this change names them.
      timestamp: firstSeen.get(profile) ?? 0,
    });
  }

  for (const item of itemsAt(header, 'statuses', place)) {
    if (isLeftOutChat(item.raw)) continue;
    const status = parse(StatusSchema, item.raw, { ...place, path: item.path });
    if (!status) continue;
    const recipient = contactRef(status.recipient_id, status.recipient_user_id);
    if (!recipient) {
      invalidate({ ...place, path: item.path }, 'recipient_id: no phone number or user id for the recipient');
      continue;
    }
    place.out.statuses.push({
      kind: 'status',
      ...scope,
      wamid: status.id,
      status: status.status,
      timestamp: status.timestamp,
      recipient,
      bizOpaqueCallbackData: status.biz_opaque_callback_data ?? null,
      errors: (status.errors ?? []).map(errorDetail),
      pricingCategory: status.pricing?.category ?? null,
      pricingType: status.pricing?.type ?? null,
      billable: status.pricing?.billable ?? null,
    });
  }

  alertValueErrors(header, scope, place);
}

function isProfileOf(profile: MessageContact, message: { from?: string; from_user_id?: string }): boolean {
  if (profile.user_id !== undefined && profile.user_id === message.from_user_id) return true;
  return (
    profile.wa_id !== undefined &&
    message.from !== undefined &&
    phoneDigits(profile.wa_id) === phoneDigits(message.from)
  );
}

// ---------------------------------------------------------------------------------------------
// Field `smb_message_echoes`

function normaliseEchoesValue(raw: unknown, place: ChangePlace): void {
  const header = parse(PhoneValueHeaderSchema, raw, place);
  if (!header) return;
  const scope = scopeOf(header.metadata, place);
  for (const key of ECHO_ARRAY_KEYS) {
    for (const item of itemsAt(header, key, place)) {
      if (isLeftOutChat(item.raw)) continue;
      const echo = parse(EchoMessageSchema, item.raw, { ...place, path: item.path });
      if (!echo) continue;
      const contact = contactRef(echo.to, echo.to_user_id);
      if (!contact) {
        invalidate({ ...place, path: item.path }, 'to: no phone number or user id for the recipient');
        continue;
      }
      pushMessage(messageRecord(echo, scope, { source: 'echo', direction: 'outbound', contact }), place);
    }
  }
  alertValueErrors(header, scope, place);
}

// ---------------------------------------------------------------------------------------------
// Field `history`

/** A 1:1 thread is named by the user's phone number or BSUID; anything else is a group. */
const PHONE_THREAD_ID = /^\+?\d{5,20}$/;
const BSUID_THREAD_ID = /^[A-Z]{2}(\.[A-Za-z0-9]+)+$/;

interface Thread {
  id: string;
  /** the thread id's digits when it is a phone number */
  phone: string | null;
}

function normaliseHistoryValue(raw: unknown, place: ChangePlace): void {
  const header = parse(PhoneValueHeaderSchema, raw, place);
  if (!header) return;
  const scope = scopeOf(header.metadata, place);

  for (const chunk of itemsAt(header, 'history', place)) {
    normaliseHistoryChunk(chunk.raw, { ...place, path: chunk.path }, scope);
  }

  // The media follow-up: `value.messages[]` repeats a `media_placeholder`'s wamid with its media.
  for (const item of itemsAt(header, 'messages', place)) {
    if (isLeftOutChat(item.raw)) continue;
    const message = parse(HistoryMessageSchema, item.raw, { ...place, path: item.path });
    if (!message) continue;
    // `to` is only present on what the business sent (Meta's history reference)
    const sentByBusiness =
      message.to !== undefined ||
      (message.from !== undefined && phoneDigits(message.from) === scope.displayPhoneNumber);
    const contact = sentByBusiness
      ? contactRef(message.to, message.to_user_id)
      : contactRef(message.from, message.from_user_id);
    if (!contact) {
      invalidate({ ...place, path: item.path }, 'to: a message the business sent must name its recipient');
      continue;
    }
    pushMessage(
      messageRecord(message, scope, {
        source: 'history',
        direction: sentByBusiness ? 'outbound' : 'inbound',
        contact,
        historyStatus: message.history_context?.status ?? null,
      }),
      place,
    );
  }

  alertValueErrors(header, scope, place);
}

/**
 * One chunk: a declined sync (`errors`), or `metadata` and `threads`. Its HistoryChunkRecord
 * counts the 1:1 threads read, the message records made, and the messages left out because
 * they belong to a group or a disappearing chat; broken threads and messages are in `invalid`.
 */
function normaliseHistoryChunk(raw: unknown, place: ChangePlace, scope: Scope): void {
  const chunk = parse(HistoryChunkHeaderSchema, raw, place);
  if (!chunk) return;

  for (const error of chunk.errors ?? []) {
    if (error.code === HISTORY_DECLINED_ERROR_CODE) {
      place.out.historyDeclined.push({ kind: 'history_declined', ...scope, error: errorDetail(error) });
    } else {
      place.out.alerts.push(metaErrorAlert(error, scope, place));
    }
  }
  if (chunk.metadata === undefined && chunk.errors !== undefined && !('threads' in chunk)) return;

  // A chunk's position only feeds sync progress: when it is broken the messages still count.
  const metadataPlace = { ...place, path: `${place.path}.metadata` };
  let metadata = null;
  if (chunk.metadata === undefined) {
    invalidate(
      metadataPlace,
      'missing: a history chunk needs metadata {phase, chunk_order, progress} or errors',
    );
  } else {
    metadata = parse(HistoryChunkMetadataSchema, chunk.metadata, metadataPlace);
  }
  const position: HistoryPosition | null = metadata && {
    phase: metadata.phase,
    chunkOrder: metadata.chunk_order,
    progress: metadata.progress,
  };
  let threadCount = 0;
  let messageCount = 0;
  let skippedCount = 0;

  for (const item of itemsAt(chunk, 'threads', place)) {
    const threadPlace = { ...place, path: item.path };
    const header = parse(HistoryThreadHeaderSchema, item.raw, threadPlace);
    if (!header) continue;
    const isPhone = PHONE_THREAD_ID.test(header.id);
    if (!isPhone && !BSUID_THREAD_ID.test(header.id)) {
      skippedCount += header.messages.length;
      continue;
    }
    const thread: Thread = { id: header.id, phone: isPhone ? phoneDigits(header.id) : null };
    threadCount += 1;

    for (const entry of itemsAt(header, 'messages', threadPlace)) {
      if (isLeftOutChat(entry.raw)) {
        skippedCount += 1;
        continue;
      }
      const message = parse(HistoryMessageSchema, entry.raw, { ...place, path: entry.path });
      if (!message) continue;
      const direction = historyDirection(message, thread, scope.displayPhoneNumber);
      pushMessage(
        messageRecord(message, scope, {
          source: 'history',
          direction,
          contact: threadContact(message, thread, direction),
          history: position ?? undefined,
          historyStatus: message.history_context?.status ?? null,
        }),
        place,
      );
      messageCount += 1;
    }
  }

  if (!position) return;
  place.out.historyChunks.push({
    kind: 'history_chunk',
    ...scope,
    position,
    threadCount,
    messageCount,
    skippedCount,
  });
}

/**
 * The business's own number means outbound. Otherwise the sender is compared with the thread
 * (the user): the same user is inbound, anyone else is the business under another format.
 */
function historyDirection(message: HistoryMessage, thread: Thread, businessDigits: string): Direction {
  const fromDigits = message.from === undefined ? null : phoneDigits(message.from);
  if (businessDigits !== '' && fromDigits === businessDigits) return 'outbound';
  if (thread.phone !== null && fromDigits !== null)
    return fromDigits === thread.phone ? 'inbound' : 'outbound';
  if (thread.phone === null && message.from_user_id !== undefined) {
    return message.from_user_id === thread.id ? 'inbound' : 'outbound';
  }
  return 'inbound';
}

function threadContact(message: HistoryMessage, thread: Thread, direction: Direction): ContactRef {
  const counterpart =
    direction === 'inbound'
      ? { phone: message.from, userId: message.from_user_id }
      : { phone: message.to, userId: message.to_user_id };
  const userId = thread.phone === null ? thread.id : (counterpart.userId ?? null);
  const waId =
    thread.phone ?? (counterpart.phone === undefined ? null : phoneDigits(counterpart.phone) || null);
  return { key: userId ?? waId ?? thread.id, waId, userId };
}

// ---------------------------------------------------------------------------------------------
// Field `smb_app_state_sync`

function normaliseStateSyncValue(raw: unknown, place: ChangePlace): void {
  const header = parse(PhoneValueHeaderSchema, raw, place);
  if (!header) return;
  const scope = scopeOf(header.metadata, place);
  for (const item of itemsAt(header, 'state_sync', place, { required: true })) {
    const itemPlace = { ...place, path: item.path };
    const kind = parse(StateSyncItemHeaderSchema, item.raw, itemPlace);
    if (!kind) continue;
    if (kind.type !== 'contact') {
      // Only contacts are documented; another kind is news, not a broken body.
      place.out.unknown.push({ entryId: place.entryId, field: place.field, path: item.path });
      continue;
    }
    const sync = parse(StateSyncContactSchema, item.raw, itemPlace);
    if (!sync) continue;
    const contact = contactRef(sync.contact.phone_number, sync.contact.user_id);
    if (!contact) {
      invalidate(itemPlace, 'contact.phone_number: no phone number or user id for the contact');
      continue;
    }
    place.out.contacts.push({
      kind: 'contact',
      ...scope,
      contact,
      action: sync.action,
      origin: 'state_sync',
      name: sync.contact.full_name ?? null,
      firstName: sync.contact.first_name ?? null,
      username: null,
      timestamp: sync.metadata.timestamp,
    } satisfies ContactRecord);
  }
}

// ---------------------------------------------------------------------------------------------
// Field `account_update`

function normaliseAccountUpdate(raw: unknown, place: ChangePlace): void {
  const update = parse(AccountUpdateValueSchema, raw, place);
  if (!update) return;
  const event = {
    kind: 'account_event' as const,
    // Meta's own examples disagree on whether `entry.id` is the WABA or the partner's business.
    wabaId: update.waba_info?.waba_id ?? place.entryId,
    entryId: place.entryId,
    phoneNumber: update.phone_number === undefined ? null : phoneDigits(update.phone_number),
    event: update.event,
    reason: update.disconnection_info?.reason ?? null,
    initiatedBy: update.disconnection_info?.initiated_by ?? null,
    timestamp: place.entryTime ?? 0,
  };
  place.out.accountEvents.push(event);

  const alert = {
    kind: 'alert' as const,
    wabaId: event.wabaId,
    phoneNumberId: null,
    phoneNumber: event.phoneNumber,
    metaCode: null,
    wamid: null,
    contact: null,
    timestamp: event.timestamp,
  };
  if (event.event === 'PARTNER_REMOVED') {
    place.out.alerts.push({ ...alert, code: 'partner_removed', message: partnerRemovedMessage(event) });
  } else if (event.event === 'ACCOUNT_OFFBOARDED') {
    place.out.alerts.push({ ...alert, code: 'account_offboarded', message: accountOffboardedMessage(event) });
  }
}

const DISCONNECTION_REASONS: Record<string, string> = {
  PRIMARY_INACTIVITY: 'the phone running the WhatsApp Business app was inactive for about 14 days',
  COMPANION_INACTIVITY: 'a linked device was inactive for about 30 days',
  ACCOUNT_DISCONNECTED: 'the WhatsApp account was disconnected or deleted',
  BUSINESS_DOWNGRADE: 'the number was registered with the consumer WhatsApp app',
  CHANGE_NUMBER: 'the business changed its phone number',
  USER_RE_REGISTERED: 'WhatsApp was registered again on a new device',
};

function partnerRemovedMessage(event: {
  wabaId: string;
  phoneNumber: string | null;
  reason: string | null;
  initiatedBy: string | null;
}): string {
  const number = event.phoneNumber ? `+${event.phoneNumber}` : `of WhatsApp Business account ${event.wabaId}`;
  const why =
    event.reason === null
      ? ''
      : ` (${(Object.hasOwn(DISCONNECTION_REASONS, event.reason) && DISCONNECTION_REASONS[event.reason]) || event.reason})`;
  const how =
    event.initiatedBy === 'SYSTEM'
      ? `WhatsApp unlinked it from Coexist${why}.`
      : `It was unlinked from Coexist on the phone, in the WhatsApp Business app under Settings > Account > Business Platform${why}.`;
  return (
    `The WhatsApp Business app number ${number} is no longer connected. ${how} ` +
    'Sending through Coexist has stopped for this number; the history already imported stays. ' +
    'To resume, connect the number again (Settings > Account > Business Platform in the app shows the link).'
  );
}

function accountOffboardedMessage(event: { wabaId: string; phoneNumber: string | null }): string {
  const account = event.phoneNumber
    ? `number +${event.phoneNumber}`
    : `WhatsApp Business account ${event.wabaId}`;
  return (
    `The ${account} was offboarded from the Cloud API, which Meta does after a device change or a new ` +
    'registration of the WhatsApp Business app. Sending through Coexist has stopped; the history already ' +
    'imported stays. To resume, the business must connect the number again; it can check the link in the ' +
    'app under Settings > Account > Business Platform.'
  );
}

// ---------------------------------------------------------------------------------------------
// Field `message_template_status_update`

function normaliseTemplateStatusUpdate(raw: unknown, place: ChangePlace): void {
  const update = parse(MessageTemplateStatusUpdateValueSchema, raw, place);
  if (!update) return;
  place.out.templateStatuses.push({
    kind: 'template_status',
    wabaId: place.entryId,
    templateId: String(update.message_template_id),
    name: update.message_template_name,
    language: update.message_template_language,
    status: update.event,
    reason: update.reason ?? null,
    category: update.message_template_category ?? null,
    timestamp: place.entryTime ?? 0,
  });
}

// ---------------------------------------------------------------------------------------------
// Messages, whatever their field

function messageRecord(
  message: MessageContent,
  scope: Scope,
  how: {
    source: MessageSource;
    direction: Direction;
    contact: ContactRef;
    history?: HistoryPosition;
    historyStatus?: string | null;
  },
): MessageRecord {
  // An edit's text and media are those of the message as it now reads.
  const content =
    message.type === 'edit' && message.edit ? readContent(message.edit.message) : readContent(message);
  const text = content.text === null || content.text === '' ? null : content.text;
  const errors = (message.errors ?? []).map(errorDetail);
  return {
    kind: 'message',
    ...scope,
    wamid: message.id,
    source: how.source,
    direction: how.direction,
    contact: how.contact,
    timestamp: message.timestamp,
    type: message.type,
    textLength: text === null ? 0 : countCodePoints(text),
    text,
    hasMedia: content.media !== null || message.type === 'media_placeholder',
    media: content.media,
    isPlaceholder:
      message.type === 'media_placeholder' ||
      errors.some((error) => error.code === MESSAGE_UNAVAILABLE_ERROR_CODE),
    contextWamid: message.context?.id ?? null,
    targetWamid: targetWamidOf(message),
    historyStatus: how.historyStatus ?? null,
    history: how.history ?? null,
    errors,
  };
}

function readContent(content: EditedMessage): { text: string | null; media: MediaRef | null } {
  if (isMediaType(content.type)) {
    const media = content[content.type];
    if (!media) return { text: null, media: null };
    return {
      text: media.caption ?? null,
      media: {
        id: media.id ?? null,
        mimeType: media.mime_type ?? null,
        sha256: media.sha256 ?? null,
        caption: media.caption ?? null,
      },
    };
  }
  switch (content.type) {
    case 'text':
      return { text: content.text?.body ?? null, media: null };
    case 'button':
      return { text: content.button?.text ?? null, media: null };
    case 'interactive':
      return {
        text: content.interactive?.button_reply?.title ?? content.interactive?.list_reply?.title ?? null,
        media: null,
      };
    default:
      return { text: null, media: null };
  }
}

function targetWamidOf(message: MessageContent): string | null {
  switch (message.type) {
    case 'edit':
      return message.edit?.original_message_id ?? null;
    case 'revoke':
      return message.revoke?.original_message_id ?? null;
    case 'reaction':
      return message.reaction?.message_id ?? null;
    default:
      return null;
  }
}

function isMediaType(type: string): type is MediaMessageType {
  return (MEDIA_MESSAGE_TYPES as readonly string[]).includes(type);
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Adds the record, and the alert a `131060` placeholder calls for. */
function pushMessage(record: MessageRecord, place: ChangePlace): void {
  place.out.messages.push(record);
  const unavailable = record.errors.find((error) => error.code === MESSAGE_UNAVAILABLE_ERROR_CODE);
  if (!unavailable) return;
  place.out.alerts.push({
    kind: 'alert',
    code: 'message_unavailable',
    wabaId: record.wabaId,
    phoneNumberId: record.phoneNumberId,
    phoneNumber: record.displayPhoneNumber,
    metaCode: unavailable.code,
    wamid: record.wamid,
    contact: record.contact,
    message:
      `A message from ${describeContact(record.contact)} cannot be shown here yet (Meta error 131060: ` +
      'message currently unavailable). Check the messages in the WhatsApp Business app on the phone; ' +
      'Meta may deliver it later under the same id.',
    timestamp: record.timestamp,
  });
}

function describeContact(contact: ContactRef): string {
  return contact.waId ? `+${contact.waId}` : contact.key;
}

// Group chats are out of coexistence's scope, and disappearing messages must not be kept.
const DISAPPEARING_MARKERS = [
  'ephemeral',
  'ephemeral_expiration',
  'ephemeral_duration',
  'ephemeral_setting_timestamp',
  'is_ephemeral',
  'disappearing',
  'disappearing_mode',
  'disappearing_messages',
];

function isLeftOutChat(raw: unknown): boolean {
  if (!isRecord(raw)) return false;
  if (isMarked(raw.group_id) || raw.recipient_type === 'group') return true;
  const historyContext = raw.history_context;
  return DISAPPEARING_MARKERS.some(
    (marker) => isMarked(raw[marker]) || (isRecord(historyContext) && isMarked(historyContext[marker])),
  );
}

function isMarked(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

function scopeOf(
  metadata: { display_phone_number?: string | undefined; phone_number_id: string },
  place: ChangePlace,
): Scope {
  return {
    wabaId: place.entryId,
    phoneNumberId: metadata.phone_number_id,
    displayPhoneNumber: metadata.display_phone_number ? phoneDigits(metadata.display_phone_number) : '',
  };
}

/** BSUID first, as Meta asks; the phone's digits otherwise; null when there is neither. */
function contactRef(phone: string | undefined, userId: string | undefined): ContactRef | null {
  const waId = phone === undefined ? null : phoneDigits(phone) || null;
  const bsuid = userId || null;
  const key = bsuid ?? waId;
  return key === null ? null : { key, waId, userId: bsuid };
}

function errorDetail(error: MetaError): MetaErrorDetail {
  return {
    code: error.code,
    title: error.title ?? null,
    message: error.message ?? null,
    details: error.error_data?.details ?? null,
  };
}

function alertValueErrors(header: Record<string, unknown>, scope: Scope, place: ChangePlace): void {
  for (const { value: error } of parseItems(header, 'errors', MetaErrorSchema, place)) {
    place.out.alerts.push(metaErrorAlert(error, scope, place));
  }
}

function metaErrorAlert(error: MetaError, scope: Scope, place: ChangePlace): AlertRecord {
  const detail = errorDetail(error);
  const about = [detail.title ?? detail.message, detail.details].filter(Boolean).join(': ');
  return {
    kind: 'alert',
    code: 'meta_error',
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    phoneNumber: scope.displayPhoneNumber,
    metaCode: detail.code,
    wamid: null,
    contact: null,
    message: `Meta reported error ${detail.code} for phone number ${scope.phoneNumberId}${about ? ` (${about})` : ''}.`,
    timestamp: place.entryTime ?? 0,
  };
}

/** The items of `container[key]` with their paths; reports a value that is not an array. */
function itemsAt(
  container: Record<string, unknown>,
  key: string,
  place: Place,
  options: { required?: boolean } = {},
): { raw: unknown; path: string }[] {
  const value = container[key];
  const path = `${place.path}.${key}`;
  if (value === undefined && !options.required) return [];
  if (!Array.isArray(value)) {
    invalidate({ ...place, path }, value === undefined ? 'missing' : 'expected an array');
    return [];
  }
  return value.map((raw, index) => ({ raw, path: `${path}[${index}]` }));
}

function parseItems<S extends z.ZodType>(
  container: Record<string, unknown>,
  key: string,
  schema: S,
  place: Place,
): { value: z.output<S>; path: string }[] {
  const parsed: { value: z.output<S>; path: string }[] = [];
  for (const item of itemsAt(container, key, place)) {
    const value = parse(schema, item.raw, { ...place, path: item.path });
    if (value !== null) parsed.push({ value, path: item.path });
  }
  return parsed;
}

function parse<S extends z.ZodType>(schema: S, raw: unknown, place: Place): z.output<S> | null {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  invalidate(place, describeIssues(result.error.issues));
  return null;
}

function invalidate(place: Place, reason: string): void {
  place.out.invalid.push({ field: place.field, path: place.path, reason });
}

const MAX_ISSUES_IN_REASON = 5;

/** `timestamp: missing; text.body: Invalid input: expected string, received number` */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const described = issues.slice(0, MAX_ISSUES_IN_REASON).map((issue) => {
    const where = issue.path
      .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`))
      .join('')
      .replace(/^\./, '');
    const what =
      issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
        ? 'missing'
        : issue.message;
    return where ? `${where}: ${what}` : what;
  });
  if (issues.length > MAX_ISSUES_IN_REASON)
    described.push(`and ${issues.length - MAX_ISSUES_IN_REASON} more`);
  return described.join('; ');
}

/**
 * Schemas and handlers are written not to throw; this keeps the promise for the part at hand
 * should one of them ever do, and says so in `invalid` rather than hiding it.
 */
function guarded(place: Place, run: () => void): void {
  try {
    run();
  } catch (error) {
    invalidate(place, `${UNEXPECTED_FAILURE}: ${error instanceof Error ? error.message : typeof error}`);
  }
}
