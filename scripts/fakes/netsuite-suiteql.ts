// The fake NetSuite's SuiteQL: just enough of the language for what a connector asks of it
// (SELECT columns, TO_CHAR(...) AS alias, WHERE conditions joined by AND with =, IN, <, <=, >,
// >= and TO_TIMESTAMP('…', 'YYYY-MM-DD HH24:MI:SS'), ORDER BY). Anything else is refused with
// NetSuite's error shape, so a connector that drifts from what the fake understands finds out.
export type Row = Record<string, string | number | null>;

export class SuiteQlError extends Error {}

function splitTopLevel(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (depth === 0) {
      const rest = text.slice(i);
      const m = separator.exec(rest);
      if (m && m.index === 0) {
        parts.push(text.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function literal(token: string): string | number {
  const t = token.trim();
  const ts = /^TO_TIMESTAMP\(\s*'([^']*)'\s*,\s*'YYYY-MM-DD HH24:MI:SS'\s*\)$/i.exec(t);
  if (ts) return ts[1]!;
  const quoted = /^'([^']*)'$/.exec(t);
  if (quoted) return quoted[1]!;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new SuiteQlError(`Invalid search query. Unsupported literal ${t.slice(0, 40)}`);
}

type Column = { alias: string; value: (r: Row) => string | number | null };

function column(expr: string): Column {
  const toChar = /^TO_CHAR\(\s*(\w+)\s*,\s*'YYYY-MM-DD HH24:MI:SS'\s*\)\s+AS\s+(\w+)$/i.exec(expr);
  if (toChar) return { alias: toChar[2]!.toLowerCase(), value: (r) => r[toChar[1]!.toLowerCase()] ?? null };
  const plain = /^(\w+)(?:\s+AS\s+(\w+))?$/i.exec(expr);
  if (!plain) throw new SuiteQlError(`Invalid search query. Unsupported column ${expr.slice(0, 40)}`);
  const name = plain[1]!.toLowerCase();
  return { alias: (plain[2] ?? name).toLowerCase(), value: (r) => (name in r ? r[name]! : null) };
}

function condition(expr: string): (r: Row) => boolean {
  const inList = /^(\w+)\s+IN\s*\((.*)\)$/is.exec(expr);
  if (inList) {
    const values = splitTopLevel(inList[2]!, /,/).map(literal).map(String);
    const name = inList[1]!.toLowerCase();
    return (r) => values.includes(String(r[name]));
  }
  const cmp = /^(\w+)\s*(>=|<=|=|>|<|!=)\s*(.+)$/s.exec(expr);
  if (!cmp) throw new SuiteQlError(`Invalid search query. Unsupported condition ${expr.slice(0, 60)}`);
  const name = cmp[1]!.toLowerCase();
  const value = literal(cmp[3]!);
  return (r) => {
    const v = r[name];
    if (v === null || v === undefined) return false;
    const a = typeof value === "number" ? Number(v) : String(v);
    switch (cmp[2]) {
      case "=":
        return a === value;
      case "!=":
        return a !== value;
      case ">":
        return a > value;
      case ">=":
        return a >= value;
      case "<":
        return a < value;
      default:
        return a <= value;
    }
  };
}

/** Runs one query over the fake's tables; returns every matching row (the caller pages). */
export function runSuiteQl(q: string, tables: Record<string, Row[]>): Row[] {
  const text = q.replace(/\s+/g, " ").trim();
  const m = /^SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY (.+))?$/i.exec(text);
  if (!m) throw new SuiteQlError("Invalid search query. Detailed unprocessed description follows. Search error occurred: Invalid or unsupported search.");
  const table = tables[m[2]!.toLowerCase()];
  if (!table) throw new SuiteQlError(`Invalid search query. Record '${m[2]}' was not found.`);
  const columns = m[1]!.trim() === "*" ? null : splitTopLevel(m[1]!, /,/).map(column);
  const where = m[3] ? splitTopLevel(m[3], / AND /i).map(condition) : [];
  let rows = table.filter((r) => where.every((c) => c(r)));
  if (m[4]) {
    const order = splitTopLevel(m[4], /,/).map((o) => {
      const [name, dir] = o.split(/\s+/);
      return { name: name!.toLowerCase(), desc: /^desc$/i.test(dir ?? "") };
    });
    rows = [...rows].sort((a, b) => {
      for (const o of order) {
        const x = a[o.name] ?? "";
        const y = b[o.name] ?? "";
        const numeric = /^-?\d+(\.\d+)?$/.test(String(x)) && /^-?\d+(\.\d+)?$/.test(String(y));
        const c = numeric ? Number(x) - Number(y) : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
  }
  return columns ? rows.map((r) => Object.fromEntries(columns.map((c) => [c.alias, c.value(r)]))) : rows;
}
