// D1 binds at most 100 parameters per statement. Every `IN (...)` over a caller-sized list and
// every multi-row INSERT goes through these helpers, which split the list so each statement,
// counted with ALL its bound parameters (franchise id, filters, ...), stays within the limit.
// The count is measured on the statement drizzle really builds, not guessed from column
// counts, so adding a column or a filter can never silently push a statement over.

export const D1_MAX_BOUND_PARAMS = 100;

/** Anything drizzle can render: select/insert/update builders all have toSQL(). */
interface Renderable {
  toSQL(): { params: unknown[] };
}

const paramsOf = (statement: Renderable) => statement.toSQL().params.length;

/** Items per chunk when each item binds `perItem` parameters next to `fixed` others. */
export function itemsPerStatement(perItem: number, fixed = 0, max = D1_MAX_BOUND_PARAMS): number {
  if (fixed + perItem > max) throw new Error(`one item needs ${fixed + perItem} bound parameters; D1 allows ${max}`);
  return perItem === 0 ? Number.MAX_SAFE_INTEGER : Math.floor((max - fixed) / perItem);
}

/** Splits `items` into chunks of `size`. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Builds one statement per chunk of `items`, each binding at most 100 parameters. `build` must
 * bind a fixed number of parameters plus the same number per item (an IN list, a VALUES list).
 */
export function statementsInChunks<T, S extends Renderable>(items: readonly T[], build: (chunk: T[]) => S): S[] {
  if (items.length === 0) return [];
  const first = items[0] as T;
  const one = paramsOf(build([first]));
  const perItem = items.length > 1 ? paramsOf(build([first, first])) - one : 0;
  const size = itemsPerStatement(perItem, one - perItem);
  return chunksOf(items, size).map((chunk) => {
    const statement = build(chunk);
    // Guards the per-item assumption: a builder whose count is not linear fails loudly here.
    if (paramsOf(statement) > D1_MAX_BOUND_PARAMS) throw new Error(`statement binds ${paramsOf(statement)} parameters; D1 allows ${D1_MAX_BOUND_PARAMS}`);
    return statement;
  });
}

/**
 * Runs a read whose IN list comes from `values` (child rows of a page, rows by ids) in as many
 * queries as the limit needs, one after the other, and concatenates the rows. Each value lands in
 * exactly one chunk, so an ORDER BY holds among the rows of one parent.
 */
export async function selectInChunks<T, R>(values: readonly T[], query: (chunk: T[]) => Renderable & { all(): Promise<R[]> }): Promise<R[]> {
  const rows: R[] = [];
  for (const statement of statementsInChunks([...new Set(values)], query)) rows.push(...(await statement.all()));
  return rows;
}
