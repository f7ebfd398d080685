import { type FormEvent, useState } from 'react';
import { adviceFor, messageOf } from '../api/advice.js';
import { ApiError, createApiClient } from '../api/client.js';
import { Icon, Spinner } from '../ui/Icon.js';
import { normaliseApiKey } from './apiKey.js';

/** Asks for the API key once; the dashboard keeps it in this browser. */
export function SignIn({ onSignIn, reason }: { onSignIn: (apiKey: string) => void; reason?: string | null }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = normaliseApiKey(value);
    if (!key) {
      setError(new Error('Paste the API key: one word, no spaces.'));
      return;
    }
    setChecking(true);
    setError(null);
    try {
      await createApiClient(key).get('/v1/numbers');
      onSignIn(key);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? new ApiError(401, 'unauthorized', 'Coexist does not know this API key.')
          : caught,
      );
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="signin" id="main">
      <div className="signin-panel">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Coexist
        </div>
        <h1>Sign in to the dashboard</h1>
        <p className="muted">
          Connect WhatsApp Business app numbers, watch their history sync, explore 180 days of chats and send
          compliant messages.
        </p>
        {reason ? (
          <p className="notice notice-warn" role="status">
            <Icon name="alert" className="notice-icon" />
            <span>{reason}</span>
          </p>
        ) : null}
        <form onSubmit={submit} className="form" noValidate>
          <div className="field">
            <label htmlFor="api-key">API key</label>
            <input
              id="api-key"
              name="api_key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={value}
              onChange={(event) => setValue(event.target.value)}
              aria-describedby="api-key-help"
              aria-invalid={error ? true : undefined}
              required
            />
            <p id="api-key-help" className="field-help">
              <code>pnpm start</code> prints a link that signs you in. Otherwise an operator creates an
              account with <code>POST /v1/admin/accounts</code>, which answers with its key. It stays in this
              browser only.
            </p>
          </div>
          {error ? (
            <div className="notice notice-bad" role="alert">
              <Icon name="alert" className="notice-icon" />
              <div className="notice-body">
                <p>{messageOf(error)}</p>
                {adviceFor(error) && !(error instanceof ApiError && error.status === 401) ? (
                  <p className="notice-advice">{adviceFor(error)}</p>
                ) : null}
              </div>
            </div>
          ) : null}
          <button type="submit" className="button button-primary" disabled={checking}>
            {checking ? <Spinner /> : <Icon name="lock" />}
            {checking ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
