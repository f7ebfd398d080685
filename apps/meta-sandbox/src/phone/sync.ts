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
  const media = buildMediaFollowUps(phone, number.onboardedAt, sandbox.options.mediaBatchSize);
  const interval = sandbox.options.timings.historyChunkIntervalMs;
  const emit = (value: Record<string, unknown>, onSettled?: () => void) => {
    sandbox.emitPhone(number, 'history', value, onSettled);
    state.webhooks += 1;
  };

  // Meta: chunks "may not be delivered sequentially". The one that completes the sync (progress
  // 100) is sent once all the others have been delivered; the media of the last 14 days follow.
  const final = chunks.pop();
  const rest = new SeededRandom(`${sandbox.options.seed}:chunks:${number.id}`).shuffle(chunks);
  const finish = () => {
    if (final) emit(historyChunkValue(phoneRef, final));
    media.forEach((batch, index) => {
      sandbox.later(sandbox.options.timings.mediaFollowUpDelayMs + interval * index, () =>
        emit(historyMediaValue(phoneRef, batch)),
      );
    });
    sandbox.later(sandbox.options.timings.mediaFollowUpDelayMs + interval * media.length, () => {
      state.state = 'sent';
    });
  };
  let waiting = rest.length;
  if (waiting === 0) sandbox.later(0, finish);
  rest.forEach((chunk, index) => {
    sandbox.later(interval * index, () =>
      emit(historyChunkValue(phoneRef, chunk), () => {
        waiting -= 1;
        if (waiting === 0) finish();
      }),
    );
  });
}
