import { describe, expect, it, vi } from 'vitest';
import {
  API_KEY_STORAGE,
  apiKeyFromFragment,
  fragmentWithoutApiKey,
  normaliseApiKey,
  takeApiKey,
} from './apiKey.js';

function memoryStore(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => values.get(k) ?? null,
    setItem: (k: string, v: string) => void values.set(k, v),
    removeItem: (k: string) => void values.delete(k),
    values,
  };
}

describe('the API key', () => {
  it('comes from the one-click link’s fragment, which is then removed', () => {
    const store = memoryStore({ [API_KEY_STORAGE]: 'old' });
    const history = { replaceState: vi.fn() };
    const key = takeApiKey(
      { hash: '#api_key=cx_new', pathname: '/analytics', search: '?number=1' },
      history,
      store,
    );
    expect(key).toBe('cx_new');
    expect(store.values.get(API_KEY_STORAGE)).toBe('cx_new');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/analytics?number=1');
  });

  it('otherwise comes from this browser’s storage', () => {
    const history = { replaceState: vi.fn() };
    expect(
      takeApiKey({ hash: '', pathname: '/', search: '' }, history, memoryStore({ [API_KEY_STORAGE]: 'k' })),
    ).toBe('k');
    expect(takeApiKey({ hash: '#other=1', pathname: '/', search: '' }, history, memoryStore())).toBeNull();
    expect(history.replaceState).not.toHaveBeenCalled();
  });

  it('keeps other fragment parameters', () => {
    expect(apiKeyFromFragment('#x=1&api_key=abc')).toBe('abc');
    expect(fragmentWithoutApiKey('#x=1&api_key=abc')).toBe('#x=1');
    expect(apiKeyFromFragment('#api_key=')).toBeNull();
  });

  it('accepts a pasted key with or without "Bearer"', () => {
    expect(normaliseApiKey('  cx_123 ')).toBe('cx_123');
    expect(normaliseApiKey('Bearer cx_123')).toBe('cx_123');
    expect(normaliseApiKey('two words')).toBeNull();
    expect(normaliseApiKey('   ')).toBeNull();
  });
});
