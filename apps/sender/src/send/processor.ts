import {
  COEXISTENCE_MESSAGES_PER_SECOND,
  isOptOutErrorCode,
  type OutboundMessage,
  type Refusal,
} from '@coexist/core';
import { type MetaClient, MetaError, MetaNetworkError, MetaResponseError } from '@coexist/meta-client';
import type { Logger } from '@coexist/runtime';
import {
  type ContactStateStore,
  type MessageError,
  type MessageStore,
  type NumberRecord,
  type NumberStore,
  type OutboundMessageRecord,
  type PairBackoff,
  recipientContact,
  type SendBackoff,
  type SendJob,
  type SendLanes,
  type SendSlots,
  type SendStateReader,
  type Slot,
  type TokenCipher,
  type TrafficLimiter,
} from '@coexist/storage';
import { DelayedError, type Job, type Queue } from 'bullmq';
import type { SenderMetrics } from '../metrics.js';
import { type OutcomeQueue, outcomeOf } from './outcomes.js';

/**
 * A send job. The dispatcher hands a number's messages off as one job (`messageIds`, in outbox
 * order; `messageId` is the first); a message that has to wait (its recipient, a retry, a status
 * webhook) continues as a job of its own, whose id is the message id. `retries` counts its
 * transient failures.
 */
export type SendJobData = SendJob & { messageIds?: string[]; retries?: number };

export interface SendSettings {
  /** the limiter's sliding window: 1,000 ms plus the safety margin */
  windowMs: number;
  /** a slot that frees within this many ms is taken now, and the request held until then */
  slotHorizonMs: number;
  reconcileGraceMs: number;
  maxRetries: number;
  /** Graph API requests out at once per process */
  httpConcurrency: number;
}

export interface SendDependencies {
  logger: Logger;
  /** messages, and the attempt marker written before each request (`beginAttempt`) */
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
  /** where messages that wait continue as jobs of their own */
  queue: Queue<SendJobData>;
  outcomes: OutcomeQueue;
  metrics: SenderMetrics;
  settings: SendSettings;
}

/** What happened to one message in this job. */
export type SendResult =
  | 'accepted'
  | `failed:${string}`
  | 'unknown'
  | 'reconciled'
  | 'waiting'
  | 'finished_before'
  | 'missing'
  | 'raced';

type WaitScope = 'window' | 'pause' | 'pair' | 'retry' | 'reconcile';

/** A message that goes on later: its job is parked (or, from a batch, a job of its own is made). */
interface Wait {
  messageId: string;
  ms: number;
  scope: WaitScope;
  retries?: number;
}

/** Per job: the waits to schedule, and one 130429 pause however many of its sends met it. */
interface Round {
  phoneNumberId: string;
  retriesOf: (messageId: string) => number;
  waits: Wait[];
  throttle: Promise<number> | null;
}

/** Spreads the wake-ups of messages parked by the same pause. */
const PARK_JITTER_MS = 25;

export const SEND_OUTCOME_UNKNOWN = 'send_outcome_unknown';
export const META_UNREACHABLE = 'meta_unreachable';

/**
 * A send job, for one message or a batch of one number's messages: re-checks every rule with the
 * current clock and state, takes the number's sliding-window slots right before the HTTP calls,
 * and turns each of Meta's answers into the message's state. Waiting never holds a worker slot:
 * a message that must wait continues as a delayed BullMQ job, and the worker takes other jobs.
 */
export class SendProcessor {
  private readonly tokens = new Map<string, string>();
  /** requests out at once in this process (a local gate only: the per-number cap lives in Redis) */
  private readonly http: Gate;
  /**
   * While a job's calls are out, their slots are re-stamped this often: a quarter window, so an
   * event loop late by up to three quarters of a second still re-stamps before an entry ages out.
   */
  private readonly restampEveryMs: number;

  constructor(private readonly deps: SendDependencies) {
    this.restampEveryMs = Math.max(50, Math.floor(deps.settings.windowMs / 4));
    this.http = new Gate(deps.settings.httpConcurrency);
  }

  async process(job: Job<SendJobData>, token?: string): Promise<Partial<Record<SendResult, number>>> {
    const { messages, numbers } = this.deps;
    const { phoneNumberId } = job.data;
    const single = job.data.messageIds === undefined;
    const ids = job.data.messageIds ?? [job.data.messageId];
    const round: Round = {
      phoneNumberId,
      retriesOf: (id) => (single && id === job.data.messageId ? (job.data.retries ?? 0) : 0),
      waits: [],
      throttle: null,
    };

    const [records, number] = await Promise.all([
      Promise.all(ids.map((id) => messages.get(id))),
      numbers.get(phoneNumberId),
    ]);
    const results: SendResult[] = [];
    const queued: OutboundMessageRecord[] = [];
    const later: Array<Promise<SendResult>> = [];
    records.forEach((record, i) => {
      if (!record) {
        later.push(this.deps.lanes.release(phoneNumberId, ids[i]!).then(() => 'missing' as const));
      } else if (record.status === 'queued') {
        queued.push(record);
      } else if (record.status === 'sending') {
        later.push(this.reconcile(record, round));
      } else {
        later.push(this.finishedBefore(record));
      }
    });
    results.push(...(await Promise.all([...later, ...(await this.sendAll(number, queued, round))])));

    await this.schedule(job, token, single, round.waits);
    const counts: Partial<Record<SendResult, number>> = {};
    for (const result of results) counts[result] = (counts[result] ?? 0) + 1;
    return counts;
  }

  /** The queued messages: rules and slots in one round trip, then the sends that may go. */
  private async sendAll(
    number: NumberRecord | null,
    queued: OutboundMessageRecord[],
    round: Round,
  ): Promise<Array<Promise<SendResult>>> {
    if (queued.length === 0) return [];
    if (!number) {
      return queued.map((message) =>
        this.refuse(message, {
          code: 'number_not_active',
          message: 'This number is no longer connected to Coexist, so the message was not sent.',
        }),
      );
    }
    const { phoneNumberId } = number;
    const bodies = queued.map((m) => JSON.parse(m.body) as OutboundMessage & Record<string, unknown>);
    const now = Date.now();
    // A slot taken for a message that then may not go is given back at once: no request used it.
    const [verdicts, backoff, slots] = await Promise.all([
      this.deps.state.checkMany(
        number,
        bodies.map((body) => ({ message: body, rawBody: body })),
        now,
      ),
      this.deps.backoff.readMany(
        phoneNumberId,
        queued.map((m) => m.recipient),
      ),
      this.deps.slots.takeMany(
        phoneNumberId,
        queued.map((m) => m.id),
        limitOf(number),
        { horizonMs: this.deps.settings.slotHorizonMs },
      ),
    ]);
    const decidedAt = Date.now();

    const results: Array<Promise<SendResult>> = [];
    const unused: string[] = [];
    const go: Array<{
      message: OutboundMessageRecord;
      body: Record<string, unknown>;
      slot: Slot;
      pair: PairBackoff | null;
      sendAt: number;
    }> = [];
    queued.forEach((message, i) => {
      const verdict = verdicts[i]!;
      const slot = slots[i]!;
      const pair = backoff.pairs[i] ?? null;
      if (!verdict.ok) {
        if (slot.allowed) unused.push(slot.entry);
        results.push(this.refuse(message, verdict.refusal));
      } else if (pair && pair.until > now) {
        // the recipient rests after a 131056: this message waits, the number's others do not
        if (slot.allowed) unused.push(slot.entry);
        results.push(
          this.deps.lanes
            .release(phoneNumberId, message.id)
            .then(() => this.wait(round, message.id, pair.until - now, 'pair')),
        );
      } else if (!slot.allowed) {
        // the window is full (or the number pauses after a 130429): wait for the slot, still handed off
        results.push(
          Promise.resolve(this.wait(round, message.id, slot.waitMs, slot.paused ? 'pause' : 'window')),
        );
      } else {
        go.push({ message, body: bodies[i]!, slot, pair, sendAt: decidedAt + slot.waitMs });
      }
    });
    if (unused.length > 0) await this.deps.slots.giveBack(phoneNumberId, ...unused);
    if (go.length === 0) return results;

    // Meta counts a message when it arrives, at the latest when its answer comes back: each slot's
    // entry moves to its answer. Until every answer of the job is in (and re-stamped together),
    // the keeper moves each entry whose request has left to its answer, or to now if none came yet,
    // so no entry ages out while its message may still arrive at Meta.
    const answeredAt = new Map<string, number>();
    const givenBack = new Set<string>();
    let finished = false;
    const keeper = setInterval(() => {
      if (finished) return;
      const now = Date.now();
      const out = go
        .filter((g) => now >= g.sendAt && !givenBack.has(g.slot.entry))
        .map((g) => ({ entry: g.slot.entry, answeredAt: answeredAt.get(g.slot.entry) }));
      void this.deps.slots.restampMany(phoneNumberId, out).catch(() => {});
    }, this.restampEveryMs);
    const outcomes = await Promise.all(
      go.map(async (g) => {
        const hold = g.sendAt - Date.now();
        if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
        // Only as many requests are out at once as there are connections: a request that would
        // wait for a socket waits here instead, before its attempt is marked.
        return this.http.run(async () => {
          // The attempt is marked right before its request leaves, so a crash from here on is
          // reconciled through the status webhook instead of sent again.
          if (!(await this.deps.messages.beginAttempt(g.message.id, g.message.attempts + 1))) {
            givenBack.add(g.slot.entry);
            await this.deps.slots.giveBack(phoneNumberId, g.slot.entry);
            return { g, raced: true as const };
          }
          const started = performance.now();
          try {
            const result = await this.deps.meta.sendMessage(this.tokenOf(number), phoneNumberId, g.body, {
              bizOpaqueCallbackData: g.message.id,
            });
            return { g, ok: true as const, wamid: result.wamid };
          } catch (error) {
            return { g, ok: false as const, error };
          } finally {
            const at = performance.now();
            answeredAt.set(g.slot.entry, at);
            this.deps.metrics.sendSeconds.observe((at - started) / 1000);
          }
        });
      }),
    );
    finished = true;
    clearInterval(keeper);
    const sent = outcomes.filter((o) => !('raced' in o));
    await this.deps.slots
      .restampMany(
        phoneNumberId,
        sent.map(({ g }) => ({ entry: g.slot.entry, answeredAt: answeredAt.get(g.slot.entry) })),
      )
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, phoneNumberId }, 'could not re-stamp send slots'),
      );

    for (const outcome of outcomes) {
      if ('raced' in outcome) results.push(Promise.resolve('raced' as const));
      else
        results.push(
          outcome.ok
            ? this.accepted(outcome.g.message, outcome.wamid, outcome.g.pair, backoff.throttleStrikes)
            : this.refused(outcome.g.message, outcome.g.pair, outcome.error, round),
        );
    }
    return results;
  }

  private async accepted(
    message: OutboundMessageRecord,
    wamid: string,
    pair: PairBackoff | null,
    throttleStrikes: number,
  ): Promise<SendResult> {
    const at = Date.now();
    await this.deps.messages.transition(message.id, 'accepted', { wamid, now: at });
    this.deps.metrics.sends.inc({ phone_number_id: message.phoneNumberId, result: 'accepted' });
    await Promise.all([
      this.deps.outcomes.add(outcomeOf(message, { status: 'accepted', wamid, at })),
      pair ? this.deps.backoff.pairCleared(message.phoneNumberId, message.recipient) : null,
      throttleStrikes > 0 ? this.deps.backoff.throttleCleared(message.phoneNumberId) : null,
    ]);
    return 'accepted';
  }

  /** Meta said no, or did not answer. */
  private async refused(
    message: OutboundMessageRecord,
    pair: PairBackoff | null,
    error: unknown,
    round: Round,
  ): Promise<SendResult> {
    const { metrics, logger } = this.deps;
    const phoneNumberId = message.phoneNumberId;

    if (error instanceof MetaError) {
      metrics.metaErrors.inc({ code: String(error.code) });
      if (error.code === 130429) {
        // The number is over Meta's throughput (inbound we have not seen, another sender…): it
        // pauses, longer with each 130429 in a row (one per job); the message waits, never dropped.
        round.throttle ??= this.deps.backoff.throttled(phoneNumberId).then(async ({ strikes, pauseMs }) => {
          await this.deps.limiter.pause(phoneNumberId, pauseMs);
          logger.warn({ phoneNumberId, strikes, pauseMs }, 'Meta throttled the number (130429): pausing it');
          return pauseMs;
        });
        const pauseMs = await round.throttle;
        await this.backToQueue(message.id);
        return this.wait(round, message.id, pauseMs + Math.random() * PARK_JITTER_MS, 'pause');
      }
      if (error.code === 131056) {
        const rest = await this.deps.backoff.pairRefused(phoneNumberId, message.recipient, pair);
        await this.backToQueue(message.id);
        return this.wait(round, message.id, Math.max(0, rest.until - Date.now()), 'pair');
      }
      if (error.retry.retryable) {
        return this.retry(message, round, error.retry.backoffMs, {
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
      return this.retry(message, round, error.retry.retryable ? error.retry.backoffMs : () => 1000, {
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
      return this.wait(round, message.id, this.deps.settings.reconcileGraceMs, 'reconcile');
    }
    // A bug or a store outage after the attempt was marked: the message stays in `sending`, and
    // the reconcile path takes it (never a second request).
    logger.error({ err: error, messageId: message.id, phoneNumberId }, 'send failed unexpectedly');
    return this.wait(round, message.id, this.deps.settings.reconcileGraceMs, 'reconcile');
  }

  /** A transient failure before Meta took the message: try again after a jittered back-off. */
  private async retry(
    message: OutboundMessageRecord,
    round: Round,
    backoffMs: (attempt: number) => number,
    reason: MessageError,
  ): Promise<SendResult> {
    const retries = round.retriesOf(message.id) + 1;
    if (retries > this.deps.settings.maxRetries) return this.fail(message, reason, 'sending');
    await this.backToQueue(message.id);
    return this.wait(round, message.id, backoffMs(retries - 1), 'retry', retries);
  }

  /**
   * The message is in `sending`: a previous attempt may have reached Meta (the sender crashed, or
   * the request timed out). Never send it again. Its status webhook (our id rides in
   * `biz_opaque_callback_data`) moves it on; if none came within the grace period, it is reported
   * `send_outcome_unknown`.
   */
  private async reconcile(message: OutboundMessageRecord, round: Round): Promise<SendResult> {
    await this.deps.lanes.taken(message.phoneNumberId, message.id);
    const wait = message.updatedAt + this.deps.settings.reconcileGraceMs - Date.now();
    if (wait > 0) return this.wait(round, message.id, wait, 'reconcile');
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

  private wait(round: Round, messageId: string, ms: number, scope: WaitScope, retries?: number): SendResult {
    this.deps.metrics.limiterWaits.inc({ scope });
    this.deps.metrics.limiterWaitSeconds.observe({ scope }, ms / 1000);
    round.waits.push({
      messageId,
      ms: Math.max(1, Math.ceil(ms)),
      scope,
      retries: retries ?? round.retriesOf(messageId),
    });
    return 'waiting';
  }

  /**
   * The messages that wait go on as delayed jobs of their own (id = message id). A job for one
   * message is itself moved back to the delayed set: the worker slot is free at once.
   */
  private async schedule(job: Job<SendJobData>, token: string | undefined, single: boolean, waits: Wait[]) {
    if (waits.length === 0) return;
    if (single) {
      const [own] = waits;
      if ((own!.retries ?? 0) !== (job.data.retries ?? 0))
        await job.updateData({ ...job.data, retries: own!.retries });
      await job.moveToDelayed(Date.now() + own!.ms, token);
      throw new DelayedError();
    }
    await this.deps.queue.addBulk(
      waits.map((w) => ({
        name: 'send',
        data: {
          type: 'send' as const,
          messageId: w.messageId,
          phoneNumberId: job.data.phoneNumberId,
          retries: w.retries ?? 0,
        },
        opts: { jobId: w.messageId, delay: w.ms },
      })),
    );
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

/**
 * At most `limit` tasks at once, the others waiting in order. (Bottleneck does this too, but its
 * queue costs more CPU than a send at thousands of tasks; this is all that is needed here.)
 */
class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // the slot passes straight to the next task, or is freed
      if (next) next();
      else this.active--;
    }
  }
}

function limitOf(number: NumberRecord): number {
  return number.throughputMps > 0 ? number.throughputMps : COEXISTENCE_MESSAGES_PER_SECOND;
}
