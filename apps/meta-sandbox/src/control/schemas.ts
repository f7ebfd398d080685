import { z } from 'zod';

/** Bodies of the control API. Unknown fields are refused so that a typo never goes unnoticed. */

const appVersion = z.string().regex(/^\d+\.\d+\.\d+$/, 'must look like 2.24.17');

export const businessSchema = z.strictObject({
  display_phone_number: z.string().min(1, 'must not be empty').optional(),
  app_version: appVersion.optional(),
  timezone: z.string().nullable().optional(),
  share_history: z.boolean().optional(),
  history: z
    .strictObject({
      days: z.number().int().min(0).max(400).optional(),
      messages_per_day: z.number().min(0).max(2_000).optional(),
    })
    .optional(),
  contacts: z.number().int().min(0).max(5_000).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as US')
    .optional(),
  business_id: z.string().regex(/^\d+$/, 'must be a business portfolio id').optional(),
  business_name: z.string().min(1).max(100).optional(),
  /** exchange the code at once and return the business token too (for tests that skip signup) */
  exchange: z.boolean().optional(),
  /** subscribe the app to the WABA at once, as the platform would */
  subscribe: z.boolean().optional(),
  /** another partner's app left subscribed to the WABA, with this override */
  previous_partner_override: z.url().optional(),
});

export const inboundSchema = z.strictObject({
  from: z.string().regex(/^\+?[\d\s().-]{6,}$/, 'must be the customer phone number, e.g. +16505551234'),
  text: z.string().max(4096).optional(),
  type: z
    .enum([
      'text',
      'image',
      'audio',
      'video',
      'document',
      'sticker',
      'location',
      'reaction',
      'button',
      'interactive',
    ])
    .optional(),
  name: z.string().min(1).max(200).optional(),
  context_id: z.string().min(1).optional(),
  emoji: z.string().min(1).optional(),
});

export const echoSchema = z.strictObject({
  to: z.string().regex(/^\+?[\d\s().-]{6,}$/, 'must be the customer phone number, e.g. +16505551234'),
  text: z.string().min(1).max(4096).optional(),
});

export const unlinkSchema = z.strictObject({
  reason: z
    .enum([
      'ACCOUNT_DISCONNECTED',
      'BUSINESS_DOWNGRADE',
      'CHANGE_NUMBER',
      'COMPANION_INACTIVITY',
      'PRIMARY_INACTIVITY',
      'USER_RE_REGISTERED',
    ])
    .optional(),
  initiated_by: z.enum(['USER', 'SYSTEM']).optional(),
});

export const unavailableSchema = z.strictObject({
  from: z.string().regex(/^\+?[\d\s().-]{6,}$/, 'must be the customer phone number, e.g. +16505551234'),
  name: z.string().min(1).max(200).optional(),
  /** deliver the real message later under the same wamid */
  text: z.string().min(1).max(4096).optional(),
  deliver_after_ms: z.number().int().min(0).max(600_000).optional(),
});

export const contactSchema = z.strictObject({
  action: z.enum(['add', 'remove']),
  phone_number: z.string().regex(/^\+?[\d\s().-]{6,}$/, 'must be a phone number'),
  full_name: z.string().min(1).max(200).optional(),
  first_name: z.string().min(1).max(200).optional(),
});

export const templateStatusSchema = z.strictObject({
  status: z.enum([
    'APPROVED',
    'PENDING',
    'REJECTED',
    'PAUSED',
    'DISABLED',
    'IN_APPEAL',
    'PENDING_DELETION',
    'DELETED',
    'ARCHIVED',
    'LIMIT_EXCEEDED',
    'LOCKED',
    'FLAGGED',
    'REINSTATED',
  ]),
  language: z.string().min(2).optional(),
  reason: z.string().nullable().optional(),
});

const rate = z.number().min(0).max(1);

export const faultsSchema = z.strictObject({
  latency_ms: z.number().int().min(0).max(60_000).optional(),
  error_rate: rate.optional(),
  timeout_rate: rate.optional(),
  webhook_duplicate_rate: rate.optional(),
  webhook_failure_rate: rate.optional(),
});

export const settingsSchema = z.strictObject({
  status_webhooks: z.boolean().optional(),
  read_fraction: rate.optional(),
  pair_burst: z.number().int().min(1).max(10_000).optional(),
  pair_refill_ms: z.number().int().min(1).max(3_600_000).optional(),
  code_ttl_ms: z.number().int().min(1).max(86_400_000).optional(),
  template_approval_ms: z.number().int().min(0).max(86_400_000).optional(),
  webhook_url: z
    .union([z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), z.literal('')])
    .optional(),
  signup_event_ids: z.boolean().optional(),
});

export const clockSchema = z.union(
  [z.strictObject({ offset_ms: z.number().int() }), z.strictObject({ advance_ms: z.number().int().min(0) })],
  { error: 'give either offset_ms or advance_ms (a whole number of milliseconds)' },
);
