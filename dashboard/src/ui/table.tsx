// Data tables: sortable headers (aria-sort, keyboard operable), numeric alignment, optional
// row links, and columns that step aside on a phone. Sorting orders the rows on screen; the
// sort key lives in the URL like every other view state.
import type { ReactNode } from "react";
import { navigate, useQueryState } from "../lib/router.tsx";

export interface Column<T> {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  sort?: (row: T) => string | number;
  numeric?: boolean;
  /** Hidden below 720 px wide. */
  secondary?: boolean;
}

interface Props<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  rowHref?: (row: T) => string;
  caption: string;
  /** Query-string prefix when several tables share a page. */
  sortParam?: string;
}

export function DataTable<T>({ columns, rows, rowKey, rowHref, caption, sortParam = "sort" }: Props<T>) {
  const q = useQueryState();
  const [sortKey, dir] = (q.get(sortParam) ?? "").split(":") as [string, "asc" | "desc" | undefined];
  const column = columns.find((c) => c.key === sortKey && c.sort);
  const sorted = column
    ? [...rows].sort((a, b) => {
        const x = column.sort!(a);
        const y = column.sort!(b);
        const r = x < y ? -1 : x > y ? 1 : 0;
        return dir === "desc" ? -r : r;
      })
    : rows;

  const toggle = (c: Column<T>) => {
    const next = sortKey === c.key && dir !== "desc" ? "desc" : "asc";
    q.set({ [sortParam]: `${c.key}:${next}` }, { replace: true });
  };

  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = column?.key === c.key;
              const ariaSort = active ? (dir === "desc" ? "descending" : "ascending") : c.sort ? "none" : undefined;
              return (
                <th key={c.key} scope="col" aria-sort={ariaSort} className={[c.numeric ? "num" : "", c.secondary ? "secondary" : ""].join(" ")}>
                  {c.sort ? (
                    <button type="button" className="sort" onClick={() => toggle(c)}>
                      {c.header}
                      <span className="sort-mark" aria-hidden="true">{active ? (dir === "desc" ? "↓" : "↑") : "↕"}</span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => {
            const href = rowHref?.(row);
            return (
              <tr
                key={rowKey(row)}
                className={href ? "clickable" : undefined}
                onClick={href ? (e) => { if (!(e.target as HTMLElement).closest("a,button")) navigate(href); } : undefined}
              >
                {columns.map((c) => (
                  <td key={c.key} className={[c.numeric ? "num" : "", c.secondary ? "secondary" : ""].join(" ")}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
