// The demo-data generator (scripts/seed): deterministic, structurally complete, arithmetically
// identical to the domain, acceptable to the database triggers, and showing every hidden
// payment behaviour in the data.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../workers/domain/dates.ts";
import { formatDocumentNumber } from "../../workers/domain/document-number.ts";
import { computeInvoiceTotals } from "../../workers/domain/invoice-totals.ts";
import { isCountryCode } from "../../workers/domain/postal-address.ts";
import { isTaxCategory, rateInForce, type TaxCategory } from "../../workers/domain/tax.ts";
import { cadenceIssues } from "../../workers/domain/dunning/cadence.ts";
import { generateDemoData, type DemoData } from "../../scripts/seed/generate.ts";
import { MAX_ROWS_PER_STATEMENT, sqlLiteral, toSqlFile, toSqlStatements } from "../../scripts/seed/sql.ts";

const ANCHOR = "2026-11";
const AS_OF = "2026-11-01";
const SMALL = { anchorMonth: ANCHOR, customersPerFranchise: [60, 40], seed: 7 };
const REPO = new URL("../..", import.meta.url).pathname;

let data: DemoData;
beforeAll(async () => {
  data = await generateDemoData(SMALL);
});

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Spanish company NIF check, written independently of the generator. */
function isValidSpanishCompanyNif(nif: string): boolean {
  const m = /^([ABCDEFGHJNPQRSUVW])(\d{7})([0-9A-J])$/.exec(nif);
  if (!m) return false;
  const d = m[2]!.split("").map(Number);
  const even = d[1]! + d[3]! + d[5]!;
  const odd = [d[0]!, d[2]!, d[4]!, d[6]!].reduce((s, x) => s + Math.floor((2 * x) / 10) + ((2 * x) % 10), 0);
  const control = (10 - ((even + odd) % 10)) % 10;
  return m[3] === String(control) || m[3] === "JABCDEFGHI"[control];
}

function isValidSpanishPersonalNif(nif: string): boolean {
  const m = /^(\d{8})([A-Z])$/.exec(nif);
  return m !== null && "TRWAGMYFPDXBNJZSQVHLCKE"[Number(m[1]) % 23] === m[2];
}

interface Balance {
  total: number;
  paid: number;
  credited: number;
  status: string;
}

/**
 * Replays credit notes and allocations in SQL insert order with the rules of the triggers in
 * migrations/0001_invariants.sql; throws on anything they would abort.
 */
function simulateSettlement(d: DemoData): Map<string, Balance> {
  const invoices = new Map(d.invoices.map((i) => [i.id, i]));
  const balances = new Map<string, Balance>(d.invoices.map((i) => [i.id, { total: i.total, paid: 0, credited: 0, status: i.status }]));
  const settle = (b: Balance) => (b.status = b.paid + b.credited === b.total ? "paid" : "partially_paid");
  const isOpen = (b: Balance) => b.status === "issued" || b.status === "partially_paid";
  for (const cn of d.credit_notes) {
    const inv = invoices.get(cn.invoice_id)!;
    const b = balances.get(cn.invoice_id)!;
    if (!isOpen(b) || inv.customer_id !== cn.customer_id || inv.currency !== cn.currency || inv.franchise_id !== cn.franchise_id) throw new Error(`credit note ${cn.id}: invoice_not_open`);
    if (cn.total <= 0 || cn.total > b.total - b.paid - b.credited) throw new Error(`credit note ${cn.id} exceeds the open balance`);
    b.credited += cn.total;
    settle(b);
  }
  const payments = new Map(d.payments.map((p) => [p.id, { ...p, allocated: 0 }]));
  for (const a of d.payment_allocations) {
    const inv = invoices.get(a.invoice_id)!;
    const b = balances.get(a.invoice_id)!;
    const p = payments.get(a.payment_id)!;
    if (!isOpen(b) || inv.franchise_id !== a.franchise_id) throw new Error(`allocation ${a.id}: invoice_not_open`);
    if (p.currency !== inv.currency || p.customer_id !== inv.customer_id || p.franchise_id !== a.franchise_id) throw new Error(`allocation ${a.id}: allocation_mismatch`);
    if (p.allocated + a.amount > p.amount) throw new Error(`allocation ${a.id}: payment_over_allocated`);
    if (a.amount <= 0 || b.paid + b.credited + a.amount > b.total) throw new Error(`allocation ${a.id} exceeds the invoice balance`);
    p.allocated += a.amount;
    b.paid += a.amount;
    settle(b);
  }
  return balances;
}

describe("seed generator: determinism", () => {
  it("gives identical SQL for the same options and different SQL for another seed", async () => {
    const again = await generateDemoData(SMALL);
    expect(toSqlFile(again)).toBe(toSqlFile(data));
    expect(again.credentials).toEqual(data.credentials);
    const other = await generateDemoData({ ...SMALL, seed: 8 });
    expect(toSqlFile(other)).not.toBe(toSqlFile(data));
  });

  it("keeps generate/sql/random free of Node modules and clocks so they run in workerd", () => {
    const dir = join(REPO, "scripts/seed");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "cli.ts")) {
      const source = readFileSync(join(dir, file), "utf8").replace(/\/\/.*$/gm, ""); // code only, not comments
      expect(source, file).not.toMatch(/from\s+["']node:/);
      expect(source, file).not.toMatch(/Math\.random|Date\.now|new Date\(\)/);
    }
  });
});

describe("seed generator: structure", () => {
  it("has franchises, 12 branches over 3+ timezones and 2+ currencies, and a valid Spanish branch", () => {
    expect(data.franchises.length).toBeGreaterThanOrEqual(2);
    expect(data.branches).toHaveLength(12);
    expect(new Set(data.branches.map((b) => b.timezone)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(data.branches.map((b) => b.currency)).size).toBeGreaterThanOrEqual(2);
    for (const f of data.franchises) {
      const codes = data.branches.filter((b) => b.franchise_id === f.id).map((b) => b.code);
      expect(new Set(codes).size).toBe(codes.length);
    }
    const spanish = data.branches.filter((b) => b.jurisdiction === "ES");
    expect(spanish.length).toBeGreaterThan(0);
    for (const b of spanish) {
      expect(b).toMatchObject({ currency: "EUR", timezone: "Europe/Madrid" });
      expect(isValidSpanishCompanyNif(b.tax_id!), b.tax_id!).toBe(true);
    }
    expect(isValidSpanishCompanyNif("B28132198")).toBe(false); // the checker itself rejects a wrong control digit
  });

  it("has 6 service types per franchise with varied cost rates and valid tax categories", () => {
    for (const f of data.franchises) {
      const types = data.service_types.filter((s) => s.franchise_id === f.id);
      expect(types).toHaveLength(6);
      expect(new Set(types.map((t) => t.cost_rate_bps)).size).toBe(6);
      for (const t of types) {
        expect(isTaxCategory(t.default_tax_category)).toBe(true);
        expect(t.cost_rate_bps).toBeGreaterThanOrEqual(2000);
        expect(t.cost_rate_bps).toBeLessThanOrEqual(8000);
      }
    }
  });

  it("has real tax rates with sources, half-open and non-overlapping per jurisdiction and category", () => {
    const rate = (j: string, c: string, date: string) => rateInForce(data.tax_rates.map((r) => ({ jurisdiction: r.jurisdiction, category: r.category, ratePpm: r.rate_ppm, effectiveFrom: r.effective_from, effectiveTo: r.effective_to })), j, c as TaxCategory, date);
    expect([rate("ES", "standard", AS_OF), rate("ES", "reduced", AS_OF), rate("ES", "super_reduced", AS_OF)]).toEqual([210_000, 100_000, 40_000]);
    expect([rate("GB", "standard", AS_OF), rate("GB", "reduced", AS_OF)]).toEqual([200_000, 50_000]);
    expect([rate("US-NY", "standard", AS_OF), rate("US-IL", "standard", AS_OF), rate("US-CA", "standard", AS_OF)]).toEqual([40_000, 62_500, 72_500]);
    expect(rate("ES", "standard", "2012-08-31")).toBe(180_000);
    for (const r of data.tax_rates) expect(r.source.length).toBeGreaterThan(10);
    for (const rows of groupBy(data.tax_rates, (r) => `${r.jurisdiction}/${r.category}`).values()) {
      const sorted = [...rows].sort((a, b) => a.effective_from.localeCompare(b.effective_from));
      sorted.slice(1).forEach((r, i) => expect(sorted[i]!.effective_to).toBe(r.effective_from));
      expect(sorted.at(-1)!.effective_to).toBeNull();
    }
  });

  it("has the requested customers, each with a home branch of its franchise and channels", () => {
    expect(data.customers).toHaveLength(100);
    const branches = new Map(data.branches.map((b) => [b.id, b]));
    for (const c of data.customers) {
      const home = branches.get(c.home_branch_id!)!;
      expect(home.franchise_id).toBe(c.franchise_id);
      expect(["consumer", "smb", "enterprise"]).toContain(c.segment);
      if (c.tax_id && home.currency === "EUR") expect(isValidSpanishCompanyNif(c.tax_id) || isValidSpanishPersonalNif(c.tax_id), c.tax_id).toBe(true);
    }
    const spanishLanguages = data.customers.filter((c) => branches.get(c.home_branch_id!)!.jurisdiction === "ES").map((c) => c.language);
    expect(spanishLanguages.filter((l) => l === "es").length).toBeGreaterThan(spanishLanguages.length / 2);
    expect(new Set(data.customer_channels.map((c) => c.channel))).toEqual(new Set(["email", "sms", "whatsapp"]));
    expect(new Set(data.customer_channels.map((c) => c.consent))).toEqual(new Set(["granted", "not_given"]));
    expect(data.customer_channels.some((c) => c.opted_out_at !== null)).toBe(true);
    for (const ch of data.customer_channels) expect(ch.consent === "granted").toBe(ch.consent_at !== null);
  });

  // Its speed target (under 15 s) is measured by `npm run bench -- seed`, not asserted here.
  it("generates the default data set (2,000 customers, 40-60k invoices)", async () => {
    const full = await generateDemoData({ anchorMonth: ANCHOR });
    const sql = toSqlFile(full);
    expect(full.customers).toHaveLength(2000);
    expect(full.invoices.length).toBeGreaterThanOrEqual(40_000);
    expect(full.invoices.length).toBeLessThanOrEqual(60_000);
    expect(sql.length).toBeGreaterThan(0);
  });
});

describe("seed generator: parties", () => {
  it("gives branches a legal entity with a structured address and customers a postal address", () => {
    for (const b of data.branches) {
      const address = JSON.parse(b.address!);
      expect(address.line1 && address.city && address.postalCode, b.code).toBeTruthy();
      expect(isCountryCode(address.countryCode), b.code).toBe(true);
      expect(address.countryCode).toBe(b.jurisdiction.slice(0, 2));
      expect(b.legal_name).toMatch(/ (S\.L\.|Ltd|LLC)$/);
      expect(b.contact_phone).toMatch(/^\+[1-9]\d{10,12}$/);
    }
    for (const c of data.customers) expect(isCountryCode(JSON.parse(c.address!).countryCode)).toBe(true);
  });
});

describe("seed generator: invoices", () => {
  it("numbers invoices and credit notes 1..N per branch in date order, with the domain's format", () => {
    const branches = new Map(data.branches.map((b) => [b.id, b]));
    for (const [branchId, rows] of groupBy(data.invoices, (i) => i.branch_id)) {
      const sorted = [...rows].sort((a, b) => a.seq - b.seq);
      sorted.forEach((inv, i) => {
        expect(inv.seq).toBe(i + 1);
        expect(inv.number).toBe(formatDocumentNumber(branches.get(branchId)!.code, "invoice", inv.seq));
        if (i > 0) {
          expect(inv.issue_date >= sorted[i - 1]!.issue_date).toBe(true);
          expect(inv.issued_at > sorted[i - 1]!.issued_at).toBe(true);
          expect(inv.id > sorted[i - 1]!.id).toBe(true);
        }
      });
    }
    for (const [branchId, rows] of groupBy(data.credit_notes, (c) => c.branch_id)) {
      const sorted = [...rows].sort((a, b) => a.seq - b.seq);
      sorted.forEach((cn, i) => {
        expect(cn.seq).toBe(i + 1);
        expect(cn.number).toBe(formatDocumentNumber(branches.get(branchId)!.code, "credit_note", cn.seq));
        if (i > 0) expect(cn.issue_date >= sorted[i - 1]!.issue_date).toBe(true);
      });
    }
  });

  it("has totals equal to computeInvoiceTotals of the lines, taxed at the rate in force on the issue date", () => {
    const rates = data.tax_rates.map((r) => ({ jurisdiction: r.jurisdiction, category: r.category, ratePpm: r.rate_ppm, effectiveFrom: r.effective_from, effectiveTo: r.effective_to }));
    const branches = new Map(data.branches.map((b) => [b.id, b]));
    const lines = groupBy(data.invoice_lines, (l) => l.invoice_id);
    for (const inv of data.invoices) {
      const own = (lines.get(inv.id) ?? []).sort((a, b) => a.position - b.position);
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(3);
      const totals = computeInvoiceTotals(own.map((l) => ({ quantityMilli: l.quantity_milli, unitPrice: l.unit_price, discountBps: l.discount_bps, discountAmount: l.discount_amount, taxCategory: l.tax_category as TaxCategory, taxRatePpm: l.tax_rate_ppm })));
      expect([inv.subtotal, inv.tax_total, inv.total]).toEqual([totals.subtotal, totals.taxTotal, totals.total]);
      expect(JSON.parse(inv.tax_breakdown)).toEqual(totals.taxBreakdown);
      expect(own.map((l) => l.net_amount)).toEqual(totals.lineNetAmounts);
      const jurisdiction = branches.get(inv.branch_id)!.jurisdiction;
      for (const l of own) {
        expect(l.tax_rate_ppm).toBe(rateInForce(rates, jurisdiction, l.tax_category as TaxCategory, inv.issue_date));
        expect(l.service_period_start).toBe(`${inv.issue_date.slice(0, 7)}-01`);
      }
      expect([inv.status, inv.amount_paid, inv.amount_credited]).toEqual(["issued", 0, 0]);
      expect(inv.due_date).toBe(addDays(inv.issue_date, inv.due_in_days));
    }
  });

  it("switches rates on a real historical change date (Spain, 1 September 2012)", async () => {
    const old = await generateDemoData({ anchorMonth: "2013-03", months: 12, customersPerFranchise: [40, 30], seed: 3 });
    const spanishBranches = new Set(old.branches.filter((b) => b.jurisdiction === "ES").map((b) => b.id));
    const issueDates = new Map(old.invoices.filter((i) => spanishBranches.has(i.branch_id)).map((i) => [i.id, i.issue_date]));
    const standard = old.invoice_lines.filter((l) => issueDates.has(l.invoice_id) && l.tax_category === "standard");
    const before = new Set(standard.filter((l) => issueDates.get(l.invoice_id)! < "2012-09-01").map((l) => l.tax_rate_ppm));
    const after = new Set(standard.filter((l) => issueDates.get(l.invoice_id)! >= "2012-09-01").map((l) => l.tax_rate_ppm));
    expect(before).toEqual(new Set([180_000]));
    expect(after).toEqual(new Set([210_000]));
  });

  it("credit notes are taxed at their invoice line's category and rate, and sum to their lines", () => {
    const lines = groupBy(data.invoice_lines, (l) => l.invoice_id);
    const cnLines = groupBy(data.credit_note_lines, (l) => l.credit_note_id);
    expect(data.credit_notes.length).toBeGreaterThan(0);
    for (const cn of data.credit_notes) {
      const own = cnLines.get(cn.id)!;
      const totals = computeInvoiceTotals(own.map((l) => ({ quantityMilli: l.quantity_milli, unitPrice: l.unit_price, taxCategory: l.tax_category as TaxCategory, taxRatePpm: l.tax_rate_ppm })));
      expect([cn.subtotal, cn.tax_total, cn.total]).toEqual([totals.subtotal, totals.taxTotal, totals.total]);
      expect(JSON.parse(cn.tax_breakdown)).toEqual(totals.taxBreakdown);
      const groups = new Set(lines.get(cn.invoice_id)!.map((l) => `${l.tax_category}:${l.tax_rate_ppm}`));
      for (const l of own) expect(groups.has(`${l.tax_category}:${l.tax_rate_ppm}`)).toBe(true);
      expect(cn.reason.length).toBeGreaterThan(5);
    }
  });
});

describe("seed generator: settlement", () => {
  it("never allocates or credits more than the triggers allow", () => {
    expect(() => simulateSettlement(data)).not.toThrow();
    const allocated = groupBy(data.payment_allocations, (a) => a.payment_id);
    for (const p of data.payments) expect(allocated.get(p.id)!.reduce((s, a) => s + a.amount, 0)).toBe(p.amount);
  });

  it("dates nothing after the anchor date, and credit notes before their invoice's payments", () => {
    const endOfAsOf = `${addDays(AS_OF, 1)}T00:00:00.000Z`;
    for (const p of data.payments) expect(p.received_at < endOfAsOf, p.received_at).toBe(true);
    for (const i of data.invoices) expect(i.issue_date <= AS_OF && i.issued_at < endOfAsOf).toBe(true);
    for (const c of data.credit_notes) expect(c.issue_date <= AS_OF).toBe(true);
    for (const c of data.customers) expect(c.created_at < endOfAsOf).toBe(true);
    for (const c of data.customer_channels) expect(c.updated_at < endOfAsOf).toBe(true);
    const invoices = new Map(data.invoices.map((i) => [i.id, i]));
    const payments = new Map(data.payments.map((p) => [p.id, p]));
    const firstPayment = new Map<string, string>();
    for (const a of data.payment_allocations) {
      const at = payments.get(a.payment_id)!.received_at;
      expect(at > invoices.get(a.invoice_id)!.issued_at).toBe(true);
      if (!firstPayment.has(a.invoice_id) || at < firstPayment.get(a.invoice_id)!) firstPayment.set(a.invoice_id, at);
    }
    for (const c of data.credit_notes) if (firstPayment.has(c.invoice_id)) expect(c.created_at < firstPayment.get(c.invoice_id)!).toBe(true);
  });

  it("shows every hidden behaviour: late, partial, credited, unpaid overdue, churned", () => {
    const balances = simulateSettlement(data);
    const invoices = new Map(data.invoices.map((i) => [i.id, i]));
    const payments = new Map(data.payments.map((p) => [p.id, p]));
    const lastPaid = new Map<string, string>();
    for (const a of data.payment_allocations) {
      const day = payments.get(a.payment_id)!.received_at.slice(0, 10);
      if ((lastPaid.get(a.invoice_id) ?? "") < day) lastPaid.set(a.invoice_id, day);
    }
    const paidLate30 = [...balances].filter(([id, b]) => b.status === "paid" && lastPaid.has(id) && lastPaid.get(id)! > addDays(invoices.get(id)!.due_date, 30));
    const paidOnTime = [...balances].filter(([id, b]) => b.status === "paid" && lastPaid.has(id) && lastPaid.get(id)! <= invoices.get(id)!.due_date);
    const partial = [...balances.values()].filter((b) => b.status === "partially_paid" && b.paid > 0);
    const overdueUnpaid = [...balances].filter(([id, b]) => b.status === "issued" && invoices.get(id)!.due_date < addDays(AS_OF, -60));
    const openRecent = [...balances].filter(([id, b]) => b.status !== "paid" && invoices.get(id)!.issue_date >= addDays(AS_OF, -10));
    expect(paidLate30.length).toBeGreaterThan(0);
    expect(paidOnTime.length).toBeGreaterThan(paidLate30.length);
    expect(partial.length).toBeGreaterThan(0);
    expect(overdueUnpaid.length).toBeGreaterThan(0);
    expect(openRecent.length).toBeGreaterThan(0);
    expect(data.credit_notes.length).toBeGreaterThan(0);
    expect(data.credit_notes.length).toBeLessThan(data.invoices.length * 0.04);
    expect(data.payment_allocations.length).toBeGreaterThan(data.payments.length); // some payments settle several invoices

    const lastInvoice = new Map<string, string>();
    for (const i of data.invoices) if ((lastInvoice.get(i.customer_id) ?? "") < i.issue_date) lastInvoice.set(i.customer_id, i.issue_date);
    const churned = [...lastInvoice.values()].filter((d) => d < addDays(AS_OF, -183));
    expect(churned.length).toBeGreaterThan(0);
  });
});

describe("seed generator: credentials", () => {
  it("stores SHA-256 hashes and prefixes of the API keys it hands out", async () => {
    const { credentials } = data;
    const hex = async (text: string) => Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).toString("hex");
    const keys = [
      { key: credentials.apiKey, franchiseId: credentials.franchiseId, scopes: "read write" },
      { key: credentials.readOnlyApiKey, franchiseId: credentials.franchiseId, scopes: "read" },
      ...credentials.others.map((o) => ({ key: o.apiKey, franchiseId: o.franchiseId, scopes: "read write" })),
    ];
    expect(keys).toHaveLength(data.franchises.length + 1);
    for (const { key, franchiseId, scopes } of keys) {
      expect(key).toMatch(/^llk_[A-Za-z0-9_-]{43}$/);
      const row = data.api_keys.find((k) => k.prefix === key.slice(0, 12));
      expect(row).toMatchObject({ franchise_id: franchiseId, scopes, key_hash: await hex(key), prefix: key.slice(0, 12), revoked_at: null });
    }
  });

  it("stores a PBKDF2-SHA256 password hash that verifies with WebCrypto", async () => {
    const { credentials } = data;
    const user = data.staff_users.find((u) => u.email === credentials.staffEmail)!;
    expect(user).toMatchObject({ franchise_id: credentials.franchiseId, role: "admin" });
    const [scheme, iterations, salt, hash] = user.password_hash.split("$") as [string, string, string, string];
    expect(scheme).toBe("pbkdf2-sha256");
    expect(iterations).toBe("100000");
    expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const derive = async (password: string) => {
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
      const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: Buffer.from(salt, "base64url"), iterations: Number(iterations) }, key, 256);
      return Buffer.from(bits).toString("base64url");
    };
    expect(await derive(credentials.staffPassword)).toBe(hash);
    expect(await derive("wrong-password")).not.toBe(hash);
  });

  it("hands out one user per staff role; only the branch manager has branches, of the first franchise", async () => {
    const { credentials } = data;
    expect(credentials.staff.map((s) => s.role)).toEqual(["admin", "finance", "branch_manager", "viewer"]);
    expect(credentials.staff[0]).toEqual({ role: "admin", email: credentials.staffEmail, password: credentials.staffPassword });
    for (const s of credentials.staff) {
      const user = data.staff_users.find((u) => u.email === s.email)!;
      expect(user).toMatchObject({ franchise_id: credentials.franchiseId, role: s.role });
      const assigned = data.staff_branch_assignments.filter((a) => a.staff_user_id === user.id).map((a) => a.branch_id);
      if (s.role === "branch_manager") {
        expect(s.branchIds!.length).toBeGreaterThanOrEqual(1);
        expect(s.branchIds!.length).toBeLessThanOrEqual(2);
        expect(assigned).toEqual(s.branchIds);
        for (const id of s.branchIds!) expect(data.branches.find((b) => b.id === id)?.franchise_id).toBe(credentials.franchiseId);
      } else {
        expect(s.branchIds).toBeUndefined();
        expect(assigned).toEqual([]);
      }
      const [, iterations, salt, hash] = user.password_hash.split("$") as [string, string, string, string];
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(s.password), "PBKDF2", false, ["deriveBits"]);
      const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: Buffer.from(salt, "base64url"), iterations: Number(iterations) }, key, 256);
      expect(Buffer.from(bits).toString("base64url")).toBe(hash);
    }
  });
});

describe("seed generator: dunning demo", () => {
  const franchiseOf = (rows: ReadonlyArray<{ id: string; franchise_id: string }>) => new Map(rows.map((r) => [r.id, r.franchise_id]));

  it("configures buckets, holidays and a standard, a VIP and a high-risk cadence per franchise, valid and versioned", () => {
    for (const f of data.franchises) {
      const settings = data.dunning_settings.filter((s) => s.franchise_id === f.id);
      expect(settings).toHaveLength(1);
      expect(JSON.parse(settings[0]!.buckets).map((b: { id: string }) => b.id)).toEqual(["current", "1-30", "31-60", "61-90", "90+"]);
      const cadences = data.dunning_cadences.filter((c) => c.franchise_id === f.id);
      expect(cadences.map((c) => JSON.parse(c.segments))).toEqual([[], ["enterprise"], ["high-risk"]]);
      for (const c of cadences) {
        const versions = data.dunning_cadence_versions.filter((v) => v.cadence_id === c.id);
        expect(versions.map((v) => v.version)).toEqual(Array.from({ length: c.version }, (_, i) => i + 1));
        for (const v of versions) {
          expect(v.franchise_id).toBe(f.id);
          expect(cadenceIssues(JSON.parse(v.definition)), `${c.name} v${v.version}`).toEqual([]);
        }
      }
      // Texts in the franchise's customers' languages (Spanish branches: es and ca too).
      const standard = JSON.parse(data.dunning_cadence_versions.find((v) => v.cadence_id === cadences[0]!.id && v.version === cadences[0]!.version)!.definition);
      const languages = new Set(standard.steps.flatMap((st: { templates: object }) => Object.keys(st.templates)));
      expect(languages.has("en") && languages.has("es")).toBe(true);
    }
    expect(data.dunning_cadences.some((c) => c.version > 1)).toBe(true);
  });

  it("gives every customer who owes something a profile, and shows each suppression on real customers and invoices of the same franchise", () => {
    const customers = franchiseOf(data.customers);
    const invoices = new Map(data.invoices.map((i) => [i.id, i]));
    const balances = simulateSettlement(data);
    const owing = new Set(data.invoices.filter((i) => balances.get(i.id)!.status !== "paid").map((i) => i.customer_id));
    expect(new Set(data.customer_dunning_profiles.map((p) => p.customer_id))).toEqual(owing);
    for (const p of data.customer_dunning_profiles) {
      expect(customers.get(p.customer_id)).toBe(p.franchise_id);
      const channels = data.customer_channels.filter((ch) => ch.customer_id === p.customer_id && ch.consent === "granted" && ch.opted_out_at === null).map((ch) => ch.channel);
      for (const ch of JSON.parse(p.preferred_channels)) expect(channels).toContain(ch);
    }
    expect(data.customer_dunning_profiles.filter((p) => p.do_not_contact === 1).length).toBeGreaterThanOrEqual(1);

    const openDisputes = data.invoice_disputes.filter((d) => d.resolved_at === null);
    expect(openDisputes.length).toBeGreaterThanOrEqual(1);
    for (const d of data.invoice_disputes) {
      const inv = invoices.get(d.invoice_id)!;
      expect([inv.franchise_id, inv.customer_id]).toEqual([d.franchise_id, d.customer_id]);
      expect(d.opened_at > inv.issued_at && d.opened_at < `${addDays(AS_OF, 1)}T00:00:00.000Z`).toBe(true);
      expect(balances.get(inv.id)!.status).not.toBe("paid");
    }
    for (const d of openDisputes) expect(invoices.get(d.invoice_id)!.due_date < AS_OF).toBe(true);

    expect(data.promises_to_pay.length).toBeGreaterThanOrEqual(1);
    for (const p of data.promises_to_pay) {
      expect(customers.get(p.customer_id)).toBe(p.franchise_id);
      expect(owing.has(p.customer_id)).toBe(true);
      expect(p.until > AS_OF).toBe(true);
    }

    // The opt-outs the demo shows are on channels of customers who owe, and in the history.
    const optOuts = data.communications.filter((c) => c.kind === "opt_out");
    expect(optOuts.map((c) => c.channel).sort()).toEqual(expect.arrayContaining(["email", "sms"]));
    for (const o of optOuts) {
      const ch = data.customer_channels.find((x) => x.customer_id === o.customer_id && x.channel === o.channel)!;
      expect(ch.opted_out_at).toBe(o.occurred_at);
      expect(owing.has(o.customer_id)).toBe(true);
    }
    for (const c of data.communications) {
      expect(customers.get(c.customer_id)).toBe(c.franchise_id);
      for (const id of JSON.parse(c.invoice_ids)) expect([invoices.get(id)?.franchise_id, invoices.get(id)?.customer_id]).toEqual([c.franchise_id, c.customer_id]);
      expect(c.occurred_at < `${addDays(AS_OF, 1)}T00:00:00.000Z`).toBe(true);
    }
    expect(new Set(data.communications.map((c) => c.kind))).toEqual(new Set(["opt_out", "dispute_opened", "dispute_resolved", "promise_to_pay"]));
  });
});

describe("seed generator: SQL", () => {
  it("writes escaped literals in bounded multi-row statements, tables in foreign-key order", () => {
    expect(sqlLiteral(null, "x")).toBe("NULL");
    expect(sqlLiteral(42, "x")).toBe("42");
    expect(sqlLiteral("O'Brien", "x")).toBe("'O''Brien'");
    expect(() => sqlLiteral(1.5, "x")).toThrow(/integer/);
    const statements = toSqlStatements(data);
    for (const s of statements) {
      expect(s).toMatch(/^INSERT INTO [a-z_]+ \([a-z_, ]+\) VALUES\n\(.*\);$/s);
      expect(s.split("\n").length - 1).toBeLessThanOrEqual(MAX_ROWS_PER_STATEMENT);
      expect(Buffer.byteLength(s)).toBeLessThan(100_000);
    }
    const tables = [...new Set(statements.map((s) => /^INSERT INTO ([a-z_]+)/.exec(s)![1]))];
    expect(tables.indexOf("invoices")).toBeLessThan(tables.indexOf("invoice_lines"));
    expect(tables.indexOf("credit_notes")).toBeLessThan(tables.indexOf("payment_allocations"));
    expect(tables.indexOf("payments")).toBeLessThan(tables.indexOf("payment_allocations"));
  });
});

describe("seed generator: applies to a fresh local D1", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ledgerline-seed-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The project's wrangler on the Node running this test (22), as `npx wrangler` would resolve it.
  const wrangler = (...args: string[]) =>
    execFileSync(process.execPath, [join(REPO, "node_modules/wrangler/bin/wrangler.js"), "d1", ...args, "--local", "--persist-to", join(dir, "state")], {
      cwd: REPO,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
  const query = <T>(sql: string): T[] => {
    const out = JSON.parse(wrangler("execute", "DB", "--json", "--command", sql)) as Array<{ results: T[] }>;
    return out[0]!.results;
  };

  it("is accepted by the migrations' constraints and triggers, with the statuses they derive", () => {
    const file = join(dir, "seed.sql");
    writeFileSync(file, toSqlFile(data));
    wrangler("migrations", "apply", "DB");
    wrangler("execute", "DB", "--file", file, "-y");

    const counts = query<Record<string, number>>(
      "SELECT (SELECT count(*) FROM customers) customers, (SELECT count(*) FROM invoices) invoices, (SELECT count(*) FROM invoice_lines) invoice_lines, (SELECT count(*) FROM credit_notes) credit_notes, (SELECT count(*) FROM payments) payments, (SELECT count(*) FROM payment_allocations) payment_allocations, (SELECT coalesce(sum(amount_paid), 0) FROM invoices) paid, (SELECT coalesce(sum(amount_credited), 0) FROM invoices) credited, " +
        // Dunning demo rows (issue 7): all loaded, past the foreign keys and the history triggers.
        "(SELECT count(*) FROM dunning_settings) dunning_settings, (SELECT count(*) FROM dunning_cadences) dunning_cadences, (SELECT count(*) FROM dunning_cadence_versions) dunning_cadence_versions, (SELECT count(*) FROM customer_dunning_profiles) customer_dunning_profiles, (SELECT count(*) FROM invoice_disputes) invoice_disputes, (SELECT count(*) FROM promises_to_pay) promises_to_pay, (SELECT count(*) FROM communications) communications",
    )[0]!;
    expect(counts).toEqual({
      customers: data.customers.length,
      invoices: data.invoices.length,
      invoice_lines: data.invoice_lines.length,
      credit_notes: data.credit_notes.length,
      payments: data.payments.length,
      payment_allocations: data.payment_allocations.length,
      paid: data.payment_allocations.reduce((s, a) => s + a.amount, 0),
      credited: data.credit_notes.reduce((s, c) => s + c.total, 0),
      dunning_settings: data.dunning_settings.length,
      dunning_cadences: data.dunning_cadences.length,
      dunning_cadence_versions: data.dunning_cadence_versions.length,
      customer_dunning_profiles: data.customer_dunning_profiles.length,
      invoice_disputes: data.invoice_disputes.length,
      promises_to_pay: data.promises_to_pay.length,
      communications: data.communications.length,
    });

    const expected: Record<string, number> = {};
    for (const b of simulateSettlement(data).values()) expected[b.status] = (expected[b.status] ?? 0) + 1;
    const statuses = Object.fromEntries(query<{ status: string; n: number }>("SELECT status, count(*) n FROM invoices GROUP BY status").map((r) => [r.status, r.n]));
    expect(statuses).toEqual(expected);
    expect(statuses.paid).toBeGreaterThan(0);
    expect(statuses.partially_paid).toBeGreaterThan(0);
    expect(statuses.issued).toBeGreaterThan(0);

    // The database snapshots the parties of invoices inserted already issued, and credit notes copy them.
    const missing = query<{ n: number }>("SELECT (SELECT count(*) FROM invoices WHERE seller IS NULL OR buyer IS NULL) + (SELECT count(*) FROM credit_notes WHERE seller IS NULL OR buyer IS NULL) n")[0]!;
    expect(missing.n).toBe(0);
    const sample = query<{ seller: string; buyer: string; branch_id: string; customer_id: string }>("SELECT seller, buyer, branch_id, customer_id FROM invoices ORDER BY id LIMIT 1")[0]!;
    const branch = data.branches.find((b) => b.id === sample.branch_id)!;
    const customer = data.customers.find((c) => c.id === sample.customer_id)!;
    expect(JSON.parse(sample.seller)).toEqual({ legalName: branch.legal_name, taxId: branch.tax_id, address: JSON.parse(branch.address!), contact: { email: branch.contact_email, phone: branch.contact_phone } });
    expect(JSON.parse(sample.buyer)).toEqual({ name: customer.name, taxId: customer.tax_id, address: JSON.parse(customer.address!), email: customer.email });
    const cnMismatch = query<{ n: number }>("SELECT count(*) n FROM credit_notes cn JOIN invoices i ON i.id = cn.invoice_id WHERE cn.seller <> i.seller OR cn.buyer <> i.buyer")[0]!;
    expect(cnMismatch.n).toBe(0);
  });
});
