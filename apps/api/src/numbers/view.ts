import type { NumberAlert, NumberRecord, NumberSync } from '@coexist/storage';
import { z } from 'zod';
import { SYNC_WINDOW_MS } from '../bindings/sync.js';
import { defineQuery } from '../clickhouse/warehouse.js';
import type { ApiContext } from '../context.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const numberCountsQuery = defineQuery({
  name: 'number_counts',
  sql: `SELECT
      (SELECT sumIf(messages, source = 'history') FROM {db}.messages_15m WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}) AS history,
      (SELECT sumIf(messages, source = 'echo') FROM {db}.messages_15m WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}) AS echo,
      (SELECT sumIf(messages, source = 'live') FROM {db}.messages_15m WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}) AS live,
      (SELECT sumIf(messages, source = 'api') FROM {db}.messages_15m WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String}) AS api,
      (SELECT uniqExact(contact_key) FROM {db}.contacts FINAL WHERE account_id = {account_id:String} AND phone_number_id = {phone_number_id:String} AND removed = 0) AS contacts`,
  params: z.object({ account_id: z.string(), phone_number_id: z.string() }),
  row: z.object({
    history: z.coerce.number(),
    echo: z.coerce.number(),
    live: z.coerce.number(),
    api: z.coerce.number(),
    contacts: z.coerce.number(),
  }),
});

const DEADLINE_WARNING_MS = 6 * 60 * 60 * 1000;

/** Alerts the number's state implies, beside those webhooks raised (131060, Meta errors). */
function derivedAlerts(number: NumberRecord, sync: NumberSync, now: number): NumberAlert[] {
  const alerts: NumberAlert[] = [];
  const at = number.updatedAt;
  const alert = (code: string, message: string): NumberAlert => ({
    code,
    message,
    count: 1,
    firstAt: at,
    lastAt: at,
    wamids: [],
  });
  if (number.status === 'removed') {
    alerts.push(
      alert(
        'partner_removed',
        'The owner unlinked this number from the Cloud API in the WhatsApp Business app (Settings > Account > Business Platform). Sending has stopped; its history stays. Connect it again with a new binding.',
      ),
    );
  }
  if (number.status === 'offboarded') {
    alerts.push(
      alert(
        'account_offboarded',
        'Meta offboarded this number (a device change or re-registration). Sending is paused until the owner reconnects it.',
      ),
    );
  }
  const deadline = number.onboardedAt + SYNC_WINDOW_MS;
  const pending = [
    sync.contacts.state === 'not_requested' ? 'contacts' : null,
    number.shareHistory && sync.history.state === 'not_requested' ? 'chat history' : null,
  ].filter((x): x is string => x !== null);
  const failed = [
    sync.contacts.state === 'failed' ? 'contacts' : null,
    sync.history.state === 'failed' ? 'chat history' : null,
  ].filter((x): x is string => x !== null);
  if (failed.length > 0) {
    alerts.push(
      alert(
        'sync_failed',
        `Meta refused the ${failed.join(' and ')} sync. It can only be requested once, within 24 hours of onboarding: to sync again the owner must disconnect the number in the WhatsApp Business app and connect it again.`,
      ),
    );
  } else if (pending.length > 0 && number.status !== 'signed_up' && number.status !== 'removed') {
    const left = deadline - now;
    if (left <= 0) {
      alerts.push(
        alert(
          'sync_window_expired',
          `The ${pending.join(' and ')} sync was never requested and the 24-hour window closed.`,
        ),
      );
    } else if (
      left <= DEADLINE_WARNING_MS ||
      (sync.contacts.attempts > 0 && sync.contacts.state === 'not_requested')
    ) {
      alerts.push(
        alert(
          'sync_deadline',
          `The ${pending.join(' and ')} sync is not requested yet and must be before ${iso(deadline)}; Coexist keeps retrying.`,
        ),
      );
    }
  }
  return alerts;
}

export async function numberView(context: ApiContext, number: NumberRecord, now = Date.now()) {
  const [sync, stored, counts] = await Promise.all([
    context.sync.get(number.phoneNumberId, now),
    context.alerts.list(number.phoneNumberId),
    context.warehouse
      .query(numberCountsQuery, { account_id: number.accountId, phone_number_id: number.phoneNumberId })
      .then((rows) => rows[0] ?? null),
  ]);
  const part = (p: NumberSync['contacts'] | NumberSync['history']) => ({
    state: p.state,
    requested_at: iso(p.requestedAt),
    request_id: p.requestId || null,
    attempts: p.attempts,
    started_at: iso(p.startedAt),
    finished_at: iso(p.finishedAt),
    last_error: p.lastError,
  });
  const alerts = [...derivedAlerts(number, sync, now), ...stored].map((a) => ({
    code: a.code,
    message: a.message,
    count: a.count,
    first_at: iso(a.firstAt),
    last_at: iso(a.lastAt),
    ...(a.wamids.length > 0 ? { wamids: a.wamids } : {}),
  }));
  return {
    phone_number_id: number.phoneNumberId,
    display_phone_number: `+${number.displayPhoneNumber}`,
    verified_name: number.verifiedName,
    waba_id: number.wabaId,
    binding_id: number.bindingId,
    status: number.status,
    timezone: number.timezone,
    throughput_mps: number.throughputMps,
    onboarded_at: iso(number.onboardedAt),
    share_history: number.shareHistory,
    sync: {
      deadline: iso(number.onboardedAt + SYNC_WINDOW_MS),
      contacts: { ...part(sync.contacts), received: sync.contacts.received },
      history: {
        ...part(sync.history),
        shared: number.shareHistory,
        phase: sync.history.phase,
        progress: sync.history.progress,
        chunks_received: sync.history.chunksReceived,
        messages_received: sync.history.messagesReceived,
      },
    },
    counts: {
      messages: {
        history: counts?.history ?? 0,
        echo: counts?.echo ?? 0,
        live: counts?.live ?? 0,
        api: counts?.api ?? 0,
      },
      contacts: counts?.contacts ?? 0,
      opted_out: await context.contacts.optOutCount(number.phoneNumberId),
    },
    alerts,
  };
}
