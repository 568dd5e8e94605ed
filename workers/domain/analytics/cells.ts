// The rollup grain: one cell per day × branch × service type × currency. Amounts are signed
// integer minor units of the cell's currency; a cell never mixes currencies.

/** "" = no service type: invoice-level figures (gross, cash) and lines without a type. */
export const NO_SERVICE_TYPE = "";

export interface CellKey {
  day: string;
  branchId: string;
  serviceTypeId: string;
  currency: string;
}

export interface CellAmounts {
  /** Invoice totals incl. tax, on the issue date (invoice level). */
  billedGross: number;
  /** Line net amounts, on the issue date (per service type): the revenue that will be recognized. */
  billedNet: number;
  /** Credit note totals incl. tax, on their date (invoice level). */
  creditedGross: number;
  /** Credit note net, apportioned to the credited invoice's lines (per service type). */
  creditedNet: number;
  /** Net revenue recognized on the day (ratable service periods, credit reversals; may be negative). */
  recognized: number;
  /** Cash applied to invoices, on the payment date (invoice level). */
  collected: number;
  /** Customer credit applied to invoices (not cash). */
  creditApplied: number;
  /** Σ collected × days from issue to payment: avg days to pay = this / collected. */
  collectedDays: number;
  /** Σ collected × days past due at payment (0 when on time). */
  lateDays: number;
  /**
   * Change in the overdue balance: + total the day after the due date, − each settlement on
   * max(due + 1, its date). Overdue at the end of day d = Σ overdueDelta over days ≤ d.
   */
  overdueDelta: number;
  /** Invoices issued on the day (+1 each, −1 when voided; invoice level): the dispute rate's denominator. */
  invoicesIssued: number;
}

export const AMOUNT_FIELDS = [
  "billedGross",
  "billedNet",
  "creditedGross",
  "creditedNet",
  "recognized",
  "collected",
  "creditApplied",
  "collectedDays",
  "lateDays",
  "overdueDelta",
  "invoicesIssued",
] as const satisfies readonly (keyof CellAmounts)[];

export type Contribution = CellKey & Partial<CellAmounts>;

export const zeroAmounts = (): CellAmounts => ({
  billedGross: 0,
  billedNet: 0,
  creditedGross: 0,
  creditedNet: 0,
  recognized: 0,
  collected: 0,
  creditApplied: 0,
  collectedDays: 0,
  lateDays: 0,
  overdueDelta: 0,
  invoicesIssued: 0,
});

export const cellId = (k: CellKey) => `${k.day}|${k.branchId}|${k.serviceTypeId}|${k.currency}`;

/** Sums contributions into cells (dropping all-zero cells), e.g. to build rollups or one event's delta. */
export class CellAccumulator {
  readonly cells = new Map<string, CellKey & CellAmounts>();

  add(contributions: Iterable<Contribution>, sign: 1 | -1 = 1): this {
    for (const c of contributions) {
      const id = cellId(c);
      let cell = this.cells.get(id);
      if (!cell) {
        cell = { day: c.day, branchId: c.branchId, serviceTypeId: c.serviceTypeId, currency: c.currency, ...zeroAmounts() };
        this.cells.set(id, cell);
      }
      for (const f of AMOUNT_FIELDS) cell[f] += sign * (c[f] ?? 0);
    }
    return this;
  }

  nonZero(): (CellKey & CellAmounts)[] {
    return [...this.cells.values()].filter((c) => AMOUNT_FIELDS.some((f) => c[f] !== 0));
  }
}
