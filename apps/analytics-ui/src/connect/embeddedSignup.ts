import type { BindingView } from '../api/types.js';

/**
 * Embedded Signup on the page's side: load Meta's JS SDK (or the sandbox's stand-in with the same
 * API), open the popup with `FB.login`, and put together the two things it hands back
 * independently and in either order: the login callback's `code`, and the session-info message
 * (`WA_EMBEDDED_SIGNUP`) naming the WhatsApp Business account. The code lives 30 seconds, so the
 * wizard exchanges it the moment both are in.
 */

export interface FacebookLoginResponse {
  authResponse?: { code?: string | null } | null;
  status?: string;
}

export interface FacebookSdk {
  init(params: {
    appId: string;
    version: string;
    autoLogAppEvents?: boolean;
    xfbml?: boolean;
    cookie?: boolean;
  }): void;
  login(callback: (response: FacebookLoginResponse) => void, options: Record<string, unknown>): void;
}

declare global {
  interface Window {
    FB?: FacebookSdk;
    fbAsyncInit?: () => void;
  }
}

/** What the popup said through `postMessage`. */
export type SessionEvent =
  | { type: 'finish'; event: string; wabaId: string; phoneNumberId: string | null; businessId: string | null }
  | { type: 'cancel'; step: string | null; errorMessage: string | null };

/**
 * A `message` event from the popup, or null when it is not one: from another origin, not a JSON
 * string, or not about Embedded Signup (Meta's SDK posts plenty of other messages).
 */
export function parseSessionMessage(
  event: { origin: string; data: unknown },
  allowedOrigins: readonly string[],
): SessionEvent | null {
  if (!allowedOrigins.includes(event.origin)) return null;
  if (typeof event.data !== 'string') return null;
  let message: unknown;
  try {
    message = JSON.parse(event.data);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const { type, event: name, data } = message as { type?: unknown; event?: unknown; data?: unknown };
  if (type !== 'WA_EMBEDDED_SIGNUP' || typeof name !== 'string') return null;
  const fields = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  const id = (value: unknown) =>
    typeof value === 'number'
      ? String(value)
      : typeof value === 'string' && value.trim()
        ? value.trim()
        : null;

  if (name === 'CANCEL') {
    return {
      type: 'cancel',
      step: text(fields.current_step),
      errorMessage: text(fields.error_message),
    };
  }
  // FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING is the coexistence flow; the others are the plain
  // Cloud API flows, which the api then refuses in words (the number is not on the app).
  if (name.startsWith('FINISH')) {
    const wabaId = id(fields.waba_id);
    if (!wabaId) return null;
    return {
      type: 'finish',
      event: name,
      wabaId,
      phoneNumberId: id(fields.phone_number_id),
      businessId: id(fields.business_id),
    };
  }
  return null;
}

export type SignupOutcome =
  | { kind: 'ready'; code: string; wabaId: string; phoneNumberId: string | null }
  | { kind: 'cancelled'; message: string }
  | { kind: 'error'; message: string };

export interface CorrelatorTimings {
  /** after a login callback without a code: how long a CANCEL message may still take to arrive */
  cancelGraceMs: number;
  /** after the code: how long to wait for the session-info message naming the account */
  sessionWaitMs: number;
}

const DEFAULT_TIMINGS: CorrelatorTimings = { cancelGraceMs: 1_500, sessionWaitMs: 10_000 };

function cancelMessage(step: string | null): string {
  return step
    ? `The sign-up was closed at the “${step.replaceAll('_', ' ').toLowerCase()}” step, so nothing was connected.`
    : 'The sign-up window closed before the end (if none appeared, allow pop-ups for this site), so nothing was connected.';
}

/**
 * Correlates the login callback and the session message into one outcome, reported once:
 * `ready` when both are in, `cancelled` or `error` otherwise.
 */
export class SignupCorrelator {
  private code: string | null = null;
  private finish: Extract<SessionEvent, { type: 'finish' }> | null = null;
  private cancel: Extract<SessionEvent, { type: 'cancel' }> | null = null;
  private loginDone = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private done = false;
  private readonly timings: CorrelatorTimings;

  constructor(
    private readonly onOutcome: (outcome: SignupOutcome) => void,
    timings: Partial<CorrelatorTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  get settled(): boolean {
    return this.done;
  }

  loginResponse(response: FacebookLoginResponse | null | undefined): void {
    if (this.done) return;
    this.loginDone = true;
    const code = response?.authResponse?.code;
    if (typeof code === 'string' && code.trim()) {
      this.code = code.trim();
      this.evaluate();
      return;
    }
    // the popup closed without a code: a CANCEL message may explain why, shortly
    this.evaluate();
  }

  sessionEvent(event: SessionEvent): void {
    if (this.done) return;
    if (event.type === 'finish') this.finish = event;
    else this.cancel = event;
    this.evaluate();
  }

  dispose(): void {
    this.done = true;
    this.clearTimer();
  }

  private evaluate(): void {
    if (this.code && this.finish) {
      this.settle({
        kind: 'ready',
        code: this.code,
        wabaId: this.finish.wabaId,
        phoneNumberId: this.finish.phoneNumberId,
      });
      return;
    }
    if (this.cancel && !this.code) {
      this.settle(
        this.cancel.errorMessage
          ? {
              kind: 'error',
              message: `Meta reported a problem during sign-up: ${this.cancel.errorMessage}`,
            }
          : { kind: 'cancelled', message: cancelMessage(this.cancel.step) },
      );
      return;
    }
    if (this.code && !this.finish) {
      this.startTimer(this.timings.sessionWaitMs, () =>
        this.settle({
          kind: 'error',
          message:
            'Meta finished the login but did not say which WhatsApp Business account was connected. Start again; if it repeats, check that the Embedded Signup configuration uses the WhatsApp Business app onboarding.',
        }),
      );
      return;
    }
    if (this.loginDone && !this.code) {
      this.startTimer(this.timings.cancelGraceMs, () =>
        this.settle(
          this.finish
            ? {
                kind: 'error',
                message:
                  'Meta connected the account but did not hand over a login code. Start again and allow every permission asked for.',
              }
            : { kind: 'cancelled', message: cancelMessage(null) },
        ),
      );
    }
  }

  private startTimer(ms: number, fire: () => void): void {
    this.clearTimer();
    this.timer = setTimeout(fire, ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private settle(outcome: SignupOutcome): void {
    if (this.done) return;
    this.done = true;
    this.clearTimer();
    this.onOutcome(outcome);
  }
}

const sdkLoads = new Map<string, Promise<FacebookSdk>>();

/**
 * Loads the SDK once per URL. Meta's calls `window.fbAsyncInit` when ready; the sandbox's defines
 * `FB` when its script runs; either way `FB` is there once the script loaded.
 */
export function loadSdk(url: string, timeoutMs = 20_000): Promise<FacebookSdk> {
  const existing = sdkLoads.get(url);
  if (existing) return existing;
  const load = new Promise<FacebookSdk>((resolve, reject) => {
    const fail = () => {
      sdkLoads.delete(url);
      script.remove();
      reject(
        new Error(
          `Meta’s sign-up script did not load from ${new URL(url, window.location.href).host}. Check your connection, and that no ad or tracker blocker stops it, then try again.`,
        ),
      );
    };
    const timer = setTimeout(fail, timeoutMs);
    const ready = () => {
      if (!window.FB) return false;
      clearTimeout(timer);
      resolve(window.FB);
      return true;
    };
    const previousInit = window.fbAsyncInit;
    window.fbAsyncInit = () => {
      previousInit?.();
      ready();
    };
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.crossOrigin = 'anonymous';
    script.onload = () => {
      if (!ready()) {
        // Meta's loader defines FB a moment later, through fbAsyncInit
        setTimeout(() => ready() || undefined, 200);
      }
    };
    script.onerror = () => {
      clearTimeout(timer);
      fail();
    };
    document.head.appendChild(script);
  });
  sdkLoads.set(url, load);
  return load;
}

/** `FB.init` with the binding's app, once per app id and version. */
const initialised = new Set<string>();
export function initSdk(sdk: FacebookSdk, binding: Pick<BindingView, 'app_id' | 'graph_api_version'>): void {
  const key = `${binding.app_id}:${binding.graph_api_version}`;
  if (initialised.has(key)) return;
  sdk.init({
    appId: binding.app_id,
    version: binding.graph_api_version,
    autoLogAppEvents: true,
    xfbml: true,
  });
  initialised.add(key);
}

/**
 * Opens the popup (call it straight from a click, or browsers block it) and reports one outcome.
 * Returns a function that stops listening.
 */
export function launchSignup(
  sdk: FacebookSdk,
  binding: Pick<
    BindingView,
    'config_id' | 'response_type' | 'override_default_response_type' | 'extras' | 'allowed_origins'
  >,
  onOutcome: (outcome: SignupOutcome) => void,
  timings?: Partial<CorrelatorTimings>,
): () => void {
  const correlator = new SignupCorrelator((outcome) => {
    window.removeEventListener('message', onMessage);
    onOutcome(outcome);
  }, timings);
  function onMessage(event: MessageEvent) {
    const session = parseSessionMessage(event, binding.allowed_origins);
    if (session) correlator.sessionEvent(session);
  }
  window.addEventListener('message', onMessage);
  try {
    sdk.login((response) => correlator.loginResponse(response), {
      config_id: binding.config_id,
      response_type: binding.response_type,
      override_default_response_type: binding.override_default_response_type,
      extras: binding.extras,
    });
  } catch (error) {
    window.removeEventListener('message', onMessage);
    correlator.dispose();
    onOutcome({ kind: 'error', message: `The sign-up window could not open: ${(error as Error).message}` });
  }
  return () => {
    window.removeEventListener('message', onMessage);
    correlator.dispose();
  };
}
