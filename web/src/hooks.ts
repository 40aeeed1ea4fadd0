import { useEffect, useRef, useState } from 'preact/hooks';
import { subscribe, type HubError } from './api/client';
import { errorText } from './labels';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (and on `reload()`); keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => alive && setState({ data, error: null, loading: false }),
      (error: unknown) => alive && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      alive = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** The latest value a subscription pushed (null until the first push). */
export function useSubscription<T, V extends Record<string, unknown>>(query: string, variables: V, enabled = true): { data: T | null; error: HubError | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<HubError | null>(null);
  const key = JSON.stringify(variables);
  useEffect(() => {
    setData(null);
    setError(null);
    if (!enabled) return undefined;
    return subscribe<T, V>(query, variables, (d) => (setData(d), setError(null)), setError);
  }, [query, key, enabled]);
  return { data, error };
}

/** Calls `onEvent` for every push (for feeds and "something changed, refresh" triggers). */
export function useSubscriptionEvents<T, V extends Record<string, unknown>>(query: string, variables: V, onEvent: (data: T) => void, enabled = true): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return undefined;
    return subscribe<T, V>(query, variables, (d) => handler.current(d));
  }, [query, key, enabled]);
}

/** `fn` at most once per `ms` after the last call (refreshes triggered by bursts of events). */
export function useDebounced(fn: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  };
}

/** The current time, ticking every second (for deadline countdowns; a local clock, not a poll). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** A form's submit: busy while `fn` runs, its failure as a Chinese line in `error`. */
export function useAction(): { busy: boolean; error: string | null; setError: (e: string | null) => void; run: (fn: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
