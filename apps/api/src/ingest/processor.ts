import { createHash } from 'node:crypto';
import {
  type AccountEventRecord,
  detectOptOutKeyword,
  isOptOutErrorCode,
  type MessageRecord,
  type NormalisedWebhook,
  normaliseWebhook,
  opensServiceWindow,
} from '@coexist/core';
import type { IngestJob, NumberRecord, SendOutcomeJob, WebhookJob } from '@coexist/storage';
import type { AnalyticsRefresher } from '../analytics/refresher.js';
import type { BindingService } from '../bindings/service.js';
import type { ApiContext } from '../context.js';
import type { Metrics } from '../metrics.js';
import { scheduleTemplateSync } from '../templates/sync.js';
import {
  accountEventRow,
  apiMessageRow,
  auditRow,
  chTime,
  contactRow,
  failedSendRow,
  historyChunkRow,
  messageRow,
  statusRow,
} from './rows.js';
import type { Rows, WarehouseWriter } from './writer.js';

/** Side effects of a live message are applied once per wamid; Meta retries for up to 7 days. */
const SEEN_TTL_SECONDS = 8 * 24 * 3600;

/** A raw webhook kept in ClickHouse (30 days) for support and replays. */
function rawWebhookRow(job: WebhookJob, result: NormalisedWebhook | null) {
  const fields = new Set<string>();
  const numbers = new Set<string>();
  for (const record of [
    ...(result?.messages ?? []),
    ...(result?.statuses ?? []),
    ...(result?.contacts ?? []),
  ]) {
    numbers.add(record.phoneNumberId);
  }
  if (result?.messages.length) fields.add('messages');
  if (result?.historyChunks.length || result?.historyDeclined.length) fields.add('history');
  if (result?.statuses.length) fields.add('statuses');
  if (result?.contacts.length) fields.add('contacts');
  if (result?.accountEvents.length) fields.add('account_update');
  if (result?.templateStatuses.length) fields.add('message_template_status_update');
  for (const u of result?.unknown ?? []) fields.add(u.field);
  return {
    received_at: chTime(job.receivedAt),
    body_sha256: job.sha256,
    bytes: Buffer.byteLength(job.body),
    fields: [...fields],
    phone_number_ids: [...numbers],
    body: job.body,
  };
}

/**
 * Turns queued webhooks and events into ClickHouse rows and the Redis state the sender reads:
 * service windows, opt-outs, inbound traffic against the 20 msg/s budget, sync progress,
 * template status, binding moves, alerts.
 */
export class IngestProcessor {
  constructor(
    private readonly context: ApiContext,
    private readonly writer: WarehouseWriter,
    private readonly bindings: BindingService,
    private readonly metrics: Metrics,
    private readonly refresher: AnalyticsRefresher,
  ) {}

  /**
   * `retried`: this job ran before and may have died mid-write (kill -9, a lost lock). Its rows
   * are deduplicated as always, and the message counts of the numbers it touched are reconciled
   * before it completes: a crash can leave a materialized-view part missing, which the
   * reconciliation at a rebuild may have filled before this retry gave it back (see
   * `reconcileCounts`). Either way, counts are exact once the job is done.
   */
  async process(job: IngestJob, { retried = false }: { retried?: boolean } = {}): Promise<void> {
    const touched = await this.run(job);
    if (!retried) return;
    for (const [phoneNumberId, accountId] of touched) {
      await this.refresher.reconcileCounts(accountId, phoneNumberId);
    }
  }

  /** Processes one job; answers the numbers whose messages it wrote (id → account). */
  private async run(job: IngestJob): Promise<Map<string, string>> {
    switch (job.type) {
      case 'webhook':
        return this.webhook(job);
      case 'send_outcome':
        return this.sendOutcomes([job]);
      case 'send_outcomes':
        return this.sendOutcomes(job.outcomes);
      case 'audit':
        await this.writer.write({ audit_events: [auditRow(job)] });
        return new Map();
    }
  }

  private async webhook(job: WebhookJob): Promise<Map<string, string>> {
    let body: unknown;
    try {
      body = JSON.parse(job.body);
    } catch {
      this.metrics.ingestInvalid.inc({ kind: 'invalid_json' });
      await this.writer.write({ raw_webhooks: [rawWebhookRow(job, null)] });
      return new Map();
    }
    const result = withinStorableTimes(normaliseWebhook(body), (what, timestamp) => {
      this.metrics.ingestInvalid.inc({ kind: 'timestamp_out_of_range' });
      this.context.logger.warn(
        { what, timestamp, sha256: job.sha256 },
        'webhook part dated outside 2009–2100: dropped',
      );
    });
    for (const part of result.invalid) {
      this.metrics.ingestInvalid.inc({ kind: 'invalid_part' });
      this.context.logger.warn(
        { path: part.path, field: part.field, reason: part.reason, sha256: job.sha256 },
        'webhook part does not match Meta shapes',
      );
    }
    for (const unknown of result.unknown) {
      this.metrics.ingestInvalid.inc({ kind: 'unknown_field' });
      this.context.logger.info({ field: unknown.field, path: unknown.path }, 'webhook field not handled');
    }

    const numbers = new NumberCache(this.context);
    const rows: Required<
      Pick<Rows, 'messages' | 'statuses' | 'contacts' | 'history_chunks' | 'account_events'>
    > = {
      messages: [],
      statuses: [],
      contacts: [],
      history_chunks: [],
      account_events: [],
    };
    const version = job.receivedAt;

    // History chunks: one block per chunk with a token made of its content, written first.
    const chunkMessages = new Map<string, MessageRecord[]>();
    for (const message of result.messages) {
      if (message.source === 'history' && message.history) {
        const id = `${message.phoneNumberId}:${message.history.phase}:${message.history.chunkOrder}`;
        const list = chunkMessages.get(id) ?? [];
        list.push(message);
        chunkMessages.set(id, list);
      }
    }
    for (const chunk of result.historyChunks) {
      const number = await numbers.get(chunk.phoneNumberId);
      if (!number) continue;
      const messages =
        chunkMessages.get(`${chunk.phoneNumberId}:${chunk.position.phase}:${chunk.position.chunkOrder}`) ??
        [];
      const messageRows = messages.map((m) => messageRow(number.accountId, m, version));
      const token = createHash('sha256')
        .update(
          `${number.accountId}:${chunk.phoneNumberId}:${chunk.position.phase}:${chunk.position.chunkOrder}:`,
        )
        .update(messages.map((m) => m.wamid).join(','))
        .digest('hex');
      await this.writer.writeChunk(messageRows, `history-${token}`);
      rows.history_chunks.push(historyChunkRow(number.accountId, chunk, job.receivedAt));
    }

    for (const message of result.messages) {
      const number = await numbers.get(message.phoneNumberId);
      if (!number) continue;
      if (message.source === 'history' && message.history) continue; // written with its chunk
      rows.messages.push(
        messageRow(number.accountId, message, version) as unknown as Record<string, unknown>,
      );
      if (message.source === 'live' && message.direction === 'inbound')
        await this.liveInbound(number, message);
    }

    for (const status of result.statuses) {
      const number = await numbers.get(status.phoneNumberId);
      if (!number) continue;
      const byWamid = await this.context.messages.idForWamid(status.wamid);
      const messageId =
        (status.bizOpaqueCallbackData?.startsWith('msg_') ? status.bizOpaqueCallbackData : null) ?? byWamid;
      if (messageId) {
        const error = status.errors[0];
        // A send whose answer never reached the sender (it died, or Meta timed out) learns its wamid
        // here: keep it, and record the accepted send the sender could not report.
        if (!byWamid && status.status !== 'failed')
          await this.reconciled(messageId, status.wamid, status.timestamp);
        await this.context.messages.transition(messageId, status.status, {
          now: status.timestamp,
          wamid: status.wamid,
          ...(error
            ? {
                error: {
                  code: String(error.code),
                  message: error.message ?? error.title ?? '',
                  source: 'meta' as const,
                },
              }
            : {}),
        });
      }
      if (status.status === 'failed' && status.errors.some((e) => isOptOutErrorCode(e.code))) {
        await this.context.contacts.optOut(number.phoneNumberId, status.recipient, {
          at: status.timestamp,
          reason: 'meta_131050',
        });
      }
      rows.statuses.push(
        statusRow(number.accountId, status, messageId) as unknown as Record<string, unknown>,
      );
    }

    const contactsByNumber = new Map<string, number>();
    for (const contact of result.contacts) {
      const number = await numbers.get(contact.phoneNumberId);
      if (!number) continue;
      rows.contacts.push(contactRow(number.accountId, contact));
      if (contact.origin === 'state_sync')
        contactsByNumber.set(contact.phoneNumberId, (contactsByNumber.get(contact.phoneNumberId) ?? 0) + 1);
    }

    for (const declined of result.historyDeclined) {
      if (await numbers.get(declined.phoneNumberId))
        await this.context.sync.historyDeclined(declined.phoneNumberId);
    }

    for (const event of result.accountEvents) await this.accountEvent(event, rows.account_events);

    for (const update of result.templateStatuses) {
      const known = await this.context.templates.setStatus(update.wabaId, {
        name: update.name,
        language: update.language,
        status: update.status,
        templateId: update.templateId,
      });
      if (!known) await scheduleTemplateSync(this.context, update.wabaId);
    }

    for (const alert of result.alerts) {
      const phoneNumberId =
        alert.phoneNumberId ??
        (alert.phoneNumber ? await this.context.numbers.idForDisplayNumber(alert.phoneNumber) : null);
      if (!phoneNumberId || !(await numbers.get(phoneNumberId))) continue;
      if (alert.code === 'partner_removed' || alert.code === 'account_offboarded') continue; // shown from the binding's state
      await this.context.alerts.raise(
        phoneNumberId,
        { code: alert.code, message: alert.message, wamid: alert.wamid },
        alert.timestamp,
      );
    }

    if (numbers.unknown.size > 0) {
      this.metrics.ingestInvalid.inc({ kind: 'unknown_number' }, numbers.unknown.size);
      this.context.logger.warn(
        { phoneNumberIds: [...numbers.unknown] },
        'webhook for numbers no account has bound',
      );
    }

    await this.writer.write({ ...rows, raw_webhooks: [rawWebhookRow(job, result)] });
    const touched = new Map<string, string>();
    for (const id of new Set(result.messages.map((m) => m.phoneNumberId))) {
      const number = await numbers.get(id);
      if (!number) continue;
      touched.set(id, number.accountId);
      await this.refresher.markDirty(number.accountId, id);
    }

    // Progress is recorded once the rows are stored, so a replayed chunk is never counted early.
    for (const chunk of result.historyChunks) {
      if (!(await numbers.get(chunk.phoneNumberId))) continue;
      await this.context.sync.historyChunk(chunk.phoneNumberId, {
        phase: chunk.position.phase,
        chunkOrder: chunk.position.chunkOrder,
        progress: chunk.position.progress,
        messages: chunk.messageCount,
      });
    }
    for (const [phoneNumberId, count] of contactsByNumber)
      await this.context.sync.contactsReceived(phoneNumberId, count);
    return touched;
  }

  /**
   * A user wrote, live: it opens the service window (if after onboarding), takes one unit of
   * the number's 20 msg/s (Meta counts inbound), and may be an opt-out or opt-in keyword.
   */
  private async liveInbound(number: NumberRecord, message: MessageRecord): Promise<void> {
    const first = await this.context.redis.set(
      this.context.keys.numberSeen(number.phoneNumberId, message.wamid),
      '1',
      'EX',
      SEEN_TTL_SECONDS,
      'NX',
    );
    if (first !== 'OK') return;
    const contact = { waId: message.contact.waId, userId: message.contact.userId };
    if (opensServiceWindow(message, number.onboardedAt)) {
      await this.context.contacts.recordInbound(number.phoneNumberId, contact, message.timestamp);
    }
    await this.context.traffic.record(number.phoneNumberId);
    this.metrics.inboundBudget.inc();
    const intent = detectOptOutKeyword(message.text);
    if (intent === 'opt_out') {
      await this.context.contacts.optOut(number.phoneNumberId, contact, {
        at: message.timestamp,
        reason: 'keyword',
      });
    } else if (intent === 'opt_in') {
      await this.context.contacts.optIn(number.phoneNumberId, contact);
    }
  }

  /** `account_update`: route by the number Meta names, else every number of the WABA. */
  private async accountEvent(event: AccountEventRecord, out: Array<Record<string, unknown>>): Promise<void> {
    const byDigits = event.phoneNumber
      ? await this.context.numbers.idForDisplayNumber(event.phoneNumber)
      : null;
    const ids = byDigits ? [byDigits] : await this.context.numbers.idsForWaba(event.wabaId);
    const move =
      event.event === 'PARTNER_REMOVED'
        ? ({ type: 'partner_removed' } as const)
        : event.event === 'ACCOUNT_OFFBOARDED'
          ? ({ type: 'account_offboarded' } as const)
          : event.event === 'ACCOUNT_RECONNECTED'
            ? ({ type: 'account_reconnected' } as const)
            : null;
    for (const id of ids) {
      const number = await this.context.numbers.get(id);
      if (!number || (number.wabaId !== event.wabaId && !byDigits)) continue;
      if (move) {
        await this.bindings.applyAccountEvent(id, move, {
          meta_event: event.event,
          reason: event.reason,
          initiated_by: event.initiatedBy,
        });
      }
      out.push(accountEventRow(number.accountId, id, event));
    }
    if (ids.length === 0)
      this.context.logger.info(
        { event: event.event, wabaId: event.wabaId },
        'account_update for an unknown business account',
      );
  }

  private async reconciled(messageId: string, wamid: string, at: number): Promise<void> {
    const message = await this.context.messages.get(messageId);
    if (!message || message.wamid) return;
    await this.sendOutcomes([
      {
        type: 'send_outcome',
        messageId,
        accountId: message.accountId,
        phoneNumberId: message.phoneNumberId,
        status: 'accepted',
        wamid,
        at: message.timeline.sending ?? at,
        recipient: message.recipient,
        messageType: message.type,
        templateName: message.templateName,
        templateLanguage: message.templateLanguage,
        templateCategory: message.templateCategory,
        textLength: 0,
        errorCode: null,
        errorMessage: null,
      },
    ]);
  }

  /** Our sends: accepted ones become `api` messages, failures before Meta join the template funnel. */
  private async sendOutcomes(outcomes: SendOutcomeJob[]): Promise<Map<string, string>> {
    const messages: Array<Record<string, unknown>> = [];
    const statuses: Array<Record<string, unknown>> = [];
    const numbers = new Map<string, string>();
    for (const outcome of outcomes) {
      if (outcome.status === 'accepted' && outcome.wamid) {
        messages.push(apiMessageRow(outcome, outcome.at) as unknown as Record<string, unknown>);
        numbers.set(outcome.phoneNumberId, outcome.accountId);
      } else {
        statuses.push(failedSendRow(outcome) as unknown as Record<string, unknown>);
      }
    }
    await this.writer.write({ messages, statuses });
    for (const [phoneNumberId, accountId] of numbers)
      await this.refresher.markDirty(accountId, phoneNumberId);
    return numbers;
  }
}

/** WhatsApp did not exist before 2009; nothing Meta sends is dated after 2100 (ClickHouse's dates end in 2299). */
const EARLIEST_MS = Date.UTC(2009, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

/** Records dated where no real message can be are reported and left out; the rest is kept. */
function withinStorableTimes(
  result: NormalisedWebhook,
  dropped: (what: string, timestamp: number) => void,
): NormalisedWebhook {
  const keep = <T extends { timestamp: number }>(what: string, records: T[]) =>
    records.filter((record) => {
      const ok = record.timestamp >= EARLIEST_MS && record.timestamp < LATEST_MS;
      if (!ok) dropped(what, record.timestamp);
      return ok;
    });
  return {
    ...result,
    messages: keep('message', result.messages),
    statuses: keep('status', result.statuses),
    contacts: keep('contact', result.contacts),
    accountEvents: keep('account_event', result.accountEvents),
    alerts: keep('alert', result.alerts),
  };
}

/** Numbers looked up once per webhook; those no account has bound are collected for the log. */
class NumberCache {
  private readonly cache = new Map<string, NumberRecord | null>();
  readonly unknown = new Set<string>();

  constructor(private readonly context: ApiContext) {}

  async get(phoneNumberId: string): Promise<NumberRecord | null> {
    if (!this.cache.has(phoneNumberId)) {
      const number = await this.context.numbers.get(phoneNumberId);
      this.cache.set(phoneNumberId, number);
      if (!number) this.unknown.add(phoneNumberId);
    }
    return this.cache.get(phoneNumberId) ?? null;
  }
}
