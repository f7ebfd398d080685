import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { isTransient } from '../api/advice.js';
import { ApiError } from '../api/client.js';
import { useApi } from '../api/context.js';
import type { BindingView } from '../api/types.js';
import { Link, navigate, useLocation } from '../app/router.js';
import { formatDateTime } from '../format/dates.js';
import { formatPhone } from '../format/phone.js';
import { FeatureTable } from '../numbers/FeatureTable.js';
import { Icon, Spinner } from '../ui/Icon.js';
import { Card, ErrorNotice, Loading, Notice, PageHeader } from '../ui/layout.js';
import { useTitle } from '../ui/useTitle.js';
import { type FacebookSdk, initSdk, launchSignup, loadSdk, type SignupOutcome } from './embeddedSignup.js';
import { browserTimeZone, checkAppVersion, describeCallingCode } from './requirements.js';
import { TimeZonePicker } from './TimeZonePicker.js';

type Step = 'prepare' | 'signup' | 'confirm' | 'finish' | 'done' | 'failed';

const STEPS: Array<{ step: Step; label: string }> = [
  { step: 'prepare', label: 'Before you start' },
  { step: 'signup', label: 'Connect with Meta' },
  { step: 'confirm', label: 'Confirm the business' },
  { step: 'finish', label: 'Finish' },
];

export function stepOf(status: string): Step {
  switch (status) {
    case 'started':
      return 'prepare';
    case 'signed_up':
      return 'confirm';
    case 'confirmed':
      return 'finish';
    case 'active':
      return 'done';
    default:
      return 'failed';
  }
}

interface Answers {
  appVersion: string;
  shareHistory: boolean | null;
}

function StepList({ current }: { current: Step }) {
  const index = current === 'done' ? STEPS.length : STEPS.findIndex((s) => s.step === current);
  return (
    <ol className="steps" aria-label="Steps">
      {STEPS.map(({ step, label }, i) => {
        const state = i < index ? 'done' : i === index ? 'current' : 'todo';
        return (
          <li
            key={step}
            className={`step step-${state}`}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <span className="step-marker" aria-hidden="true">
              {state === 'done' ? <Icon name="check" /> : i + 1}
            </span>
            <span className="step-label">
              {label}
              <span className="sr-only">
                {state === 'done' ? ' (done)' : state === 'current' ? ' (current)' : ''}
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** Focuses a step's heading when the step appears, so keyboard and screen reader users follow. */
function StepHeading({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h2 ref={ref} tabIndex={-1} className="step-heading">
      {children}
    </h2>
  );
}

function Prepare({
  binding,
  answers,
  onChange,
  onContinue,
}: {
  binding: BindingView;
  answers: Answers;
  onChange: (answers: Answers) => void;
  onContinue: () => void;
}) {
  const { requirements } = binding;
  const [touched, setTouched] = useState(false);
  const version = checkAppVersion(answers.appVersion, requirements.minimum_app_version);
  const shareMissing = answers.shareHistory === null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (version.ok && !shareMissing) onContinue();
    // take keyboard and screen-reader users to what needs an answer
    else if (!version.ok) document.getElementById('app-version')?.focus();
    else document.querySelector<HTMLInputElement>('input[name="share_history"]')?.focus();
  };
  return (
    <Card className="wizard-card">
      <StepHeading>Before you start</StepHeading>
      <p>
        The owner of the number needs the phone with the WhatsApp Business app at hand: Meta’s window shows a
        QR code to scan with it. The number keeps working in the app; Coexist sends through the Cloud API
        beside it.
      </p>
      <div className="grid-2 requirements">
        <div>
          <h3>Requirements</h3>
          <ul className="checklist">
            <li>
              <Icon name="phone" /> WhatsApp Business app <strong>{requirements.minimum_app_version}</strong>{' '}
              or newer on the phone.
            </li>
            <li>
              <Icon name="cross" /> Numbers from{' '}
              {requirements.unsupported_calling_codes.length > 0
                ? requirements.unsupported_calling_codes.map(describeCallingCode).join(' and ')
                : 'no country'}{' '}
              cannot be connected.
            </li>
            <li>
              <Icon name="clock" /> Contacts and chat history can be synced once, within{' '}
              {requirements.sync_window_hours} hours of connecting: Coexist requests them when you confirm.
            </li>
            <li>
              <Icon name="info" /> Throughput is fixed at 20 messages per second, messages the number receives
              included.
            </li>
          </ul>
        </div>
        <div>
          <h3>In Meta’s window, the owner will</h3>
          <ol className="numbered small">
            <li>log in with Facebook and pick (or create) the business portfolio,</li>
            <li>choose the WhatsApp Business app and enter the number,</li>
            <li>
              scan the QR code with the app (camera icon, top right) and tap{' '}
              <em>Connect to the Business Platform</em>,
            </li>
            <li>choose whether to share the last 180 days of chats.</li>
          </ol>
        </div>
      </div>

      <details className="disclosure" open>
        <summary>What changes on the phone</summary>
        <FeatureTable
          features={requirements.features}
          caption="Features of the WhatsApp Business app once the number is also on the Cloud API"
        />
      </details>

      <form className="form preflight" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="app-version">Your WhatsApp Business app version</label>
          <input
            id="app-version"
            inputMode="decimal"
            autoComplete="off"
            placeholder={`e.g. ${requirements.minimum_app_version}`}
            value={answers.appVersion}
            onChange={(event) => onChange({ ...answers, appVersion: event.target.value })}
            onBlur={() => answers.appVersion && setTouched(true)}
            aria-invalid={touched && !version.ok ? true : undefined}
            aria-describedby="app-version-help app-version-error"
          />
          <p id="app-version-help" className="field-help">
            On the phone: Settings &gt; Help &gt; App info. Meta does not tell us, so we ask.
          </p>
          {touched && !version.ok ? (
            <p id="app-version-error" className="field-error" role="alert">
              <Icon name="alert" /> {version.message}
            </p>
          ) : null}
        </div>
        <fieldset className="field">
          <legend>Did you choose “Share chats”?</legend>
          <p className="field-help" id="share-help">
            The app asks whether to share chat history with Coexist. Answer as the owner will: Meta does not
            report it, and Coexist only requests history that was shared.
          </p>
          <div className="choices">
            <label className="choice">
              <input
                type="radio"
                name="share_history"
                checked={answers.shareHistory === true}
                onChange={() => onChange({ ...answers, shareHistory: true })}
              />
              <span>
                <strong>Yes, share chats</strong>
                <span className="muted small"> — the last 180 days arrive here for analytics</span>
              </span>
            </label>
            <label className="choice">
              <input
                type="radio"
                name="share_history"
                checked={answers.shareHistory === false}
                onChange={() => onChange({ ...answers, shareHistory: false })}
              />
              <span>
                <strong>No, don’t share</strong>
                <span className="muted small"> — analytics start from today</span>
              </span>
            </label>
          </div>
          {touched && shareMissing ? (
            <p className="field-error" role="alert">
              <Icon name="alert" /> Choose one: Coexist needs to know whether history is coming.
            </p>
          ) : null}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            Continue
            <Icon name="arrowRight" />
          </button>
        </div>
      </form>
    </Card>
  );
}

type SdkState = { kind: 'loading' } | { kind: 'ready'; sdk: FacebookSdk } | { kind: 'error'; error: Error };

function Signup({
  binding,
  sdk,
  waiting,
  exchanging,
  error,
  onLaunch,
  onRetryExchange,
  onRestart,
  onBack,
  onReloadSdk,
}: {
  binding: BindingView;
  sdk: SdkState;
  waiting: boolean;
  exchanging: boolean;
  error: unknown;
  onLaunch: () => void;
  onRetryExchange: (() => void) | null;
  onRestart: () => void;
  onBack: () => void;
  onReloadSdk: () => void;
}) {
  const busy = waiting || exchanging;
  // Meta's answer or our rules ended this attempt: only a new one can go on
  const ended = error instanceof ApiError && error.status >= 400 && !isTransient(error);
  return (
    <Card className="wizard-card">
      <StepHeading>Connect with Meta</StepHeading>
      <p>
        {binding.sandbox
          ? 'This Coexist runs against the local Meta sandbox: its window plays Meta’s Embedded Signup and a simulated phone.'
          : 'Meta’s Embedded Signup opens in a new window. Keep this page open; it continues by itself when the window closes.'}
      </p>
      {sdk.kind === 'error' ? (
        <ErrorNotice error={sdk.error} title="Meta’s sign-up could not start" onRetry={onReloadSdk} />
      ) : null}
      {error ? (
        <ErrorNotice
          error={error}
          title="The number was not connected"
          {...(onRetryExchange ? { onRetry: onRetryExchange } : {})}
        />
      ) : null}
      <div className="signup-status" aria-live="polite">
        {waiting ? (
          <p>
            <Spinner /> Waiting for Meta’s window… Finish every step there, including the QR code on the
            phone.
          </p>
        ) : null}
        {exchanging ? (
          <p>
            <Spinner /> Connecting the number: exchanging Meta’s code, checking the number and subscribing to
            its messages…
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="button" className="button button-ghost" onClick={onBack} disabled={busy}>
          <Icon name="arrowLeft" /> Back
        </button>
        {ended ? (
          <button type="button" className="button button-primary" onClick={onRestart}>
            <Icon name="refresh" /> Start again
          </button>
        ) : (
          <button
            type="button"
            className="button button-primary"
            onClick={onLaunch}
            disabled={sdk.kind !== 'ready' || busy}
            data-testid="launch-signup"
          >
            {sdk.kind === 'loading' ? <Spinner /> : <Icon name="link" />}
            {sdk.kind === 'loading'
              ? 'Preparing Meta’s sign-up…'
              : waiting
                ? 'Window open'
                : 'Open Meta’s sign-up'}
          </button>
        )}
      </div>
    </Card>
  );
}

function Confirm({
  binding,
  busy,
  error,
  onConfirm,
}: {
  binding: BindingView;
  busy: boolean;
  error: unknown;
  onConfirm: (timezone: string) => void;
}) {
  const { business } = binding;
  const [timezone, setTimezone] = useState(business.timezone ?? browserTimeZone() ?? '');
  const [touched, setTouched] = useState(false);
  const missing = !timezone;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!missing) onConfirm(timezone);
  };
  return (
    <Card className="wizard-card">
      <StepHeading>Confirm the business account</StepHeading>
      <p>Check that this is the business and number the owner connected.</p>
      <dl className="facts facts-wide business-facts" data-testid="business-facts">
        <div>
          <dt>Business</dt>
          <dd>{business.name ?? '—'}</dd>
        </div>
        <div>
          <dt>Number</dt>
          <dd data-testid="business-number">{formatPhone(business.display_phone_number)}</dd>
        </div>
        <div>
          <dt>Display name</dt>
          <dd>{business.verified_name ?? '—'}</dd>
        </div>
        <div>
          <dt>WhatsApp Business account</dt>
          <dd>{business.waba_id ?? '—'}</dd>
        </div>
        <div>
          <dt>Time zone at Meta</dt>
          <dd>{business.timezone ?? 'None set'}</dd>
        </div>
        <div>
          <dt>Chat history</dt>
          <dd>{binding.share_history ? 'Shared: Coexist requests it on confirming' : 'Not shared'}</dd>
        </div>
      </dl>
      <form className="form" onSubmit={submit} noValidate>
        {business.timezone_required ? (
          <Notice tone="warn" title="Choose the business’s time zone">
            <p>
              This business account has no time zone at Meta. Pick the one of the country where the number is
              used: the number cannot send without it, and analytics count days and hours in it.
            </p>
          </Notice>
        ) : (
          <p className="muted small">
            Analytics count days and busiest hours in this zone. Change it if the shop is elsewhere.
          </p>
        )}
        <TimeZonePicker
          value={timezone}
          onChange={(zone) => setTimezone(zone)}
          invalid={touched && missing}
          describedBy="timezone-error"
        />
        {touched && missing ? (
          <p id="timezone-error" className="field-error" role="alert">
            <Icon name="alert" /> Choose a time zone to continue.
          </p>
        ) : null}
        {error ? <ErrorNotice error={error} title="The business account was not confirmed" /> : null}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? <Spinner /> : <Icon name="check" />}
            {busy ? 'Confirming…' : 'Confirm'}
          </button>
        </div>
      </form>
    </Card>
  );
}

function Finish({
  binding,
  busy,
  error,
  onFinish,
}: {
  binding: BindingView;
  busy: boolean;
  error: unknown;
  onFinish: () => void;
}) {
  return (
    <Card className="wizard-card">
      <StepHeading>Finish</StepHeading>
      <p>
        Meta bound the account. Coexist has asked for the phone’s contacts
        {binding.share_history ? ' and the last 180 days of chats' : ''}; they arrive in the background.
      </p>
      <ul className="checklist">
        <li>
          <Icon name="check" /> Number {formatPhone(binding.business.display_phone_number)}, time zone{' '}
          {binding.timezone}.
        </li>
        <li>
          <Icon name="send" /> Finishing lets Coexist send from this number, at up to 20 messages per second.
        </li>
        <li>
          <Icon name="phone" /> The phone also shows that the connection is complete.
        </li>
      </ul>
      {error ? <ErrorNotice error={error} title="The number was not activated" onRetry={onFinish} /> : null}
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onFinish} disabled={busy}>
          {busy ? <Spinner /> : <Icon name="check" />}
          {busy ? 'Finishing…' : 'Finish'}
        </button>
      </div>
    </Card>
  );
}

function Done({ binding }: { binding: BindingView }) {
  const id = binding.business.phone_number_id;
  return (
    <Card className="wizard-card">
      <StepHeading>Number connected</StepHeading>
      <Notice
        tone="ok"
        role="status"
        title={`${binding.business.display_phone_number ? formatPhone(binding.business.display_phone_number) : 'The number'} is active`}
      >
        <p>
          It can send now. {binding.share_history ? 'Its chat history is on the way: ' : ''}
          follow the syncs on its page.
        </p>
      </Notice>
      <div className="form-actions">
        {id ? (
          <>
            <Link to={`/analytics?number=${id}`} className="button button-secondary">
              <Icon name="chart" /> Analytics
            </Link>
            <Link to={`/numbers/${id}`} className="button button-primary" data-testid="open-number">
              Open the number’s page <Icon name="arrowRight" />
            </Link>
          </>
        ) : (
          <Link to="/numbers" className="button button-primary">
            Your numbers <Icon name="arrowRight" />
          </Link>
        )}
      </div>
      {binding.sync_deadline ? (
        <p className="muted small">
          Syncs must be requested before {formatDateTime(binding.sync_deadline, binding.timezone)}; Coexist
          already did and retries by itself if Meta was busy.
        </p>
      ) : null}
    </Card>
  );
}

function Failed({ binding, onRestart }: { binding: BindingView; onRestart: () => void }) {
  const failure = binding.failure;
  return (
    <Card className="wizard-card">
      <StepHeading>This connection attempt ended</StepHeading>
      {failure ? (
        <ErrorNotice
          error={new ApiError(422, failure.code, failure.message, failure.details)}
          title="Why it stopped"
        />
      ) : (
        <Notice tone="warn" title={`The connection is ${binding.status}`} />
      )}
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onRestart}>
          <Icon name="refresh" /> Start again
        </button>
      </div>
    </Card>
  );
}

/** Binding a WhatsApp Business app number: the seed's steps 1–11, one screen each. */
export function ConnectWizard() {
  useTitle('Connect a number');
  const api = useApi();
  const location = useLocation();
  const bindingId = location.query.get('binding');
  const [binding, setBinding] = useState<BindingView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [step, setStep] = useState<Step>('prepare');
  const [answers, setAnswers] = useState<Answers>({ appVersion: '', shareHistory: null });
  const [sdk, setSdk] = useState<SdkState>({ kind: 'loading' });
  const [sdkAttempt, setSdkAttempt] = useState(0);
  const [waiting, setWaiting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const lastSignup = useRef<Record<string, unknown> | null>(null);
  const stopListening = useRef<(() => void) | null>(null);
  const creating = useRef(false);

  const startNew = useCallback(async () => {
    if (creating.current) return;
    creating.current = true;
    setLoadError(null);
    setError(null);
    setBinding(null);
    try {
      const created = await api.post<BindingView>('/v1/bindings');
      setBinding(created);
      setStep('prepare');
      navigate(`/connect?binding=${encodeURIComponent(created.id)}`, { replace: true });
    } catch (caught) {
      setLoadError(caught);
    } finally {
      creating.current = false;
    }
  }, [api]);

  // open the binding in the address (a reload resumes it), or start one
  useEffect(() => {
    if (binding && binding.id === bindingId) return;
    if (!bindingId) {
      void startNew();
      return;
    }
    const controller = new AbortController();
    api
      .get<BindingView>(`/v1/bindings/${encodeURIComponent(bindingId)}`, controller.signal)
      .then((found) => {
        setBinding(found);
        setStep(stepOf(found.status));
      })
      .catch((caught) => {
        if (!controller.signal.aborted) setLoadError(caught);
      });
    return () => controller.abort();
  }, [bindingId]);

  // load Meta's SDK early: the popup must open straight from the click
  const wantsSdk = step === 'prepare' || step === 'signup';
  const sdkUrl = binding?.sdk_url;
  useEffect(() => {
    if (!binding || !wantsSdk) return;
    let cancelled = false;
    setSdk({ kind: 'loading' });
    loadSdk(binding.sdk_url)
      .then((loaded) => {
        if (cancelled) return;
        initSdk(loaded, binding);
        setSdk({ kind: 'ready', sdk: loaded });
      })
      .catch((caught: Error) => !cancelled && setSdk({ kind: 'error', error: caught }));
    return () => {
      cancelled = true;
    };
  }, [sdkUrl, wantsSdk, sdkAttempt]);

  useEffect(() => () => stopListening.current?.(), []);

  const exchange = useCallback(
    async (body: Record<string, unknown>) => {
      if (!binding) return;
      setBusy(true);
      setError(null);
      try {
        const signedUp = await api.post<BindingView>(
          `/v1/bindings/${encodeURIComponent(binding.id)}/signup`,
          body,
        );
        lastSignup.current = null;
        setBinding(signedUp);
        setStep(stepOf(signedUp.status));
      } catch (caught) {
        setError(caught);
        if (!isTransient(caught)) lastSignup.current = null;
      } finally {
        setBusy(false);
      }
    },
    [api, binding],
  );

  const onOutcome = useCallback(
    (outcome: SignupOutcome) => {
      setWaiting(false);
      stopListening.current = null;
      if (outcome.kind !== 'ready') {
        setError(
          new ApiError(
            0,
            outcome.kind === 'cancelled' ? 'signup_cancelled' : 'signup_error',
            outcome.message,
          ),
        );
        return;
      }
      const version = checkAppVersion(answers.appVersion, binding?.requirements.minimum_app_version ?? '0');
      const body = {
        code: outcome.code,
        waba_id: outcome.wabaId,
        ...(outcome.phoneNumberId ? { phone_number_id: outcome.phoneNumberId } : {}),
        share_history: answers.shareHistory === true,
        ...(version.ok ? { app_version: version.version } : {}),
      };
      lastSignup.current = body;
      void exchange(body);
    },
    [answers, binding, exchange],
  );

  const launch = () => {
    if (sdk.kind !== 'ready' || !binding) return;
    setError(null);
    setWaiting(true);
    stopListening.current?.();
    stopListening.current = launchSignup(sdk.sdk, binding, onOutcome);
  };

  const confirm = async (timezone: string) => {
    if (!binding) return;
    setBusy(true);
    setError(null);
    try {
      const confirmed = await api.post<BindingView>(
        `/v1/bindings/${encodeURIComponent(binding.id)}/confirm`,
        {
          timezone,
        },
      );
      setBinding(confirmed);
      setStep(stepOf(confirmed.status));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const finish = async () => {
    if (!binding) return;
    setBusy(true);
    setError(null);
    try {
      const active = await api.post<BindingView>(`/v1/bindings/${encodeURIComponent(binding.id)}/finish`);
      setBinding(active);
      setStep(stepOf(active.status));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const restart = () => {
    stopListening.current?.();
    setWaiting(false);
    void startNew();
  };

  return (
    <>
      <PageHeader
        title="Connect a number"
        subtitle="Bind a WhatsApp Business app number to the Cloud API. The owner keeps using the app."
      />
      {loadError ? (
        <ErrorNotice
          error={loadError}
          title="The connection could not start"
          onRetry={() => (bindingId ? navigate('/connect', { replace: true }) : void startNew())}
        />
      ) : null}
      {!binding && !loadError ? <Loading label="Preparing the connection" height={360} /> : null}
      {binding ? (
        <div className="wizard" data-step={step} data-testid="wizard">
          {step !== 'failed' ? <StepList current={step} /> : null}
          {step === 'prepare' ? (
            <Prepare
              binding={binding}
              answers={answers}
              onChange={setAnswers}
              onContinue={() => setStep('signup')}
            />
          ) : null}
          {step === 'signup' ? (
            <Signup
              binding={binding}
              sdk={sdk}
              waiting={waiting}
              exchanging={busy}
              error={error}
              onLaunch={launch}
              onRetryExchange={
                lastSignup.current && isTransient(error)
                  ? () => lastSignup.current && void exchange(lastSignup.current)
                  : null
              }
              onRestart={restart}
              onBack={() => {
                setError(null);
                setStep('prepare');
              }}
              onReloadSdk={() => setSdkAttempt((n) => n + 1)}
            />
          ) : null}
          {step === 'confirm' ? (
            <Confirm binding={binding} busy={busy} error={error} onConfirm={confirm} />
          ) : null}
          {step === 'finish' ? (
            <Finish binding={binding} busy={busy} error={error} onFinish={finish} />
          ) : null}
          {step === 'done' ? <Done binding={binding} /> : null}
          {step === 'failed' ? <Failed binding={binding} onRestart={restart} /> : null}
        </div>
      ) : null}
    </>
  );
}
