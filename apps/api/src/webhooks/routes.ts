import { answerVerificationChallenge } from '@coexist/meta-client';
import { Router } from 'express';
import type { ApiContext } from '../context.js';
import type { Metrics } from '../metrics.js';

/** Meta's verification handshake; the POSTs go to the receiver (receiver.ts). */
export function webhookRoutes(context: ApiContext, metrics: Metrics): Router {
  const router = Router();
  const { verifyToken } = context.config.meta;

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

  return router;
}
