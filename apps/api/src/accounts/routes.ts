import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { requireAdmin } from '../http/auth.js';
import { parseBody } from '../http/errors.js';

export const createAccountBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').default('Account'),
});

/** Operator endpoints, behind ADMIN_TOKEN. */
export function adminRoutes(context: ApiContext): Router {
  const router = Router();
  router.use(requireAdmin(context));

  /** The API key is shown once, here; only its hash is kept. */
  router.post('/accounts', async (req, res) => {
    const { name } = parseBody(createAccountBody, req.body);
    const { account, apiKey } = await context.accounts.create(name);
    context.logger.info({ accountId: account.id }, 'account created');
    res.status(201).json({ account_id: account.id, name: account.name, api_key: apiKey });
  });
  return router;
}
