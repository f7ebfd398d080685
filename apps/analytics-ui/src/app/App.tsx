import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { createApiClient } from '../api/client.js';
import { ApiProvider } from '../api/context.js';
import { API_KEY_STORAGE, takeApiKey } from '../auth/apiKey.js';
import { SignIn } from '../auth/SignIn.js';
import { NumberPage } from '../numbers/NumberPage.js';
import { NumbersPage } from '../numbers/NumbersPage.js';
import { EmptyState, Loading } from '../ui/layout.js';
import { Link, matchPath, navigate, useLocation } from './router.js';
import { Shell } from './Shell.js';

// the charts (Recharts) and the wizard load when first visited
const AnalyticsPage = lazy(() =>
  import('../analytics/AnalyticsPage.js').then((m) => ({ default: m.AnalyticsPage })),
);
const ConnectWizard = lazy(() =>
  import('../connect/ConnectWizard.js').then((m) => ({ default: m.ConnectWizard })),
);
const SendPage = lazy(() => import('../send/SendPage.js').then((m) => ({ default: m.SendPage })));

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const memoryStore = new Map<string, string>();
const fallbackStore = {
  getItem: (key: string) => memoryStore.get(key) ?? null,
  setItem: (key: string, value: string) => void memoryStore.set(key, value),
  removeItem: (key: string) => void memoryStore.delete(key),
};

export function App() {
  const store = storage() ?? fallbackStore;
  const [apiKey, setApiKey] = useState<string | null>(() =>
    takeApiKey(window.location, window.history, store),
  );
  const [signedOutReason, setSignedOutReason] = useState<string | null>(null);

  const signOut = useCallback(
    (reason: string | null) => {
      store.removeItem(API_KEY_STORAGE);
      setSignedOutReason(reason);
      setApiKey(null);
    },
    [store],
  );

  const client = useMemo(
    () =>
      apiKey
        ? createApiClient(apiKey, {
            onUnauthorized: () => signOut('The API key was refused (revoked or mistyped). Sign in again.'),
          })
        : null,
    [apiKey, signOut],
  );

  if (!client) {
    return (
      <SignIn
        reason={signedOutReason}
        onSignIn={(key) => {
          store.setItem(API_KEY_STORAGE, key);
          setSignedOutReason(null);
          setApiKey(key);
        }}
      />
    );
  }
  return (
    <ApiProvider client={client}>
      <Shell onSignOut={() => signOut(null)}>
        <Suspense fallback={<Loading label="Loading the page" height={320} />}>
          <Routes />
        </Suspense>
      </Shell>
    </ApiProvider>
  );
}

function Routes() {
  const location = useLocation();
  const { path } = location;

  useEffect(() => {
    if (path === '/' || path === '') navigate('/numbers', { replace: true });
  }, [path]);

  if (path === '/' || path === '') return null;
  if (matchPath('/numbers', path)) return <NumbersPage />;
  const number = matchPath('/numbers/:id', path);
  if (number) return <NumberPage phoneNumberId={number.id as string} />;
  if (matchPath('/connect', path)) return <ConnectWizard />;
  if (matchPath('/analytics', path)) return <AnalyticsPage />;
  if (matchPath('/send', path)) return <SendPage />;
  return (
    <EmptyState title="There is no page here." action={<Link to="/numbers">Go to your numbers</Link>}>
      <p>The address may be mistyped or from an older version of the dashboard.</p>
    </EmptyState>
  );
}
