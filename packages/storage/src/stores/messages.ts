import { readFileSync } from 'node:fs';
import type { DeliveryState } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';
import { newId } from './accounts.js';

const MESSAGE_STATUS = readFileSync(new URL('./message-status.lua', import.meta.url), 'utf8');

/** Where a failure was decided: by Meta (its code), or by us before or instead of sending. */
export type FailureSource = 'meta' | 'coexist';

export interface MessageError {
  code: string;
  message: string;
  source: FailureSource;
}

/** One message accepted by `POST /v1/numbers/{id}/messages`. */
export interface OutboundMessageRecord {
  id: string;
  accountId: string;
  phoneNumberId: string;
  /** the recipient as the client wrote it */
  to: string;
  /** digits of the recipient, the key of its service window and opt-out */
  recipient: string;
  type: string;
  templateName: string | null;
  templateLanguage: string | null;
  templateCategory: string | null;
  /** the Cloud API body to send, as JSON */
  body: string;
  status: DeliveryState;
  wamid: string | null;
  error: MessageError | null;
  createdAt: number;
  updatedAt: number;
  /** when each state was first reached */
  timeline: Partial<Record<DeliveryState, number>>;
  /** send attempts that reached the HTTP call */
  attempts: number;
}

type StatusCommand = (
  key: string,
  state: string,
  now: number,
  expected: string,
  ...fieldValues: Array<string | number>
) => Promise<[number, string]>;

const STATES: DeliveryState[] = [
  'queued',
  'sending',
  'accepted',
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
];

/** A message kept this long after its last change, then dropped from Redis (ClickHouse keeps it). */
export const MESSAGE_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Our outbound messages and their delivery state, which only moves forward (see the Lua script),
 * plus the wamid → message index that status webhooks without our callback data resolve through.
 */
export class MessageStore {
  private readonly statusCommand: StatusCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
    if (!('coexistMessageStatus' in redis))
      redis.defineCommand('coexistMessageStatus', { numberOfKeys: 1, lua: MESSAGE_STATUS });
    this.statusCommand = (
      redis as unknown as { coexistMessageStatus: StatusCommand }
    ).coexistMessageStatus.bind(redis);
  }

  static newId(): string {
    return newId('msg');
  }

  async create(
    message: Omit<
      OutboundMessageRecord,
      'status' | 'wamid' | 'error' | 'updatedAt' | 'timeline' | 'attempts'
    >,
  ): Promise<OutboundMessageRecord> {
    const key = this.keys.message(message.id);
    await this.redis
      .multi()
      .hset(key, {
        id: message.id,
        account_id: message.accountId,
        phone_number_id: message.phoneNumberId,
        to: message.to,
        recipient: message.recipient,
        type: message.type,
        template_name: message.templateName ?? '',
        template_language: message.templateLanguage ?? '',
        template_category: message.templateCategory ?? '',
        body: message.body,
        status: 'queued',
        created_at: message.createdAt,
        updated_at: message.createdAt,
        at_queued: message.createdAt,
        attempts: 0,
      })
      .expire(key, MESSAGE_TTL_SECONDS)
      .exec();
    return {
      ...message,
      status: 'queued',
      wamid: null,
      error: null,
      updatedAt: message.createdAt,
      timeline: { queued: message.createdAt },
      attempts: 0,
    };
  }

  async get(messageId: string): Promise<OutboundMessageRecord | null> {
    const h = await this.redis.hgetall(this.keys.message(messageId));
    if (!h.id) return null;
    const timeline: OutboundMessageRecord['timeline'] = {};
    for (const state of STATES) if (h[`at_${state}`]) timeline[state] = Number(h[`at_${state}`]);
    return {
      id: h.id,
      accountId: h.account_id ?? '',
      phoneNumberId: h.phone_number_id ?? '',
      to: h.to ?? '',
      recipient: h.recipient ?? '',
      type: h.type ?? '',
      templateName: h.template_name || null,
      templateLanguage: h.template_language || null,
      templateCategory: h.template_category || null,
      body: h.body ?? '{}',
      status: (h.status as DeliveryState | undefined) ?? 'queued',
      wamid: h.wamid || null,
      error: h.error_code
        ? {
            code: h.error_code,
            message: h.error_message ?? '',
            source: (h.error_source as FailureSource) ?? 'meta',
          }
        : null,
      createdAt: Number(h.created_at),
      updatedAt: Number(h.updated_at),
      timeline,
      attempts: Number(h.attempts ?? 0),
    };
  }

  /** Only the owner sees a message: another account's id reads as missing. */
  async getForAccount(accountId: string, messageId: string): Promise<OutboundMessageRecord | null> {
    const message = await this.get(messageId);
    return message?.accountId === accountId ? message : null;
  }

  /**
   * Moves the message forward (or, with `expected`, from exactly that state). Returns whether it
   * moved and the state it is in now.
   */
  async transition(
    messageId: string,
    state: DeliveryState,
    change: { wamid?: string; error?: MessageError; expected?: DeliveryState; now?: number } = {},
  ): Promise<{ applied: boolean; status: DeliveryState | null }> {
    const fields: Array<string | number> = [];
    if (change.wamid) fields.push('wamid', change.wamid);
    if (change.error)
      fields.push(
        'error_code',
        change.error.code,
        'error_message',
        change.error.message,
        'error_source',
        change.error.source,
      );
    const [applied, status] = await this.statusCommand(
      this.keys.message(messageId),
      state,
      change.now ?? Date.now(),
      change.expected ?? '',
      ...fields,
    );
    if (applied === 1 && change.wamid) {
      await this.redis.set(this.keys.wamidMessage(change.wamid), messageId, 'EX', MESSAGE_TTL_SECONDS);
    }
    return { applied: applied === 1, status: (status || null) as DeliveryState | null };
  }

  /**
   * The attempt marker a send writes right before its request leaves: `queued → sending` by
   * compare-and-set and the attempt count (`attempt`: the attempts as read, plus one), in one call
   * of the transition script. False when the message was not `queued` any more: another sender has it.
   */
  async beginAttempt(messageId: string, attempt: number, now = Date.now()): Promise<boolean> {
    const [applied] = await this.statusCommand(
      this.keys.message(messageId),
      'sending',
      now,
      'queued',
      'attempts',
      attempt,
    );
    return applied === 1;
  }

  async countAttempt(messageId: string): Promise<number> {
    return this.redis.hincrby(this.keys.message(messageId), 'attempts', 1);
  }

  async idForWamid(wamid: string): Promise<string | null> {
    return this.redis.get(this.keys.wamidMessage(wamid));
  }
}
