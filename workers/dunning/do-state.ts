// What a CustomerDunning DO remembers between wakes, as one small value: whose it is (for its
// alarm), the cadence version its running sequence is pinned to, and the idempotency keys it
// already handed to the queue or recorded, each with when (pruned after a few days).
export interface DunningDoState {
  franchiseId: string | null;
  customerId: string | null;
  cadence: { cadenceId: string; version: number } | null;
  handled: Record<string, string>;
}

export const emptyDunningState = (): DunningDoState => ({ franchiseId: null, customerId: null, cadence: null, handled: {} });

/** The handled keys recorded at or after `since` (older ones can never be due again). */
export function pruneHandled(handled: Record<string, string>, since: string): Record<string, string> {
  return Object.fromEntries(Object.entries(handled).filter(([, at]) => at >= since));
}
