/**
 * What a Meta webhook body becomes once normalised: plain records, one per fact, in our own
 * words. Everything downstream (ingest, service window, opt-outs, alerts) reads these, never
 * Meta's raw shapes.
 */

/** Where a message came from. */
export type MessageSource =
  /** imported by the one-shot history sync (`history` webhooks) */
  | 'history'
  /** sent by the business from the WhatsApp Business app or a companion (`smb_message_echoes`) */
  | 'echo'
  /** received live from a WhatsApp user (`messages` webhooks) */
  | 'live'
  /** sent by us through the Cloud API */
  | 'api';

export type Direction = 'inbound' | 'outbound';

/**
 * Who the business is talking to. Meta identifies users by phone number (`wa_id`) and, since
 * 2026, by a business-scoped user id (BSUID) that may come without a phone number.
 * `key` is the BSUID when Meta sends one, else the phone number's digits.
 */
export interface ContactRef {
  key: string;
  waId: string | null;
  userId: string | null;
}

/** One error object as Meta puts it in webhooks (`errors[]`). */
export interface MetaErrorDetail {
  code: number;
  title: string | null;
  message: string | null;
  details: string | null;
}

export interface HistoryPosition {
  phase: number;
  chunkOrder: number;
  progress: number;
}

export interface MediaRef {
  id: string | null;
  mimeType: string | null;
  sha256: string | null;
  caption: string | null;
}

interface PhoneScoped {
  /** `entry[].id`: the WABA for phone-level fields */
  wabaId: string;
  /** `value.metadata.phone_number_id` */
  phoneNumberId: string;
  /** `value.metadata.display_phone_number`, digits only; empty when Meta left it out */
  displayPhoneNumber: string;
}

export interface MessageRecord extends PhoneScoped {
  kind: 'message';
  wamid: string;
  source: MessageSource;
  direction: Direction;
  contact: ContactRef;
  /** milliseconds since the epoch */
  timestamp: number;
  /** Meta's `type`: text, image, …, media_placeholder, unsupported, reaction, edit, revoke, system */
  type: string;
  /** characters (code points) of the text body or caption; 0 when there is none */
  textLength: number;
  /** the text a user can read: body, caption, button or list reply title; null when none */
  text: string | null;
  hasMedia: boolean;
  media: MediaRef | null;
  /**
   * The record stands in for content Meta has not given yet (`media_placeholder`, or a
   * `131060` "message unavailable"). A later record with the same wamid replaces it.
   */
  isPlaceholder: boolean;
  /** the message this one replies to (`context.id`) */
  contextWamid: string | null;
  /** the message a reaction, edit or revoke refers to */
  targetWamid: string | null;
  /** `history_context.status` for history messages */
  historyStatus: string | null;
  history: HistoryPosition | null;
  errors: MetaErrorDetail[];
}

export type MessageStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface StatusRecord extends PhoneScoped {
  kind: 'status';
  wamid: string;
  status: MessageStatus;
  timestamp: number;
  recipient: ContactRef;
  /** our message id travels here and comes back on every status */
  bizOpaqueCallbackData: string | null;
  errors: MetaErrorDetail[];
  pricingCategory: string | null;
  pricingType: string | null;
  billable: boolean | null;
}

export interface ContactRecord extends PhoneScoped {
  kind: 'contact';
  contact: ContactRef;
  /** `add` also covers edits; `seen` = learnt from a message webhook's `contacts[]` */
  action: 'add' | 'remove' | 'seen';
  origin: 'state_sync' | 'message';
  name: string | null;
  firstName: string | null;
  username: string | null;
  timestamp: number;
}

export interface HistoryChunkRecord extends PhoneScoped {
  kind: 'history_chunk';
  position: HistoryPosition;
  threadCount: number;
  messageCount: number;
  /** messages left out because they belong to a group or disappearing chat */
  skippedCount: number;
}

export interface HistoryDeclinedRecord extends PhoneScoped {
  kind: 'history_declined';
  error: MetaErrorDetail;
}

export type AccountEventName =
  | 'PARTNER_REMOVED'
  | 'ACCOUNT_OFFBOARDED'
  | 'ACCOUNT_RECONNECTED'
  | 'PARTNER_APP_INSTALLED'
  | 'PARTNER_APP_UNINSTALLED'
  | 'PARTNER_ADDED'
  | (string & {});

export interface AccountEventRecord {
  kind: 'account_event';
  /** `value.waba_info.waba_id` when present, else `entry[].id` */
  wabaId: string;
  entryId: string;
  /** `value.phone_number`, digits only, when Meta names the number */
  phoneNumber: string | null;
  event: AccountEventName;
  reason: string | null;
  initiatedBy: string | null;
  timestamp: number;
}

export interface TemplateStatusRecord {
  kind: 'template_status';
  wabaId: string;
  templateId: string;
  name: string;
  language: string;
  /** Meta's `event`: APPROVED, PAUSED, DISABLED, REJECTED, … */
  status: string;
  reason: string | null;
  category: string | null;
  timestamp: number;
}

export type AlertCode =
  /** `131060`: the user's message can only be read in the WhatsApp Business app */
  | 'message_unavailable'
  | 'partner_removed'
  | 'account_offboarded'
  /** an error Meta reported in `value.errors` of a phone-level webhook */
  | 'meta_error';

export interface AlertRecord {
  kind: 'alert';
  code: AlertCode;
  wabaId: string;
  phoneNumberId: string | null;
  /** digits; account_update names the number this way */
  phoneNumber: string | null;
  metaCode: number | null;
  wamid: string | null;
  contact: ContactRef | null;
  /** what the business should do, in words */
  message: string;
  timestamp: number;
}

/** A change whose `field` we do not handle: reported, never thrown. */
export interface UnknownChange {
  entryId: string | null;
  field: string;
  path: string;
}

/** A part of the body that did not match Meta's shape; the rest of the body is still used. */
export interface InvalidPart {
  field: string | null;
  /** where in the body, e.g. `entry[0].changes[1].value.messages[3]` */
  path: string;
  reason: string;
}

export interface NormalisedWebhook {
  messages: MessageRecord[];
  statuses: StatusRecord[];
  contacts: ContactRecord[];
  historyChunks: HistoryChunkRecord[];
  historyDeclined: HistoryDeclinedRecord[];
  accountEvents: AccountEventRecord[];
  templateStatuses: TemplateStatusRecord[];
  alerts: AlertRecord[];
  unknown: UnknownChange[];
  invalid: InvalidPart[];
}
