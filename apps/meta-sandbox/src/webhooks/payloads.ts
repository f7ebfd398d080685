/**
 * Webhook bodies in Meta's shapes (fixtures/meta/payloads): the `whatsapp_business_account`
 * envelope and one `value` builder per field the sandbox sends.
 */

export interface Change {
  field: string;
  value: Record<string, unknown>;
}

export interface PhoneRef {
  id: string;
  /** digits, as `value.metadata.display_phone_number` carries them */
  digits: string;
}

/**
 * `{"object":"whatsapp_business_account","entry":[{"id":<WABA>,"changes":[…]}]}`;
 * `account_update` and `message_template_status_update` also carry `entry[].time`.
 */
export function envelope(wabaId: string, changes: Change[], time?: number): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        ...(time !== undefined ? { time } : {}),
        changes: changes.map(({ field, value }) => ({ value, field })),
      },
    ],
  };
}

function phoneValue(phone: PhoneRef): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: phone.digits, phone_number_id: phone.id },
  };
}

export interface StatusItem {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  pricing?: { billable: boolean; pricing_model: 'PMP'; type: string; category: string };
  errors?: Array<Record<string, unknown>>;
}

export function statusesValue(phone: PhoneRef, statuses: StatusItem[]): Record<string, unknown> {
  return { ...phoneValue(phone), statuses };
}

/** An inbound message (field `messages`), with the sender's profile in `contacts[]`. */
export function inboundValue(
  phone: PhoneRef,
  sender: { waId: string; name: string },
  message: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...phoneValue(phone),
    contacts: [{ profile: { name: sender.name }, wa_id: sender.waId }],
    messages: [message],
  };
}

/** Field `smb_message_echoes`: the array is `message_echoes`, as in Meta's example. */
export function echoesValue(phone: PhoneRef, echoes: Record<string, unknown>[]): Record<string, unknown> {
  return { ...phoneValue(phone), message_echoes: echoes };
}

export interface StateSyncItem {
  type: 'contact';
  contact: { full_name?: string; first_name?: string; phone_number: string };
  action: 'add' | 'remove';
  metadata: { timestamp: string };
}

export function stateSyncValue(phone: PhoneRef, items: StateSyncItem[]): Record<string, unknown> {
  return { ...phoneValue(phone), state_sync: items };
}

export function historyChunkValue(
  phone: PhoneRef,
  chunk: {
    phase: number;
    chunkOrder: number;
    progress: number;
    threads: Array<{ id: string; messages: Record<string, unknown>[] }>;
  },
): Record<string, unknown> {
  return {
    ...phoneValue(phone),
    history: [
      {
        metadata: { phase: chunk.phase, chunk_order: chunk.chunkOrder, progress: chunk.progress },
        threads: chunk.threads,
      },
    ],
  };
}

/** The follow-up that gives the media of earlier `media_placeholder`s: `value.messages[]`. */
export function historyMediaValue(
  phone: PhoneRef,
  messages: Record<string, unknown>[],
): Record<string, unknown> {
  return { ...phoneValue(phone), messages };
}

/** The business chose "Don't share chats": one `history` webhook with error 2593109. */
export function historyDeclinedValue(phone: PhoneRef): Record<string, unknown> {
  const title = 'History sync is turned off by the business from the WhatsApp Business App';
  return {
    ...phoneValue(phone),
    history: [
      {
        errors: [
          {
            code: 2593109,
            title,
            message: title,
            error_data: { details: 'History sharing is turned off by the business' },
          },
        ],
      },
    ],
  };
}

export function partnerRemovedValue(
  phoneDigits: string,
  reason: string,
  initiatedBy: string,
): Record<string, unknown> {
  return {
    phone_number: phoneDigits,
    event: 'PARTNER_REMOVED',
    disconnection_info: { reason, initiated_by: initiatedBy },
  };
}

export function templateStatusValue(template: {
  event: string;
  id: string;
  name: string;
  language: string;
  category: string;
  reason?: string | null;
  otherInfo?: { title: string; description: string };
}): Record<string, unknown> {
  return {
    event: template.event,
    // Meta sends the id as a JSON number; sandbox ids stay below 2^53.
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    reason: template.reason === undefined ? 'NONE' : template.reason,
    message_template_category: template.category,
    ...(template.otherInfo ? { other_info: template.otherInfo } : {}),
  };
}

/** A `131060` placeholder: a message only the WhatsApp Business app can show. */
export function unavailableMessage(from: string, wamid: string, timestamp: string): Record<string, unknown> {
  const text = 'This message is currently unavailable.';
  return {
    from,
    id: wamid,
    timestamp,
    errors: [{ code: 131060, title: text, message: text, error_data: { details: text } }],
    type: 'unsupported',
    unsupported: { type: 'unknown' },
  };
}
