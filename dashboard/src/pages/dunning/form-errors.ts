// Problem+json field errors for big forms: each field asks for its exact path
// ("steps.0.templates.en.body"), and whatever no field on screen claimed is listed in a summary,
// so no message from the API is ever lost.
import { describeError, isProblem } from "../../api/problem.ts";

export function fieldErrors(problem: unknown) {
  const all: Record<string, string> = isProblem(problem) ? problem.fieldErrors : {};
  const claimed = new Set<string>();
  const at = (field: string): string | undefined => {
    claimed.add(field);
    return all[field];
  };
  /** Call after rendering the fields: the messages no field showed. */
  const unclaimed = () => Object.entries(all).filter(([f]) => !claimed.has(f));
  const general = problem && Object.keys(all).length === 0 ? describeError(problem) : null;
  return { at, unclaimed, general, count: Object.keys(all).length };
}

/** "HH:MM" ↔ minutes of the day (1440 = end of day, shown as 24:00). */
export const minutesToTime = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
export function timeToMinutes(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && v <= 1440 ? v : null;
}
