// The branches a request may see: null = every branch of the franchise, or a list (a branch
// manager's assignments). Every read of a branch-owned row (branches, invoices, credit notes)
// takes it, so a row outside the scope is simply not there: 404 on a read, 422 "unknown ..." when
// a body references it, filtered out of lists.
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

export type BranchScope = readonly string[] | null;

/** The condition limiting `branchColumn` to the scope (undefined when unlimited). One JSON parameter, whatever the list's length. */
export function inBranchScope(branchColumn: SQLiteColumn, scope: BranchScope | undefined): SQL | undefined {
  if (!scope) return undefined;
  return sql`${branchColumn} IN (SELECT value FROM json_each(${JSON.stringify(scope)}))`;
}
