// Demo recurring agreements (issue 13): most customers still active at the anchor month have one
// for their main service, at their plan size and the branch's current price; most bill monthly,
// some quarterly or annually, a few end soon. Deterministic: each customer draws from its own
// derived stream, and agreement ids come from their own stream, so no other table changes.
import { addDays } from "../../workers/domain/dates.ts";
import type { CustomerPlan } from "./customers.ts";
import { IdMaker } from "./id-maker.ts";
import type { Random } from "./random.ts";
import { isoInstant } from "./time.ts";
import type { DataWindow } from "./window.ts";

export interface AgreementRow {
  id: string; franchise_id: string; branch_id: string; customer_id: string; service_type_id: string; description: string;
  quantity_milli: number; unit_price: number; cadence: string; start_date: string; end_date: string | null;
  version: number; created_at: string; updated_at: string;
}

/** Share of active customers with an agreement. */
export const AGREEMENT_SHARE = 0.85;

const roundTo = (value: number, unit: number) => Math.max(unit, Math.round(value / unit) * unit);

export function planAgreements(customers: readonly CustomerPlan[], window: DataWindow, rng: Random): AgreementRow[] {
  const ids = new IdMaker(rng.derive("agreements"));
  const rows: AgreementRow[] = [];
  for (const customer of customers) {
    if (customer.endMonth <= window.anchorIndex) continue; // churned
    const r = customer.rng.derive("agreement");
    if (!r.chance(AGREEMENT_SHARE)) continue;
    const service = customer.primary;
    const [min, max] = service.quantity[customer.segment];
    const quantity = roundTo(min + customer.planSize * (max - min), service.step);
    const base = service.price[customer.branch.spec.currency] * customer.branch.spec.priceLevel;
    const cadence = r.weighted([["monthly", 80], ["quarterly", 15], ["annual", 5]] as const);
    const months = cadence === "monthly" ? 1 : cadence === "quarterly" ? 3 : 12;
    // Signed on the customer's billing day in its first invoiced month (prorated first period
    // unless that is the 1st); a few end inside the next two months.
    const startDate = addDays(`${window.months[Math.max(0, customer.startMonth)]!}-01`, customer.billingDay - 1);
    const endDate = r.chance(0.05) ? addDays(window.asOfDate, r.int(10, 60)) : null;
    const createdAt = isoInstant(Math.max(customer.createdMs, Date.parse(`${startDate}T09:00:00.000Z`) - 86_400_000));
    rows.push({
      id: ids.next("agr", Date.parse(createdAt)),
      franchise_id: customer.franchise.row.id,
      branch_id: customer.branch.row.id,
      customer_id: customer.id,
      service_type_id: customer.franchise.serviceTypeIds.get(service.code)!,
      description: service.unit,
      quantity_milli: quantity * 1000,
      unit_price: roundTo(base * months, base >= 5000 ? 50 : 10),
      cadence,
      start_date: startDate,
      end_date: endDate !== null && endDate < startDate ? null : endDate,
      version: 1,
      created_at: createdAt,
      updated_at: createdAt,
    });
  }
  return rows;
}
