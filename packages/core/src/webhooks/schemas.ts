/**
 * Meta's webhook bodies as zod schemas, one per `field` and one per array item.
 *
 * Every object is loose: Meta adds fields without notice, and a field we do not know must
 * never make a whole message invalid. What is required is what a record cannot do without.
 *
 * Container schemas come twice: `…HeaderSchema` (the container without its item arrays) and
 * the full schema. `normaliseWebhook` parses headers and items separately so that one broken
 * item never loses its siblings; the full schemas describe a whole valid body for anyone who
 * wants to validate one in a single call.
 */
import * as z from 'zod';
import { phoneDigits } from '../phone/phone.js';

/** The latest instant a JavaScript `Date` can hold. */
const MAX_DATE_MS = 8.64e15;

/**
 * Meta's unix time in seconds, as a string of digits (`"1739230955"`) or a number, parsed to
 * milliseconds since the epoch.
 */
export const UnixTimestampSchema = z
  .union([z.string(), z.number()], {
    error: (issue) =>
      issue.input === undefined ? 'missing' : 'expected unix seconds as a string or a number',
  })
  .transform((raw, ctx) => {
    const seconds = typeof raw === 'number' ? raw : /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
    const ms = Math.round(seconds * 1000);
    if (!Number.isFinite(seconds) || seconds < 0 || ms > MAX_DATE_MS) {
      ctx.addIssue({ code: 'custom', message: `not a unix time in seconds: ${String(raw).slice(0, 40)}` });
      return z.NEVER;
    }
    return ms;
  });

/** A phone number as Meta writes it (`16505551234` or `+16505551234`); it must hold digits. */
export const PhoneNumberSchema = z
  .string()
  .refine((value) => phoneDigits(value).length > 0, { error: 'expected a phone number' });

/** Business-scoped user id (`US.13491208655302741918`); its format is Meta's business, not ours. */
export const BsuidSchema = z.string().min(1, { error: 'expected a business-scoped user id' });

export const MetaErrorSchema = z.looseObject({
  code: z.number().int(),
  title: z.string().nullish(),
  message: z.string().nullish(),
  error_data: z.looseObject({ details: z.string().nullish() }).nullish(),
  href: z.string().nullish(),
});
export type MetaError = z.infer<typeof MetaErrorSchema>;

/** `value.metadata` on every phone-level field: which business number the change is about. */
export const PhoneMetadataSchema = z.looseObject({
  // only `phone_number_id` identifies the number; a missing or odd display number costs nothing
  display_phone_number: PhoneNumberSchema.optional().catch(undefined),
  phone_number_id: z.string().min(1),
});
export type PhoneMetadata = z.infer<typeof PhoneMetadataSchema>;

// ---------------------------------------------------------------------------------------------
// Message contents, shared by live messages, echoes, history and the body of an edit.

export const MEDIA_MESSAGE_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaMessageType = (typeof MEDIA_MESSAGE_TYPES)[number];

export const MediaSchema = z.looseObject({
  id: z.string().optional(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  url: z.string().optional(),
  filename: z.string().optional(),
});
export type Media = z.infer<typeof MediaSchema>;

export const TextContentSchema = z.looseObject({ body: z.string() });

export const LocationContentSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

/** Contact cards a user shared (`type: "contacts"`), not the sender's profile. */
export const SharedContactsSchema = z.array(
  z.looseObject({
    name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
    phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
  }),
);

const REPLY_KEY_BY_INTERACTIVE_TYPE: Record<string, string> = {
  button_reply: 'button_reply',
  list_reply: 'list_reply',
  nfm_reply: 'nfm_reply',
};

export const InteractiveContentSchema = z
  .looseObject({
    type: z.string().min(1),
    button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
    list_reply: z
      .looseObject({ id: z.string(), title: z.string(), description: z.string().optional() })
      .optional(),
    /** a WhatsApp Flow's answer */
    nfm_reply: z
      .looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() })
      .optional(),
  })
  .superRefine((interactive, ctx) => {
    const key = Object.hasOwn(REPLY_KEY_BY_INTERACTIVE_TYPE, interactive.type)
      ? REPLY_KEY_BY_INTERACTIVE_TYPE[interactive.type]
      : undefined;
    if (key !== undefined && interactive[key] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `missing for interactive type ${interactive.type}`,
      });
    }
  });

/** A tap on a template's quick-reply button. */
export const ButtonContentSchema = z.looseObject({ text: z.string(), payload: z.string().optional() });

/** An empty `emoji` removes the reaction. */
export const ReactionContentSchema = z.looseObject({
  message_id: z.string().min(1),
  emoji: z.string().optional(),
});

export const RevokeContentSchema = z.looseObject({ original_message_id: z.string().min(1) });

export const UnsupportedContentSchema = z.looseObject({ type: z.string().optional() });

/** Identity changes: `user_changed_number`, `user_changed_user_id`, … */
export const SystemContentSchema = z.looseObject({
  body: z.string().optional(),
  type: z.string().optional(),
  wa_id: z.string().optional(),
  new_wa_id: z.string().optional(),
  user_id: z.string().optional(),
});

export const OrderContentSchema = z.looseObject({
  catalog_id: z.string().optional(),
  text: z.string().optional(),
  product_items: z.array(z.looseObject({})).optional(),
});

export const MessageContextSchema = z.looseObject({
  id: z.string().optional(),
  from: z.string().optional(),
  forwarded: z.boolean().optional(),
  frequently_forwarded: z.boolean().optional(),
});

/** `<type>: {…}` content objects, each optional here; `requireContentForType` ties one to `type`. */
const contentShape = {
  type: z.string().min(1),
  context: MessageContextSchema.optional(),
  text: TextContentSchema.optional(),
  image: MediaSchema.optional(),
  video: MediaSchema.optional(),
  audio: MediaSchema.optional(),
  document: MediaSchema.optional(),
  sticker: MediaSchema.optional(),
  location: LocationContentSchema.optional(),
  contacts: SharedContactsSchema.optional(),
  interactive: InteractiveContentSchema.optional(),
  button: ButtonContentSchema.optional(),
  reaction: ReactionContentSchema.optional(),
  revoke: RevokeContentSchema.optional(),
  unsupported: UnsupportedContentSchema.optional(),
  system: SystemContentSchema.optional(),
  order: OrderContentSchema.optional(),
  referral: z.looseObject({}).optional(),
};

/**
 * Types whose meaning lives in their content object. `unsupported` (the errors carry the
 * meaning), `media_placeholder` (history leaves the content out on purpose) and types we do not
 * know are accepted without one.
 */
const TYPES_WITH_REQUIRED_CONTENT = new Set([
  'text',
  ...MEDIA_MESSAGE_TYPES,
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'edit',
  'revoke',
  'system',
  'order',
]);

function requireContentForType(message: { type: string } & Record<string, unknown>, ctx: z.RefinementCtx) {
  if (TYPES_WITH_REQUIRED_CONTENT.has(message.type) && message[message.type] === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [message.type],
      message: `missing for message type ${message.type}`,
    });
  }
}

/** The message inside an edit: a message's content without its envelope (no id, sender or time). */
export const EditedMessageSchema = z.looseObject(contentShape).superRefine(requireContentForType);
export type EditedMessage = z.infer<typeof EditedMessageSchema>;

export const EditContentSchema = z.looseObject({
  original_message_id: z.string().min(1),
  message: EditedMessageSchema,
});

const messageShape = {
  ...contentShape,
  id: z.string().min(1),
  timestamp: UnixTimestampSchema,
  edit: EditContentSchema.optional(),
  errors: z.array(MetaErrorSchema).optional(),
};

/** Any message we turn into a MessageRecord, whatever its webhook. */
export type MessageContent = EditedMessage & {
  id: string;
  timestamp: number;
  edit?: z.infer<typeof EditContentSchema> | undefined;
  errors?: MetaError[] | undefined;
};

function requireSender(
  message: { from?: string | undefined; from_user_id?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (message.from === undefined && message.from_user_id === undefined) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'missing, and no from_user_id either' });
  }
}

function requireRecipient(
  message: { to?: string | undefined; to_user_id?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (message.to === undefined && message.to_user_id === undefined) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'missing, and no to_user_id either' });
  }
}

/** `messages[]` of field `messages`: what a WhatsApp user sent the business. */
export const InboundMessageSchema = z
  .looseObject({
    ...messageShape,
    /** missing once a user with a username hides their number */
    from: PhoneNumberSchema.optional(),
    from_user_id: BsuidSchema.optional(),
  })
  .superRefine((message, ctx) => {
    requireContentForType(message, ctx);
    requireSender(message, ctx);
  });
export type InboundMessage = z.infer<typeof InboundMessageSchema>;

/** `message_echoes[]` of field `smb_message_echoes`: what the business sent from the app. */
export const EchoMessageSchema = z
  .looseObject({
    ...messageShape,
    from: z.string().optional(),
    to: PhoneNumberSchema.optional(),
    to_user_id: BsuidSchema.optional(),
  })
  .superRefine((message, ctx) => {
    requireContentForType(message, ctx);
    requireRecipient(message, ctx);
  });
export type EchoMessage = z.infer<typeof EchoMessageSchema>;

/**
 * A message of field `history`: inside `history[].threads[].messages[]`, or in `messages[]` of
 * the follow-up webhook that gives the media of an earlier `media_placeholder`.
 */
export const HistoryMessageSchema = z
  .looseObject({
    ...messageShape,
    /** the business's number for messages it sent, else the user's */
    from: PhoneNumberSchema.optional(),
    from_user_id: BsuidSchema.optional(),
    /** only on messages the business sent */
    to: PhoneNumberSchema.optional(),
    to_user_id: BsuidSchema.optional(),
    history_context: z.looseObject({ status: z.string().optional() }).optional(),
  })
  .superRefine((message, ctx) => {
    requireContentForType(message, ctx);
    requireSender(message, ctx);
  });
export type HistoryMessage = z.infer<typeof HistoryMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Field `messages`: inbound messages, sender profiles, statuses.

/** The sender's profile as `value.contacts[]` gives it. */
export const MessageContactSchema = z
  .looseObject({
    profile: z.looseObject({ name: z.string(), username: z.string().optional() }),
    wa_id: PhoneNumberSchema.optional(),
    user_id: BsuidSchema.optional(),
    identity_key_hash: z.string().optional(),
  })
  .superRefine((contact, ctx) => {
    if (contact.wa_id === undefined && contact.user_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['wa_id'], message: 'missing, and no user_id either' });
    }
  });
export type MessageContact = z.infer<typeof MessageContactSchema>;

export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;

export const StatusSchema = z
  .looseObject({
    id: z.string().min(1),
    status: z.enum(MESSAGE_STATUSES),
    timestamp: UnixTimestampSchema,
    recipient_id: PhoneNumberSchema.optional(),
    recipient_user_id: BsuidSchema.optional(),
    recipient_type: z.string().optional(),
    /** the string we attached when sending; it comes back on every status */
    biz_opaque_callback_data: z.string().optional(),
    /** omitted from v24.0 except in free-entry-point windows */
    conversation: z
      .looseObject({
        id: z.string().optional(),
        expiration_timestamp: z.union([z.string(), z.number()]).optional(),
        origin: z.looseObject({ type: z.string().optional() }).optional(),
      })
      .optional(),
    pricing: z
      .looseObject({
        billable: z.boolean().optional(),
        pricing_model: z.string().optional(),
        type: z.string().optional(),
        category: z.string().optional(),
      })
      .optional(),
    errors: z.array(MetaErrorSchema).optional(),
  })
  .superRefine((status, ctx) => {
    if (status.recipient_id === undefined && status.recipient_user_id === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['recipient_id'],
        message: 'missing, and no recipient_user_id either',
      });
    }
  });
export type Status = z.infer<typeof StatusSchema>;

const phoneValueHeaderShape = {
  messaging_product: z.string().optional(),
  metadata: PhoneMetadataSchema,
};

/** What every phone-level `value` has besides its item arrays. */
export const PhoneValueHeaderSchema = z.looseObject(phoneValueHeaderShape);

const phoneValueShape = {
  ...phoneValueHeaderShape,
  /** errors about the change as a whole rather than one message */
  errors: z.array(MetaErrorSchema).optional(),
};

export const MessagesValueSchema = z.looseObject({
  ...phoneValueShape,
  contacts: z.array(MessageContactSchema).optional(),
  messages: z.array(InboundMessageSchema).optional(),
  statuses: z.array(StatusSchema).optional(),
});
export type MessagesValue = z.infer<typeof MessagesValueSchema>;

// ---------------------------------------------------------------------------------------------
// Field `smb_message_echoes`.

/** Meta's docs name the array `message_echoes`; some payloads use the field's own name. */
export const ECHO_ARRAY_KEYS = ['message_echoes', 'smb_message_echoes'] as const;

export const SmbMessageEchoesValueSchema = z.looseObject({
  ...phoneValueShape,
  message_echoes: z.array(EchoMessageSchema).optional(),
  smb_message_echoes: z.array(EchoMessageSchema).optional(),
});
export type SmbMessageEchoesValue = z.infer<typeof SmbMessageEchoesValueSchema>;

// ---------------------------------------------------------------------------------------------
// Field `history`.

/** Not `value.metadata`: where this chunk sits in the sync. */
export const HistoryChunkMetadataSchema = z.looseObject({
  /** 0: day 0–1, 1: day 1–90, 2: day 90–180 before onboarding */
  phase: z.number().int().min(0),
  /** chunks may arrive in any order */
  chunk_order: z.number().int().min(0),
  /** 100 = the whole sync is done */
  progress: z.number().int().min(0).max(100),
});

/** Messages left unparsed. */
export const HistoryThreadHeaderSchema = z.looseObject({
  /** the WhatsApp user's number (or BSUID); anything else is a group */
  id: z.string().min(1),
  messages: z.array(z.unknown()),
});

export const HistoryThreadSchema = z.looseObject({
  id: z.string().min(1),
  messages: z.array(HistoryMessageSchema),
});

const historyChunkShape = {
  metadata: HistoryChunkMetadataSchema.optional(),
  /** `2593109`: the business declined to share its history */
  errors: z.array(MetaErrorSchema).optional(),
};

function requireChunkMetadataOrErrors(
  chunk: { metadata?: unknown; errors?: unknown; threads?: unknown },
  ctx: z.RefinementCtx,
) {
  if (chunk.metadata === undefined && (chunk.errors === undefined || chunk.threads !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['metadata'],
      message: 'missing: a history chunk needs metadata {phase, chunk_order, progress} or errors',
    });
  }
}

/** Metadata left unparsed, so that a broken position never costs the chunk's messages. */
export const HistoryChunkHeaderSchema = z.looseObject({
  metadata: z.unknown().optional(),
  errors: historyChunkShape.errors,
});

export const HistoryChunkSchema = z
  .looseObject({ ...historyChunkShape, threads: z.array(HistoryThreadSchema).optional() })
  .superRefine(requireChunkMetadataOrErrors);
export type HistoryChunk = z.infer<typeof HistoryChunkSchema>;

export const HistoryValueSchema = z.looseObject({
  ...phoneValueShape,
  history: z.array(HistoryChunkSchema).optional(),
  /** the media follow-up: same wamid as an earlier `media_placeholder`, now with the media */
  messages: z.array(HistoryMessageSchema).optional(),
});
export type HistoryValue = z.infer<typeof HistoryValueSchema>;

// ---------------------------------------------------------------------------------------------
// Field `smb_app_state_sync`.

/** What every `state_sync[]` item has; only `type: "contact"` is documented. */
export const StateSyncItemHeaderSchema = z.looseObject({ type: z.string().min(1) });

export const StateSyncContactSchema = z.looseObject({
  type: z.literal('contact'),
  contact: z
    .looseObject({
      /** left out on `remove` */
      full_name: z.string().optional(),
      first_name: z.string().optional(),
      phone_number: PhoneNumberSchema.optional(),
      user_id: BsuidSchema.optional(),
    })
    .superRefine((contact, ctx) => {
      if (contact.phone_number === undefined && contact.user_id === undefined) {
        ctx.addIssue({ code: 'custom', path: ['phone_number'], message: 'missing, and no user_id either' });
      }
    }),
  /** `add` also covers edits */
  action: z.enum(['add', 'remove']),
  metadata: z.looseObject({ timestamp: UnixTimestampSchema }),
});
export type StateSyncContact = z.infer<typeof StateSyncContactSchema>;

export const SmbAppStateSyncValueSchema = z.looseObject({
  ...phoneValueShape,
  state_sync: z.array(
    z.union([StateSyncContactSchema, StateSyncItemHeaderSchema.refine((item) => item.type !== 'contact')]),
  ),
});
export type SmbAppStateSyncValue = z.infer<typeof SmbAppStateSyncValueSchema>;

// ---------------------------------------------------------------------------------------------
// WABA-level fields.

export const AccountUpdateValueSchema = z.looseObject({
  /** PARTNER_REMOVED, ACCOUNT_OFFBOARDED, ACCOUNT_RECONNECTED, PARTNER_APP_INSTALLED, … */
  event: z.string().min(1),
  /** the coexistence number, on PARTNER_REMOVED */
  phone_number: PhoneNumberSchema.optional(),
  waba_info: z
    .looseObject({
      waba_id: z.string().min(1).optional(),
      owner_business_id: z.string().optional(),
      partner_app_id: z.string().optional(),
      solution_id: z.string().optional(),
      solution_partner_business_ids: z.array(z.string()).optional(),
    })
    .optional(),
  disconnection_info: z
    .looseObject({ reason: z.string().optional(), initiated_by: z.string().optional() })
    .optional(),
});
export type AccountUpdateValue = z.infer<typeof AccountUpdateValueSchema>;

/**
 * Meta sends template ids as JSON numbers; past 2^53 `JSON.parse` has already changed the
 * digits, so such an id is refused rather than stored wrong.
 */
export const TemplateIdSchema = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER, { error: 'template id too large to be exact' }),
  z.string().regex(/^\d+$/),
]);

export const MessageTemplateStatusUpdateValueSchema = z.looseObject({
  /** APPROVED, REJECTED, PAUSED, DISABLED, … */
  event: z.string().min(1),
  message_template_id: TemplateIdSchema,
  message_template_name: z.string().min(1),
  message_template_language: z.string().min(1),
  /** `null` when the template is scheduled for deletion */
  reason: z.string().nullish(),
  message_template_category: z.string().optional(),
  rejection_info: z
    .looseObject({ reason: z.string().optional(), recommendation: z.string().optional() })
    .optional(),
  other_info: z.looseObject({ title: z.string().optional(), description: z.string().optional() }).optional(),
});
export type MessageTemplateStatusUpdateValue = z.infer<typeof MessageTemplateStatusUpdateValueSchema>;

// ---------------------------------------------------------------------------------------------
// The envelope.

export const WHATSAPP_BUSINESS_ACCOUNT = 'whatsapp_business_account';

/** The `field`s we turn into records; any other field is reported as unknown. */
export const KNOWN_FIELDS = [
  'messages',
  'history',
  'smb_message_echoes',
  'smb_app_state_sync',
  'account_update',
  'message_template_status_update',
] as const;
export type KnownField = (typeof KNOWN_FIELDS)[number];

export const WebhookChangeSchema = z.looseObject({
  field: z.string().min(1),
  value: z.unknown(),
});
export type WebhookChange = z.infer<typeof WebhookChangeSchema>;

/** `entry[].id` is the WABA for phone-level fields (see `account_update` for the exception). */
export const WebhookEntryHeaderSchema = z.looseObject({ id: z.string().min(1) });

export const WebhookEntrySchema = z.looseObject({
  id: z.string().min(1),
  /** seconds; on `account_update` and `message_template_status_update` */
  time: UnixTimestampSchema.optional(),
  changes: z.array(WebhookChangeSchema),
});
export type WebhookEntry = z.infer<typeof WebhookEntrySchema>;

/** Entries left unparsed; a body without an `entry` array is not a webhook at all. */
export const WebhookEnvelopeHeaderSchema = z.looseObject({
  object: z.literal(WHATSAPP_BUSINESS_ACCOUNT),
  entry: z.array(z.unknown()),
});

export const WebhookEnvelopeSchema = z.looseObject({
  object: z.literal(WHATSAPP_BUSINESS_ACCOUNT),
  entry: z.array(WebhookEntrySchema),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelopeSchema>;

/** The full value schema for each known field, to validate a whole `value` in one call. */
export const VALUE_SCHEMA_BY_FIELD = {
  messages: MessagesValueSchema,
  history: HistoryValueSchema,
  smb_message_echoes: SmbMessageEchoesValueSchema,
  smb_app_state_sync: SmbAppStateSyncValueSchema,
  account_update: AccountUpdateValueSchema,
  message_template_status_update: MessageTemplateStatusUpdateValueSchema,
} as const satisfies Record<KnownField, z.ZodType>;
