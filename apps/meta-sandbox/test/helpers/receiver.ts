import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@coexist/meta-client';

export interface ReceivedWebhook {
  raw: string;
  body: {
    object: string;
    entry: Array<{
      id: string;
      time?: number;
      changes: Array<{ field: string; value: Record<string, unknown> }>;
    }>;
  };
  signature: string | undefined;
  signatureValid: boolean;
  contentType: string | undefined;
  at: number;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** GET handshakes seen */
  handshakes: Array<Record<string, string>>;
  /** answer the next `n` POSTs with this status instead of 200 */
  failNext(n: number, status?: number): void;
  /** webhooks of a field, optionally filtered */
  of(field: string): ReceivedWebhook[];
  changes(
    field?: string,
  ): Array<{ field: string; value: Record<string, unknown>; entryId: string; webhook: ReceivedWebhook }>;
  waitFor(
    predicate: (received: ReceivedWebhook[]) => boolean,
    timeoutMs?: number,
    what?: string,
  ): Promise<void>;
  clear(): void;
  close(): Promise<void>;
}

/**
 * A small webhook endpoint like the platform's: answers Meta's GET handshake when the verify
 * token matches, checks every POST's signature against the app secret, keeps what it got.
 */
export async function startReceiver(options: { appSecret: string; verifyToken: string }): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const handshakes: Array<Record<string, string>> = [];
  let failures: { left: number; status: number } = { left: 0, status: 500 };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET') {
      const query = Object.fromEntries(url.searchParams);
      handshakes.push(query);
      if (query['hub.mode'] === 'subscribe' && query['hub.verify_token'] === options.verifyToken) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(query['hub.challenge']);
      } else {
        res.writeHead(403).end();
      }
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (failures.left > 0) {
        failures.left -= 1;
        res.writeHead(failures.status).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-hub-signature-256'] as string | undefined;
      received.push({
        raw,
        body: JSON.parse(raw),
        signature,
        signatureValid: verifyWebhookSignature(raw, signature, options.appSecret),
        contentType: req.headers['content-type'],
        at: Date.now(),
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const changes = (field?: string) =>
    received.flatMap((webhook) =>
      webhook.body.entry.flatMap((entry) =>
        entry.changes
          .filter((change) => field === undefined || change.field === field)
          .map((change) => ({ field: change.field, value: change.value, entryId: entry.id, webhook })),
      ),
    );
  return {
    url: `http://127.0.0.1:${port}/webhooks/meta`,
    received,
    handshakes,
    failNext(n, status = 500) {
      failures = { left: n, status };
    },
    of: (field) =>
      received.filter((webhook) =>
        webhook.body.entry.some((entry) => entry.changes.some((c) => c.field === field)),
      ),
    changes,
    async waitFor(predicate, timeoutMs = 10_000, what = 'webhooks') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what} (got ${received.length} webhooks)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    clear() {
      received.length = 0;
      handshakes.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
