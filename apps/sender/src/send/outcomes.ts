import { createHash } from 'node:crypto';
import { characterCount } from '@coexist/core';
import type { IngestJob, OutboundMessageRecord, SendOutcomeJob } from '@coexist/storage';
import type { Queue } from 'bullmq';

/** The analytics row of a send that left the sender: accepted by Meta with a wamid, or failed. */
export function outcomeOf(
  message: OutboundMessageRecord,
  result:
    | { status: 'accepted'; wamid: string; at: number }
    | { status: 'failed'; at: number; code: string; message: string },
): SendOutcomeJob {
  return {
    type: 'send_outcome',
    messageId: message.id,
    accountId: message.accountId,
    phoneNumberId: message.phoneNumberId,
    status: result.status,
    wamid: result.status === 'accepted' ? result.wamid : null,
    at: result.at,
    recipient: message.recipient,
    messageType: message.type,
    templateName: message.templateName,
    templateLanguage: message.templateLanguage,
    templateCategory: message.templateCategory,
    textLength: textLength(message.body),
    errorCode: result.status === 'failed' ? result.code : null,
    errorMessage: result.status === 'failed' ? result.message : null,
  };
}

function textLength(body: string): number {
  try {
    const parsed = JSON.parse(body) as Record<string, { body?: unknown; caption?: unknown } | undefined>;
    const type = (parsed as { type?: string }).type ?? '';
    const content = parsed[type];
    const text = content?.body ?? content?.caption;
    return typeof text === 'string' ? characterCount(text) : 0;
  } catch {
    return 0;
  }
}

/**
 * Outcome events for the ingest worker (the api writes them to ClickHouse; the sender never opens
 * chDB). Events are gathered for a moment and added as one job; each caller waits until its event
 * is in Redis, so a send job completes only after its outcome is durable. A replayed event after a
 * crash is dropped by ingest (messages by wamid, failures by message id), whatever batch it is in.
 */
export class OutcomeQueue {
  private batch: Array<{ job: SendOutcomeJob; done: () => void; fail: (error: unknown) => void }> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly queue: Queue<IngestJob>,
    private readonly options: { maxBatch?: number; maxDelayMs?: number } = {},
  ) {}

  add(job: SendOutcomeJob): Promise<void> {
    return new Promise((done, fail) => {
      this.batch.push({ job, done, fail });
      if (this.batch.length >= (this.options.maxBatch ?? 200)) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.options.maxDelayMs ?? 2);
    });
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.batch;
    this.batch = [];
    if (batch.length > 0) {
      // one ingest job for the whole flush; its id is its content, so a replay is one job again
      const id = createHash('sha256')
        .update(batch.map(({ job }) => `${job.messageId}:${job.status}`).join(','))
        .digest('hex');
      const write = this.queue
        .add(
          'send_outcomes',
          { type: 'send_outcomes', outcomes: batch.map(({ job }) => job) },
          { jobId: `outcomes-${id}` },
        )
        .then(
          () => {
            for (const item of batch) item.done();
          },
          (error: unknown) => {
            for (const item of batch) item.fail(error);
          },
        );
      this.flushing.add(write);
      void write.finally(() => this.flushing.delete(write));
    }
    await Promise.all(this.flushing);
  }
}
