import { COEXISTENCE_FEATURES } from '@coexist/core';
import { type Request, Router } from 'express';
import type { ApiContext } from '../context.js';
import { accountOf } from '../http/auth.js';
import { AppError, notFound } from '../http/errors.js';
import { numberView } from './view.js';

export async function ownNumber(context: ApiContext, req: Request) {
  const id = req.params.phone_number_id as string;
  const number = await context.numbers.getForAccount(accountOf(req).id, id);
  if (!number) throw notFound('number', id);
  return number;
}

const DEREGISTER_REFUSED = new AppError('unsupported_on_coexistence', {
  status: 409,
  message:
    'This number is used with both the Cloud API and the WhatsApp Business app, and Meta does not allow such numbers to be deregistered through the API. To unlink it, the owner opens the WhatsApp Business app: Settings > Account > Business Platform > Disconnect Account. Coexist then receives PARTNER_REMOVED, stops sending and keeps the history.',
  details: { feature: 'deregister' },
});

export function numberRoutes(context: ApiContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const numbers = await context.numbers.listForAccount(accountOf(req).id);
    res.json({ data: await Promise.all(numbers.map((n) => numberView(context, n))) });
  });

  router.get('/:phone_number_id', async (req, res) => {
    res.json(await numberView(context, await ownNumber(context, req)));
  });

  router.get('/:phone_number_id/compatibility', async (req, res) => {
    const number = await ownNumber(context, req);
    res.json({
      phone_number_id: number.phoneNumberId,
      features: COEXISTENCE_FEATURES.map((f) => ({
        id: f.id,
        feature: f.feature,
        app_change: f.appChange,
        api_support: f.apiSupport,
        note: f.note,
      })),
    });
  });

  router.post('/:phone_number_id/deregister', async (req) => {
    await ownNumber(context, req);
    throw DEREGISTER_REFUSED;
  });
  router.delete('/:phone_number_id', async (req) => {
    await ownNumber(context, req);
    throw DEREGISTER_REFUSED;
  });

  return router;
}
