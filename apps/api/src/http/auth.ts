import { type Account, constantTimeEqual } from '@coexist/storage';
import type { Request, RequestHandler } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ApiContext } from '../context.js';
import { AppError } from './errors.js';

declare global {
  namespace Express {
    interface Request {
      /** the account whose API key authenticated the request */
      account?: Account;
    }
  }
}

function bearer(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

const unauthorized = (message: string) =>
  new AppError('unauthorized', { status: 401, message, headers: { 'WWW-Authenticate': 'Bearer' } });

export function requireAdmin(context: ApiContext): RequestHandler {
  return (req, _res, next) => {
    const token = bearer(req);
    if (!token) return next(unauthorized('Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".'));
    if (!constantTimeEqual(token, context.config.adminToken))
      return next(unauthorized('The admin token is wrong.'));
    next();
  };
}

/** The API key names the account; every later lookup is scoped to it. */
export function requireApiKey(context: ApiContext): RequestHandler {
  return async (req, _res, next) => {
    try {
      const key = bearer(req);
      if (!key) return next(unauthorized('Send your API key as "Authorization: Bearer <api_key>".'));
      const account = await context.accounts.authenticate(key);
      if (!account) return next(unauthorized('This API key is not valid.'));
      req.account = account;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function accountOf(req: Request): Account {
  if (!req.account) throw new Error('route mounted without requireApiKey');
  return req.account;
}

/**
 * Per API key, so one client cannot starve the others: a token bucket in Redis (shared by every
 * api process) allowing `perSecond` on average with bursts of ten seconds' worth.
 */
export function rateLimitPerKey(context: ApiContext): RequestHandler {
  const perSecond = context.config.rateLimitPerSecond;
  const limiter = new RateLimiterRedis({
    storeClient: context.redis,
    keyPrefix: `${context.keys.prefix}:ratelimit`,
    points: perSecond * 10,
    duration: 10,
  });
  return async (req, res, next) => {
    const account = accountOf(req);
    try {
      const result = await limiter.consume(account.id);
      res.set('RateLimit-Remaining', String(result.remainingPoints));
      next();
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        return next(
          new AppError('rate_limited', {
            status: 429,
            message: `Too many requests for this API key: at most ${perSecond} per second on average. Retry in ${retryAfter} s.`,
            headers: { 'Retry-After': String(retryAfter) },
          }),
        );
      }
      next(error);
    }
  };
}
