// A customer's monthly invoices: the main service every month they are active, plus seasonal
// extras, priced per branch market with a yearly increase each January, and taxed at the rate
// in force on the issue date. Totals come from the domain's own arithmetic (computeInvoiceTotals),
// so seeded invoices add up exactly as the API would compute them.
import { addDays } from "../../workers/domain/dates.ts";
import { computeInvoiceTotals, type InvoiceTotals, type PricedLine } from "../../workers/domain/invoice-totals.ts";
import type { TaxRate } from "../../workers/domain/tax.ts";
import { DUE_IN_DAYS, type ServiceTypeSpec } from "./catalog.ts";
import type { CustomerPlan } from "./customers.ts";
import { lineTax } from "./line-tax.ts";
import type { Random } from "./random.ts";
import { calendarMonthOf, firstDayOf, lastDayOf } from "./time.ts";
import type { DataWindow } from "./window.ts";

export interface PlannedLine extends PricedLine {
  description: string;
  serviceTypeId: string;
  discountBps: number;
  discountAmount: number;
  netAmount: number;
  periodStart: string;
  periodEnd: string;
}

export interface InvoicePlan {
  customer: CustomerPlan;
  monthIndex: number;
  issueDate: string;
  dueDate: string;
  dueInDays: number;
  lines: PlannedLine[];
  totals: InvoiceTotals;
  memo: string | null;
  /** Set by numbering: position in the branch's series, its document number and the issue instant. */
  seq: number;
  number: string;
  issuedMs: number;
  id: string;
}

function roundTo(value: number, unit: number): number {
  return Math.max(unit, Math.round(value / unit) * unit);
}

/** Unit price in the branch's currency for a window month: list price × market × yearly increases. */
function unitPriceFor(service: ServiceTypeSpec, customer: CustomerPlan, window: DataWindow, monthIndex: number): number {
  const years = Number(window.months[monthIndex]!.slice(0, 4)) - Number(window.months[0]!.slice(0, 4));
  const increase = (1 + customer.franchise.spec.yearlyPriceIncreaseBps / 10_000) ** years;
  const base = service.price[customer.branch.spec.currency] * customer.branch.spec.priceLevel * increase;
  return roundTo(base, base >= 5000 ? 50 : 10);
}

/** Quantity in thousandths, on the service's step, within the segment's range. */
function quantityFor(service: ServiceTypeSpec, customer: CustomerPlan, position: number, season: number, rng: Random): number {
  const [min, max] = service.quantity[customer.segment];
  // The main service keeps the customer's plan size with a little monthly noise; extras vary freely.
  const where = position === 0 ? Math.min(1, Math.max(0, customer.planSize + rng.real(-0.1, 0.1))) : rng.next();
  let quantity = min + where * (max - min);
  if (service.seasonal) quantity *= season;
  return roundTo(quantity, service.step) * 1000;
}

function pickExtras(customer: CustomerPlan, calendarMonth: number, season: number, rng: Random): ServiceTypeSpec[] {
  const extras: ServiceTypeSpec[] = [];
  const chance = customer.franchise.spec.extraLineChance * season * season;
  for (const p of [chance, chance / 4]) {
    if (!rng.chance(p)) break;
    const options = customer.franchise.spec.serviceTypes
      .filter((st) => st !== customer.primary && !extras.includes(st))
      .map((st) => [st, st.extraWeight[calendarMonth - 1]!] as const)
      .filter(([, w]) => w > 0);
    if (options.length === 0) break;
    extras.push(rng.weighted(options));
  }
  return extras;
}

function discountFor(customer: CustomerPlan, position: number, monthIndex: number, gross: number, rng: Random): { discountBps: number; discountAmount: number } {
  if (position !== 0) return { discountBps: 0, discountAmount: 0 };
  if (customer.segment === "enterprise") return { discountBps: 1000, discountAmount: 0 };
  if (customer.segment === "smb") return { discountBps: customer.planSize > 0.7 ? 500 : 0, discountAmount: 0 };
  // New consumers get 20 % off their first month; a few loyal ones a fixed 5.00 off.
  if (!customer.existing && monthIndex === customer.startMonth) return { discountBps: 2000, discountAmount: 0 };
  return { discountBps: 0, discountAmount: gross > 5000 && rng.chance(0.03) ? 500 : 0 };
}

/** Whether an active customer skips a month (holidays, membership freezes): more often off-season. */
function skipsMonth(customer: CustomerPlan, monthIndex: number, season: number, rng: Random): boolean {
  if (monthIndex === customer.startMonth) return false;
  const base = customer.segment === "consumer" ? 0.03 + 0.3 * Math.max(0, 1 - season) : 0.01;
  return rng.chance(base);
}

export function planInvoices(customer: CustomerPlan, window: DataWindow, taxRates: readonly TaxRate[]): InvoicePlan[] {
  const rng = customer.rng.derive("invoices");
  const spec = customer.franchise.spec;
  const jurisdiction = customer.branch.spec.jurisdiction;
  const dueInDays = DUE_IN_DAYS[customer.segment];
  const plans: InvoicePlan[] = [];
  const last = Math.min(customer.endMonth, window.anchorIndex + 1);
  for (let m = customer.startMonth; m < last; m++) {
    const month = window.months[m]!;
    const issueDate = addDays(firstDayOf(month), customer.billingDay - 1);
    if (issueDate > window.asOfDate) continue;
    const calendarMonth = calendarMonthOf(month);
    const season = spec.seasonality[calendarMonth - 1]!;
    if (skipsMonth(customer, m, season, rng)) continue;

    const services = [customer.primary, ...pickExtras(customer, calendarMonth, season, rng)];
    const periodStart = firstDayOf(month);
    const periodEnd = lastDayOf(month);
    const lines: PlannedLine[] = services.map((service, position) => {
      const tax = lineTax(taxRates, jurisdiction, service.taxCategory, issueDate);
      const quantityMilli = quantityFor(service, customer, position, season, rng);
      const unitPrice = unitPriceFor(service, customer, window, m);
      return {
        description: `${service.name} (${service.unit})`,
        serviceTypeId: customer.franchise.serviceTypeIds.get(service.code)!,
        quantityMilli,
        unitPrice,
        ...discountFor(customer, position, m, (quantityMilli * unitPrice) / 1000, rng),
        taxCategory: tax.category,
        taxRatePpm: tax.ratePpm,
        netAmount: 0,
        periodStart,
        periodEnd,
      };
    });
    const totals = computeInvoiceTotals(lines);
    lines.forEach((line, i) => (line.netAmount = totals.lineNetAmounts[i]!));
    plans.push({
      customer,
      monthIndex: m,
      issueDate,
      dueDate: addDays(issueDate, dueInDays),
      dueInDays,
      lines,
      totals,
      memo: customer.segment === "enterprise" ? `PO ${4_500_000_000 + customer.ordinal * 1000 + m}` : null,
      seq: 0,
      number: "",
      issuedMs: 0,
      id: "",
    });
  }
  return plans;
}
