// Loading data: one hook for "call the API, track loading/error, reload", and the franchise's
// branches (loaded once; every money and date format needs the branch's locale and timezone).
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import type { Branch } from "../api/types.ts";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to load again; tick is reload()
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => ({ data: s.data, error: undefined, loading: true }));
    loadRef.current(ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data, error: undefined, loading: false }),
      (error) => !ac.signal.aborted && setState({ data: undefined, error, loading: false }),
    );
    return () => ac.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export interface BranchDirectory {
  list: Branch[];
  byId: Map<string, Branch>;
}

export const BranchesContext = createContext<BranchDirectory>({ list: [], byId: new Map() });
export const useBranches = () => useContext(BranchesContext);
