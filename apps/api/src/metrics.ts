import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The api's Prometheus metrics, on one registry per process (tests make their own). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'coexist_api_' });
  return {
    registry,
    webhooksReceived: new Counter({
      name: 'coexist_webhooks_received_total',
      help: 'Signed webhooks accepted and queued',
      registers: [registry],
    }),
    webhooksRejected: new Counter({
      name: 'coexist_webhooks_rejected_total',
      help: 'Webhooks refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    ingestRows: new Counter({
      name: 'coexist_ingest_rows_total',
      help: 'Rows written to ClickHouse, by table',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
    ingestDuplicates: new Counter({
      name: 'coexist_ingest_duplicates_total',
      help: 'Records dropped because they were already stored, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    ingestBatchSeconds: new Histogram({
      name: 'coexist_ingest_batch_seconds',
      help: 'Time to write one batch to ClickHouse',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    ingestInvalid: new Counter({
      name: 'coexist_ingest_invalid_parts_total',
      help: 'Parts of webhooks that did not match Meta shapes, or were for unknown numbers',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'coexist_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    inboundBudget: new Counter({
      name: 'coexist_inbound_budget_units_total',
      help: "Live inbound messages counted against their number's 20 msg/s (Meta counts inbound too)",
      registers: [registry],
    }),
    sendsAccepted: new Counter({
      name: 'coexist_messages_accepted_total',
      help: 'Messages accepted by the send endpoint',
      registers: [registry],
    }),
    sendsRefused: new Counter({
      name: 'coexist_messages_refused_total',
      help: 'Messages refused by the send endpoint, by rule',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
