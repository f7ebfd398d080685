import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The sender's Prometheus metrics, on one registry per sender (tests and benchmarks make several). */
export function createSenderMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'coexist_sender_' });
  return {
    registry,
    sends: new Counter({
      name: 'coexist_sender_sends_total',
      help: 'Messages that left the sender, by number and result (accepted, failed, unknown)',
      labelNames: ['phone_number_id', 'result'] as const,
      registers: [registry],
    }),
    metaErrors: new Counter({
      name: 'coexist_sender_meta_errors_total',
      help: "Meta's error answers to sends, by code (network for no answer)",
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    refusedAtSend: new Counter({
      name: 'coexist_sender_rules_refused_total',
      help: 'Messages stopped by a rule re-checked at send time, by rule',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    limiterWaits: new Counter({
      name: 'coexist_sender_limiter_waits_total',
      help: 'Sends that had to wait, by what they waited for (window, pause, pair, retry, reconcile)',
      labelNames: ['scope'] as const,
      registers: [registry],
    }),
    limiterWaitSeconds: new Histogram({
      name: 'coexist_sender_limiter_wait_seconds',
      help: 'How long a send was told to wait',
      labelNames: ['scope'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
      registers: [registry],
    }),
    sendSeconds: new Histogram({
      name: 'coexist_sender_graph_send_seconds',
      help: 'Time Meta took to answer a send',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    handedOff: new Counter({
      name: 'coexist_sender_handed_off_total',
      help: 'Messages the dispatcher handed to the send queue',
      registers: [registry],
    }),
  };
}

export type SenderMetrics = ReturnType<typeof createSenderMetrics>;

/** `GET /metrics` on its own port (the sender serves no other HTTP). */
export async function serveMetrics(
  metrics: SenderMetrics,
  port: number,
  host = '127.0.0.1',
): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      res.setHeader('content-type', metrics.registry.contentType);
      res.end(await metrics.registry.metrics());
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ready());
  });
  return server;
}

export function serverPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
