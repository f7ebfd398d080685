import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSessionMessage, SignupCorrelator, type SignupOutcome } from './embeddedSignup.js';

const SANDBOX = 'http://127.0.0.1:8090';
const allowed = [SANDBOX];
const finish = (data: Record<string, unknown>) =>
  JSON.stringify({
    type: 'WA_EMBEDDED_SIGNUP',
    event: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING',
    data,
    version: 3,
  });

describe('session messages from the popup', () => {
  it('reads the coexistence finish event, with or without the number', () => {
    expect(
      parseSessionMessage({ origin: SANDBOX, data: finish({ waba_id: '102290129340398' }) }, allowed),
    ).toEqual({
      type: 'finish',
      event: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING',
      wabaId: '102290129340398',
      phoneNumberId: null,
      businessId: null,
    });
    expect(
      parseSessionMessage(
        { origin: SANDBOX, data: finish({ waba_id: 1, phone_number_id: 106540352242922 }) },
        allowed,
      ),
    ).toMatchObject({ wabaId: '1', phoneNumberId: '106540352242922' });
  });

  it('reads cancellations and errors', () => {
    const cancel = (data: unknown) => JSON.stringify({ type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', data });
    expect(
      parseSessionMessage({ origin: SANDBOX, data: cancel({ current_step: 'PHONE_NUMBER_SETUP' }) }, allowed),
    ).toEqual({
      type: 'cancel',
      step: 'PHONE_NUMBER_SETUP',
      errorMessage: null,
    });
    expect(
      parseSessionMessage(
        { origin: SANDBOX, data: cancel({ error_message: 'Number already in use', error_id: '1' }) },
        allowed,
      ),
    ).toMatchObject({ type: 'cancel', errorMessage: 'Number already in use' });
  });

  it('ignores other origins, non-JSON, objects and other messages', () => {
    expect(
      parseSessionMessage({ origin: 'https://evil.example', data: finish({ waba_id: '1' }) }, allowed),
    ).toBeNull();
    expect(parseSessionMessage({ origin: SANDBOX, data: 'cb=f1a2b3&domain=x' }, allowed)).toBeNull();
    expect(
      parseSessionMessage({ origin: SANDBOX, data: { type: 'WA_EMBEDDED_SIGNUP' } }, allowed),
    ).toBeNull();
    expect(parseSessionMessage({ origin: SANDBOX, data: '{"type":"other"}' }, allowed)).toBeNull();
    expect(parseSessionMessage({ origin: SANDBOX, data: finish({}) }, allowed)).toBeNull();
    expect(parseSessionMessage({ origin: SANDBOX, data: 'null' }, allowed)).toBeNull();
  });
});

describe('correlating the login code and the session event', () => {
  let outcomes: SignupOutcome[];
  let correlator: SignupCorrelator;
  const finishEvent = {
    type: 'finish' as const,
    event: 'FINISH',
    wabaId: 'w1',
    phoneNumberId: null,
    businessId: null,
  };

  beforeEach(() => {
    vi.useFakeTimers();
    outcomes = [];
    correlator = new SignupCorrelator((o) => outcomes.push(o), {
      cancelGraceMs: 1_000,
      sessionWaitMs: 5_000,
    });
  });
  afterEach(() => vi.useRealTimers());

  it('is ready when both arrived, in either order, and reports once', () => {
    correlator.sessionEvent(finishEvent);
    expect(outcomes).toEqual([]);
    correlator.loginResponse({ authResponse: { code: 'AQ123' }, status: 'connected' });
    expect(outcomes).toEqual([{ kind: 'ready', code: 'AQ123', wabaId: 'w1', phoneNumberId: null }]);

    const other: SignupOutcome[] = [];
    const reversed = new SignupCorrelator((o) => other.push(o));
    reversed.loginResponse({ authResponse: { code: 'AQ9' } });
    reversed.sessionEvent({ ...finishEvent, phoneNumberId: 'p1' });
    reversed.sessionEvent(finishEvent);
    expect(other).toEqual([{ kind: 'ready', code: 'AQ9', wabaId: 'w1', phoneNumberId: 'p1' }]);
  });

  it('reports a cancel with the step it happened at', () => {
    correlator.sessionEvent({ type: 'cancel', step: 'BUSINESS_ACCOUNT_SELECTION', errorMessage: null });
    correlator.loginResponse({ authResponse: null, status: 'unknown' });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ kind: 'cancelled' });
    expect((outcomes[0] as { message: string }).message).toContain('business account selection');
  });

  it('reports Meta’s error message as an error', () => {
    correlator.sessionEvent({ type: 'cancel', step: null, errorMessage: 'Phone number already registered' });
    expect(outcomes).toEqual([
      { kind: 'error', message: 'Meta reported a problem during sign-up: Phone number already registered' },
    ]);
  });

  it('waits a moment for a CANCEL after a login without code, then calls it cancelled', () => {
    correlator.loginResponse({ authResponse: null, status: 'unknown' });
    vi.advanceTimersByTime(999);
    expect(outcomes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(outcomes[0]).toMatchObject({ kind: 'cancelled' });
  });

  it('gives up on a code whose account never got named', () => {
    correlator.loginResponse({ authResponse: { code: 'AQ1' } });
    vi.advanceTimersByTime(4_999);
    expect(outcomes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(outcomes[0]).toMatchObject({ kind: 'error' });
    correlator.sessionEvent(finishEvent);
    expect(outcomes).toHaveLength(1);
  });

  it('stays quiet once disposed', () => {
    correlator.loginResponse({ authResponse: null });
    correlator.dispose();
    vi.advanceTimersByTime(10_000);
    expect(outcomes).toEqual([]);
  });
});
