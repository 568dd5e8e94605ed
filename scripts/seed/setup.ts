// Reference rows every other table points at: franchises, their branches and service types,
// and the tax-rate table. Franchises and most branches predate the window; some branches open
// during it, which gives the analytics a real "new branch ramping up" to find.
import { addDays } from "../../workers/domain/dates.ts";
import type { TaxRate } from "../../workers/domain/tax.ts";
import { FRANCHISE_SPECS, type BranchSpec, type FranchiseSpec } from "./catalog.ts";
import type { IdMaker } from "./id-maker.ts";
import type { Random } from "./random.ts";
import type { BranchRow, FranchiseRow, ServiceTypeRow, TaxRateRow } from "./rows.ts";
import { TAX_RATE_FACTS } from "./tax-rates.ts";
import { companyTaxId } from "./tax-ids.ts";
import { firstDayOf, isoInstant, localTimeToUtcMs } from "./time.ts";
import type { DataWindow } from "./window.ts";

export interface BranchContext {
  spec: BranchSpec;
  row: BranchRow;
  /** First month index (in the window) the branch can invoice. */
  openMonthIndex: number;
}

export interface FranchiseContext {
  index: number;
  spec: FranchiseSpec;
  row: FranchiseRow;
  branches: BranchContext[];
  serviceTypeIds: ReadonlyMap<string, string>;
}

export interface Setup {
  franchises: FranchiseContext[];
  taxRates: TaxRate[];
  rows: { franchises: FranchiseRow[]; branches: BranchRow[]; service_types: ServiceTypeRow[]; tax_rates: TaxRateRow[] };
}

/** The company form each branch's legal entity has in its country. */
const LEGAL_FORM: Record<BranchSpec["taxIdKind"], string> = { ES: "S.L.", GB: "Ltd", US: "LLC" };

/** A full E.164 number on the branch's first prefix, without drawing from the random streams. */
function branchPhone(prefix: string, kind: BranchSpec["taxIdKind"], index: number): string {
  const length = kind === "GB" ? 13 : 12;
  return prefix + String(100 + index).padStart(length - prefix.length, "0");
}

/** When the platform (and the first franchise) was set up: well before any customer. */
export const setupDate = (window: DataWindow): string => addDays(window.startDate, -1500);

export function buildSetup(window: DataWindow, rng: Random, ids: IdMaker): Setup {
  const platformMs = Date.parse(`${setupDate(window)}T10:00:00.000Z`);
  const rows: Setup["rows"] = { franchises: [], branches: [], service_types: [], tax_rates: [] };

  const taxRates: TaxRate[] = [];
  for (const fact of TAX_RATE_FACTS) {
    rows.tax_rates.push({
      id: ids.next("tax", Date.parse(`${fact.from}T00:00:00.000Z`)),
      jurisdiction: fact.jurisdiction,
      category: fact.category,
      rate_ppm: fact.ratePpm,
      effective_from: fact.from,
      effective_to: fact.to,
      source: fact.source,
      created_at: isoInstant(platformMs),
    });
    taxRates.push({ jurisdiction: fact.jurisdiction, category: fact.category, ratePpm: fact.ratePpm, effectiveFrom: fact.from, effectiveTo: fact.to });
  }

  const franchises = FRANCHISE_SPECS.map((spec, index): FranchiseContext => {
    const frng = rng.derive("franchise", spec.key);
    const createdMs = platformMs + index * 21 * 86_400_000;
    const row: FranchiseRow = { id: ids.next("fr", createdMs), name: spec.name, created_at: isoInstant(createdMs) };
    rows.franchises.push(row);

    const serviceTypeIds = new Map<string, string>();
    for (const st of spec.serviceTypes) {
      const id = ids.next("st", createdMs + 3_600_000);
      serviceTypeIds.set(st.code, id);
      rows.service_types.push({
        id,
        franchise_id: row.id,
        code: st.code,
        name: st.name,
        default_tax_category: st.taxCategory,
        cost_rate_bps: st.costRateBps,
        created_at: isoInstant(createdMs + 3_600_000),
      });
    }

    const branches = spec.branches.map((b, bi): BranchContext => {
      const openMonthIndex = b.opensAt === null ? 0 : Math.max(1, Math.round(b.opensAt * window.anchorIndex));
      const openedOn = b.opensAt === null ? addDays(row.created_at.slice(0, 10), 30 + bi * 75) : addDays(firstDayOf(window.months[openMonthIndex]!), -45);
      const branchMs = localTimeToUtcMs(openedOn, 9 * 60, b.timezone);
      const branchRow: BranchRow = {
        id: ids.next("br", branchMs),
        franchise_id: row.id,
        code: b.code,
        name: b.name,
        timezone: b.timezone,
        currency: b.currency,
        jurisdiction: b.jurisdiction,
        tax_id: companyTaxId(frng, b.taxIdKind, "B", b.provinceCode ?? "28"),
        address: JSON.stringify(b.address),
        legal_name: `${b.name} ${LEGAL_FORM[b.taxIdKind]}`,
        contact_email: `${b.code.toLowerCase()}@${spec.domain}.example`,
        contact_phone: branchPhone(b.phonePrefixes[0]!, b.taxIdKind, bi),
        created_at: isoInstant(branchMs),
      };
      rows.branches.push(branchRow);
      return { spec: b, row: branchRow, openMonthIndex };
    });
    return { index, spec, row, branches, serviceTypeIds };
  });
  return { franchises, taxRates, rows };
}
