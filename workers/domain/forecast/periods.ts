// Period labels as the forecast CLI reads them (`YYYY-MM`, `YYYY-MM-DD` or integers) and how a
// series continues its own labels: months add months, dates add the series' own step (a
// month-like step of 28–31 days adds calendar months, keeping month ends), integers add theirs.

export type PeriodKind = "month" | "date" | "integer";

export function periodKind(label: string): PeriodKind | undefined {
  if (/^\d{4}-\d{2}$/.test(label)) return "month";
  if (/^\d{4}-\d{2}-\d{2}$/.test(label)) return "date";
  if (/^-?\d+$/.test(label)) return "integer";
  return undefined;
}

/** A number that orders labels of one kind (months since year 0, days since epoch, the integer). */
export function periodOrdinal(label: string, kind: PeriodKind): number {
  if (kind === "integer") return Number(label);
  const y = Number(label.slice(0, 4));
  const mo = Number(label.slice(5, 7));
  if (kind === "month") return y * 12 + (mo - 1);
  return Date.UTC(y, mo - 1, Number(label.slice(8, 10))) / 86_400_000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function monthLabel(ord: number): string {
  return `${pad(Math.floor(ord / 12), 4)}-${pad((ord % 12) + 1)}`;
}

function dateLabel(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function daysInMonth(y: number, m0: number): number {
  return new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();
}

/** The next `h` labels after the series' last label, continuing its step. */
export function nextPeriods(labels: readonly string[], h: number): string[] {
  const last = labels[labels.length - 1]!;
  const kind = periodKind(last);
  if (!kind) throw new RangeError(`unrecognised period label "${last}"`);
  const ords = labels.slice(-2).map((l) => periodOrdinal(l, kind));
  const step = ords.length === 2 && ords[1]! > ords[0]! ? ords[1]! - ords[0]! : 1;
  const base = ords[ords.length - 1]!;
  if (kind === "integer") return Array.from({ length: h }, (_, i) => String(base + step * (i + 1)));
  if (kind === "month") return Array.from({ length: h }, (_, i) => monthLabel(base + step * (i + 1)));
  const monthly = step >= 28 && step <= 31;
  const yearly = step === 365 || step === 366;
  if (!monthly && !yearly) return Array.from({ length: h }, (_, i) => dateLabel(base + step * (i + 1)));
  const y = Number(last.slice(0, 4));
  const m0 = Number(last.slice(5, 7)) - 1;
  const day = Number(last.slice(8, 10));
  const endOfMonth = day === daysInMonth(y, m0);
  const every = yearly ? 12 : 1;
  return Array.from({ length: h }, (_, i) => {
    const total = y * 12 + m0 + every * (i + 1);
    const ny = Math.floor(total / 12);
    const nm = total % 12;
    const dim = daysInMonth(ny, nm);
    return `${pad(ny, 4)}-${pad(nm + 1)}-${pad(endOfMonth ? dim : Math.min(day, dim))}`;
  });
}
