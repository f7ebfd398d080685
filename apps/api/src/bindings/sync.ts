import { isMetaError, type SyncType } from '@coexist/meta-client';
import type { Binding, SyncKind, SyncRequestJob } from '@coexist/storage';
import type { Job } from 'bullmq';
import type { ApiContext } from '../context.js';

/** Meta: contacts and history must be requested within 24 hours of onboarding. */
export const SYNC_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Sync already requested once (a retry whose first try reached Meta), and too late. */
const ALREADY_REQUESTED = 2593107;
const TOO_LATE = 2593108;

const kindOf = (syncType: SyncType): SyncKind => (syncType === 'history' ? 'history' : 'contacts');

/**
 * Asks Meta for a sync. A transient failure is retried from the bindings queue with back-off
 * until the 24 h deadline; `2593107` means an earlier try got through; `2593108` is final.
 * Returns whether the request is now in Meta's hands.
 */
export async function requestSync(
  context: ApiContext,
  binding: Pick<Binding, 'id' | 'wabaId' | 'sealedToken' | 'onboardedAt'>,
  phoneNumberId: string,
  syncType: SyncType,
): Promise<boolean> {
  const kind = kindOf(syncType);
  const token = context.cipher.decrypt(binding.sealedToken as string, binding.wabaId as string);
  try {
    const { requestId } = await context.meta.requestSync(token, phoneNumberId, syncType);
    await context.sync.markRequested(phoneNumberId, kind, requestId);
    return true;
  } catch (error) {
    if (isMetaError(error) && error.code === ALREADY_REQUESTED) {
      await context.sync.markRequested(phoneNumberId, kind, '');
      return true;
    }
    const deadline = (binding.onboardedAt ?? Date.now()) + SYNC_WINDOW_MS;
    const final =
      (isMetaError(error) && (error.code === TOO_LATE || !error.retry.retryable)) || Date.now() >= deadline;
    await context.sync.markRequestFailed(
      phoneNumberId,
      kind,
      {
        code: isMetaError(error) ? String(error.code) : 'meta_unreachable',
        message: error instanceof Error ? error.message : String(error),
      },
      final,
    );
    context.logger.warn({ err: error, phoneNumberId, syncType, final }, 'sync request failed');
    if (!final) {
      const job: SyncRequestJob = { type: 'request_sync', bindingId: binding.id, phoneNumberId, syncType };
      await context.queues.bindings.add('request_sync', job, {
        jobId: `sync-${phoneNumberId}-${syncType}`,
        delay: 2_000,
        // back-off doubling from 2 s to ~1 h covers the 24 h window in ~30 tries
        attempts: 40,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: true,
      });
    }
    return false;
  }
}

/** The bindings queue's worker: retries sync requests that failed for a transient reason. */
export function bindingJobProcessor(context: ApiContext) {
  return async (job: Job<SyncRequestJob>) => {
    const { bindingId, phoneNumberId, syncType } = job.data;
    const binding = await context.bindings.getAny(bindingId);
    if (!binding || binding.status === 'failed' || binding.status === 'removed') return 'binding gone';
    const sync = await context.sync.get(phoneNumberId);
    if (sync[kindOf(syncType)].state !== 'not_requested') return 'already requested';
    const done = await requestSync(context, binding, phoneNumberId, syncType);
    // requestSync queued nothing new for this job id while it runs; fail to let BullMQ back off
    if (!done && Date.now() < (binding.onboardedAt ?? 0) + SYNC_WINDOW_MS)
      throw new Error('sync request failed; retrying');
    return done ? 'requested' : 'gave up';
  };
}
