// One user action in flight: busy while it runs, the problem it ended with (problem+json errors
// keep their field names so forms can show them next to the field), cleared on the next run.
import { useState } from "react";
import { describeError, isProblem } from "../api/problem.ts";

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await fn();
    } catch (e) {
      setProblem(e);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (...names: string[]) => {
    if (!isProblem(problem)) return undefined;
    for (const n of names) for (const [f, m] of Object.entries(problem.fieldErrors)) if (f === n || f.startsWith(`${n}.`) || f.endsWith(`.${n}`)) return m;
    return undefined;
  };
  const generalError = problem && (!isProblem(problem) || Object.keys(problem.fieldErrors).length === 0) ? describeError(problem) : null;
  return { busy, problem, run, fieldError, generalError, reset: () => setProblem(null) };
}
