// CSV that is safe to open in a spreadsheet. Every CSV the product writes (exports, reports,
// downloads) MUST be built with `toCsv`/`csvCell`: a customer named `=HYPERLINK("http://evil")`
// would otherwise become a live formula in the accountant's Excel (CSV/formula injection,
// OWASP). Cells are quoted per RFC 4180 so commas, quotes and line breaks survive.

export type CsvValue = string | number | boolean | null | undefined;

/** Characters that make a spreadsheet treat a cell as a formula (or split it, for CR/tab). */
const FORMULA_TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);

/** A text cell that starts like a formula gets a leading single quote, which spreadsheets show as text. */
export function neutralizeFormula(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0]!) ? `'${text}` : text;
}

/**
 * One cell. Text is neutralized, then quoted when it holds a quote, comma or line break.
 * Typed finite numbers and booleans are ours, not user text, so they are written as is
 * (a negative amount stays a number); null and undefined are empty cells.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`a CSV cell cannot hold ${value}`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Records separated by CRLF (RFC 4180), each ending with CRLF; an optional header row first. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<CsvValue>>, header?: ReadonlyArray<string>): string {
  const all = header ? [header, ...rows] : rows;
  return all.map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}
