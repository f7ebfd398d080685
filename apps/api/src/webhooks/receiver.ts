import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '@coexist/meta-client';
import type { WebhookJob } from '@coexist/storage';
import type { ApiContext } from '../context.js';
import { isStoreUnavailable } from '../http/errors.js';
import type { Metrics } from '../metrics.js';

export const WEBHOOK_PATH = '/webhooks/meta';

/**
 * `POST /webhooks/meta`, on plain node:http rather than through Express: it is the hottest path
 * and Meta wants answers fast (median ≤ 250 ms). The body is verified over its raw bytes, checked
 * to be JSON, and durably queued (BullMQ, the body's hash as job id, so a repeated delivery is
 * queued once) before the 200 goes back. Parsing, dedupe by wamid and storage happen in ingest,
 * whatever the body holds — history chunks reach 3 MB.
 */
export function webhookReceiver(context: ApiContext, metrics: Metrics) {
  const { appSecret } = context.config.meta;
  const limit = context.config.webhookMaxBytes;

  function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }
  const refuse = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers?: Record<string, string>,
  ) => answer(res, status, { error: { code, message } }, headers);

  async function accept(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (!verifyWebhookSignature(body, req.headers[SIGNATURE_HEADER] as string | undefined, appSecret)) {
      metrics.webhooksRejected.inc({ reason: 'bad_signature' });
      return refuse(
        res,
        401,
        'invalid_signature',
        `${SIGNATURE_HEADER} is missing or does not match the body signed with the app secret.`,
      );
    }
    const text = body.toString('utf8');
    try {
      JSON.parse(text);
    } catch {
      metrics.webhooksRejected.inc({ reason: 'invalid_json' });
      context.logger.warn({ bytes: body.length }, 'signed webhook is not JSON');
      return refuse(res, 400, 'invalid_json', 'The webhook body is not valid JSON.');
    }
    const sha256 = createHash('sha256').update(body).digest('hex');
    const job: WebhookJob = { type: 'webhook', receivedAt: Date.now(), sha256, body: text };
    try {
      await context.queues.ingest.add('webhook', job, { jobId: `wh-${sha256}` });
    } catch (error) {
      // not acknowledged: Meta delivers it again
      if (isStoreUnavailable(error)) {
        context.logger.warn({ err: error }, 'webhook not queued: Redis is unavailable');
        return refuse(
          res,
          503,
          'service_unavailable',
          'A store we depend on is unreachable; retry shortly.',
          { 'retry-after': '5' },
        );
      }
      context.logger.error({ err: error }, 'webhook not queued');
      return refuse(res, 500, 'internal_error', 'Something went wrong on our side.');
    }
    metrics.webhooksReceived.inc();
    answer(res, 200, { status: 'received' });
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      metrics.webhooksRejected.inc({ reason: 'too_large' });
      refuse(res, 413, 'payload_too_large', `The request body is larger than ${limit} bytes.`, {
        connection: 'close',
      });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('error', () => {
      if (!res.headersSent) refuse(res, 400, 'request_aborted', 'The request was aborted.');
    });
    req.on('end', () => {
      if (size > limit) {
        metrics.webhooksRejected.inc({ reason: 'too_large' });
        return refuse(res, 413, 'payload_too_large', `The request body is larger than ${limit} bytes.`);
      }
      accept(req, res, Buffer.concat(chunks, size)).catch((error) => {
        context.logger.error({ err: error }, 'webhook receiver failed');
        if (!res.headersSent) refuse(res, 500, 'internal_error', 'Something went wrong on our side.');
      });
    });
  };
}

/** Whether a request is a webhook delivery, for the server's first dispatch. */
export function isWebhookPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || !req.url) return false;
  return req.url === WEBHOOK_PATH || req.url.startsWith(`${WEBHOOK_PATH}?`) || req.url === `${WEBHOOK_PATH}/`;
}
