import {
  type GeneratedMessage,
  hasMediaFollowUp,
  historyPhase,
  isSyncable,
  type PhoneContents,
} from './generate.js';

/**
 * The phone's history as Meta syncs it (`history` webhooks, S-COEX): one-to-one messages of the
 * last 180 days, grouped in threads, cut into chunks per phase; media as `media_placeholder`.
 */
export interface HistoryChunk {
  phase: 0 | 1 | 2;
  chunkOrder: number;
  progress: number;
  threads: Array<{ id: string; messages: Record<string, unknown>[] }>;
  messageCount: number;
}

/** `{"id":"…","messages":[]}` and the comma before it. */
const THREAD_OVERHEAD_BYTES = 32;

/** A message as it sits in `history[].threads[].messages[]`: media without its contents. */
export function historyThreadMessage(message: GeneratedMessage): Record<string, unknown> {
  const base: Record<string, unknown> = {
    from: message.author,
    id: message.wamid,
    timestamp: String(Math.floor(message.timestamp / 1000)),
  };
  if (message.type === 'text') {
    base.type = 'text';
    base.text = { body: message.text ?? '' };
  } else if (message.type === 'reaction' && message.reaction) {
    base.type = 'reaction';
    base.reaction = { message_id: message.reaction.messageId, emoji: message.reaction.emoji };
  } else {
    base.type = 'media_placeholder';
  }
  base.history_context = { status: message.status };
  return base;
}

/** The media follow-up item (`value.messages[]`): the same wamid, now with the media object. */
export function mediaFollowUpMessage(message: GeneratedMessage): Record<string, unknown> {
  const media = message.media!;
  const content: Record<string, unknown> = {};
  if (media.caption) content.caption = media.caption;
  if (media.filename) content.filename = media.filename;
  content.mime_type = media.mimeType;
  content.sha256 = media.sha256;
  content.id = media.id;
  if (message.type === 'audio') content.voice = true;
  if (message.type === 'sticker') content.animated = false;
  return {
    from: message.author,
    // `to` names the contact on what the business sent; without it the thread is unknown here.
    ...(message.direction === 'outbound' ? { to: message.chat } : {}),
    id: message.wamid,
    timestamp: String(Math.floor(message.timestamp / 1000)),
    type: message.type,
    [message.type]: content,
    history_context: { status: message.status },
  };
}

/**
 * Cuts the syncable messages into chunks whose webhook body stays within `budgetBytes` (the
 * chunk's share of Meta's 3 MB limit once the envelope is counted). Chunks are numbered per
 * phase from 1; `progress` grows with the messages delivered in (phase, chunk_order) order and
 * reaches 100 on the last chunk only.
 */
export function buildHistoryChunks(
  contents: PhoneContents,
  onboardedAt: number,
  budgetBytes: number,
): HistoryChunk[] {
  const byPhase: Array<Map<string, GeneratedMessage[]>> = [new Map(), new Map(), new Map()];
  for (const message of contents.messages) {
    if (!isSyncable(message, onboardedAt)) continue;
    const threads = byPhase[historyPhase(message.timestamp, onboardedAt)]!;
    let thread = threads.get(message.chat);
    if (!thread) {
      thread = [];
      threads.set(message.chat, thread);
    }
    thread.push(message);
  }

  const chunks: HistoryChunk[] = [];
  byPhase.forEach((threads, phase) => {
    let chunk: HistoryChunk | null = null;
    let size = 0;
    let order = 0;
    for (const [id, messages] of threads) {
      let thread: HistoryChunk['threads'][number] | null = null;
      const threadBytes = Buffer.byteLength(id) + THREAD_OVERHEAD_BYTES;
      for (const message of messages) {
        const item = historyThreadMessage(message);
        const itemBytes = Buffer.byteLength(JSON.stringify(item)) + 1;
        const needed = itemBytes + (thread ? 0 : threadBytes);
        if (chunk === null || (chunk.messageCount > 0 && size + needed > budgetBytes)) {
          order += 1;
          chunk = { phase: phase as 0 | 1 | 2, chunkOrder: order, progress: 0, threads: [], messageCount: 0 };
          chunks.push(chunk);
          size = 0;
          thread = null;
        }
        if (thread === null) {
          thread = { id, messages: [] };
          chunk.threads.push(thread);
          size += threadBytes;
        }
        thread.messages.push(item);
        chunk.messageCount += 1;
        size += itemBytes;
      }
    }
  });

  const total = chunks.reduce((sum, chunk) => sum + chunk.messageCount, 0);
  let delivered = 0;
  for (const chunk of chunks) {
    delivered += chunk.messageCount;
    chunk.progress = delivered === total ? 100 : Math.floor((delivered * 100) / total);
  }
  return chunks;
}

/** Media of the last 14 days, as follow-up batches of `batchSize` messages. */
export function buildMediaFollowUps(
  contents: PhoneContents,
  onboardedAt: number,
  batchSize: number,
): Record<string, unknown>[][] {
  const media = contents.messages.filter((message) => hasMediaFollowUp(message, onboardedAt));
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < media.length; i += Math.max(1, batchSize)) {
    batches.push(media.slice(i, i + Math.max(1, batchSize)).map(mediaFollowUpMessage));
  }
  return batches;
}
