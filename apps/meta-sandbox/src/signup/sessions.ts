import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { z } from 'zod';
import { MIN_APP_VERSION, type Sandbox, SandboxInputError } from '../sandbox.js';
import { describeNumber } from '../state/phone-numbers.js';
import { metaTimezoneId } from '../state/timezones.js';

/**
 * The server side of the Embedded Signup popup: one session per `FB.login`, moving through
 * the coexistence flow in Meta's order. The popup's page drives it step by step; each step
 * refuses to run out of order, so the flow cannot be skipped through.
 */
export const SIGNUP_STEPS = [
  'LOGIN',
  'BUSINESS_ACCOUNT_SELECTION',
  'WHATSAPP_BUSINESS_APP_CONNECTION',
  'PHONE_NUMBER_SETUP',
  'PHONE_NUMBER_VERIFICATION',
  'CHAT_HISTORY_SHARING',
  'REVIEW',
  'DONE',
] as const;
export type SignupStep = (typeof SIGNUP_STEPS)[number];

export const COEXISTENCE_FEATURE_TYPE = 'whatsapp_business_app_onboarding';

interface Session {
  id: string;
  createdAt: number;
  step: SignupStep;
  origin: string;
  businessId: string | null;
  newPortfolioName: string | null;
  phone: { input: string; digits: string; display: string; country: string | null } | null;
  appVersion: string;
  timezone: string | null;
  country: string | null;
  qrNonce: string;
  shareHistory: boolean | null;
  result: { waba_id: string; phone_number_id: string; business_id: string } | null;
  cancelledAt: SignupStep | null;
}

export class SignupError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const SESSION_TTL_MS = 60 * 60_000;

const startSchema = z.object({
  app_id: z.string().min(1, 'is required'),
  config_id: z.string().optional(),
  extras: z.record(z.string(), z.unknown()).optional(),
  origin: z.string().optional(),
});

const phoneSettingsSchema = z.object({
  app_version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'must look like 2.24.17')
    .optional(),
  timezone: z.string().nullable().optional(),
  country: z
    .string()
    .regex(/^([A-Z]{2})?$/)
    .optional(),
});

export class SignupSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly sandbox: Sandbox) {}

  clear(): void {
    this.sessions.clear();
  }

  start(body: unknown): { session_id: string; step: SignupStep; app_name: string; user_name: string } {
    const input = parse(startSchema, body);
    const { appId, configId, appName } = this.sandbox.options;
    if (input.app_id !== appId) {
      throw new SignupError(
        400,
        'invalid_app_id',
        `App ID ${input.app_id} is not this app (${appId}): check FB.init({ appId }).`,
        'app_id',
      );
    }
    if (input.config_id !== configId) {
      throw new SignupError(
        400,
        'invalid_config_id',
        `Configuration ${input.config_id ?? '(none)'} does not exist for this app: FB.login needs config_id ${configId}.`,
        'config_id',
      );
    }
    const featureType = input.extras?.featureType ?? input.extras?.feature_type;
    if (featureType !== COEXISTENCE_FEATURE_TYPE) {
      throw new SignupError(
        400,
        'not_coexistence',
        `This sandbox plays the WhatsApp Business app onboarding flow only: FB.login needs extras.featureType = "${COEXISTENCE_FEATURE_TYPE}".`,
        'extras.featureType',
      );
    }
    this.prune();
    const session: Session = {
      id: randomBytes(12).toString('hex'),
      createdAt: Date.now(),
      step: 'LOGIN',
      origin: input.origin ?? '',
      businessId: null,
      newPortfolioName: null,
      phone: null,
      appVersion: '2.25.12',
      timezone: null,
      country: null,
      qrNonce: randomBytes(9).toString('base64url'),
      shareHistory: null,
      result: null,
      cancelledAt: null,
    };
    this.sessions.set(session.id, session);
    return { session_id: session.id, step: session.step, app_name: appName, user_name: 'Sandbox User' };
  }

  view(id: string): Record<string, unknown> {
    const session = this.get(id);
    return { step: session.step, result: session.result, cancelled_at: session.cancelledAt };
  }

  login(id: string) {
    const session = this.at(id, 'LOGIN');
    session.step = 'BUSINESS_ACCOUNT_SELECTION';
    return {
      step: session.step,
      portfolios: [...this.sandbox.portfolios.values()].map((p) => ({ id: p.id, name: p.name })),
    };
  }

  choosePortfolio(id: string, body: unknown) {
    const session = this.at(id, 'BUSINESS_ACCOUNT_SELECTION');
    const input = parse(
      z.object({ business_id: z.string().optional(), new_name: z.string().optional() }),
      body,
    );
    if (input.business_id) {
      if (!this.sandbox.portfolios.has(input.business_id)) {
        throw new SignupError(404, 'not_found', 'That business portfolio does not exist.', 'business_id');
      }
      session.businessId = input.business_id;
    } else {
      const name = input.new_name?.trim() ?? '';
      if (name.length < 2 || name.length > 100) {
        throw new SignupError(
          400,
          'invalid_request',
          'Enter a name for the new business portfolio (2 to 100 characters).',
          'new_name',
        );
      }
      session.newPortfolioName = name;
    }
    session.step = 'WHATSAPP_BUSINESS_APP_CONNECTION';
    return { step: session.step };
  }

  connectExisting(id: string) {
    const session = this.at(id, 'WHATSAPP_BUSINESS_APP_CONNECTION');
    session.step = 'PHONE_NUMBER_SETUP';
    return { step: session.step };
  }

  async enterNumber(id: string, body: unknown, baseUrl: string) {
    const session = this.at(id, 'PHONE_NUMBER_SETUP');
    const input = parse(phoneSettingsSchema.extend({ phone_number: z.string() }), body);
    const raw = input.phone_number.trim();
    if (!raw.startsWith('+')) {
      throw new SignupError(
        400,
        'invalid_phone_number',
        'Enter the number in international format, starting with + and the country code.',
        'phone_number',
      );
    }
    const described = describeNumber(raw);
    if (!described) {
      throw new SignupError(
        400,
        'invalid_phone_number',
        `${raw} is not a valid phone number.`,
        'phone_number',
      );
    }
    if (this.sandbox.linkedDigits.has(described.digits)) {
      throw new SignupError(
        409,
        'number_already_connected',
        `${described.display} is already connected to a business platform.`,
        'phone_number',
      );
    }
    this.applyPhoneSettings(session, input);
    session.phone = {
      input: raw,
      digits: described.digits,
      display: described.display,
      country: described.country,
    };
    session.step = 'PHONE_NUMBER_VERIFICATION';
    const qrUrl = `${baseUrl}/dialog/scan/${session.id}/${session.qrNonce}`;
    const qrSvg = await QRCode.toString(qrUrl, {
      type: 'svg',
      margin: 1,
      errorCorrectionLevel: 'M',
      width: 220,
    });
    return { step: session.step, display_phone_number: described.display, qr_url: qrUrl, qr_svg: qrSvg };
  }

  /** The phone scanned the QR code (its "Scan" button, or the QR's own link). */
  scan(id: string, nonce: string | null, body: unknown) {
    const session = this.at(id, 'PHONE_NUMBER_VERIFICATION');
    if (nonce !== null && nonce !== session.qrNonce) {
      throw new SignupError(400, 'invalid_qr', 'This QR code belongs to another signup.', 'nonce');
    }
    this.applyPhoneSettings(session, parse(phoneSettingsSchema, body ?? {}));
    if (compareVersions(session.appVersion, MIN_APP_VERSION) < 0) {
      throw new SignupError(
        409,
        'app_version_too_old',
        `WhatsApp Business ${session.appVersion} cannot connect to a business platform: update the app to ${MIN_APP_VERSION} or later.`,
        'app_version',
      );
    }
    session.step = 'CHAT_HISTORY_SHARING';
    return { step: session.step };
  }

  /** "Share chats" or "Don't share chats" on the phone: the business exists from here on. */
  share(id: string, body: unknown) {
    const session = this.at(id, 'CHAT_HISTORY_SHARING');
    const input = parse(z.object({ share_history: z.boolean() }), body);
    session.shareHistory = input.share_history;
    let created: ReturnType<Sandbox['onboard']>;
    try {
      created = this.sandbox.onboard({
        displayPhoneNumber: session.phone!.input,
        appVersion: session.appVersion,
        timezone: session.timezone,
        shareHistory: input.share_history,
        country: session.country ?? undefined,
        businessId: session.businessId ?? undefined,
        portfolioName: session.newPortfolioName ?? undefined,
      });
    } catch (error) {
      if (error instanceof SandboxInputError)
        throw new SignupError(error.status, error.code, error.message, error.field);
      throw error;
    }
    session.result = {
      waba_id: created.waba_id,
      phone_number_id: created.phone_number_id,
      business_id: created.business_id,
    };
    session.step = 'REVIEW';
    const waba = this.sandbox.wabas.get(created.waba_id)!;
    return {
      step: session.step,
      business: {
        name: waba.name,
        portfolio: this.sandbox.portfolios.get(created.business_id)?.name ?? '',
        display_phone_number: created.display_phone_number,
        timezone: waba.timezone,
        share_history: input.share_history,
      },
      // Closing the popup on the last screen counts as finishing (Meta): the page keeps this
      // code for that case and asks for a fresh one when Finish is clicked.
      fallback: this.finishPayload(session, false),
    };
  }

  finish(id: string, body: unknown) {
    const session = this.at(id, 'REVIEW');
    const input = parse(z.object({ include_ids: z.boolean().optional() }), body ?? {});
    session.step = 'DONE';
    return {
      step: session.step,
      ...this.finishPayload(session, input.include_ids ?? this.sandbox.settings.signupEventIds),
    };
  }

  cancel(id: string, body: unknown) {
    const session = this.get(id);
    const input = parse(z.object({ current_step: z.string().optional() }), body ?? {});
    if (session.step !== 'DONE')
      session.cancelledAt = (SIGNUP_STEPS as readonly string[]).includes(input.current_step ?? '')
        ? (input.current_step as SignupStep)
        : session.step;
    return { ok: true };
  }

  private finishPayload(session: Session, includeIds: boolean) {
    const result = session.result!;
    const code = this.sandbox.issueCode(result.business_id, [result.waba_id]);
    return {
      code,
      event: {
        data: includeIds
          ? {
              phone_number_id: result.phone_number_id,
              waba_id: result.waba_id,
              business_id: result.business_id,
            }
          : { waba_id: result.waba_id },
        type: 'WA_EMBEDDED_SIGNUP',
        event: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING',
        version: 3,
      },
    };
  }

  private applyPhoneSettings(session: Session, input: z.output<typeof phoneSettingsSchema>): void {
    if (input.app_version !== undefined) session.appVersion = input.app_version;
    if (input.timezone !== undefined) {
      if (input.timezone !== null && input.timezone !== '' && metaTimezoneId(input.timezone) === null) {
        throw new SignupError(
          400,
          'invalid_timezone',
          `${input.timezone} is not a time zone the sandbox offers.`,
          'timezone',
        );
      }
      session.timezone = input.timezone || null;
    }
    if (input.country !== undefined) session.country = input.country || null;
  }

  private get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session || Date.now() - session.createdAt > SESSION_TTL_MS) {
      throw new SignupError(
        404,
        'session_not_found',
        'This signup session has expired. Close the window and start again.',
      );
    }
    return session;
  }

  private at(id: string, step: SignupStep): Session {
    const session = this.get(id);
    if (session.step !== step) {
      throw new SignupError(409, 'wrong_step', `The signup is at ${session.step}, not ${step}.`);
    }
    return session;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions)
      if (now - session.createdAt > SESSION_TTL_MS) this.sessions.delete(id);
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new SignupError(400, 'invalid_request', `${field}: ${issue.message}`, field);
}

/** `2.24.17` vs `2.24.9`, part by part. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
