import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from './client.js';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  /** true until the first answer for the current key (later refreshes keep showing the data) */
  loading: boolean;
  reload(): void;
}

export interface ResourceOptions<T> {
  /** after each answer: milliseconds until the next refresh, or null to stop */
  refreshMs?: (data: T | undefined, error: unknown) => number | null;
}

interface State<T> {
  key: string | null;
  data: T | undefined;
  error: unknown;
  loading: boolean;
}

/**
 * Loads `key`'s data with `load`, cancelling the request when the key changes or the component
 * goes away, and refreshing on the schedule `refreshMs` gives (live progress, statuses).
 */
export function useResource<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  options: ResourceOptions<T> = {},
): Resource<T> {
  const [state, setState] = useState<State<T>>({ key, data: undefined, error: null, loading: key !== null });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const refreshRef = useRef(options.refreshMs);
  refreshRef.current = options.refreshMs;

  // a new key shows its own loading state, never the previous key's data
  if (state.key !== key) setState({ key, data: undefined, error: null, loading: key !== null });

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const run = async () => {
      let data: T | undefined;
      let error: unknown = null;
      try {
        data = await loadRef.current(controller.signal);
        if (stopped) return;
        setState({ key, data, error: null, loading: false });
      } catch (caught) {
        if (stopped || isAbort(caught)) return;
        error = caught;
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : undefined,
          error: caught,
          loading: false,
        }));
      }
      const next = refreshRef.current?.(data, error) ?? null;
      if (next !== null && !stopped) timer = setTimeout(run, next);
    };
    void run();
    return () => {
      stopped = true;
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const current = state.key === key ? state : { data: undefined, error: null, loading: key !== null };
  return { data: current.data, error: current.error, loading: current.loading, reload };
}
