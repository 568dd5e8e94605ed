// What a franchise maps between Ledgerline and its ERP: each (jurisdiction, tax category, rate)
// to a tax code, each service type to a revenue account, each currency to one the ERP has
// enabled. A missing entry is an error that names what to map and where, never a guess: a wrong
// tax code makes a wrong invoice in the franchise's books.
import { DomainError } from "../errors.ts";

export type MappingKind = "tax" | "account" | "currency";

export interface MappingEntry {
  kind: MappingKind;
  /** tax: "<jurisdiction>:<category>:<ratePpm>"; account: a service type id or "default"; currency: ISO code. */
  localKey: string;
  remoteCode: string;
}

export interface MappingTable {
  tax: ReadonlyMap<string, string>;
  account: ReadonlyMap<string, string>;
  currency: ReadonlyMap<string, string>;
}

export function mappingTable(entries: readonly MappingEntry[]): MappingTable {
  const by = (kind: MappingKind) => new Map(entries.filter((e) => e.kind === kind).map((e) => [e.localKey, e.remoteCode]));
  return { tax: by("tax"), account: by("account"), currency: by("currency") };
}

export const taxKey = (jurisdiction: string, category: string, ratePpm: number) => `${jurisdiction}:${category}:${ratePpm}`;

/** Rate in ppm as a person reads it: 210000 → "21%". */
export const percentOf = (ratePpm: number) => `${Number((ratePpm / 10_000).toFixed(4))}%`;

/** A mapping that is missing: permanent until someone maps it, so never retried blindly. */
export class MissingMapping extends DomainError {
  readonly mappingKind: MappingKind;
  readonly localKey: string;
  readonly fix: string;
  constructor(kind: MappingKind, localKey: string, fix: string) {
    super("validation", `erp_mapping_missing_${kind}`, fix, [{ field: `mappings.${kind}.${localKey}`, message: fix }]);
    this.mappingKind = kind;
    this.localKey = localKey;
    this.fix = fix;
  }
}

export function requireTaxCode(table: MappingTable, jurisdiction: string, category: string, ratePpm: number, provider: string): string {
  const key = taxKey(jurisdiction, category, ratePpm);
  const code = table.tax.get(key);
  if (code === undefined) throw new MissingMapping("tax", key, `Tax rate ${jurisdiction} ${category.replace(/_/g, "-")} ${percentOf(ratePpm)} has no ${provider} tax code: map it under Integrations → Tax, then retry.`);
  return code;
}

/** The bank account payments are recorded against in the ERP (mapping kind "account", key "payments"). */
export function requirePaymentAccount(table: MappingTable, provider: string): string {
  const code = table.account.get("payments");
  if (code === undefined) throw new MissingMapping("account", "payments", `Payments have no ${provider} bank account to be recorded against: map one under Integrations → Accounts, then retry.`);
  return code;
}

export function requireAccount(table: MappingTable, serviceTypeId: string | null, provider: string): string {
  const code = (serviceTypeId !== null ? table.account.get(serviceTypeId) : undefined) ?? table.account.get("default");
  if (code === undefined) throw new MissingMapping("account", serviceTypeId ?? "default", `${serviceTypeId ? `Service type ${serviceTypeId}` : "Lines without a service type"} ha${serviceTypeId ? "s" : "ve"} no ${provider} revenue account: map it (or a default account) under Integrations → Accounts, then retry.`);
  return code;
}

/** Currencies map to themselves unless the table says otherwise, but must be enabled in the ERP. */
export function requireCurrency(table: MappingTable, currency: string, enabled: ReadonlySet<string>, provider: string): string {
  const code = table.currency.get(currency) ?? currency;
  if (!enabled.has(code)) throw new MissingMapping("currency", currency, `Currency ${currency} is not enabled in ${provider}: enable it there, or map it under Integrations → Currencies, then retry.`);
  return code;
}
