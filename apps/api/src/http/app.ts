import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, Router } from 'express';
import { adminRoutes } from '../accounts/routes.js';
import { bindingRoutes } from '../bindings/routes.js';
import { BindingService } from '../bindings/service.js';
import type { ApiContext } from '../context.js';
import type { Metrics } from '../metrics.js';
import { numberRoutes } from '../numbers/routes.js';
import { webhookRoutes } from '../webhooks/routes.js';
import { rateLimitPerKey, requireApiKey } from './auth.js';
import { errorHandler, routeNotFound } from './errors.js';
import { healthRoutes } from './health.js';
import { operationRoutes } from './operations.js';

export interface AppExtensions {
  /** more routers under /v1 (authenticated), e.g. sending and analytics */
  v1?: Array<{ path: string; router: Router }>;
}

/** The HTTP app: Meta's webhook, the public API under /v1, operations, and the dashboard. */
export function createApp(context: ApiContext, metrics: Metrics, extensions: AppExtensions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(healthRoutes(context, metrics));
  app.use(operationRoutes(context));
  // before any JSON parser: the signature is over the raw bytes
  app.use('/webhooks/meta', webhookRoutes(context, metrics));

  const v1 = Router();
  v1.use(express.json({ limit: '1mb' }));
  v1.use('/admin', adminRoutes(context));
  v1.use(requireApiKey(context), rateLimitPerKey(context));
  v1.use('/bindings', bindingRoutes(context, new BindingService(context)));
  v1.use('/numbers', numberRoutes(context));
  for (const { path, router } of extensions.v1 ?? []) v1.use(path, router);
  app.use('/v1', v1);

  const uiDir = context.config.uiDir;
  if (uiDir && existsSync(join(uiDir, 'index.html'))) {
    app.use(express.static(uiDir, { index: false, maxAge: '1h' }));
    // the dashboard routes in the browser: any other GET outside the API gets its page
    app.get(/^\/(?!v1\/|webhooks\/|admin\/|healthz|metrics|openapi\.json|docs).*/, (_req, res) => {
      res.sendFile(join(uiDir, 'index.html'));
    });
  }

  app.use(routeNotFound);
  app.use(errorHandler(context.logger));
  return app;
}
