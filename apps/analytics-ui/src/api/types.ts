/** The shapes apps/api answers with (see docs/analytics.md and apps/api/src/*). */

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export type BindingStatus =
  | 'started'
  | 'signed_up'
  | 'confirmed'
  | 'active'
  | 'failed'
  | 'removed'
  | 'offboarded'
  | (string & {});

export interface RequirementFeature {
  id: string;
  feature: string;
  appChange: string;
  apiSupport: 'supported' | 'not_supported';
  note: string;
}

export interface BindingView {
  id: string;
  status: BindingStatus;
  created_at: string;
  updated_at: string;
  failure: { code: string; message: string; details?: unknown } | null;
  app_id: string;
  config_id: string;
  graph_api_version: string;
  sdk_url: string;
  sandbox: boolean;
  allowed_origins: string[];
  response_type: string;
  override_default_response_type: boolean;
  extras: Record<string, unknown>;
  requirements: {
    minimum_app_version: string;
    sync_window_hours: number;
    unsupported_calling_codes: string[];
    features: RequirementFeature[];
  };
  business: {
    waba_id: string | null;
    name: string | null;
    phone_number_id: string | null;
    display_phone_number: string | null;
    verified_name: string | null;
    timezone: string | null;
    timezone_required: boolean;
  };
  share_history: boolean | null;
  app_version: string | null;
  timezone: string | null;
  onboarded_at: string | null;
  sync_deadline: string | null;
}

export type SyncState = 'not_requested' | 'requested' | 'receiving' | 'completed' | 'declined' | 'failed';

export interface SyncPart {
  state: SyncState;
  requested_at: string | null;
  request_id?: string | null;
  attempts?: number;
  started_at: string | null;
  finished_at: string | null;
  last_error?: { code: string; message: string } | null;
}

export interface NumberAlertView {
  code: string;
  message: string;
  count: number;
  first_at: string | null;
  last_at: string | null;
  wamids?: string[];
}

export interface NumberView {
  phone_number_id: string;
  display_phone_number: string;
  verified_name: string | null;
  waba_id: string;
  binding_id: string;
  status: BindingStatus;
  timezone: string | null;
  throughput_mps: number;
  onboarded_at: string | null;
  share_history: boolean;
  sync: {
    deadline: string | null;
    contacts: SyncPart & { received?: number };
    history: SyncPart & {
      shared: boolean;
      phase: number | null;
      progress: number;
      chunks_received: number;
      messages_received: number;
    };
  };
  counts: {
    messages: { history: number; echo: number; live: number; api: number };
    contacts: number;
    opted_out: number;
  };
  alerts: NumberAlertView[];
}

export interface CompatibilityFeature {
  id: string;
  feature: string;
  app_change: string;
  api_support: 'supported' | 'not_supported';
  note: string;
}

export interface TemplateButtonDefinition {
  type: string;
  text?: string;
  url?: string;
  phone_number?: string;
}

export interface TemplateComponentDefinition {
  type: string;
  format?: string;
  text?: string;
  buttons?: TemplateButtonDefinition[];
  example?: unknown;
}

export interface TemplateView {
  waba_id: string;
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format: 'POSITIONAL' | 'NAMED' | null;
  components: TemplateComponentDefinition[];
  synced_at?: string | null;
}

export type MessageStatus = 'queued' | 'sending' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageView {
  id: string;
  status: MessageStatus;
  wamid: string | null;
  error: { code: string | number; title?: string; message?: string; details?: unknown } | null;
  to?: string;
  type?: string;
  phone_number_id?: string;
  created_at?: string;
  updated_at?: string;
}

export interface ContactSummary {
  contact: string;
  wa_id: string | null;
  name: string | null;
  last_message_at: string | null;
  messages: number;
}

export interface ContactDetail {
  wa_id: string;
  name: string | null;
  window: { open: boolean; last_inbound_at: string | null; closes_at: string | null };
  opted_out: { at: string; reason: string } | null;
}

// ---------------------------------------------------------------------------------------------
// Analytics (docs/analytics.md)

export interface ReportBase {
  report: string;
  phone_number_id: string;
  timezone: string;
  from: string;
  to: string;
  /** conversations, response-times, contacts: new messages are still being folded in */
  updating?: boolean;
}

export interface VolumeReport extends ReportBase {
  granularity: 'day' | 'hour';
  series: Array<{
    bucket: string;
    inbound: number;
    outbound: number;
    history: number;
    echo: number;
    live: number;
    api: number;
  }>;
  totals: {
    inbound: number;
    outbound: number;
    history: number;
    echo: number;
    live: number;
    api: number;
    messages: number;
  };
}

export interface HeatmapReport extends ReportBase {
  cells: Array<{ weekday: number; hour: number; messages: number; inbound: number; outbound: number }>;
  max: number;
}

export interface ConversationRow {
  contact: string;
  contact_name?: string | null;
  started_at: string;
  ended_at: string;
  messages: number;
  inbound: number;
  outbound: number;
  started_by: 'customer' | 'business' | (string & {});
  first_response_seconds: number | null;
}

export interface ConversationsReport extends ReportBase {
  total: number;
  started_by_customer: number;
  started_by_business: number;
  average_messages: number;
  median_duration_seconds: number | null;
  per_day: Array<{
    day: string;
    conversations: number;
    started_by_customer: number;
    started_by_business: number;
  }>;
  recent: ConversationRow[];
}

export const RESPONSE_BUCKETS = ['<1m', '1-5m', '5-15m', '15-60m', '1-4h', '4-24h', '>24h'] as const;

export interface ResponseStats {
  count: number;
  median_seconds: number | null;
  p90_seconds: number | null;
}

export interface ResponseTimesReport extends ReportBase {
  first_response: ResponseStats;
  response: ResponseStats;
  buckets: Array<{ bucket: string; first_response: number; response: number }>;
  trend: Array<{
    day: string;
    first_response_median_seconds: number | null;
    response_median_seconds: number | null;
    responses: number;
  }>;
  by_responder: Array<{ responder: 'phone_app' | 'api' | (string & {}) } & ResponseStats>;
}

export interface ContactsReport extends ReportBase {
  total: number;
  known: number;
  new: number;
  opted_out: number;
  per_day: Array<{ day: string; new_contacts: number; active_contacts: number }>;
  most_active: Array<{
    contact: string;
    name: string | null;
    messages: number;
    inbound: number;
    outbound: number;
    last_message_at: string;
  }>;
}

export interface SourcesReport extends ReportBase {
  series: Array<{ bucket: string; phone_app: number; api: number; api_share: number | null }>;
  totals: { phone_app: number; api: number; api_share: number | null };
}

export interface TemplatesReport extends ReportBase {
  templates: Array<{
    name: string;
    language: string;
    sent: number;
    delivered: number;
    read: number;
    failed: number;
    delivered_rate: number | null;
    read_rate: number | null;
    failures: Array<{ code: string | number; title: string | null; count: number }>;
  }>;
}

export interface HistoryReport extends ReportBase {
  sync: {
    state: SyncState;
    phase: number | null;
    progress: number;
    chunks_received: number;
    messages_received: number;
    started_at: string | null;
    finished_at: string | null;
  };
  phases: Array<{ phase: number; chunks: number; messages: number }>;
  by_month: Array<{ month: string; messages: number; inbound: number; outbound: number }>;
  chunks: Array<{
    phase: number;
    chunk_order: number;
    progress: number;
    messages: number;
    received_at: string;
  }>;
}

export interface Reports {
  volume: VolumeReport;
  heatmap: HeatmapReport;
  conversations: ConversationsReport;
  'response-times': ResponseTimesReport;
  contacts: ContactsReport;
  sources: SourcesReport;
  templates: TemplatesReport;
  history: HistoryReport;
}

export type ReportName = keyof Reports;
