/**
 * Every queue and the jobs it carries, declared once and shared by producers and consumers.
 * Names carry a `{hash tag}` so each queue's keys live in one Redis Cluster slot.
 */
export const QUEUE_NAMES = {
  /** api → ingest: webhooks as received, and events that end up in ClickHouse */
  ingest: '{ingest}',
  /** dispatcher → sender workers: one job per message whose turn has come */
  send: '{send}',
  /** api: the binding's follow-up calls to Meta (sync requests), retried until the 24 h deadline */
  bindings: '{bindings}',
} as const;

/** A Meta webhook, exactly as received (the raw body is what was signed). */
export interface WebhookJob {
  type: 'webhook';
  receivedAt: number;
  /** SHA-256 of the raw body: the same delivery twice is one job */
  sha256: string;
  body: string;
}

/** What happened to one of our sends, for the analytics tables. */
export interface SendOutcomeJob {
  type: 'send_outcome';
  messageId: string;
  accountId: string;
  phoneNumberId: string;
  /** `accepted` with a wamid, or `failed` before or instead of reaching Meta */
  status: 'accepted' | 'failed';
  wamid: string | null;
  at: number;
  recipient: string;
  messageType: string;
  templateName: string | null;
  templateLanguage: string | null;
  templateCategory: string | null;
  textLength: number;
  errorCode: string | null;
  errorMessage: string | null;
}

/** A binding moved: one row of the audit trail. */
export interface AuditJob {
  type: 'audit';
  eventId: string;
  accountId: string;
  bindingId: string;
  phoneNumberId: string | null;
  event: string;
  fromStatus: string;
  toStatus: string;
  reason: string | null;
  detail: Record<string, unknown>;
  at: number;
}

/** The outcomes of one sender flush, in one job: a queue round trip per batch, not per message. */
export interface SendOutcomesJob {
  type: 'send_outcomes';
  outcomes: SendOutcomeJob[];
}

export type IngestJob = WebhookJob | SendOutcomeJob | SendOutcomesJob | AuditJob;

export interface SendJob {
  type: 'send';
  messageId: string;
  phoneNumberId: string;
}

export interface SyncRequestJob {
  type: 'request_sync';
  bindingId: string;
  phoneNumberId: string;
  syncType: 'smb_app_state_sync' | 'history';
}

export type BindingJob = SyncRequestJob;
