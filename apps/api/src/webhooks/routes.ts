import { createHash } from 'node:crypto';
import { answerVerificationChallenge, SIGNATURE_HEADER, verifyWebhookSignature } from '@coexist/meta-client';
import type { WebhookJob } from '@coexist/storage';
import express, { Router } from 'express';
import type { ApiContext } from '../context.js';
import { AppError } from '../http/errors.js';
import type { Metrics } from '../metrics.js';

/**
 * Meta's webhook endpoint. A POST is verified over the raw bytes, then durably queued before the
 * 200 goes back; parsing, dedupe by wamid and storage happen in the ingest worker, so Meta gets
 * its answer in milliseconds whatever the body holds (history chunks reach 3 MB).
 */
export function webhookRoutes(context: ApiContext, metrics: Metrics): Router {
  const router = Router();
  const { appSecret, verifyToken } = context.config.meta;

  router.get('/', (req, res) => {
    const challenge = answerVerificationChallenge(req.query as Record<string, unknown>, verifyToken);
    if (challenge === null) {
      metrics.webhooksRejected.inc({ reason: 'verification_failed' });
      res
        .status(403)
        .json({ error: { code: 'verification_failed', message: 'hub.mode or hub.verify_token is wrong.' } });
      return;
    }
    res.type('text/plain').send(challenge);
  });

  router.post(
    '/',
    express.raw({ type: () => true, limit: context.config.webhookMaxBytes }),
    async (req, res) => {
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verifyWebhookSignature(body, req.get(SIGNATURE_HEADER), appSecret)) {
        metrics.webhooksRejected.inc({ reason: 'bad_signature' });
        throw new AppError('invalid_signature', {
          status: 401,
          message: `${SIGNATURE_HEADER} is missing or does not match the body signed with the app secret.`,
        });
      }
      const text = body.toString('utf8');
      try {
        JSON.parse(text);
      } catch {
        metrics.webhooksRejected.inc({ reason: 'invalid_json' });
        context.logger.warn({ bytes: body.length }, 'signed webhook is not JSON');
        throw new AppError('invalid_json', { status: 400, message: 'The webhook body is not valid JSON.' });
      }
      const sha256 = createHash('sha256').update(body).digest('hex');
      const job: WebhookJob = { type: 'webhook', receivedAt: Date.now(), sha256, body: text };
      // the body's hash is the job id: the same delivery twice is queued once
      await context.queues.ingest.add('webhook', job, { jobId: `wh-${sha256}` });
      metrics.webhooksReceived.inc();
      res.status(200).json({ status: 'received' });
    },
  );

  return router;
}
