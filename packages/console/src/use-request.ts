/** Loading data from the API in a component: `{data, error, loading, reload}`. */
import { useCallback, useEffect, useState } from 'react';

/** State of a request made by {@link useRequest}. */
export interface RequestState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Runs the request again (keeps showing the old data meanwhile). */
  reload: () => void;
  /** Replaces the data locally (after a change the server answered). */
  set: (data: T) => void;
}

/** Runs `load` now and whenever `deps` change; the last answer wins. */
export function useRequest<T>(load: () => Promise<T>, deps: unknown[]): RequestState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    run().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { data, error, loading, reload: () => setTick((n) => n + 1), set: setData };
}
