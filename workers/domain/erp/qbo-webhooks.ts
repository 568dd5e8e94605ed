// Intuit's webhook payloads, both formats (NOTES.md Q15): the legacy
// { eventNotifications: [{ realmId, dataChangeEvent: { entities: [{ name, id, operation, lastUpdated }] } }] }
// and the CloudEvents-style array announced on 2025-11-12
// [{ specversion, id, type: "qbo.invoice.updated.v1", time, intuitaccountid, intuitentityid, … }].
// Both become the same notifications; anything unrecognised is skipped, never thrown on (a
// signed body Intuit would otherwise retry for days). Field names of the new format are [U].
export interface QboNotification {
  realmId: string;
  entity: string;
  id: string;
  operation: string;
  at: string;
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const OPERATIONS: Record<string, string> = { created: "Create", updated: "Update", deleted: "Delete", voided: "Void", merged: "Merge", emailed: "Emailed" };
const ENTITIES: Record<string, string> = { invoice: "Invoice", creditmemo: "CreditMemo", payment: "Payment", customer: "Customer" };

export function parseQboNotifications(payload: unknown): QboNotification[] {
  if (Array.isArray(payload)) {
    return payload.flatMap((e) => {
      const event = obj(e);
      const m = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(str(event.type));
      const realmId = str(event.intuitaccountid ?? event.realmid);
      const id = str(event.intuitentityid ?? obj(event.data).id);
      if (!m || !realmId || !id) return [];
      return [{ realmId, entity: ENTITIES[m[1]!.toLowerCase()] ?? capital(m[1]!), id, operation: OPERATIONS[m[2]!.toLowerCase()] ?? capital(m[2]!), at: str(event.time) }];
    });
  }
  const notifications = obj(payload).eventNotifications;
  if (!Array.isArray(notifications)) return [];
  return notifications.flatMap((n) => {
    const realmId = str(obj(n).realmId);
    const entities = obj(obj(n).dataChangeEvent).entities;
    if (!realmId || !Array.isArray(entities)) return [];
    return entities.flatMap((x) => {
      const e = obj(x);
      return str(e.name) && str(e.id) ? [{ realmId, entity: str(e.name), id: str(e.id), operation: str(e.operation), at: str(e.lastUpdated) }] : [];
    });
  });
}

/**
 * Three-way comparison against the last synced state: only fields the ERP changed since the last
 * sync AND that differ from ours now are conflicts (a change we made ourselves, e.g. a payment we
 * synced, is not). Ledgerline owns amounts and status, so none is applied silently.
 */
export function remoteChanges<T extends Record<string, unknown>>(base: T, theirs: T, ours: T): Array<keyof T> {
  return (Object.keys(base) as Array<keyof T>).filter((f) => theirs[f] !== base[f] && theirs[f] !== ours[f]);
}

/** Where a CDC pass resumes: its start, unless QBO's 1,000-object cap cut it short (then the newest change seen). */
export function nextChangedSince(startedAt: string, returned: number, newestSeen: string | null): string {
  return returned >= 1000 && newestSeen ? newestSeen : startedAt;
}
