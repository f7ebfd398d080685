import express, { type Express } from 'express';

/** The HTTP app. Routes are added as the api grows; main.ts only listens. */
export function createApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return app;
}
