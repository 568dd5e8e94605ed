// The escalations queue: the history's escalation records with the customer's name and the branch
// they belong to (the first escalated invoice's branch, else the customer's home branch), scoped
// by franchise and by the caller's branches, newest first.
import { and, desc, eq, getTableColumns, lt, or, sql, type SQL } from "drizzle-orm";
import type { Escalation } from "../domain/dunning/cadence.ts";
import type { BranchScope } from "./branch-scope.ts";
import type { Db } from "./client.ts";
import { customers } from "./schema.ts";
import { communications } from "./schema/dunning.ts";

export interface EscalationFilter {
  before?: string | undefined;
  limit: number;
  customerId?: string | undefined;
  /** Any of these actions (empty/undefined = every escalation). */
  actions?: readonly Escalation[] | undefined;
}

const branchOf = sql<string | null>`COALESCE((SELECT i.branch_id FROM json_each(${communications.invoiceIds}) AS j JOIN invoices AS i ON i.id = j.value AND i.franchise_id = ${communications.franchiseId} ORDER BY i.due_date, i.id LIMIT 1), ${customers.homeBranchId})`;

export async function listEscalations(db: Db, franchiseId: string, scope: BranchScope, f: EscalationFilter) {
  const conditions: (SQL | undefined)[] = [eq(communications.franchiseId, franchiseId), eq(communications.kind, "escalation")];
  if (f.before) conditions.push(lt(communications.id, f.before));
  if (f.customerId) conditions.push(eq(communications.customerId, f.customerId));
  // Stored comma-joined ("formal_notice,service_hold"): match whole words only.
  if (f.actions?.length) conditions.push(or(...f.actions.map((a) => sql`(',' || ${communications.reason} || ',') LIKE ${`%,${a},%`}`)));
  if (scope) conditions.push(sql`${branchOf} IN (SELECT value FROM json_each(${JSON.stringify(scope)}))`);
  return db
    .select({ ...getTableColumns(communications), customerName: customers.name, branchId: branchOf })
    .from(communications)
    .innerJoin(customers, and(eq(customers.id, communications.customerId), eq(customers.franchiseId, communications.franchiseId)))
    .where(and(...conditions))
    .orderBy(desc(communications.id))
    .limit(f.limit + 1)
    .all();
}

export type EscalationRow = Awaited<ReturnType<typeof listEscalations>>[number];
