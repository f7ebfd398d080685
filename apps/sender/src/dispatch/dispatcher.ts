import { COEXISTENCE_MESSAGES_PER_SECOND } from '@coexist/core';
import type { Logger } from '@coexist/runtime';
import type { Keys, NumberStore, RedisClient, SendLanes } from '@coexist/storage';
import type { Queue } from 'bullmq';
import type { SenderMetrics } from '../metrics.js';
import type { SendJobData } from '../send/processor.js';

export interface DispatcherSettings {
  /** the limiter's sliding window (1,000 ms plus the margin) */
  windowMs: number;
  /** numbers claimed per round */
  batch: number;
  /** a claimed number returns to the ready set after this long if its dispatcher died */
  leaseMs: number;
  /** a hand-off that has not taken its slot after this long is checked against BullMQ */
  staleMs: number;
  /** the longest sleep without a wake-up (a missed pub/sub message costs at most this) */
  maxIdleMs: number;
  /** hand a message off this long before its slot frees */
  aheadMs: number;
}

export const DEFAULT_DISPATCHER_SETTINGS: Omit<DispatcherSettings, 'windowMs'> = {
  batch: 250,
  leaseMs: 5_000,
  staleMs: 30_000,
  maxIdleMs: 250,
  aheadMs: 15,
};

/** A number's throughput changes rarely; the dispatcher reads it at most this often. */
const LIMIT_CACHE_MS = 10_000;

/**
 * Feeds the send queue from the per-number lanes. Any number of dispatchers (one per sender
 * process) claim due numbers from the ready set atomically, hand each one as many messages as its
 * sliding window has room for, add one plain BullMQ job per message, and rearm the number at its
 * next free slot. A number with 100,000 messages waiting is one entry in the ready set like any
 * other, so an idle number's message is handed off as soon as it is due.
 */
export class Dispatcher {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** a wake-up arrived since the last claim began: do not sleep */
  private woken = false;
  private readonly limits = new Map<string, { limit: number; at: number }>();

  constructor(
    private readonly deps: {
      lanes: SendLanes;
      numbers: NumberStore;
      queue: Queue<SendJobData>;
      /** a connection of its own, for the wake-up subscription */
      subscriber: RedisClient;
      keys: Keys;
      logger: Logger;
      metrics: SenderMetrics;
    },
    private readonly settings: DispatcherSettings,
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.deps.subscriber.on('message', () => {
      this.woken = true;
      this.wake?.();
    });
    await this.deps.subscriber.subscribe(this.deps.keys.dispatchWake());
    this.loop = this.run();
  }

  /** Stops claiming; numbers it holds are rearmed by the round in progress, or return when their lease ends. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.deps.subscriber.unsubscribe().catch(() => {});
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.woken = false;
        const claim = await this.deps.lanes.claim(this.settings.batch, this.settings.leaseMs);
        if (claim.phoneNumberIds.length > 0) {
          await this.dispatch(claim.lease, claim.phoneNumberIds);
          continue;
        }
        await this.sleep(Math.min(claim.nextDueInMs ?? this.settings.maxIdleMs, this.settings.maxIdleMs));
      } catch (error) {
        this.deps.logger.error({ err: error }, 'dispatch round failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async dispatch(lease: number, phoneNumberIds: string[]): Promise<void> {
    const { lanes, queue } = this.deps;
    const rounds = await Promise.all(
      phoneNumberIds.map(async (phoneNumberId) => {
        const limit = await this.limitOf(phoneNumberId);
        const handOff = await lanes.handOff(phoneNumberId, {
          limit,
          max: limit,
          windowMs: this.settings.windowMs,
          staleMs: this.settings.staleMs,
          aheadMs: this.settings.aheadMs,
        });
        return { phoneNumberId, handOff };
      }),
    );
    // one job per number and hand-off: its messages share the number's reads and one slot round trip
    const jobs = rounds
      .filter(({ handOff }) => handOff.messageIds.length > 0)
      .map(({ phoneNumberId, handOff }) => ({
        name: 'send',
        data: {
          type: 'send' as const,
          messageId: handOff.messageIds[0]!,
          phoneNumberId,
          messageIds: handOff.messageIds,
        },
        opts: { jobId: `batch-${handOff.messageIds[0]}` },
      }));
    if (jobs.length > 0) {
      await queue.addBulk(jobs);
      this.deps.metrics.handedOff.inc(jobs.reduce((sum, job) => sum + job.data.messageIds.length, 0));
    }
    const stale = rounds.flatMap(({ phoneNumberId, handOff }) =>
      handOff.stale.map((messageId) => ({ phoneNumberId, messageId })),
    );
    if (stale.length > 0) await this.recover(stale);
    await lanes.rearm(
      lease,
      rounds.map(({ phoneNumberId, handOff }) => ({ phoneNumberId, nextDueAt: handOff.nextDueAt })),
    );
  }

  /**
   * Hand-offs that never took their slot: a dispatcher died between handing off and adding the
   * job, or the job is gone. Re-create missing jobs; forget entries whose job already finished.
   */
  private async recover(stale: Array<{ phoneNumberId: string; messageId: string }>): Promise<void> {
    const { queue, lanes, logger } = this.deps;
    const missing: Array<{ phoneNumberId: string; messageId: string }> = [];
    for (const entry of stale) {
      const state = await queue.getJobState(entry.messageId);
      if (state === 'unknown') missing.push(entry);
      else if (state === 'completed' || state === 'failed')
        await lanes.taken(entry.phoneNumberId, entry.messageId);
    }
    if (missing.length > 0) {
      logger.warn({ count: missing.length }, 're-creating send jobs lost between hand-off and queue');
      await queue.addBulk(missing.map(({ phoneNumberId, messageId }) => sendJob(phoneNumberId, messageId)));
    }
  }

  private async limitOf(phoneNumberId: string): Promise<number> {
    const cached = this.limits.get(phoneNumberId);
    const now = Date.now();
    if (cached && now - cached.at < LIMIT_CACHE_MS) return cached.limit;
    const number = await this.deps.numbers.get(phoneNumberId);
    const limit = number && number.throughputMps > 0 ? number.throughputMps : COEXISTENCE_MESSAGES_PER_SECOND;
    if (this.limits.size > 100_000) this.limits.clear();
    this.limits.set(phoneNumberId, { limit, at: now });
    return limit;
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wake = done;
    });
  }
}

/** A job for one message; its id is the message id, so adding it twice is one job. */
function sendJob(phoneNumberId: string, messageId: string) {
  return {
    name: 'send',
    data: { type: 'send' as const, messageId, phoneNumberId },
    opts: { jobId: messageId },
  };
}
