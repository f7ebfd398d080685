/** Where the dashboard keeps the API key between visits (this browser only). */
export const API_KEY_STORAGE = 'coexist.apiKey';

/**
 * `pnpm start` prints a one-click link `…/#api_key=<key>`: the key in the fragment never reaches
 * a server log. Returns the key from a fragment, or null.
 */
export function apiKeyFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const key = params.get('api_key')?.trim();
  return key ? key : null;
}

/** The fragment without `api_key`, so the key does not stay in the address bar or history. */
export function fragmentWithoutApiKey(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete('api_key');
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}

export interface KeyStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The key to start with: a fragment's wins (and is saved), then the saved one. The fragment is
 * removed from the address either way.
 */
export function takeApiKey(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  history: Pick<History, 'replaceState'>,
  store: KeyStore,
): string | null {
  const fromFragment = apiKeyFromFragment(location.hash);
  if (fromFragment) {
    store.setItem(API_KEY_STORAGE, fromFragment);
    history.replaceState(
      null,
      '',
      `${location.pathname}${location.search}${fragmentWithoutApiKey(location.hash)}`,
    );
    return fromFragment;
  }
  return store.getItem(API_KEY_STORAGE);
}

/** Keys look like `cx_…` but any non-blank token is tried: the API decides. */
export function normaliseApiKey(input: string): string | null {
  const key = input.trim().replace(/^Bearer\s+/i, '');
  return key.length > 0 && !/\s/.test(key) ? key : null;
}
