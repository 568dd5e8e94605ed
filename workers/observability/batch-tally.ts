// What a consumer notes while it handles one queue batch, beyond ack/retry: outcomes per
// franchise and dead letters per queue. queues/dispatch.ts gives each batch its own env object
// carrying a tally and flushes it with the batch's report; code that runs without one (a test
// calling a consumer function directly, a request) notes nothing, at no cost.
import type { OutcomeCounts, OutcomeKind } from "./outcome-kinds.ts";

const TALLY = Symbol.for("ledgerline.batchTally");

export class BatchTally {
  readonly outcomes = new Map<string, Partial<OutcomeCounts>>();
  readonly deadLetters: Record<string, number> = {};

  outcome(franchiseId: string, kind: OutcomeKind, n = 1): void {
    const counts = this.outcomes.get(franchiseId) ?? {};
    counts[kind] = (counts[kind] ?? 0) + n;
    this.outcomes.set(franchiseId, counts);
  }

  deadLetter(queue: string): void {
    this.deadLetters[queue] = (this.deadLetters[queue] ?? 0) + 1;
  }
}

/** A copy of `env` that carries `tally` (spreading it again, e.g. `{ ...env, X }`, keeps it). */
export function withTally<E extends object>(env: E, tally: BatchTally): E {
  return { ...env, [TALLY]: tally };
}

export function tallyOf(env: object): BatchTally | undefined {
  return (env as { [TALLY]?: BatchTally })[TALLY];
}

/** Counts a business outcome for the batch being consumed, if any. */
export function noteOutcome(env: object, franchiseId: string, kind: OutcomeKind, n = 1): void {
  tallyOf(env)?.outcome(franchiseId, kind, n);
}
