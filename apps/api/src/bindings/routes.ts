import { COEXISTENCE_FEATURES, DEFAULT_UNSUPPORTED_CALLING_CODES } from '@coexist/core';
import type { Binding } from '@coexist/storage';
import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { accountOf } from '../http/auth.js';
import { parseBody } from '../http/errors.js';
import { BINDING_REQUIREMENTS, type BindingService } from './service.js';
import { SYNC_WINDOW_MS } from './sync.js';

const graphId = (field: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{5,32}$/, `${field} must be the numeric id Meta gave`);

export const signupBody = z.object({
  code: z.string().trim().min(10, 'must be the code from the Embedded Signup login callback'),
  waba_id: graphId('waba_id'),
  phone_number_id: graphId('phone_number_id').optional(),
  share_history: z.boolean({ error: 'must be true or false: did the owner choose "Share chats"?' }),
  app_version: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+){1,3}$/, 'must look like 2.24.17 (WhatsApp Business app > Settings > Help > App info)')
    .optional(),
});

export const confirmBody = z.object({
  timezone: z.string().trim().min(1, 'must not be empty').optional(),
});

/** The launch configuration for Meta's JS SDK (or the sandbox's stand-in) and the binding's state. */
export function bindingView(context: ApiContext, binding: Binding) {
  const { meta } = context.config;
  const sdkOrigin = meta.sandbox ? meta.graphUrl : 'https://connect.facebook.net';
  return {
    id: binding.id,
    status: binding.status,
    created_at: new Date(binding.createdAt).toISOString(),
    updated_at: new Date(binding.updatedAt).toISOString(),
    failure: binding.failure,
    // Embedded Signup, as FB.login takes it
    app_id: meta.appId,
    config_id: meta.configId,
    graph_api_version: meta.apiVersion,
    sdk_url: meta.sandbox ? `${meta.graphUrl}/sdk.js` : 'https://connect.facebook.net/en_US/sdk.js',
    sandbox: meta.sandbox,
    /** origins whose postMessage session events the page may trust */
    allowed_origins: meta.sandbox
      ? [new URL(sdkOrigin).origin]
      : ['https://www.facebook.com', 'https://web.facebook.com', 'https://business.facebook.com'],
    response_type: 'code',
    override_default_response_type: true,
    extras: { setup: {}, featureType: 'whatsapp_business_app_onboarding', sessionInfoVersion: '3' },
    requirements: {
      ...BINDING_REQUIREMENTS,
      unsupported_calling_codes: context.config.unsupportedCallingCodes,
      default_unsupported_calling_codes: DEFAULT_UNSUPPORTED_CALLING_CODES,
      features: COEXISTENCE_FEATURES,
    },
    // what signup found, for the owner to confirm (seed step 9)
    business: {
      waba_id: binding.wabaId,
      name: binding.businessName,
      phone_number_id: binding.phoneNumberId,
      display_phone_number: binding.displayPhoneNumber ? `+${binding.displayPhoneNumber}` : null,
      verified_name: binding.verifiedName,
      timezone: binding.businessTimezone,
      timezone_required: binding.status === 'signed_up' && !binding.businessTimezone,
    },
    share_history: binding.shareHistory,
    app_version: binding.appVersion,
    timezone: binding.timezone,
    onboarded_at: binding.onboardedAt ? new Date(binding.onboardedAt).toISOString() : null,
    sync_deadline: binding.onboardedAt ? new Date(binding.onboardedAt + SYNC_WINDOW_MS).toISOString() : null,
  };
}

export function bindingRoutes(context: ApiContext, service: BindingService): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const binding = await service.create(accountOf(req).id);
    res.status(201).json(bindingView(context, binding));
  });

  router.get('/', async (req, res) => {
    const bindings = await context.bindings.list(accountOf(req).id);
    res.json({ data: bindings.map((b) => bindingView(context, b)) });
  });

  router.get('/:id', async (req, res) => {
    res.json(bindingView(context, await service.get(accountOf(req).id, req.params.id as string)));
  });

  router.post('/:id/signup', async (req, res) => {
    const body = parseBody(signupBody, req.body);
    const binding = await service.signup(accountOf(req).id, req.params.id as string, {
      code: body.code,
      wabaId: body.waba_id,
      phoneNumberId: body.phone_number_id,
      shareHistory: body.share_history,
      appVersion: body.app_version,
    });
    res.json(bindingView(context, binding));
  });

  router.post('/:id/confirm', async (req, res) => {
    const body = parseBody(confirmBody, req.body);
    res.json(bindingView(context, await service.confirm(accountOf(req).id, req.params.id as string, body)));
  });

  router.post('/:id/finish', async (req, res) => {
    res.json(bindingView(context, await service.finish(accountOf(req).id, req.params.id as string)));
  });

  return router;
}
