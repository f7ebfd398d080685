import { createHash, randomUUID } from 'node:crypto';
import {
  type BindingEvent,
  type BindingFailureReason,
  type BindingStatus,
  COEXISTENCE_MESSAGES_PER_SECOND,
  checkActivation,
  checkEligibility,
  MINIMUM_APP_VERSION,
  phoneDigits,
  resolveBindingTimezone,
  transitionBinding,
} from '@coexist/core';
import {
  ianaFromMetaTimezoneId,
  isMetaError,
  MetaNetworkError,
  type PhoneNumberInfo,
} from '@coexist/meta-client';
import type { Binding, NumberRecord } from '@coexist/storage';
import type { ApiContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { syncTemplates } from '../templates/sync.js';
import { requestSync, SYNC_WINDOW_MS } from './sync.js';

export interface SignupInput {
  code: string;
  wabaId: string;
  phoneNumberId?: string | undefined;
  shareHistory: boolean;
  appVersion?: string | undefined;
}

type Step = 'signup' | 'confirm' | 'finish';

function fingerprint(step: Step, input: unknown): string {
  return createHash('sha256')
    .update(`${step}:${JSON.stringify(input)}`)
    .digest('hex');
}

/** Meta's answer to a step, as a failure a person can act on. */
class StepFailure extends Error {
  constructor(
    readonly reason: BindingFailureReason,
    message: string,
    readonly status: number,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The binding flow of the seed (steps 1–11) on our side, driven by core's state machine. Each
 * step runs under a per-binding lock, is idempotent (the same request again gets the same
 * answer), and records an audit event.
 */
export class BindingService {
  constructor(private readonly context: ApiContext) {}

  async create(accountId: string): Promise<Binding> {
    const binding = await this.context.bindings.create(accountId);
    await this.audit(binding, 'created', 'started', 'started', null, {});
    return binding;
  }

  async get(accountId: string, bindingId: string): Promise<Binding> {
    const binding = await this.context.bindings.get(accountId, bindingId);
    if (!binding)
      throw new AppError('not_found', { status: 404, message: `No binding "${bindingId}" in this account.` });
    return binding;
  }

  /**
   * Embedded Signup finished: exchange the code at once (it lives 30 s), find and read the
   * number, check it can coexist, subscribe our app to the WABA. Never `/register`: the number
   * stays registered on the phone.
   */
  async signup(accountId: string, bindingId: string, input: SignupInput): Promise<Binding> {
    return this.step(accountId, bindingId, 'signup', input, async (binding) => {
      const { meta, config, cipher } = this.context;
      let token: string;
      if (binding.sealedToken && binding.wabaId === input.wabaId) {
        // a retry after a later step failed: the code is spent, the token is not
        token = cipher.decrypt(binding.sealedToken, input.wabaId);
      } else {
        try {
          const exchanged = await meta.exchangeCode({
            appId: config.meta.appId,
            appSecret: config.meta.appSecret,
            code: input.code,
          });
          token = exchanged.accessToken;
        } catch (error) {
          if (isMetaError(error))
            throw new StepFailure(
              'code_exchange_failed',
              `Meta did not accept the signup code (${error.details ?? error.message}). Codes expire 30 seconds after the popup closes and work once: run Embedded Signup again.`,
              422,
              { meta_code: error.code },
            );
          throw error;
        }
        binding.wabaId = input.wabaId;
        binding.sealedToken = cipher.encrypt(token, input.wabaId);
        await this.context.bindings.save(binding);
      }

      const phone = await this.findNumber(token, input);
      const digits = phoneDigits(phone.displayPhoneNumber ?? '');
      if (phone.isOnBizApp === false) {
        throw new StepFailure(
          'not_on_business_app',
          'This number is not used in the WhatsApp Business app, so it cannot coexist. Connect it as a Cloud API number instead.',
          422,
          { phone_number_id: phone.id },
        );
      }
      const eligible = checkEligibility(
        { displayPhoneNumber: `+${digits}`, appVersion: input.appVersion ?? null },
        { unsupportedCallingCodes: config.unsupportedCallingCodes },
      );
      if (!eligible.ok) {
        throw new StepFailure(
          eligible.refusal.code as BindingFailureReason,
          eligible.refusal.message,
          422,
          eligible.refusal.details ?? {},
        );
      }

      try {
        await meta.subscribeApp(token, input.wabaId);
      } catch (error) {
        if (isMetaError(error) && !error.retry.retryable)
          throw new StepFailure(
            'subscription_failed',
            `Meta refused to subscribe Coexist to this business account's webhooks: ${error.details ?? error.message}.`,
            422,
            { meta_code: error.code },
          );
        throw error;
      }
      const account = await meta.getBusinessAccount(token, input.wabaId).catch(() => null);

      const now = Date.now();
      binding.phoneNumberId = phone.id;
      binding.displayPhoneNumber = digits;
      binding.verifiedName = phone.verifiedName;
      binding.businessName = account?.name ?? null;
      binding.businessTimezone = ianaFromMetaTimezoneId(account?.timezoneId);
      binding.shareHistory = input.shareHistory;
      binding.appVersion = input.appVersion ?? null;
      binding.onboardedAt = now;
      // From here webhooks for the number reach this account (syncs answer within seconds).
      await this.saveNumber(binding, 'signed_up', now);
      return {
        event: { type: 'signup' },
        detail: { phone_number_id: phone.id, display_phone_number: digits },
      };
    });
  }

  /**
   * The owner confirmed the business account: the time zone is settled (required when Meta has
   * none), then contacts and — if the owner shared them — chats are requested, within 24 h of
   * onboarding and once each.
   */
  async confirm(
    accountId: string,
    bindingId: string,
    input: { timezone?: string | undefined },
  ): Promise<Binding> {
    return this.step(accountId, bindingId, 'confirm', input, async (binding) => {
      const timezone = resolveBindingTimezone(binding.businessTimezone, input.timezone);
      if (!timezone.ok) {
        throw new AppError(timezone.refusal.code, {
          status: 422,
          message: timezone.refusal.message,
          details: timezone.refusal.details,
        });
      }
      const onboardedAt = binding.onboardedAt ?? Date.now();
      if (Date.now() - onboardedAt > SYNC_WINDOW_MS) {
        throw new StepFailure(
          'sync_window_expired',
          'More than 24 hours passed since the number was onboarded, so Meta no longer allows its contacts and chats to be synced. The owner must disconnect the number in the WhatsApp Business app and connect it again.',
          422,
        );
      }
      binding.timezone = timezone.value;
      await this.saveNumber(binding, 'confirmed', Date.now());
      const phoneNumberId = binding.phoneNumberId as string;
      await requestSync(this.context, binding, phoneNumberId, 'smb_app_state_sync');
      if (binding.shareHistory) await requestSync(this.context, binding, phoneNumberId, 'history');
      // the sender checks templates from this cache; a failure here is retried by the next sync
      await syncTemplates(this.context, binding.wabaId as string).catch((error) =>
        this.context.logger.warn({ err: error, bindingId }, 'template sync at confirm failed'),
      );
      return { event: { type: 'confirm' }, detail: { timezone: timezone.value } };
    });
  }

  /** The number is bound to the account: 20 msg/s, and it may send. */
  async finish(accountId: string, bindingId: string): Promise<Binding> {
    return this.step(accountId, bindingId, 'finish', {}, async (binding) => {
      const activation = checkActivation(binding);
      if (!activation.ok) {
        throw new AppError(activation.refusal.code, {
          status: 422,
          message: activation.refusal.message,
          details: activation.refusal.details,
        });
      }
      await this.saveNumber(binding, 'active', Date.now());
      return { event: { type: 'finish' }, detail: {} };
    });
  }

  /**
   * A Meta `account_update` moved the number (PARTNER_REMOVED, ACCOUNT_OFFBOARDED,
   * ACCOUNT_RECONNECTED). Illegal moves (a second PARTNER_REMOVED) change nothing.
   */
  async applyAccountEvent(
    phoneNumberId: string,
    event: Extract<BindingEvent, { type: 'partner_removed' | 'account_offboarded' | 'account_reconnected' }>,
    detail: Record<string, unknown>,
  ): Promise<BindingStatus | null> {
    const number = await this.context.numbers.get(phoneNumberId);
    if (!number) return null;
    return this.context.bindings.withLock(number.bindingId, async () => {
      const binding = await this.context.bindings.getAny(number.bindingId);
      if (!binding) return null;
      const next = transitionBinding(binding.status, event);
      if (!next.ok) return binding.status;
      const from = binding.status;
      binding.status = next.value;
      binding.updatedAt = Date.now();
      await this.context.bindings.save(binding);
      await this.context.numbers.update(phoneNumberId, { status: next.value });
      await this.audit(binding, event.type, from, next.value, null, detail);
      return next.value;
    });
  }

  private async findNumber(token: string, input: SignupInput): Promise<PhoneNumberInfo> {
    const { meta } = this.context;
    if (input.phoneNumberId) {
      try {
        return await meta.getPhoneNumber(token, input.phoneNumberId);
      } catch (error) {
        if (isMetaError(error) && !error.retry.retryable)
          throw new StepFailure(
            'number_not_found',
            `Meta has no phone number ${input.phoneNumberId} for this token: ${error.details ?? error.message}.`,
            422,
            { phone_number_id: input.phoneNumberId },
          );
        throw error;
      }
    }
    // Meta's coexistence finish event may carry only the WABA: pick its Business app number.
    const numbers = await meta.listPhoneNumbers(token, input.wabaId);
    const onApp = numbers.filter((n) => n.isOnBizApp === true);
    const found = onApp.length === 1 ? onApp[0] : numbers.length === 1 ? numbers[0] : undefined;
    if (!found) {
      throw new StepFailure(
        'number_not_found',
        numbers.length === 0
          ? 'The business account has no phone number yet. Finish Embedded Signup with the WhatsApp Business app number.'
          : `The business account has ${numbers.length} numbers and none is clearly the WhatsApp Business app one; send phone_number_id.`,
        422,
        { waba_id: input.wabaId, numbers: numbers.map((n) => n.id) },
      );
    }
    return found;
  }

  private async saveNumber(binding: Binding, status: BindingStatus, now: number): Promise<void> {
    const existing = await this.context.numbers.get(binding.phoneNumberId as string);
    const record: NumberRecord = {
      phoneNumberId: binding.phoneNumberId as string,
      accountId: binding.accountId,
      bindingId: binding.id,
      wabaId: binding.wabaId as string,
      displayPhoneNumber: binding.displayPhoneNumber as string,
      verifiedName: binding.verifiedName,
      status,
      timezone: binding.timezone,
      throughputMps: COEXISTENCE_MESSAGES_PER_SECOND,
      onboardedAt: binding.onboardedAt ?? now,
      shareHistory: binding.shareHistory ?? false,
      sealedToken: binding.sealedToken as string,
      // a number connected again keeps its place in the account's list
      createdAt: existing?.accountId === binding.accountId ? existing.createdAt : now,
      updatedAt: now,
    };
    await this.context.numbers.save(record);
  }

  /**
   * Runs one step: the same request again answers as the first time; a step out of order is a
   * 409 naming the state; a failure Meta or our rules decide ends the binding with its reason.
   */
  private async step(
    accountId: string,
    bindingId: string,
    step: Step,
    input: unknown,
    work: (binding: Binding) => Promise<{ event: BindingEvent; detail: Record<string, unknown> }>,
  ): Promise<Binding> {
    await this.get(accountId, bindingId);
    const print = fingerprint(step, input);
    return this.context.bindings.withLock(bindingId, async () => {
      const binding = (await this.context.bindings.get(accountId, bindingId)) as Binding;
      if (binding.steps[step]?.fingerprint === print) return binding;

      const event: BindingEvent = { type: step };
      const allowed = transitionBinding(binding.status, event);
      if (!allowed.ok) {
        throw new AppError('invalid_binding_state', {
          status: 409,
          message: allowed.refusal.message,
          details: allowed.refusal.details,
        });
      }

      const from = binding.status;
      try {
        const { detail } = await work(binding);
        binding.status = allowed.value;
        binding.steps[step] = { at: Date.now(), fingerprint: print };
        binding.updatedAt = Date.now();
        await this.context.bindings.save(binding);
        await this.audit(binding, step, from, binding.status, null, detail);
        return binding;
      } catch (error) {
        if (error instanceof StepFailure) {
          const failed = transitionBinding(binding.status, { type: 'fail', reason: error.reason });
          if (failed.ok) {
            binding.status = failed.value;
            binding.failure = { code: error.reason, message: error.message, details: error.details };
            binding.updatedAt = Date.now();
            await this.context.bindings.save(binding);
            if (
              binding.phoneNumberId &&
              (await this.context.numbers.get(binding.phoneNumberId))?.bindingId === binding.id
            )
              await this.context.numbers.update(binding.phoneNumberId, { status: 'failed' });
            await this.audit(binding, 'fail', from, failed.value, error.reason, error.details);
          }
          throw new AppError(error.reason, {
            status: error.status,
            message: error.message,
            details: error.details,
          });
        }
        if (error instanceof MetaNetworkError || (isMetaError(error) && error.retry.retryable)) {
          throw new AppError('meta_unavailable', {
            status: 503,
            message: `Meta did not answer (${error.message}). Nothing was lost: send the same request again.`,
            headers: { 'Retry-After': '2' },
          });
        }
        throw error;
      }
    });
  }

  private async audit(
    binding: Binding,
    event: string,
    fromStatus: BindingStatus,
    toStatus: BindingStatus,
    reason: string | null,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const eventId = randomUUID();
    await this.context.queues.ingest.add(
      'audit',
      {
        type: 'audit',
        eventId,
        accountId: binding.accountId,
        bindingId: binding.id,
        phoneNumberId: binding.phoneNumberId,
        event,
        fromStatus,
        toStatus,
        reason,
        detail,
        at: Date.now(),
      },
      { jobId: `audit-${eventId}` },
    );
  }
}

export const BINDING_REQUIREMENTS = {
  minimum_app_version: MINIMUM_APP_VERSION,
  sync_window_hours: SYNC_WINDOW_MS / 3_600_000,
};
