import { encodeWamid } from '../state/ids.js';
import { localDateDaysBefore, localMidnightUtc } from './local-time.js';
import {
  BUSINESS_REPLIES,
  CUSTOMER_OPENERS,
  CUSTOMER_REPLIES,
  DOCUMENT_NAMES,
  FIRST_NAMES,
  IMAGE_CAPTIONS,
  LAST_NAMES,
  REACTION_EMOJI,
} from './people.js';
import { SeededRandom } from './random.js';

/**
 * The WhatsApp Business app's content on the business's phone before onboarding: contacts and
 * chats, generated from a seed so that the same seed and number always give the same phone.
 *
 * It is shaped like a real small business's: most chats are one-to-one with a few regular
 * customers writing often, in business hours of the business's time zone, quieter at weekends,
 * with replies after minutes rather than seconds; mostly text, some images, voice notes,
 * documents, stickers and reactions. Some of it must never leave the phone: group chats and
 * chats with disappearing messages turned on (Meta: "Messages in group chats will not be
 * included", "Disappearing messages are not included"), and anything older than 180 days.
 */
export interface PhoneSpec {
  seed: string;
  /** the business number, digits only */
  businessDigits: string;
  /** IANA zone the owner lives in: business hours are local hours */
  localTimezone: string;
  /** history is relative to this instant (ms) */
  onboardedAt: number;
  days: number;
  messagesPerDay: number;
  contacts: number;
}

export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';
export type GeneratedType = 'text' | 'reaction' | MediaKind;

export interface GeneratedMedia {
  id: string;
  mimeType: string;
  sha256: string;
  caption?: string;
  filename?: string;
}

export interface GeneratedMessage {
  wamid: string;
  /** the contact's digits for a one-to-one chat, the group's id for a group */
  chat: string;
  /** digits of whoever wrote it */
  author: string;
  direction: 'inbound' | 'outbound';
  /** ms since the epoch */
  timestamp: number;
  type: GeneratedType;
  text?: string;
  media?: GeneratedMedia;
  reaction?: { messageId: string; emoji: string };
  /** Meta's `history_context.status` */
  status: 'SENT' | 'DELIVERED' | 'READ' | 'PLAYED';
  group: boolean;
  disappearing: boolean;
}

export interface PhoneContact {
  digits: string;
  fullName: string;
  firstName: string;
}

export interface PhoneContents {
  /** saved contacts: what the contacts sync sends */
  contacts: PhoneContact[];
  /** every message on the phone, oldest first */
  messages: GeneratedMessage[];
  groups: Array<{ id: string; name: string; members: string[] }>;
}

export const DAY_MS = 86_400_000;
/** Meta syncs messages "within 180 days" of onboarding. */
export const HISTORY_WINDOW_DAYS = 180;
/** Media ids are only given for media from the last 14 days. */
export const MEDIA_FOLLOW_UP_DAYS = 14;

const MIME: Record<MediaKind, string> = {
  image: 'image/jpeg',
  audio: 'audio/ogg; codecs=opus',
  video: 'video/mp4',
  document: 'application/pdf',
  sticker: 'image/webp',
};

const MESSAGE_TYPES: ReadonlyArray<readonly [GeneratedType, number]> = [
  ['text', 78],
  ['image', 8],
  ['audio', 5],
  ['document', 3],
  ['sticker', 2],
  ['video', 1],
  ['reaction', 3],
];

/** When conversations start, by local hour: a morning and an afternoon peak, quiet nights. */
const START_HOURS: ReadonlyArray<readonly [number, number]> = [
  [7, 1],
  [8, 4],
  [9, 8],
  [10, 10],
  [11, 10],
  [12, 7],
  [13, 6],
  [14, 8],
  [15, 9],
  [16, 9],
  [17, 8],
  [18, 6],
  [19, 4],
  [20, 3],
  [21, 2],
  [22, 1],
];

/** Sunday … Saturday: a shop is quieter at weekends. Averages 1, so volumes match the request. */
const WEEKDAY_WEIGHT = [0.35, 1.1, 1.15, 1.15, 1.15, 1.1, 0.6];
const WEEKDAY_FACTOR = WEEKDAY_WEIGHT.map(
  (w) => (w * WEEKDAY_WEIGHT.length) / WEEKDAY_WEIGHT.reduce((a, b) => a + b, 0),
);
const GROUP_SHARE = 0.08;

export function generatePhone(spec: PhoneSpec): PhoneContents {
  const random = new SeededRandom(`${spec.seed}:${spec.businessDigits}`);
  const business = spec.businessDigits;
  const used = new Set<string>([business]);
  const newNumber = () => {
    const prefix = business.slice(0, Math.max(1, business.length - 7));
    for (;;) {
      const candidate = prefix + String(random.int(2_000_000, 9_999_999));
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  };

  const contacts: PhoneContact[] = [];
  for (let i = 0; i < spec.contacts; i += 1) {
    const firstName = random.pick(FIRST_NAMES);
    contacts.push({ digits: newNumber(), firstName, fullName: `${firstName} ${random.pick(LAST_NAMES)}` });
  }
  // People who wrote to the business without being saved as contacts.
  const strangers = Array.from({ length: Math.max(1, Math.round(spec.contacts * 0.15)) }, newNumber);
  const partners = random.shuffle([...contacts.map((c) => c.digits), ...strangers]);
  // A few regulars write often, most people rarely.
  const partnerWeights = partners.map((digits, rank) => [digits, 1 / (rank + 1) ** 0.8] as const);

  const disappearing = new Map<string, { fromDaysAgo: number; toDaysAgo: number }>();
  if (partners.length >= 3) {
    const count = Math.max(1, Math.round(partners.length * 0.08));
    for (const digits of random.shuffle([...partners]).slice(0, count)) {
      const fromDaysAgo = random.int(2, Math.max(2, spec.days - 1));
      disappearing.set(digits, { fromDaysAgo, toDaysAgo: Math.max(0, fromDaysAgo - random.int(5, 40)) });
    }
  }

  const groups: PhoneContents['groups'] = [];
  if (contacts.length >= 3) {
    for (let g = 0; g < 2; g += 1) {
      const members = random
        .shuffle(contacts.map((c) => c.digits))
        .slice(0, random.int(3, Math.min(8, contacts.length)));
      groups.push({
        id: `120363${random.int(10_000_000, 99_999_999)}${random.int(100, 999)}@g.us`,
        name: `Group ${g + 1}`,
        members,
      });
    }
  }

  const messages: GeneratedMessage[] = [];
  const builder = new ConversationBuilder(random, business, spec.onboardedAt, messages);
  const meanPerDay = spec.messagesPerDay / ConversationBuilder.MEAN_LENGTH;

  for (let daysAgo = spec.days - 1; daysAgo >= 0; daysAgo -= 1) {
    const date = localDateDaysBefore(spec.onboardedAt, daysAgo, spec.localTimezone);
    const midnight = localMidnightUtc(date, spec.localTimezone);
    const conversations = random.poisson(meanPerDay * (WEEKDAY_FACTOR[date.weekday] ?? 1));
    for (let c = 0; c < conversations; c += 1) {
      const start =
        midnight +
        random.weighted(START_HOURS) * 3_600_000 +
        random.int(0, 59) * 60_000 +
        random.int(0, 59) * 1000;
      if (start >= spec.onboardedAt) continue;
      const group = groups.length > 0 && random.chance(GROUP_SHARE) ? random.pick(groups) : null;
      if (group) {
        builder.groupConversation(group, start);
        continue;
      }
      const partner = random.weighted(partnerWeights);
      const period = disappearing.get(partner);
      const isDisappearing =
        period !== undefined && daysAgo <= period.fromDaysAgo && daysAgo >= period.toDaysAgo;
      builder.conversation(partner, start, isDisappearing);
    }
  }

  // Small phones still get one of each thing that must stay on the phone, so that tests and
  // demos always see them left out.
  const enough = spec.messagesPerDay * spec.days >= 20;
  if (enough && groups.length > 0 && !messages.some((m) => m.group)) {
    builder.groupConversation(
      groups[0]!,
      spec.onboardedAt - random.int(2, Math.max(2, spec.days - 1)) * DAY_MS,
    );
  }
  if (enough && disappearing.size > 0 && !messages.some((m) => m.disappearing)) {
    const [partner] = disappearing.keys();
    builder.conversation(
      partner!,
      spec.onboardedAt - random.int(2, Math.max(2, spec.days - 1)) * DAY_MS,
      true,
    );
  }

  messages.sort((a, b) => a.timestamp - b.timestamp);
  return { contacts, messages, groups };
}

class ConversationBuilder {
  static readonly MEAN_LENGTH = 5;

  constructor(
    private readonly random: SeededRandom,
    private readonly business: string,
    private readonly onboardedAt: number,
    private readonly out: GeneratedMessage[],
  ) {}

  conversation(partner: string, start: number, disappearing: boolean): void {
    const length = this.length();
    let at = start;
    let inbound = this.random.chance(0.75);
    const thread: GeneratedMessage[] = [];
    for (let i = 0; i < length && at < this.onboardedAt; i += 1) {
      const message = this.message({
        chat: partner,
        author: inbound ? partner : this.business,
        direction: inbound ? 'inbound' : 'outbound',
        timestamp: at,
        first: i === 0,
        previous: thread,
        group: false,
        disappearing,
      });
      thread.push(message);
      this.out.push(message);
      const switching = this.random.chance(0.7);
      if (switching) inbound = !inbound;
      // The business answers within minutes in office hours; customers reply faster.
      const medianMs = switching && !inbound ? 6 * 60_000 : 2 * 60_000;
      at += Math.max(4_000, Math.round(this.random.logNormal(medianMs, 1.1)));
    }
  }

  groupConversation(group: { id: string; members: string[] }, start: number): void {
    const length = this.length();
    let at = start;
    const thread: GeneratedMessage[] = [];
    for (let i = 0; i < length && at < this.onboardedAt; i += 1) {
      const byBusiness = this.random.chance(0.3);
      const author = byBusiness ? this.business : this.random.pick(group.members);
      const message = this.message({
        chat: group.id,
        author,
        direction: byBusiness ? 'outbound' : 'inbound',
        timestamp: at,
        first: i === 0,
        previous: thread,
        group: true,
        disappearing: false,
      });
      thread.push(message);
      this.out.push(message);
      at += Math.max(4_000, Math.round(this.random.logNormal(3 * 60_000, 1.2)));
    }
  }

  private length(): number {
    // 1 + geometric with mean MEAN_LENGTH (continue with probability (M - 1) / M), capped.
    const goOn = (ConversationBuilder.MEAN_LENGTH - 1) / ConversationBuilder.MEAN_LENGTH;
    let length = 1;
    while (length < 20 && this.random.chance(goOn)) length += 1;
    return length;
  }

  private message(input: {
    chat: string;
    author: string;
    direction: 'inbound' | 'outbound';
    timestamp: number;
    first: boolean;
    previous: GeneratedMessage[];
    group: boolean;
    disappearing: boolean;
  }): GeneratedMessage {
    const random = this.random;
    const inbound = input.direction === 'inbound';
    const counterparty = input.group ? input.chat.replace(/\D/g, '').slice(0, 20) : input.chat;
    const wamid = encodeWamid(counterparty, inbound ? `3A${random.hex(18)}` : random.hex(18), inbound);
    let type = random.weighted(MESSAGE_TYPES);
    const reactTo = [...input.previous]
      .reverse()
      .find((m) => m.direction !== input.direction && m.type !== 'reaction');
    if (type === 'reaction' && (!reactTo || input.first)) type = 'text';
    if (input.first && type !== 'text' && random.chance(0.6)) type = 'text';

    const message: GeneratedMessage = {
      wamid,
      chat: input.chat,
      author: input.author,
      direction: input.direction,
      timestamp: input.timestamp,
      type,
      status: inbound
        ? 'READ'
        : random.weighted([
            ['READ', 70],
            ['DELIVERED', 22],
            ['SENT', 8],
          ] as const),
      group: input.group,
      disappearing: input.disappearing,
    };
    if (type === 'text') {
      message.text = inbound
        ? random.pick(input.first ? CUSTOMER_OPENERS : CUSTOMER_REPLIES)
        : random.pick(BUSINESS_REPLIES);
    } else if (type === 'reaction') {
      message.reaction = { messageId: reactTo!.wamid, emoji: random.pick(REACTION_EMOJI) };
    } else {
      const media: GeneratedMedia = {
        id: String(random.int(100_000_000, 999_999_999)) + String(random.int(1_000_000, 9_999_999)),
        mimeType: MIME[type],
        sha256: Buffer.from(Array.from({ length: 32 }, () => random.int(0, 255))).toString('base64'),
      };
      if (type === 'image' || type === 'video') {
        const caption = random.pick(IMAGE_CAPTIONS);
        if (caption) media.caption = caption;
      }
      if (type === 'document') media.filename = random.pick(DOCUMENT_NAMES);
      message.media = media;
      if (type === 'audio' && !inbound && message.status === 'READ' && random.chance(0.5))
        message.status = 'PLAYED';
    }
    return message;
  }
}

// ---------------------------------------------------------------------------------------------
// What Meta may sync, and the counts tests compare with.

/** 0: day 0–1 before onboarding, 1: day 1–90, 2: day 90–180. */
export function historyPhase(timestamp: number, onboardedAt: number): 0 | 1 | 2 {
  const age = onboardedAt - timestamp;
  if (age < DAY_MS) return 0;
  if (age < 90 * DAY_MS) return 1;
  return 2;
}

/** One-to-one, not disappearing, within 180 days of onboarding. */
export function isSyncable(message: GeneratedMessage, onboardedAt: number): boolean {
  return (
    !message.group &&
    !message.disappearing &&
    message.timestamp <= onboardedAt &&
    onboardedAt - message.timestamp < HISTORY_WINDOW_DAYS * DAY_MS
  );
}

export function hasMediaFollowUp(message: GeneratedMessage, onboardedAt: number): boolean {
  return (
    message.media !== undefined &&
    isSyncable(message, onboardedAt) &&
    onboardedAt - message.timestamp < MEDIA_FOLLOW_UP_DAYS * DAY_MS
  );
}

export interface PhoneSummary {
  contacts: number;
  threads: number;
  messages: {
    total: number;
    syncable: number;
    by_phase: Record<'0' | '1' | '2', number>;
    by_direction: { inbound: number; outbound: number };
    by_type: Record<string, number>;
    media: number;
    media_within_14_days: number;
    group: number;
    disappearing: number;
    older_than_180_days: number;
  };
}

export function summarisePhone(contents: PhoneContents, onboardedAt: number): PhoneSummary {
  const summary: PhoneSummary = {
    contacts: contents.contacts.length,
    threads: 0,
    messages: {
      total: contents.messages.length,
      syncable: 0,
      by_phase: { '0': 0, '1': 0, '2': 0 },
      by_direction: { inbound: 0, outbound: 0 },
      by_type: {},
      media: 0,
      media_within_14_days: 0,
      group: 0,
      disappearing: 0,
      older_than_180_days: 0,
    },
  };
  const threads = new Set<string>();
  const m = summary.messages;
  for (const message of contents.messages) {
    if (message.group) m.group += 1;
    else if (message.disappearing) m.disappearing += 1;
    else if (!isSyncable(message, onboardedAt)) m.older_than_180_days += 1;
    if (!isSyncable(message, onboardedAt)) continue;
    m.syncable += 1;
    threads.add(message.chat);
    m.by_phase[String(historyPhase(message.timestamp, onboardedAt)) as '0' | '1' | '2'] += 1;
    m.by_direction[message.direction] += 1;
    m.by_type[message.type] = (m.by_type[message.type] ?? 0) + 1;
    if (message.media) m.media += 1;
    if (hasMediaFollowUp(message, onboardedAt)) m.media_within_14_days += 1;
  }
  summary.threads = threads.size;
  return summary;
}
