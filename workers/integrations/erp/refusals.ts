// When an ERP refuses the connection itself (Xero or QBO answering invalid_grant to our refresh
// token, or 401/403 to a freshly refreshed one), no record can sync until an administrator
// reconnects. Like NetSuite's (../netsuite/refusal.ts), the first refusal in a pass is answered
// to every later call of that pass without asking the ERP again, and the connection is then
// marked reconnect_required: the Integrations page shows its Reconnect card and the queue
// consumer stops sending its records instead of each one failing on its own.
import type { Db } from "../../db/client.ts";
import { updateConnection, type ErpConnectionRow } from "../../db/erp.ts";
import type { SyncFailure } from "../../domain/erp/xero-errors.ts";

type Refusable = { ok: true } | { ok: false; failure: { class: string } };

/** Wraps every method of `client`: after one reconnect_required answer, all later calls get it too. */
export function watchingRefusals<C extends object>(client: C): { client: C; refusal(): SyncFailure | null } {
  let refused: SyncFailure | null = null;
  const wrapped = new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        if (refused) return { ok: false, failure: refused };
        const result = (await (value as (...a: unknown[]) => Promise<Refusable>).apply(target, args)) as Refusable;
        if (!result.ok && result.failure.class === "reconnect_required") refused = result.failure as SyncFailure;
        return result;
      };
    },
  });
  return { client: wrapped, refusal: () => refused };
}

/** Runs one connector pass with a watched client; a refusal seen in it marks the connection. */
export async function withRefusalWatch<C extends object, T>(db: Db, connection: ErpConnectionRow, client: C, pass: (client: C) => Promise<T>, now: () => number = Date.now): Promise<T> {
  const watched = watchingRefusals(client);
  const result = await pass(watched.client);
  if (watched.refusal()) await updateConnection(db, connection.franchiseId, connection.id, { status: "reconnect_required", updatedAt: new Date(now()).toISOString() }).run();
  return result;
}
