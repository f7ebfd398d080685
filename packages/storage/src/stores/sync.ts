import { readFileSync } from 'node:fs';
import type { Keys, RedisClient } from '../redis.js';

const HISTORY_CHUNK = readFileSync(new URL('./history-chunk.lua', import.meta.url), 'utf8');

export type SyncKind = 'contacts' | 'history';
export type SyncState = 'not_requested' | 'requested' | 'receiving' | 'completed' | 'declined' | 'failed';

/** Meta says nothing when a contacts sync ends; this long without a contacts webhook means done. */
export const CONTACTS_QUIET_MS = 30_000;

export interface SyncPart {
  state: SyncState;
  requestedAt: number | null;
  /** Meta's `request_id`, kept for support tickets */
  requestId: string | null;
  attempts: number;
  lastError: { code: string; message: string } | null;
  /** the first webhook of this sync */
  startedAt: number | null;
  finishedAt: number | null;
  lastAt: number | null;
}

export interface ContactsSync extends SyncPart {
  /** contact webhooks received (adds, edits and removals) */
  received: number;
}

export interface HistorySync extends SyncPart {
  /** the phase of the furthest progress seen: 0 = day 0–1, 1 = day 1–90, 2 = day 90–180 */
  phase: number | null;
  /** 0–100; 100 is Meta's completion signal */
  progress: number;
  chunksReceived: number;
  messagesReceived: number;
}

export interface NumberSync {
  contacts: ContactsSync;
  history: HistorySync;
}

type HistoryChunkCommand = (
  syncKey: string,
  chunksKey: string,
  chunkId: string,
  phase: number,
  progress: number,
  messages: number,
  now: number,
) => Promise<[number, number, number]>;

const num = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));

/**
 * The state of a number's two one-shot syncs (contacts, then history), kept in one Redis hash
 * per number and only ever moved forward, whatever order webhooks arrive in.
 */
export class SyncStore {
  private readonly historyChunkCommand: HistoryChunkCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
    if (!('coexistHistoryChunk' in redis))
      redis.defineCommand('coexistHistoryChunk', { numberOfKeys: 2, lua: HISTORY_CHUNK });
    this.historyChunkCommand = (
      redis as unknown as { coexistHistoryChunk: HistoryChunkCommand }
    ).coexistHistoryChunk.bind(redis);
  }

  async get(phoneNumberId: string, now = Date.now()): Promise<NumberSync> {
    const h = await this.redis.hgetall(this.keys.numberSync(phoneNumberId));
    const part = (kind: SyncKind): SyncPart => ({
      state: (h[`${kind}_state`] as SyncState | undefined) ?? 'not_requested',
      requestedAt: num(h[`${kind}_requested_at`]),
      requestId: h[`${kind}_request_id`] || null,
      attempts: num(h[`${kind}_attempts`]) ?? 0,
      lastError: h[`${kind}_error`]
        ? (JSON.parse(h[`${kind}_error`] as string) as SyncPart['lastError'])
        : null,
      startedAt: num(h[`${kind}_started_at`]),
      finishedAt: num(h[`${kind}_finished_at`]),
      lastAt: num(h[`${kind}_last_at`]),
    });
    const contacts: ContactsSync = { ...part('contacts'), received: num(h.contacts_received) ?? 0 };
    // Contacts have no completion signal: history starting, or a quiet spell, means they are done.
    if (contacts.state === 'receiving') {
      const historyStarted = h.history_started_at !== undefined || h.history_state === 'declined';
      const quiet = contacts.lastAt !== null && now - contacts.lastAt >= CONTACTS_QUIET_MS;
      if (historyStarted || quiet) {
        contacts.state = 'completed';
        contacts.finishedAt = contacts.lastAt;
      }
    }
    return {
      contacts,
      history: {
        ...part('history'),
        phase: num(h.history_phase),
        progress: num(h.history_progress) ?? 0,
        chunksReceived: num(h.history_chunks) ?? 0,
        messagesReceived: num(h.history_messages) ?? 0,
      },
    };
  }

  /** Meta accepted our `smb_app_data` request. */
  async markRequested(phoneNumberId: string, kind: SyncKind, requestId: string, now = Date.now()) {
    const key = this.keys.numberSync(phoneNumberId);
    await this.redis.hset(key, `${kind}_requested_at`, now, `${kind}_request_id`, requestId);
    await this.redis.hincrby(key, `${kind}_attempts`, 1);
    await this.redis.hdel(key, `${kind}_error`);
    // webhooks may already have arrived and moved the state further
    await this.redis.hsetnx(key, `${kind}_state`, 'requested');
  }

  /** A request failed; `final` when it can never succeed (2593107, 2593108, the 24 h deadline). */
  async markRequestFailed(
    phoneNumberId: string,
    kind: SyncKind,
    error: { code: string; message: string },
    final: boolean,
  ) {
    const key = this.keys.numberSync(phoneNumberId);
    await this.redis.hset(key, `${kind}_error`, JSON.stringify(error));
    await this.redis.hincrby(key, `${kind}_attempts`, 1);
    if (final) await this.redis.hset(key, `${kind}_state`, 'failed');
  }

  async contactsReceived(phoneNumberId: string, count: number, now = Date.now()): Promise<void> {
    const key = this.keys.numberSync(phoneNumberId);
    await this.redis
      .multi()
      .hincrby(key, 'contacts_received', count)
      .hsetnx(key, 'contacts_started_at', now)
      .hset(key, 'contacts_last_at', now, 'contacts_state', 'receiving')
      .exec();
  }

  /** Idempotent per chunk; returns whether this chunk completed the sync. */
  async historyChunk(
    phoneNumberId: string,
    chunk: { phase: number; chunkOrder: number; progress: number; messages: number },
    now = Date.now(),
  ): Promise<{ isNew: boolean; progress: number; completed: boolean }> {
    const [isNew, progress, completed] = await this.historyChunkCommand(
      this.keys.numberSync(phoneNumberId),
      this.keys.numberHistoryChunks(phoneNumberId),
      `${chunk.phase}:${chunk.chunkOrder}`,
      chunk.phase,
      chunk.progress,
      chunk.messages,
      now,
    );
    return { isNew: isNew === 1, progress, completed: completed === 1 };
  }

  /** `2593109`: the owner chose not to share chats. */
  async historyDeclined(phoneNumberId: string, now = Date.now()): Promise<void> {
    const key = this.keys.numberSync(phoneNumberId);
    await this.redis.hset(
      key,
      'history_state',
      'declined',
      'history_finished_at',
      now,
      'history_last_at',
      now,
    );
  }
}
