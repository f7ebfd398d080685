import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { constantTimeEqual } from '@coexist/storage';
import { type RequestHandler, Router } from 'express';
import type { ApiContext } from '../context.js';
import { DOCS_PAGE, openApiDocument } from './openapi.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The queue dashboard is a page in a browser, which cannot send a bearer token: it asks with
 * HTTP Basic instead, any user name, ADMIN_TOKEN as the password.
 */
function basicAdmin(context: ApiContext): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    let password = '';
    if (scheme?.toLowerCase() === 'basic' && encoded) {
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      password = decoded.slice(decoded.indexOf(':') + 1);
    } else if (scheme?.toLowerCase() === 'bearer' && encoded) {
      password = encoded;
    }
    if (password && constantTimeEqual(password, context.config.adminToken)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="Coexist operators", charset="UTF-8"')
      .json({
        error: {
          code: 'unauthorized',
          message: 'Sign in with any user name and ADMIN_TOKEN as the password.',
        },
      });
  };
}

/** The OpenAPI document, its page, and the operators' queue dashboard (bull-board). */
export function operationRoutes(context: ApiContext): Router {
  const router = Router();
  router.get('/openapi.json', (req, res) => {
    res.json(openApiDocument(context.config.publicUrl ?? `${req.protocol}://${req.get('host')}`));
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });

  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(context.queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Coexist queues' } },
  });
  router.use(QUEUE_DASHBOARD_PATH, basicAdmin(context), board.getRouter());
  return router;
}
