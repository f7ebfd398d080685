import { formatFieldPath } from '../messages/outbound.js';
import { allow, type RuleResult, refuse } from '../refusal.js';
import type { CoexistenceFeatureId } from './features.js';

/** One thing in a send request that a coexistence number cannot do. */
export interface UnsupportedRequest {
  feature: CoexistenceFeatureId;
  /** Where in the request, in the same notation as the schema's issues. */
  field: string;
  /** What was found there, as the marketer wrote it. */
  found: string;
}

/** How each refused feature reads in a sentence, and what to do instead when there is something. */
const WORDING: Partial<Record<CoexistenceFeatureId, { what: string; instead?: string }>> = {
  group_chats: { what: 'send to WhatsApp groups' },
  broadcast_lists: {
    what: 'send to broadcast lists or several recipients in one request',
    instead: 'send one request per recipient',
  },
  message_edit_recall: { what: 'edit or recall a message after it was sent' },
  live_location: { what: 'share a live location', instead: 'send a fixed location (type "location")' },
  view_once_messages: { what: 'send view-once media', instead: 'send the media as an ordinary message' },
  disappearing_messages: { what: 'send disappearing messages' },
  voice_video_calls: { what: 'place calls or ask for call permission' },
  business_tools: { what: 'use the catalog, orders or status (product, catalog and order messages)' },
  channels: { what: 'post to WhatsApp Channels' },
};

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only: a body parsed from JSON may carry keys such as `constructor`. */
function own(object: Json, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function lower(value: unknown): string | null {
  return typeof value === 'string' ? value.trim().toLowerCase() : null;
}

/** `view_once: false` asks for nothing; only a value that turns a feature on counts. */
function isRequested(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isRecord(value)) return 'an object';
  return String(value);
}

const GROUP_RECIPIENT_TYPES = new Set(['group']);
const BROADCAST_RECIPIENT_TYPES = new Set(['broadcast', 'broadcast_list']);
const CHANNEL_RECIPIENT_TYPES = new Set(['channel', 'newsletter']);

const EDIT_RECALL_TYPES = new Set(['edit', 'revoke', 'recall', 'delete']);
const CALL_TYPES = new Set(['call', 'voice_call', 'video_call']);
const BUSINESS_TOOL_TYPES = new Set(['order', 'product', 'product_list', 'catalog']);
const MEDIA_TYPES: ReadonlySet<string> = new Set(['image', 'video', 'audio', 'document', 'sticker']);

const CALL_INTERACTIVE = new Set(['call_permission_request', 'voice_call']);
const BUSINESS_TOOL_INTERACTIVE = new Set([
  'product',
  'product_list',
  'catalog_message',
  'order_details',
  'order_status',
]);
/** Template buttons that open the catalog or an order, or start a call. */
const BUSINESS_TOOL_BUTTONS = new Set(['catalog', 'mpm', 'spm', 'order_details']);
const CALL_BUTTONS = new Set(['voice_call']);

const GROUP_KEYS = ['group_id'];
const BROADCAST_KEYS = ['broadcast', 'broadcast_list', 'broadcast_list_id', 'broadcast_id', 'recipients'];
const CHANNEL_KEYS = ['channel', 'channel_id', 'newsletter', 'newsletter_id'];
const DISAPPEARING_KEYS = ['ephemeral', 'ephemeral_expiration', 'disappearing', 'disappearing_messages'];

/**
 * Group ids as Cloud API returns them are base64 of `capi_group:…`; WhatsApp's own ids end in
 * `@g.us`, broadcast lists in `@broadcast` (`status@broadcast` is the status feed), channels in
 * `@newsletter`.
 */
function recipientFeature(to: string): CoexistenceFeatureId | null {
  const id = to.trim().toLowerCase();
  if (id.endsWith('@g.us') || to.trim().startsWith('Y2FwaV9ncm91cD')) return 'group_chats';
  if (id === 'status@broadcast') return 'business_tools';
  if (id.endsWith('@broadcast')) return 'broadcast_lists';
  if (id.endsWith('@newsletter')) return 'channels';
  return null;
}

/** Every unsupported request in a raw send body, in the order a reader meets them. */
export function findUnsupportedRequests(rawBody: unknown): UnsupportedRequest[] {
  if (!isRecord(rawBody)) return [];
  const found: UnsupportedRequest[] = [];
  const add = (feature: CoexistenceFeatureId, path: PropertyKey[], value: unknown) => {
    const field = formatFieldPath(path);
    if (!found.some((f) => f.feature === feature && f.field === field))
      found.push({ feature, field, found: show(value) });
  };

  const recipientType = lower(own(rawBody, 'recipient_type'));
  if (recipientType !== null) {
    const value = own(rawBody, 'recipient_type');
    if (GROUP_RECIPIENT_TYPES.has(recipientType)) add('group_chats', ['recipient_type'], value);
    if (BROADCAST_RECIPIENT_TYPES.has(recipientType)) add('broadcast_lists', ['recipient_type'], value);
    if (CHANNEL_RECIPIENT_TYPES.has(recipientType)) add('channels', ['recipient_type'], value);
  }

  const to = own(rawBody, 'to');
  if (Array.isArray(to)) add('broadcast_lists', ['to'], to);
  else if (typeof to === 'string') {
    const feature = recipientFeature(to);
    if (feature) add(feature, ['to'], to);
  }
  for (const key of GROUP_KEYS)
    if (isRequested(own(rawBody, key))) add('group_chats', [key], own(rawBody, key));
  for (const key of BROADCAST_KEYS)
    if (isRequested(own(rawBody, key))) add('broadcast_lists', [key], own(rawBody, key));
  for (const key of CHANNEL_KEYS)
    if (isRequested(own(rawBody, key))) add('channels', [key], own(rawBody, key));

  const rawType = own(rawBody, 'type');
  const type = lower(rawType);
  if (type !== null) {
    if (EDIT_RECALL_TYPES.has(type)) add('message_edit_recall', ['type'], rawType);
    if (type === 'live_location') add('live_location', ['type'], rawType);
    if (CALL_TYPES.has(type)) add('voice_video_calls', ['type'], rawType);
    if (BUSINESS_TOOL_TYPES.has(type)) add('business_tools', ['type'], rawType);
  }
  for (const key of ['edit', 'revoke', 'recall']) {
    if (isRequested(own(rawBody, key))) add('message_edit_recall', [key], own(rawBody, key));
  }

  if (isRequested(own(rawBody, 'live_location')))
    add('live_location', ['live_location'], own(rawBody, 'live_location'));
  // Meta reads only the object named by `type`, so only that one can ask for anything.
  const typeObject = type !== null ? own(rawBody, type) : undefined;
  const location = type === 'location' ? typeObject : undefined;
  if (isRecord(location)) {
    for (const key of ['live_period', 'live_location']) {
      if (isRequested(own(location, key))) add('live_location', ['location', key], own(location, key));
    }
  }

  if (isRequested(own(rawBody, 'view_once')))
    add('view_once_messages', ['view_once'], own(rawBody, 'view_once'));
  if (
    type !== null &&
    MEDIA_TYPES.has(type) &&
    isRecord(typeObject) &&
    isRequested(own(typeObject, 'view_once'))
  )
    add('view_once_messages', [type, 'view_once'], own(typeObject, 'view_once'));

  // Disappearing options can sit on the body or on the message object of its type.
  for (const key of DISAPPEARING_KEYS) {
    if (isRequested(own(rawBody, key))) add('disappearing_messages', [key], own(rawBody, key));
    if (type !== null && isRecord(typeObject) && isRequested(own(typeObject, key)))
      add('disappearing_messages', [type, key], own(typeObject, key));
  }

  const interactive = type === 'interactive' ? typeObject : undefined;
  if (isRecord(interactive)) {
    const kind = lower(own(interactive, 'type'));
    if (kind !== null && CALL_INTERACTIVE.has(kind))
      add('voice_video_calls', ['interactive', 'type'], own(interactive, 'type'));
    if (kind !== null && BUSINESS_TOOL_INTERACTIVE.has(kind))
      add('business_tools', ['interactive', 'type'], own(interactive, 'type'));
  }

  const template = type === 'template' ? typeObject : undefined;
  const components = isRecord(template) ? own(template, 'components') : undefined;
  if (Array.isArray(components)) {
    components.forEach((component, index) => {
      if (!isRecord(component)) return;
      const subType = lower(own(component, 'sub_type'));
      if (subType === null) return;
      const path = ['template', 'components', index, 'sub_type'];
      if (BUSINESS_TOOL_BUTTONS.has(subType)) add('business_tools', path, own(component, 'sub_type'));
      if (CALL_BUTTONS.has(subType)) add('voice_video_calls', path, own(component, 'sub_type'));
    });
  }

  return found;
}

function describe(request: UnsupportedRequest): string {
  const wording = WORDING[request.feature];
  const what = wording?.what ?? `use ${request.feature.replaceAll('_', ' ')}`;
  const instead = wording?.instead ? `; ${wording.instead} instead` : '';
  return `cannot ${what} (${request.field} is ${request.found})${instead}`;
}

/**
 * Whether a Cloud API send body asks for something Meta does not offer on numbers shared with
 * the WhatsApp Business app. Reads the raw body, so it works on requests the schema would reject
 * and sees fields the schema does not model. Anything it does not recognise passes: Meta, not
 * this rule, judges ordinary validity.
 */
export function checkCoexistenceSupport(rawBody: unknown): RuleResult<true, 'unsupported_on_coexistence'> {
  const unsupported = findUnsupportedRequests(rawBody);
  if (unsupported.length === 0) return allow(true);
  return refuse(
    'unsupported_on_coexistence',
    `This number is also used in the WhatsApp Business app, so through the API it ${unsupported
      .map(describe)
      .join('; it ')}.`,
    { unsupported },
  );
}
