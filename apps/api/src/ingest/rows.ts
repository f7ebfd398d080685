import type {
  AccountEventRecord,
  ContactRecord,
  HistoryChunkRecord,
  MessageRecord,
  StatusRecord,
} from '@coexist/core';
import type { AuditJob, SendOutcomeJob } from '@coexist/storage';

/** ClickHouse's DateTime64(3) text form, in UTC: `2026-11-25 12:00:00.000`. */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export interface MessageRow {
  account_id: string;
  phone_number_id: string;
  wamid: string;
  contact_key: string;
  contact_wa_id: string;
  direction: 'inbound' | 'outbound';
  source: 'history' | 'echo' | 'live' | 'api';
  type: string;
  ts: string;
  text_len: number;
  has_media: number;
  is_placeholder: number;
  is_upgrade: number;
  history_phase: number;
  history_status: string;
  context_wamid: string;
  target_wamid: string;
  message_id: string;
  template_name: string;
  template_language: string;
  version: number;
}

export function messageRow(accountId: string, record: MessageRecord, version: number): MessageRow {
  return {
    account_id: accountId,
    phone_number_id: record.phoneNumberId,
    wamid: record.wamid,
    contact_key: record.contact.key,
    contact_wa_id: record.contact.waId ?? '',
    direction: record.direction,
    source: record.source,
    type: record.type,
    ts: chTime(record.timestamp),
    text_len: record.textLength,
    has_media: record.hasMedia ? 1 : 0,
    is_placeholder: record.isPlaceholder ? 1 : 0,
    is_upgrade: 0,
    history_phase: record.history?.phase ?? -1,
    history_status: record.historyStatus ?? '',
    context_wamid: record.contextWamid ?? '',
    target_wamid: record.targetWamid ?? '',
    message_id: '',
    template_name: '',
    template_language: '',
    version,
  };
}

export function apiMessageRow(outcome: SendOutcomeJob, version: number): MessageRow {
  return {
    account_id: outcome.accountId,
    phone_number_id: outcome.phoneNumberId,
    wamid: outcome.wamid ?? '',
    contact_key: outcome.recipient,
    contact_wa_id: outcome.recipient,
    direction: 'outbound',
    source: 'api',
    type: outcome.messageType,
    ts: chTime(outcome.at),
    text_len: outcome.textLength,
    has_media: ['image', 'video', 'audio', 'document', 'sticker'].includes(outcome.messageType) ? 1 : 0,
    is_placeholder: 0,
    is_upgrade: 0,
    history_phase: -1,
    history_status: '',
    context_wamid: '',
    target_wamid: '',
    message_id: outcome.messageId,
    template_name: outcome.templateName ?? '',
    template_language: outcome.templateLanguage ?? '',
    version,
  };
}

export interface StatusRow {
  account_id: string;
  phone_number_id: string;
  wamid: string;
  message_id: string;
  template_name: string;
  template_language: string;
  status: string;
  ts: string;
  recipient_key: string;
  error_code: number;
  error_title: string;
  error_reason: string;
  pricing_category: string;
  pricing_type: string;
}

export function statusRow(accountId: string, record: StatusRecord, messageId: string | null): StatusRow {
  const error = record.errors[0];
  return {
    account_id: accountId,
    phone_number_id: record.phoneNumberId,
    wamid: record.wamid,
    message_id: messageId ?? '',
    // the template of one of our sends is known from its messages row
    template_name: '',
    template_language: '',
    status: record.status,
    ts: chTime(record.timestamp),
    recipient_key: record.recipient.key,
    error_code: error?.code ?? 0,
    error_title: error?.title ?? error?.message ?? '',
    error_reason: '',
    pricing_category: record.pricingCategory ?? '',
    pricing_type: record.pricingType ?? '',
  };
}

/** A send that failed before Meta gave it a wamid still counts in the template funnel. */
export function failedSendRow(outcome: SendOutcomeJob): StatusRow {
  return {
    account_id: outcome.accountId,
    phone_number_id: outcome.phoneNumberId,
    wamid: `failed:${outcome.messageId}`,
    message_id: outcome.messageId,
    template_name: outcome.templateName ?? '',
    template_language: outcome.templateLanguage ?? '',
    status: 'failed',
    ts: chTime(outcome.at),
    recipient_key: outcome.recipient,
    // Meta's numeric code, or our rule's snake_case code when we refused before sending
    error_code: /^\d+$/.test(outcome.errorCode ?? '') ? Number(outcome.errorCode) : 0,
    error_title: outcome.errorMessage ?? '',
    error_reason: /^\d+$/.test(outcome.errorCode ?? '') ? '' : (outcome.errorCode ?? ''),
    pricing_category: '',
    pricing_type: '',
  };
}

export function contactRow(accountId: string, record: ContactRecord) {
  return {
    account_id: accountId,
    phone_number_id: record.phoneNumberId,
    contact_key: record.contact.key,
    origin: record.origin,
    wa_id: record.contact.waId ?? '',
    user_id: record.contact.userId ?? '',
    name: record.name ?? '',
    first_name: record.firstName ?? '',
    username: record.username ?? '',
    removed: record.action === 'remove' ? 1 : 0,
    updated_at: chTime(record.timestamp),
  };
}

export function historyChunkRow(accountId: string, record: HistoryChunkRecord, receivedAt: number) {
  return {
    account_id: accountId,
    phone_number_id: record.phoneNumberId,
    phase: record.position.phase,
    chunk_order: record.position.chunkOrder,
    progress: record.position.progress,
    thread_count: record.threadCount,
    message_count: record.messageCount,
    skipped_count: record.skippedCount,
    received_at: chTime(receivedAt),
  };
}

export function accountEventRow(accountId: string, phoneNumberId: string, record: AccountEventRecord) {
  return {
    account_id: accountId,
    waba_id: record.wabaId,
    phone_number_id: phoneNumberId,
    event: record.event,
    reason: record.reason ?? '',
    initiated_by: record.initiatedBy ?? '',
    at: chTime(record.timestamp),
  };
}

export function auditRow(job: AuditJob) {
  return {
    account_id: job.accountId,
    binding_id: job.bindingId,
    event_id: job.eventId,
    phone_number_id: job.phoneNumberId ?? '',
    event: job.event,
    from_status: job.fromStatus,
    to_status: job.toStatus,
    reason: job.reason ?? '',
    detail: JSON.stringify(job.detail),
    at: chTime(job.at),
  };
}
