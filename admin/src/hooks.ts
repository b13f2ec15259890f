/** Loading state of screens: one async load, its error, and paging over `Next-Page`. */
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Api, Page } from "./api";

export interface Loaded<T> {
  value: T | undefined;
  error: unknown;
  reload: () => void;
}

/**
 * Runs `load` when `key` changes (and on reload); a stale answer never overwrites a newer one.
 * `key` must name everything `load` reads.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ key: string; value: T | undefined; error: unknown }>({ key, value: undefined, error: null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    // A reload keeps showing the current value; another key never shows the previous key's.
    setState((previous) => ({ key, value: previous.key === key ? previous.value : undefined, error: null }));
    load().then(
      (value) => current && setState({ key, value, error: null }),
      (error: unknown) => current && setState({ key, value: undefined, error }),
    );
    return () => {
      current = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const fresh = state.key === key;
  return { value: fresh ? state.value : undefined, error: fresh ? state.error : null, reload };
}

export interface Pager<T> extends Loaded<Page<T>> {
  /** 1-based number of the page shown. */
  number: number;
  next: (() => void) | null;
  previous: (() => void) | null;
}

/** One page of `path` at a time: Next follows `Next-Page`, Previous goes back to an earlier URL. */
export function usePager<T>(api: Api, path: string, query: Record<string, string | number | undefined>): Pager<T> {
  const key = `${path}?${JSON.stringify(query)}`;
  const [trail, setTrail] = useState<{ key: string; urls: string[] }>({ key, urls: [] });
  const urls = trail.key === key ? trail.urls : [];
  const url = urls[urls.length - 1];
  const loaded = useLoad(() => (url === undefined ? api.page<T>(path, query) : api.page<T>(url)), `${key}#${url ?? ""}`);
  const nextUrl = loaded.value?.next ?? null;
  return {
    ...loaded,
    number: urls.length + 1,
    next: nextUrl === null ? null : () => setTrail({ key, urls: [...urls, nextUrl] }),
    previous: urls.length === 0 ? null : () => setTrail({ key, urls: urls.slice(0, -1) }),
  };
}
