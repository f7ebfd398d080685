import { SandboxClock } from './clock.js';
import { NO_FAULTS, type ResolvedOptions, type SandboxFaults, type SandboxSettings } from './options.js';
import { generatePhone, type PhoneContents, type PhoneSummary, summarisePhone } from './phone/generate.js';
import { businessName } from './phone/people.js';
import { SeededRandom } from './phone/random.js';
import { accessToken, exchangeCode, graphObjectId, syncRequestId, WamidFactory } from './state/ids.js';
import { currencyFor, describeNumber } from './state/phone-numbers.js';
import { loadState, type SavedState, saveState, toSavedState } from './state/snapshot.js';
import {
  DEFAULT_BUSINESS_TIMEZONE,
  META_TIMEZONES,
  metaTimezoneId,
  PHONE_LOCAL_TIMEZONE,
} from './state/timezones.js';
import {
  type BusinessToken,
  newCounters,
  newSyncState,
  newTraffic,
  type PhoneNumber,
  type Portfolio,
  type SignupCode,
  type Waba,
} from './state/world.js';
import { TemplateStore } from './templates/store.js';
import { WebhookDelivery } from './webhooks/delivery.js';
import { type Change, envelope, statusesValue } from './webhooks/payloads.js';
import { StatusScheduler } from './webhooks/statuses.js';

/** Meta's minimum WhatsApp Business app version for coexistence. */
export const MIN_APP_VERSION = '2.24.17';
export const DEFAULT_APP_VERSION = '2.25.12';

export interface OnboardInput {
  displayPhoneNumber?: string | undefined;
  appVersion?: string | undefined;
  /** IANA name; null or "" for none; undefined for the country's default */
  timezone?: string | null | undefined;
  shareHistory?: boolean | undefined;
  history?: { days?: number | undefined; messagesPerDay?: number | undefined } | undefined;
  contacts?: number | undefined;
  country?: string | undefined;
  /** an existing portfolio; a new one is made otherwise */
  businessId?: string | undefined;
  portfolioName?: string | undefined;
}

export interface OnboardResult {
  code: string;
  waba_id: string;
  phone_number_id: string;
  business_id: string;
  display_phone_number: string;
}

/** A request the sandbox cannot honour, naming the field at fault. */
export class SandboxInputError extends Error {
  override readonly name = 'SandboxInputError';
  constructor(
    readonly field: string,
    message: string,
    readonly status = 400,
    readonly code = 'invalid_request',
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * The offline Meta: every business that went through Embedded Signup, their WABAs, numbers,
 * tokens and templates, the simulated phones, and the webhooks they cause. The Graph API,
 * the control API and the signup popup are thin HTTP layers over this.
 */
export class Sandbox {
  readonly clock = new SandboxClock();
  settings: SandboxSettings;
  faults: SandboxFaults = { ...NO_FAULTS };
  readonly portfolios = new Map<string, Portfolio>();
  readonly wabas = new Map<string, Waba>();
  readonly numbers = new Map<string, PhoneNumber>();
  /** digits → id of the number currently linked with those digits */
  readonly linkedDigits = new Map<string, string>();
  readonly tokens = new Map<string, BusinessToken>();
  readonly codes = new Map<string, SignupCode>();
  readonly wamids = new WamidFactory();
  readonly delivery: WebhookDelivery;
  readonly statuses: StatusScheduler;
  /** webhooks not sent because the app is not subscribed to the WABA (Meta drops them too) */
  notSubscribedDrops = 0;
  graphRequests = 0;
  /** Graph requests the timeout fault left unanswered (nothing was accepted for them) */
  graphTimeouts = 0;
  /** what else forgets its state on reset (signup sessions) */
  readonly resetHooks: Array<() => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private saveTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(readonly options: ResolvedOptions) {
    this.settings = { ...options.initialSettings };
    this.delivery = new WebhookDelivery({
      appSecret: () => this.options.appSecret,
      concurrency: options.webhookConcurrency,
      timeoutMs: options.timings.webhookTimeoutMs,
      retryDelaysMs: options.timings.webhookRetryDelaysMs,
      faults: () => ({
        duplicateRate: this.faults.webhookDuplicateRate,
        failureRate: this.faults.webhookFailureRate,
      }),
      log: options.log,
    });
    this.statuses = new StatusScheduler(options.timings.statusBatchMs, (phoneNumberId, items) => {
      const number = this.numbers.get(phoneNumberId);
      if (number) this.emitPhone(number, 'messages', statusesValue(this.phoneRef(number), items));
    });
    if (options.stateFile) {
      const saved = loadState(options.stateFile);
      if (saved) this.restore(saved);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Onboarding: what Embedded Signup leaves behind.

  onboard(input: OnboardInput): OnboardResult {
    const described = input.displayPhoneNumber
      ? describeNumber(input.displayPhoneNumber)
      : describeNumber(this.freeTestNumber());
    if (!described) {
      throw new SandboxInputError(
        'display_phone_number',
        'must be a phone number with its country code, for example +15550783881',
      );
    }
    if (this.linkedDigits.has(described.digits)) {
      throw new SandboxInputError(
        'display_phone_number',
        `+${described.digits} is already connected to a WhatsApp Business account here; unlink it first`,
        409,
        'number_already_connected',
      );
    }
    const country = input.country ?? described.country;
    const timezone = this.resolveTimezone(input.timezone, country);
    const now = this.clock.now();

    let portfolio: Portfolio | undefined;
    if (input.businessId !== undefined) {
      portfolio = this.portfolios.get(input.businessId);
      if (!portfolio)
        throw new SandboxInputError(
          'business_id',
          `no business portfolio ${input.businessId}`,
          404,
          'not_found',
        );
    }
    const random = new SeededRandom(`${this.options.seed}:business:${described.digits}`);
    const name = businessName((items) => random.pick(items));
    if (!portfolio) {
      portfolio = { id: graphObjectId(16), name: input.portfolioName ?? name, createdAt: now };
      this.portfolios.set(portfolio.id, portfolio);
    }

    const waba: Waba = {
      id: graphObjectId(15),
      businessId: portfolio.id,
      name,
      currency: currencyFor(country),
      timezone,
      namespace:
        `${random.hex(8)}_${random.hex(4)}_${random.hex(4)}_${random.hex(4)}_${random.hex(12)}`.toLowerCase(),
      templates: new TemplateStore(),
      subscribed: false,
      overrideCallbackUri: null,
      previousPartner: null,
      phoneNumberIds: [],
      createdAt: now,
    };
    const number: PhoneNumber = {
      id: graphObjectId(15),
      wabaId: waba.id,
      businessId: portfolio.id,
      digits: described.digits,
      display: described.display,
      verifiedName: name,
      country,
      appVersion: input.appVersion ?? DEFAULT_APP_VERSION,
      shareHistory: input.shareHistory ?? true,
      localTimezone: timezone ?? (country ? PHONE_LOCAL_TIMEZONE[country] : undefined) ?? 'UTC',
      onboardedAt: now,
      linked: true,
      unlinkedBy: null,
      generation: {
        days: input.history?.days ?? 180,
        messagesPerDay: input.history?.messagesPerDay ?? 30,
        contacts: input.contacts ?? 40,
      },
      overrideCallbackUri: null,
      sync: { contacts: newSyncState(), history: newSyncState() },
      serviceWindows: new Map(),
      inboundWamids: new Set(),
      callbackData: new Set(),
      counters: newCounters(),
      ...newTraffic(() => this.pairSettings()),
      sends: [],
      sendsNext: 0,
      phone: null,
    };
    waba.phoneNumberIds.push(number.id);
    this.wabas.set(waba.id, waba);
    this.numbers.set(number.id, number);
    this.linkedDigits.set(number.digits, number.id);
    const code = this.issueCode(portfolio.id, [waba.id]);
    this.changed();
    this.options.log(`onboarded +${number.digits} as WABA ${waba.id}, number ${number.id}`);
    return {
      code,
      waba_id: waba.id,
      phone_number_id: number.id,
      business_id: portfolio.id,
      display_phone_number: number.display,
    };
  }

  private resolveTimezone(input: string | null | undefined, country: string | null): string | null {
    if (input === undefined) return (country && DEFAULT_BUSINESS_TIMEZONE[country]) || null;
    if (input === null || input === '') return null;
    if (metaTimezoneId(input) === null) {
      throw new SandboxInputError(
        'timezone',
        `"${input}" is not one of the time zones the sandbox offers (${META_TIMEZONES.map((z) => z.iana).join(', ')}); use null for none`,
      );
    }
    return input;
  }

  private freeTestNumber(): string {
    const random = new SeededRandom(`${this.options.seed}:free:${this.numbers.size}:${Date.now()}`);
    for (;;) {
      const digits = `1555${random.int(1_000_000, 9_999_999)}`;
      if (!this.linkedDigits.has(digits)) return `+${digits}`;
    }
  }

  /** A fresh exchangeable code for a business's WABAs: lives `codeTtlMs`, usable once. */
  issueCode(businessId: string, wabaIds: string[]): string {
    const code = exchangeCode();
    this.codes.set(code, { code, businessId, wabaIds, issuedAt: this.clock.now(), used: false });
    return code;
  }

  /** Graph's code exchange: the business token, or why not. */
  exchange(
    code: string,
  ): { ok: true; token: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' } {
    const entry = this.codes.get(code);
    if (!entry) return { ok: false, reason: 'unknown' };
    if (entry.used) return { ok: false, reason: 'used' };
    if (this.clock.now() - entry.issuedAt > this.settings.codeTtlMs) return { ok: false, reason: 'expired' };
    entry.used = true;
    const token = accessToken();
    this.tokens.set(token, {
      token,
      businessId: entry.businessId,
      wabaIds: new Set(entry.wabaIds),
      issuedAt: this.clock.now(),
      revoked: false,
    });
    this.changed();
    return { ok: true, token };
  }

  /** Whether a token may read or act on a WABA (and so on its numbers and templates). */
  canSee(token: BusinessToken, wabaId: string): boolean {
    return token.wabaIds.has(wabaId);
  }

  pairSettings(): { burst: number; refillMs: number } {
    return { burst: this.settings.pairBurst, refillMs: this.settings.pairRefillMs };
  }

  // -------------------------------------------------------------------------------------------
  // The phone.

  phoneOf(number: PhoneNumber): PhoneContents {
    if (!number.phone) {
      number.phone = generatePhone({
        seed: this.options.seed,
        businessDigits: number.digits,
        localTimezone: number.localTimezone,
        onboardedAt: number.onboardedAt,
        days: number.generation.days,
        messagesPerDay: number.generation.messagesPerDay,
        contacts: number.generation.contacts,
      });
    }
    return number.phone;
  }

  summary(number: PhoneNumber): PhoneSummary {
    return summarisePhone(this.phoneOf(number), number.onboardedAt);
  }

  phoneRef(number: PhoneNumber): { id: string; digits: string } {
    return { id: number.id, digits: number.digits };
  }

  // -------------------------------------------------------------------------------------------
  // Webhooks.

  /**
   * Where Meta would post a WABA's webhooks: the phone number's override, the WABA's override,
   * or the app's callback; nowhere while the app is not subscribed to the WABA.
   */
  callbackFor(waba: Waba, number?: PhoneNumber): string | null {
    if (!waba.subscribed) return null;
    return number?.overrideCallbackUri ?? waba.overrideCallbackUri ?? (this.settings.webhookUrl || null);
  }

  /**
   * One change on a phone-level field (`messages`, `history`, `smb_message_echoes`, …).
   * `onSettled` runs once it was delivered or given up.
   */
  emitPhone(
    number: PhoneNumber,
    field: string,
    value: Record<string, unknown>,
    onSettled?: () => void,
  ): void {
    const waba = this.wabas.get(number.wabaId);
    if (!waba) {
      onSettled?.();
      return;
    }
    this.emit(waba, number, [{ field, value }], undefined, onSettled);
  }

  /** A WABA-level change (`account_update`, `message_template_status_update`), with `entry.time`. */
  emitWaba(waba: Waba, field: string, value: Record<string, unknown>, number?: PhoneNumber): void {
    this.emit(waba, number, [{ field, value }], Math.floor(this.clock.now() / 1000));
  }

  private emit(
    waba: Waba,
    number: PhoneNumber | undefined,
    changes: Change[],
    time?: number,
    onSettled?: () => void,
  ): void {
    if (!waba.subscribed) {
      this.notSubscribedDrops += 1;
      onSettled?.();
      return;
    }
    this.delivery.enqueue(
      this.callbackFor(waba, number),
      envelope(waba.id, changes, time),
      changes[0]?.field ?? 'unknown',
      onSettled,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Time.

  /** Runs `task` after `ms` of real time; counted until it has run, so idle() waits for it. */
  later(ms: number, task: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
  }

  /**
   * Resolves once every scheduled webhook (statuses, history chunks, approvals) has been
   * delivered or given up; false when `timeoutMs` passed first.
   */
  async idle(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.timers.size === 0 && this.statuses.pending() === 0) {
        const remaining = deadline - Date.now();
        const settled = await Promise.race([
          this.delivery.idle().then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), Math.max(0, remaining)).unref()),
        ]);
        if (!settled) return false;
        if (
          this.timers.size === 0 &&
          this.statuses.pending() === 0 &&
          this.delivery.stats().waiting_retry === 0
        ) {
          return true;
        }
      }
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Housekeeping.

  newRequestId(): string {
    return syncRequestId();
  }

  /** Back to an empty sandbox with the start-up settings; the clock returns to real time. */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.statuses.clear();
    this.delivery.clear();
    this.portfolios.clear();
    this.wabas.clear();
    this.numbers.clear();
    this.linkedDigits.clear();
    this.tokens.clear();
    this.codes.clear();
    this.settings = { ...this.options.initialSettings };
    this.faults = { ...NO_FAULTS };
    this.clock.setOffset(0);
    this.notSubscribedDrops = 0;
    this.graphRequests = 0;
    this.graphTimeouts = 0;
    for (const hook of this.resetHooks) hook();
    this.changed();
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.statuses.clear();
    this.delivery.close();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      this.save();
    }
  }

  /** Something a restart should keep changed: saved shortly after, when a state file is set. */
  changed(): void {
    if (!this.options.stateFile || this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save();
    }, 200);
    this.saveTimer.unref();
  }

  private save(): void {
    if (!this.options.stateFile) return;
    try {
      saveState(this.options.stateFile, toSavedState(this));
    } catch (error) {
      this.options.log(`could not save the state file: ${error instanceof Error ? error.message : error}`);
    }
  }

  private restore(saved: SavedState): void {
    for (const portfolio of saved.portfolios) this.portfolios.set(portfolio.id, portfolio);
    for (const waba of saved.wabas) {
      this.wabas.set(waba.id, { ...waba, templates: TemplateStore.from(waba.templates) });
    }
    for (const number of saved.numbers) {
      const restored: PhoneNumber = {
        ...number,
        serviceWindows: new Map(number.serviceWindows),
        inboundWamids: new Set(number.inboundWamids),
        callbackData: new Set(),
        counters: newCounters(),
        ...newTraffic(() => this.pairSettings()),
        sends: [],
        sendsNext: 0,
        phone: null,
      };
      this.numbers.set(restored.id, restored);
      if (restored.linked) this.linkedDigits.set(restored.digits, restored.id);
    }
    for (const token of saved.tokens)
      this.tokens.set(token.token, { ...token, wabaIds: new Set(token.wabaIds) });
    this.clock.setOffset(saved.clockOffsetMs);
    this.options.log(`restored ${saved.numbers.length} numbers from ${this.options.stateFile}`);
  }
}
