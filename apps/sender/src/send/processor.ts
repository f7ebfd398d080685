import {
  COEXISTENCE_MESSAGES_PER_SECOND,
  isOptOutErrorCode,
  type OutboundMessage,
  type Refusal,
} from '@coexist/core';
import { type MetaClient, MetaError, MetaNetworkError, MetaResponseError } from '@coexist/meta-client';
import type { Logger } from '@coexist/runtime';
import {
  type BackoffState,
  type ContactStateStore,
  type MessageError,
  type MessageStore,
  type NumberRecord,
  type NumberStore,
  type OutboundMessageRecord,
  recipientContact,
  type SendBackoff,
  type SendJob,
  type SendLanes,
  type SendSlots,
  type SendStateReader,
  type TokenCipher,
  type TrafficLimiter,
} from '@coexist/storage';
import { DelayedError, type Job } from 'bullmq';
import type { SenderMetrics } from '../metrics.js';
import { type OutcomeQueue, outcomeOf } from './outcomes.js';

/** The job's data: what the dispatcher wrote, plus how many transient failures it has had. */
export type SendJobData = SendJob & { retries?: number };

export interface SendSettings {
  /** the limiter's sliding window: 1,000 ms plus the safety margin */
  windowMs: number;
  /** a slot that frees within this many ms is taken now, and the request held until then */
  slotHorizonMs: number;
  reconcileGraceMs: number;
  maxRetries: number;
}

export interface SendDependencies {
  logger: Logger;
  messages: MessageStore;
  numbers: NumberStore;
  contacts: ContactStateStore;
  state: SendStateReader;
  lanes: SendLanes;
  slots: SendSlots;
  /** the limiter's pause (after a 130429) */
  limiter: TrafficLimiter;
  backoff: SendBackoff;
  cipher: TokenCipher;
  meta: MetaClient;
  outcomes: OutcomeQueue;
  metrics: SenderMetrics;
  settings: SendSettings;
}

/** What a job did, kept as its return value for operators (bull-board, `getJob`). */
export type SendResult =
  | 'accepted'
  | `failed:${string}`
  | 'unknown'
  | 'reconciled'
  | 'finished_before'
  | 'missing'
  | 'raced';

/** Spreads the wake-ups of jobs parked by the same pause. */
const PARK_JITTER_MS = 25;

export const SEND_OUTCOME_UNKNOWN = 'send_outcome_unknown';
export const META_UNREACHABLE = 'meta_unreachable';

/**
 * One send job: re-checks every rule with the current clock and state, takes the number's
 * sliding-window slot right before the HTTP call, and turns Meta's answer into the message's
 * state. Waiting never holds a worker slot: the job is parked (BullMQ delayed) until its number,
 * its recipient or its retry is due, and the worker takes other jobs meanwhile.
 */
export class SendProcessor {
  private readonly tokens = new Map<string, string>();
  /** a call still out after this long has its slot re-stamped, so its entry never ages out meanwhile */
  private readonly restampEveryMs: number;

  constructor(private readonly deps: SendDependencies) {
    this.restampEveryMs = Math.max(100, deps.settings.windowMs - 250);
  }

  async process(job: Job<SendJobData>, token?: string): Promise<SendResult> {
    const { messages, numbers } = this.deps;
    const { messageId, phoneNumberId } = job.data;
    const [message, number] = await Promise.all([messages.get(messageId), numbers.get(phoneNumberId)]);
    if (!message) {
      await this.deps.lanes.release(phoneNumberId, messageId);
      return 'missing';
    }
    if (message.status === 'sending') return this.reconcile(job, token, message);
    if (message.status !== 'queued') return this.finishedBefore(message);

    if (!number) {
      return this.refuse(message, {
        code: 'number_not_active',
        message: 'This number is no longer connected to Coexist, so the message was not sent.',
      });
    }

    // The rules with the state of now, and the number's slot, in one round trip: a slot taken for
    // a message that then may not go is given back at once (no request ever used it).
    const body = JSON.parse(message.body) as OutboundMessage & Record<string, unknown>;
    const now = Date.now();
    const [verdict, backoff, slot] = await Promise.all([
      this.deps.state.check(number, body, body, now),
      this.deps.backoff.read(phoneNumberId, message.recipient),
      this.deps.slots.take(phoneNumberId, messageId, limitOf(number), {
        horizonMs: this.deps.settings.slotHorizonMs,
      }),
    ]);
    // a slot granted ahead may be used only once it frees
    const sendAt = Date.now() + (slot.allowed ? slot.waitMs : 0);
    // The recipient rests after a 131056: this message waits, the number's other recipients do not.
    const resting = backoff.pair !== null && backoff.pair.until > now;
    if (!verdict.ok || resting) {
      if (slot.allowed) await this.deps.slots.giveBack(phoneNumberId, slot.entry);
      if (!verdict.ok) return this.refuse(message, verdict.refusal);
      await this.deps.lanes.release(phoneNumberId, messageId);
      return this.park(job, token, backoff.pair!.until - now, 'pair');
    }
    if (!slot.allowed) {
      // The number's window is full (or it pauses after a 130429): wait for the slot, still handed off.
      return this.park(job, token, slot.waitMs, slot.paused ? 'pause' : 'window');
    }

    // The slot is ours: mark the attempt before the request leaves, so a crash from here on is
    // reconciled through the status webhook instead of sent again.
    const [sending] = await Promise.all([
      messages.transition(messageId, 'sending', { expected: 'queued' }),
      messages.countAttempt(messageId),
    ]);
    if (!sending.applied) {
      await this.deps.slots.giveBack(phoneNumberId, slot.entry);
      return 'raced';
    }
    const hold = sendAt - Date.now();
    if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
    return this.send(job, token, message, number, body, backoff, slot.entry);
  }

  private async send(
    job: Job<SendJobData>,
    token: string | undefined,
    message: OutboundMessageRecord,
    number: NumberRecord,
    body: Record<string, unknown>,
    backoff: BackoffState,
    entry: string,
  ): Promise<SendResult> {
    const { messages, metrics, slots } = this.deps;
    const phoneNumberId = number.phoneNumberId;
    // Meta counts the message when it arrives, at the latest when its answer comes back: the slot's
    // entry moves to the answer (and, during a call longer than a window, keeps moving).
    const restamp = (answeredAt?: number) =>
      slots.restamp(phoneNumberId, entry, answeredAt).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, phoneNumberId }, 'could not re-stamp a send slot');
      });
    const keeper = setInterval(() => void restamp(), this.restampEveryMs);
    const started = performance.now();
    let answer: { ok: true; wamid: string } | { ok: false; error: unknown };
    try {
      const result = await this.deps.meta.sendMessage(this.tokenOf(number), phoneNumberId, body, {
        bizOpaqueCallbackData: message.id,
      });
      answer = { ok: true, wamid: result.wamid };
    } catch (error) {
      answer = { ok: false, error };
    } finally {
      clearInterval(keeper);
    }
    const answeredAt = performance.now();
    metrics.sendSeconds.observe((answeredAt - started) / 1000);
    if (!answer.ok) {
      await restamp(answeredAt);
      return this.answer(job, token, message, number, backoff, answer.error);
    }
    const at = Date.now();
    await Promise.all([
      restamp(answeredAt),
      messages.transition(message.id, 'accepted', { wamid: answer.wamid, now: at }),
    ]);
    metrics.sends.inc({ phone_number_id: phoneNumberId, result: 'accepted' });
    await Promise.all([
      this.deps.outcomes.add(outcomeOf(message, { status: 'accepted', wamid: answer.wamid, at })),
      backoff.pair ? this.deps.backoff.pairCleared(phoneNumberId, message.recipient) : null,
      backoff.throttleStrikes > 0 ? this.deps.backoff.throttleCleared(phoneNumberId) : null,
    ]);
    return 'accepted';
  }

  /** Meta said no, or did not answer. */
  private async answer(
    job: Job<SendJobData>,
    token: string | undefined,
    message: OutboundMessageRecord,
    number: NumberRecord,
    backoff: BackoffState,
    error: unknown,
  ): Promise<SendResult> {
    const { metrics, logger } = this.deps;
    const phoneNumberId = number.phoneNumberId;

    if (error instanceof MetaError) {
      metrics.metaErrors.inc({ code: String(error.code) });
      if (error.code === 130429) {
        // The number is over Meta's throughput (inbound we have not seen, another sender…):
        // it pauses, longer with each 130429 in a row; the message waits and is not dropped.
        const { strikes, pauseMs } = await this.deps.backoff.throttled(phoneNumberId);
        await this.deps.limiter.pause(phoneNumberId, pauseMs);
        await this.backToQueue(message.id);
        logger.warn({ phoneNumberId, strikes, pauseMs }, 'Meta throttled the number (130429): pausing it');
        return this.park(job, token, pauseMs + Math.random() * PARK_JITTER_MS, 'pause');
      }
      if (error.code === 131056) {
        const rest = await this.deps.backoff.pairRefused(phoneNumberId, message.recipient, backoff.pair);
        await this.backToQueue(message.id);
        return this.park(job, token, Math.max(0, rest.until - Date.now()), 'pair');
      }
      if (error.retry.retryable) {
        return this.retry(job, token, message, error.retry.backoffMs, {
          code: String(error.code),
          message: error.message,
          source: 'meta',
        });
      }
      if (isOptOutErrorCode(error.code)) {
        await this.deps.contacts.optOut(phoneNumberId, recipientContact(message.to), {
          at: Date.now(),
          reason: 'meta_131050',
        });
      }
      return this.fail(
        message,
        { code: String(error.code), message: error.message, source: 'meta' },
        'sending',
      );
    }

    if (error instanceof MetaNetworkError && !error.maybeDelivered) {
      metrics.metaErrors.inc({ code: 'network' });
      return this.retry(job, token, message, error.retry.retryable ? error.retry.backoffMs : () => 1000, {
        code: META_UNREACHABLE,
        message: `Meta could not be reached: ${error.reason}.`,
        source: 'coexist',
      });
    }

    if (error instanceof MetaNetworkError || error instanceof MetaResponseError) {
      // The request may have reached Meta. Sending again could deliver it twice: wait for its
      // status webhook (it carries our id), then decide.
      metrics.metaErrors.inc({ code: 'network' });
      logger.warn(
        { err: error, messageId: message.id, phoneNumberId },
        'no clear answer from Meta: reconciling through the status webhook',
      );
      return this.park(job, token, this.deps.settings.reconcileGraceMs, 'reconcile');
    }
    // A bug or a store outage after the attempt was marked: BullMQ retries the job, which then
    // finds the message in `sending` and reconciles it.
    throw error;
  }

  /** A transient failure before Meta took the message: try again after a jittered back-off. */
  private async retry(
    job: Job<SendJobData>,
    token: string | undefined,
    message: OutboundMessageRecord,
    backoffMs: (attempt: number) => number,
    reason: MessageError,
  ): Promise<SendResult> {
    const retries = (job.data.retries ?? 0) + 1;
    if (retries > this.deps.settings.maxRetries) return this.fail(message, reason, 'sending');
    await this.backToQueue(message.id);
    await job.updateData({ ...job.data, retries });
    return this.park(job, token, backoffMs(retries - 1), 'retry');
  }

  /**
   * The message is in `sending`: a previous attempt may have reached Meta (the sender crashed, or
   * the request timed out). Never send it again. Its status webhook (our id rides in
   * `biz_opaque_callback_data`) moves it on; if none came within the grace period, it is reported
   * `send_outcome_unknown`.
   */
  private async reconcile(
    job: Job<SendJobData>,
    token: string | undefined,
    message: OutboundMessageRecord,
  ): Promise<SendResult> {
    await this.deps.lanes.taken(message.phoneNumberId, message.id);
    const deadline = message.updatedAt + this.deps.settings.reconcileGraceMs;
    const wait = deadline - Date.now();
    if (wait > 0) return this.park(job, token, wait, 'reconcile');
    const result = await this.fail(
      message,
      {
        code: SEND_OUTCOME_UNKNOWN,
        message: `The send may have reached Meta, but no answer or status webhook arrived within ${Math.round(this.deps.settings.reconcileGraceMs / 1000)} s. It was not sent again, so it went out once or not at all: check the chat before sending it again.`,
        source: 'coexist',
      },
      'sending',
    );
    return result === 'raced' ? 'reconciled' : 'unknown';
  }

  /** A job for a message that already left (a re-run after a crash): replay its outcome event. */
  private async finishedBefore(message: OutboundMessageRecord): Promise<SendResult> {
    await this.deps.lanes.taken(message.phoneNumberId, message.id);
    const at = message.updatedAt;
    if (message.status === 'failed' && message.error) {
      await this.deps.outcomes.add(
        outcomeOf(message, {
          status: 'failed',
          at,
          code: message.error.code,
          message: message.error.message,
        }),
      );
    } else if (message.wamid) {
      await this.deps.outcomes.add(outcomeOf(message, { status: 'accepted', wamid: message.wamid, at }));
    }
    return 'finished_before';
  }

  /** A rule re-checked at send time said no: the message fails with the rule's code, unsent. */
  private async refuse(message: OutboundMessageRecord, refusal: Refusal): Promise<SendResult> {
    this.deps.metrics.refusedAtSend.inc({ code: refusal.code });
    await this.deps.lanes.release(message.phoneNumberId, message.id);
    return this.fail(message, { code: refusal.code, message: refusal.message, source: 'coexist' }, 'queued');
  }

  private async fail(
    message: OutboundMessageRecord,
    error: MessageError,
    from: 'queued' | 'sending',
  ): Promise<SendResult> {
    const at = Date.now();
    const moved = await this.deps.messages.transition(message.id, 'failed', {
      error,
      expected: from,
      now: at,
    });
    if (!moved.applied) return 'raced';
    await this.deps.outcomes.add(
      outcomeOf(message, { status: 'failed', at, code: error.code, message: error.message }),
    );
    this.deps.metrics.sends.inc({
      phone_number_id: message.phoneNumberId,
      result: error.code === SEND_OUTCOME_UNKNOWN ? 'unknown' : 'failed',
    });
    return `failed:${error.code}`;
  }

  /** Meta refused before taking the message: it is `queued` again for its next attempt. */
  private async backToQueue(messageId: string): Promise<void> {
    await this.deps.messages.transition(messageId, 'queued', { expected: 'sending' });
  }

  /** Back to BullMQ's delayed set until `waitMs` from now; the worker slot is free at once. */
  private async park(
    job: Job<SendJobData>,
    token: string | undefined,
    waitMs: number,
    scope: 'window' | 'pause' | 'pair' | 'retry' | 'reconcile',
  ): Promise<never> {
    this.deps.metrics.limiterWaits.inc({ scope });
    this.deps.metrics.limiterWaitSeconds.observe({ scope }, waitMs / 1000);
    await job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(waitMs)), token);
    throw new DelayedError();
  }

  private tokenOf(number: NumberRecord): string {
    let token = this.tokens.get(number.sealedToken);
    if (token === undefined) {
      token = this.deps.cipher.decrypt(number.sealedToken, number.wabaId);
      if (this.tokens.size > 10_000) this.tokens.clear();
      this.tokens.set(number.sealedToken, token);
    }
    return token;
  }
}

function limitOf(number: NumberRecord): number {
  return number.throughputMps > 0 ? number.throughputMps : COEXISTENCE_MESSAGES_PER_SECOND;
}
