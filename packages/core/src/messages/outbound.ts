import { z } from 'zod';
import { parsePhoneNumber } from '../phone/phone.js';

/**
 * A Cloud API `POST /<PHONE_NUMBER_ID>/messages` body as Meta accepts it. Marketers send us the
 * same body they would send Meta, so field names, nesting and limits are Meta's.
 *
 * Objects are loose: Meta ignores fields it does not know, and so do we (they are kept in the
 * parsed message so nothing is lost on the way to Meta). Requests for features that coexistence
 * numbers do not support are not judged here but by `checkCoexistenceSupport` on the raw body.
 */

/** Meta's limits are in characters; a code point is what a person counts as one (an emoji is one, not two). */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function text(max: number, { allowEmpty = false } = {}) {
  return z.string().superRefine((value, ctx) => {
    const length = characterCount(value);
    if (!allowEmpty && length === 0) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
    else if (length > max)
      ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters (it has ${length})` });
  });
}

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });
const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** Meta accepts coordinates as numbers or numeric strings. */
function coordinate(limit: number) {
  return z.union([z.number(), z.string()], { error: 'must be a number' }).superRefine((value, ctx) => {
    const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(n) || n < -limit || n > limit)
      ctx.addIssue({ code: 'custom', message: `must be a number from -${limit} to ${limit}` });
  });
}

const locationSchema = z.looseObject({
  latitude: coordinate(90),
  longitude: coordinate(180),
  name: z.string().optional(),
  address: z.string().optional(),
});

/** Uploaded media id or a public https link, never both: Meta has to know which one to fetch. */
function exactlyOneSource(value: { id?: unknown; link?: unknown }, ctx: z.RefinementCtx) {
  const hasId = value.id !== undefined;
  const hasLink = value.link !== undefined;
  if (hasId && hasLink) ctx.addIssue({ code: 'custom', message: 'give either id or link, not both' });
  if (!hasId && !hasLink)
    ctx.addIssue({ code: 'custom', message: 'needs id (an uploaded media id) or link (an https:// URL)' });
}

const mediaSource = {
  id: z.string().min(1, 'must not be empty').optional(),
  link: httpsUrl.optional(),
};

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Meta shows captions under images, videos and documents only; audio and stickers have none. */
const CAPTIONED: ReadonlySet<MediaType> = new Set(['image', 'video', 'document']);
export const CAPTION_MAX_CHARACTERS = 1024;

function mediaSchema(kind: MediaType) {
  return z
    .looseObject({
      ...mediaSource,
      caption: text(CAPTION_MAX_CHARACTERS, { allowEmpty: true }).optional(),
      filename: z.string().min(1, 'must not be empty').optional(),
    })
    .superRefine((value, ctx) => {
      exactlyOneSource(value, ctx);
      if (value.caption !== undefined && !CAPTIONED.has(kind))
        ctx.addIssue({
          code: 'custom',
          path: ['caption'],
          message: `${kind} messages cannot have a caption`,
        });
      if (value.filename !== undefined && kind !== 'document')
        ctx.addIssue({ code: 'custom', path: ['filename'], message: 'only documents have a filename' });
    });
}

export const TEXT_BODY_MAX_CHARACTERS = 4096;

const textSchema = z.looseObject({
  body: text(TEXT_BODY_MAX_CHARACTERS),
  preview_url: z.boolean().optional(),
});

// ---------------------------------------------------------------------------------------------
// Templates: the parameters are checked against the template itself by `checkTemplateMessage`;
// here only their shape is.

function parameter<T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) {
  return z.looseObject({ type: z.literal(type), parameter_name: z.string().optional(), ...shape });
}

const mediaReference = z.looseObject({ ...mediaSource }).superRefine(exactlyOneSource);

export const templateParameterSchema = z.discriminatedUnion('type', [
  parameter('text', { text: z.string() }),
  parameter('currency', {
    currency: z.looseObject({
      fallback_value: z.string(),
      code: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as USD'),
      amount_1000: z.number().int('must be a whole number (the amount times 1000)'),
    }),
  }),
  parameter('date_time', { date_time: z.looseObject({ fallback_value: z.string() }) }),
  parameter('image', { image: mediaReference }),
  parameter('video', { video: mediaReference }),
  parameter('document', { document: mediaReference }),
  parameter('location', { location: locationSchema }),
  parameter('payload', { payload: z.string() }),
  parameter('coupon_code', { coupon_code: z.string() }),
  parameter('action', { action: z.looseObject({}) }),
  parameter('limited_time_offer', { limited_time_offer: z.looseObject({}) }),
]);
export type TemplateParameter = z.infer<typeof templateParameterSchema>;

const buttonIndex = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)], {
  error: "must be the button's position in the template, starting at 0",
});

export const templateComponentSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('header'), parameters: z.array(templateParameterSchema).optional() }),
  z.looseObject({ type: z.literal('body'), parameters: z.array(templateParameterSchema).optional() }),
  z.looseObject({
    type: z.literal('button'),
    sub_type: z.string().min(1, 'must not be empty'),
    index: buttonIndex,
    parameters: z.array(templateParameterSchema).optional(),
  }),
  z.looseObject({ type: z.literal('carousel'), cards: z.array(z.looseObject({})) }),
  z.looseObject({
    type: z.literal('limited_time_offer'),
    parameters: z.array(templateParameterSchema).optional(),
  }),
]);
export type TemplateComponent = z.infer<typeof templateComponentSchema>;

export const outboundTemplateSchema = z.looseObject({
  name: text(512),
  language: z.looseObject({
    code: z.string().min(1, 'must not be empty'),
    policy: z.literal('deterministic').optional(),
  }),
  components: z.array(templateComponentSchema).optional(),
});
/** The `template` object of a send request. */
export type OutboundTemplate = z.infer<typeof outboundTemplateSchema>;

// ---------------------------------------------------------------------------------------------
// Interactive messages.

export const REPLY_BUTTONS_MAX = 3;
export const LIST_ROWS_MAX = 10;
export const LIST_SECTIONS_MAX = 10;

const interactiveHeader = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: text(60) }),
  z.looseObject({ type: z.literal('image'), image: mediaReference }),
  z.looseObject({ type: z.literal('video'), video: mediaReference }),
  z.looseObject({ type: z.literal('document'), document: mediaReference }),
]);
const footer = z.looseObject({ text: text(60) });

/** Meta reports a reply by the id and label the user tapped, so both must tell buttons apart. */
function noDuplicates(values: readonly unknown[], what: string, ctx: z.RefinementCtx, path: PropertyKey[]) {
  const seen = new Set<unknown>();
  values.forEach((value, index) => {
    if (typeof value !== 'string') return;
    if (seen.has(value))
      ctx.addIssue({ code: 'custom', path: [...path, index], message: `${what} "${value}" is used twice` });
    seen.add(value);
  });
}

const replyButton = z.looseObject({
  type: z.literal('reply'),
  reply: z.looseObject({
    id: text(256).refine((id) => id.trim() === id, 'must not start or end with spaces'),
    title: text(20),
  }),
});

const buttonInteractive = z.looseObject({
  type: z.literal('button'),
  header: interactiveHeader.optional(),
  body: z.looseObject({ text: text(1024) }),
  footer: footer.optional(),
  action: z
    .looseObject({
      buttons: z
        .array(replyButton)
        .min(1, 'needs at least 1 button')
        .max(REPLY_BUTTONS_MAX, `can have at most ${REPLY_BUTTONS_MAX} buttons`),
    })
    .superRefine((action, ctx) => {
      noDuplicates(
        action.buttons.map((b) => b.reply?.id),
        'button id',
        ctx,
        ['buttons'],
      );
      noDuplicates(
        action.buttons.map((b) => b.reply?.title),
        'button title',
        ctx,
        ['buttons'],
      );
    }),
});

const listRow = z.looseObject({
  id: text(200),
  title: text(24),
  description: text(72, { allowEmpty: true }).optional(),
});

const listInteractive = z.looseObject({
  type: z.literal('list'),
  header: z
    .looseObject({ type: z.literal('text', 'list messages only take a text header'), text: text(60) })
    .optional(),
  body: z.looseObject({ text: text(4096) }),
  footer: footer.optional(),
  action: z
    .looseObject({
      button: text(20),
      sections: z
        .array(
          z.looseObject({
            title: text(24).optional(),
            rows: z.array(listRow).min(1, 'needs at least 1 row'),
          }),
        )
        .min(1, 'needs at least 1 section')
        .max(LIST_SECTIONS_MAX, `can have at most ${LIST_SECTIONS_MAX} sections`),
    })
    .superRefine((action, ctx) => {
      const rows = action.sections.flatMap((section) => section.rows ?? []);
      if (rows.length > LIST_ROWS_MAX)
        ctx.addIssue({
          code: 'custom',
          path: ['sections'],
          message: `can have at most ${LIST_ROWS_MAX} rows across all sections (it has ${rows.length})`,
        });
      const seen = new Set<string>();
      action.sections.forEach((section, s) => {
        if (action.sections.length > 1 && section.title === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['sections', s, 'title'],
            message: 'is required when the list has more than one section',
          });
        (section.rows ?? []).forEach((row, r) => {
          if (typeof row.id !== 'string') return;
          if (seen.has(row.id))
            ctx.addIssue({
              code: 'custom',
              path: ['sections', s, 'rows', r, 'id'],
              message: `row id "${row.id}" is used twice`,
            });
          seen.add(row.id);
        });
      });
    }),
});

const ctaUrlInteractive = z.looseObject({
  type: z.literal('cta_url'),
  header: interactiveHeader.optional(),
  body: z.looseObject({ text: text(1024) }),
  footer: footer.optional(),
  action: z.looseObject({
    name: z.literal('cta_url'),
    parameters: z.looseObject({ display_text: text(20), url: webUrl }),
  }),
});

/**
 * Interactive kinds we do not model field by field. They pass so that `checkCoexistenceSupport`
 * can judge the ones coexistence numbers cannot send, and Meta the rest.
 */
export const OTHER_INTERACTIVE_TYPES = [
  'product',
  'product_list',
  'catalog_message',
  'order_details',
  'order_status',
  'flow',
  'call_permission_request',
  'voice_call',
  'location_request_message',
  'address_message',
] as const;

const otherInteractive = z.looseObject({ type: z.enum(OTHER_INTERACTIVE_TYPES) });

const interactiveSchema = z.discriminatedUnion('type', [
  buttonInteractive,
  listInteractive,
  ctaUrlInteractive,
  otherInteractive,
]);

// ---------------------------------------------------------------------------------------------
// Contacts and reactions.

const contactSchema = z.looseObject({
  name: z.looseObject({ formatted_name: text(1024) }),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
  emails: z.array(z.looseObject({ email: z.string().optional() })).optional(),
});

const emojiSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** One emoji as a person sees it (flags and family emoji are several code points), or "" to remove. */
export function isReactionEmoji(value: string): boolean {
  if (value === '') return true;
  const graphemes = [...emojiSegmenter.segment(value)];
  return graphemes.length === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(value);
}

const reactionSchema = z.looseObject({
  message_id: z.string().min(1, 'must not be empty'),
  emoji: z.string().refine(isReactionEmoji, 'must be a single emoji, or "" to remove the reaction'),
});

// ---------------------------------------------------------------------------------------------
// The whole body.

/** Business-scoped user ids (`US.13491208655302741918`) stand in for the phone number of users with usernames. */
const BUSINESS_SCOPED_USER_ID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;
const PHONE_CHARACTERS = /^\+?[\d\s().-]+$/;

export function isIndividualRecipient(to: string): boolean {
  const trimmed = to.trim();
  if (BUSINESS_SCOPED_USER_ID.test(trimmed)) return true;
  return PHONE_CHARACTERS.test(trimmed) && parsePhoneNumber(trimmed) !== null;
}

const RECIPIENT_MESSAGE = 'must be a phone number with its country code, for example +16505551234';

function recipientIssue(body: Record<string, unknown>): string | null {
  const individual = body.recipient_type === undefined || body.recipient_type === 'individual';
  return individual && typeof body.to === 'string' && !isIndividualRecipient(body.to)
    ? RECIPIENT_MESSAGE
    : null;
}

const envelope = {
  messaging_product: z.literal('whatsapp', 'must be "whatsapp"'),
  recipient_type: z.enum(['individual', 'group']).default('individual'),
  to: z.string().trim().min(1, 'must not be empty'),
  context: z.looseObject({ message_id: z.string().min(1, 'must not be empty') }).optional(),
  biz_opaque_callback_data: text(512, { allowEmpty: true }).optional(),
};

function message<T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) {
  return z.looseObject({ ...envelope, type: z.literal(type), ...shape });
}

export const outboundMessageSchema = z
  .discriminatedUnion('type', [
    message('text', { text: textSchema }),
    message('template', { template: outboundTemplateSchema }),
    message('image', { image: mediaSchema('image') }),
    message('video', { video: mediaSchema('video') }),
    message('audio', { audio: mediaSchema('audio') }),
    message('document', { document: mediaSchema('document') }),
    message('sticker', { sticker: mediaSchema('sticker') }),
    message('location', { location: locationSchema }),
    message('contacts', { contacts: z.array(contactSchema).min(1, 'needs at least 1 contact') }),
    message('interactive', { interactive: interactiveSchema }),
    message('reaction', { reaction: reactionSchema }),
  ])
  .superRefine((body, ctx) => {
    const issue = recipientIssue(body);
    if (issue) ctx.addIssue({ code: 'custom', path: ['to'], message: issue });
  });

export type OutboundMessage = z.infer<typeof outboundMessageSchema>;
export type OutboundMessageType = OutboundMessage['type'];

export const markAsReadSchema = z.looseObject({
  messaging_product: z.literal('whatsapp', 'must be "whatsapp"'),
  status: z.literal('read', 'must be "read"'),
  message_id: z.string().min(1, 'must not be empty'),
  typing_indicator: z.looseObject({ type: z.literal('text', 'must be "text"') }).optional(),
});
export type MarkAsRead = z.infer<typeof markAsReadSchema>;

// ---------------------------------------------------------------------------------------------
// Issues a marketer can act on.

export interface FieldIssue {
  /** Where in the request, e.g. `template.components[0].parameters[1].text`. */
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; issues: FieldIssue[] };

export const REQUEST_BODY_FIELD = '(request body)';

export function formatFieldPath(path: readonly PropertyKey[]): string {
  let field = '';
  for (const segment of path) {
    if (typeof segment === 'number') field += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment))
      field += field === '' ? segment : `.${segment}`;
    else field += `[${JSON.stringify(String(segment))}]`;
  }
  return field === '' ? REQUEST_BODY_FIELD : field;
}

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

const ARTICLE: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Replaces zod's developer wording with sentences for people; our own messages are kept as they are. */
const marketerWording: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${ARTICLE[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${quoteList(issue.values)}`
        : `must be one of ${quoteList(issue.values)}`;
    case 'invalid_union': {
      // A discriminated union reports the whole object; the marketer needs the value they typed.
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: string };
      if (!options || !discriminator) return 'does not match any accepted form';
      const value = isRecord(issue.input) ? issue.input[discriminator] : undefined;
      if (value === undefined) return `is required: one of ${quoteList(options)}`;
      return `${JSON.stringify(value)} is not supported here; use one of ${quoteList(options)}`;
    }
    case 'too_small':
      if (issue.origin === 'array')
        return `needs at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `can have at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL' : `is not a valid ${issue.format}`;
    default:
      return undefined;
  }
};

function parseWith<S extends z.ZodType>(
  schema: S,
  body: unknown,
  extraIssues: readonly FieldIssue[] = [],
): ParseResult<z.infer<S>> {
  const result = schema.safeParse(body, { error: marketerWording });
  if (result.success) return { ok: true, message: result.data };
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  const all = [
    ...result.error.issues.map((issue) => ({ field: formatFieldPath(issue.path), message: issue.message })),
    ...extraIssues,
  ];
  for (const issue of all) {
    const field = issue.field;
    const key = `${field}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ field, message: issue.message });
  }
  return { ok: false, issues };
}

/** Validates a send request body the way Meta would, answering with every problem at once. */
export function parseOutboundMessage(body: unknown): ParseResult<OutboundMessage> {
  // zod skips whole-body checks once a field is malformed; a wrong recipient is worth reporting anyway.
  const recipient = isRecord(body) ? recipientIssue(body) : null;
  return parseWith(outboundMessageSchema, body, recipient ? [{ field: 'to', message: recipient }] : []);
}

/** The other body Graph accepts on `/messages`: a read receipt, optionally with a typing indicator. */
export function parseMarkAsRead(body: unknown): ParseResult<MarkAsRead> {
  return parseWith(markAsReadSchema, body);
}
