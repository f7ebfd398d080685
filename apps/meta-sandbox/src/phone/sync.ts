import type { Sandbox } from '../sandbox.js';
import type { PhoneNumber } from '../state/world.js';
import {
  envelope,
  historyChunkValue,
  historyDeclinedValue,
  historyMediaValue,
  type StateSyncItem,
  stateSyncValue,
} from '../webhooks/payloads.js';
import { buildHistoryChunks, buildMediaFollowUps } from './history.js';
import { SeededRandom } from './random.js';

/**
 * What the phone sends once the platform asks (`smb_app_data`): the contacts as
 * `smb_app_state_sync` batches, then the history as `history` chunks in shuffled order, the
 * chunk with progress 100 last, and the media of the last 14 days in later `history`
 * webhooks; or, when the owner chose "Don't share chats", one `history` webhook with 2593109.
 */
export function sendContacts(sandbox: Sandbox, number: PhoneNumber): void {
  const phone = sandbox.phoneOf(number);
  const timestamp = sandbox.clock.unixSeconds();
  const items: StateSyncItem[] = phone.contacts.map((contact) => ({
    type: 'contact',
    contact: { full_name: contact.fullName, first_name: contact.firstName, phone_number: contact.digits },
    action: 'add',
    metadata: { timestamp },
  }));
  const size = Math.max(1, sandbox.options.contactsBatchSize);
  const batches: StateSyncItem[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  const state = number.sync.contacts;
  const interval = sandbox.options.timings.historyChunkIntervalMs;
  if (batches.length === 0) {
    state.state = 'sent';
    return;
  }
  batches.forEach((batch, index) => {
    sandbox.later(interval * index, () => {
      sandbox.emitPhone(number, 'smb_app_state_sync', stateSyncValue(sandbox.phoneRef(number), batch));
      state.webhooks += 1;
      if (index === batches.length - 1) state.state = 'sent';
    });
  });
}

export function sendHistory(sandbox: Sandbox, number: PhoneNumber): void {
  const state = number.sync.history;
  const phoneRef = sandbox.phoneRef(number);
  if (!number.shareHistory) {
    state.state = 'declined';
    sandbox.later(0, () => {
      sandbox.emitPhone(number, 'history', historyDeclinedValue(phoneRef));
      state.webhooks += 1;
    });
    return;
  }

  const phone = sandbox.phoneOf(number);
  // The chunk's share of the size limit: the limit less the envelope around it.
  const overhead = Buffer.byteLength(
    JSON.stringify(
      envelope(number.wabaId, [
        {
          field: 'history',
          value: historyChunkValue(phoneRef, { phase: 2, chunkOrder: 99_999, progress: 100, threads: [] }),
        },
      ]),
    ),
  );
  const chunks = buildHistoryChunks(
    phone,
    number.onboardedAt,
    sandbox.options.historyChunkMaxBytes - overhead - 16,
  );
  // Meta: chunks "may not be delivered sequentially". The one that completes the sync comes last.
  const final = chunks.pop();
  const order = new SeededRandom(`${sandbox.options.seed}:chunks:${number.id}`).shuffle(chunks);
  if (final) order.push(final);

  const interval = sandbox.options.timings.historyChunkIntervalMs;
  order.forEach((chunk, index) => {
    sandbox.later(interval * index, () => {
      sandbox.emitPhone(number, 'history', historyChunkValue(phoneRef, chunk));
      state.webhooks += 1;
    });
  });

  const media = buildMediaFollowUps(phone, number.onboardedAt, sandbox.options.mediaBatchSize);
  const mediaStart = interval * order.length + sandbox.options.timings.mediaFollowUpDelayMs;
  media.forEach((batch, index) => {
    sandbox.later(mediaStart + interval * index, () => {
      sandbox.emitPhone(number, 'history', historyMediaValue(phoneRef, batch));
      state.webhooks += 1;
    });
  });
  const last =
    media.length > 0 ? mediaStart + interval * (media.length - 1) : interval * Math.max(0, order.length - 1);
  sandbox.later(last, () => {
    state.state = 'sent';
  });
}
