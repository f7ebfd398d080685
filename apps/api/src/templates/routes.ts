import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { accountOf } from '../http/auth.js';
import { AppError, notFound, parseBody } from '../http/errors.js';
import { syncTemplates } from './sync.js';

export const templateSyncBody = z.object({
  waba_id: z.string().regex(/^\d+$/, 'must be a WABA id').optional(),
});

async function accountWabas(context: ApiContext, accountId: string): Promise<string[]> {
  const numbers = await context.numbers.listForAccount(accountId);
  return [...new Set(numbers.map((n) => n.wabaId))];
}

export function templateRoutes(context: ApiContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const wabas = await accountWabas(context, accountOf(req).id);
    const wanted = typeof req.query.waba_id === 'string' ? req.query.waba_id : null;
    if (wanted && !wabas.includes(wanted)) throw notFound('WhatsApp Business account', wanted);
    const data = [];
    for (const wabaId of wanted ? [wanted] : wabas) {
      const syncedAt = await context.templates.syncedAt(wabaId);
      for (const t of await context.templates.list(wabaId)) {
        data.push({
          waba_id: wabaId,
          id: t.id,
          name: t.name,
          language: t.language,
          status: t.status,
          category: t.category,
          parameter_format: t.parameter_format ?? null,
          components: t.components,
          synced_at: syncedAt ? new Date(syncedAt).toISOString() : null,
        });
      }
    }
    res.json({ data });
  });

  router.post('/sync', async (req, res) => {
    const body = parseBody(templateSyncBody, req.body);
    const wabas = await accountWabas(context, accountOf(req).id);
    if (body.waba_id && !wabas.includes(body.waba_id))
      throw notFound('WhatsApp Business account', body.waba_id);
    const results = [];
    for (const wabaId of body.waba_id ? [body.waba_id] : wabas) {
      try {
        results.push({ waba_id: wabaId, ...(await syncTemplates(context, wabaId)) });
      } catch (error) {
        throw new AppError('meta_unavailable', {
          status: 502,
          message: `Listing the templates of ${wabaId} from Meta failed: ${(error as Error).message}`,
        });
      }
    }
    res.json({ data: results });
  });

  return router;
}
