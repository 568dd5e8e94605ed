// D1 binds at most 100 parameters per statement. Every list must work at its documented maximum
// page size (200) with child rows on every item, and for a franchise with far more than 100
// branches; writes with the most lines the API allows must fit too.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { inArray } from "drizzle-orm";
import { hashPassword } from "../../workers/auth/secrets.ts";
import { D1_MAX_BOUND_PARAMS, selectInChunks, statementsInChunks } from "../../workers/db/chunks.ts";
import { database } from "../../workers/db/client.ts";
import { invoiceLines } from "../../workers/db/schema.ts";
import { localDateAt } from "../../workers/domain/dates.ts";
import { A, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

const C = { franchiseId: "fr_000000000000000000000000cc", staffEmail: "admin@gamma.example", password: "gamma horse" };
const N = 210; // more than a full page (200), and more than 100 branches
const EAST = "Pacific/Kiritimati"; // UTC+14
const WEST = "Pacific/Pago_Pago"; // UTC-11: always a calendar day behind EAST
const now = "2026-01-01T00:00:00.000Z";
let token = "";
let westToday = "";

/** A recursive CTE yields n = 0..N-1, so seeding binds almost nothing, whatever N is. */
const numbers = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1})`;
const id = (prefix: string) => `printf('${prefix}_c%025d', i)`;

beforeAll(async () => {
  await seedFixtures();
  westToday = localDateAt(new Date(), WEST);
  const breakdown = JSON.stringify([{ category: "standard", ratePpm: 210000, taxableAmount: 10000, taxAmount: 2100 }]);
  const creditBreakdown = JSON.stringify([{ category: "standard", ratePpm: 210000, taxableAmount: 100, taxAmount: 21 }]);
  const f = C.franchiseId;
  await env.DB.batch([
    env.DB.prepare("INSERT INTO franchises (id, name, created_at) VALUES (?, 'Gamma Services', ?)").bind(f, now),
    env.DB.prepare(`${numbers} INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, created_at)
      SELECT ${id("br")}, ?1, 'C' || i, 'Branch ' || i, CASE i % 2 WHEN 0 THEN '${EAST}' ELSE '${WEST}' END, 'EUR', 'ES', ?2 FROM n`).bind(f, now),
    env.DB.prepare(`${numbers} INSERT INTO service_types (id, franchise_id, code, name, default_tax_category, cost_rate_bps, created_at)
      SELECT ${id("st")}, ?1, 'S' || i, 'Service ' || i, 'standard', 5000, ?2 FROM n`).bind(f, now),
    env.DB.prepare(`${numbers} INSERT INTO api_keys (id, franchise_id, name, prefix, key_hash, scopes, created_at)
      SELECT ${id("key")}, ?1, 'key ' || i, 'llk_gamma', 'gamma-hash-' || i, 'read', ?2 FROM n`).bind(f, now),
    env.DB.prepare(`${numbers} INSERT INTO customers (id, franchise_id, name, segment, language, timezone, created_at, updated_at)
      SELECT ${id("cus")}, ?1, 'Customer ' || i, 'smb', 'es', 'Europe/Madrid', ?2, ?2 FROM n`).bind(f, now),
    env.DB.prepare(`${numbers} INSERT INTO customer_channels (franchise_id, customer_id, channel, address, consent, updated_at)
      SELECT ?1, ${id("cus")}, ch.channel, 'c' || i || '@example.es', 'granted', ?2 FROM n, (SELECT 'email' AS channel UNION ALL SELECT 'sms') AS ch`).bind(f, now),
    // Invoice i: branch i, customer i, number 1 of its branch, due on WEST's today.
    env.DB.prepare(`${numbers} INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date,
        subtotal, tax_total, total, tax_breakdown, created_at, updated_at, issued_at)
      SELECT ${id("inv")}, ?1, ${id("br")}, ${id("cus")}, 1, 'C' || i || '-000001', 'issued', 'EUR', '2025-12-01', ?3, 10000, 2100, 12100, ?4, ?2, ?2, ?2 FROM n`).bind(f, now, westToday, breakdown),
    env.DB.prepare(`${numbers} INSERT INTO invoice_lines (id, franchise_id, invoice_id, position, description, quantity_milli, unit_price, net_amount, tax_category, tax_rate_ppm)
      SELECT printf('il_c%02d%023d', p.pos, i), ?1, ${id("inv")}, p.pos, 'Line ' || p.pos, 1000, 5000, 5000, 'standard', 210000 FROM n, (SELECT 1 AS pos UNION ALL SELECT 2) AS p`).bind(f),
    env.DB.prepare(`${numbers} INSERT INTO credit_notes (id, franchise_id, invoice_id, branch_id, customer_id, seq, number, currency, reason, issue_date, subtotal, tax_total, total, tax_breakdown, created_at)
      SELECT ${id("cn")}, ?1, ${id("inv")}, ${id("br")}, ${id("cus")}, 1, 'C' || i || '-CN-000001', 'EUR', 'goodwill', '2025-12-02', 100, 21, 121, ?3, ?2 FROM n`).bind(f, now, creditBreakdown),
    env.DB.prepare(`${numbers} INSERT INTO credit_note_lines (id, franchise_id, credit_note_id, position, description, quantity_milli, unit_price, net_amount, tax_category, tax_rate_ppm)
      SELECT ${id("cnl")}, ?1, ${id("cn")}, 1, 'Goodwill', 1000, 100, 100, 'standard', 210000 FROM n`).bind(f),
    env.DB.prepare(`${numbers} INSERT INTO payments (id, franchise_id, customer_id, currency, amount, received_at, method, created_at)
      SELECT ${id("pay")}, ?1, ${id("cus")}, 'EUR', 100, ?2, 'bank_transfer', ?2 FROM n`).bind(f, now),
    env.DB.prepare(`${numbers} INSERT INTO payment_allocations (id, franchise_id, payment_id, invoice_id, amount, created_at)
      SELECT ${id("pal")}, ?1, ${id("pay")}, ${id("inv")}, 100, ?2 FROM n`).bind(f, now),
    env.DB.prepare("INSERT INTO staff_users (id, franchise_id, email, name, role, password_hash, created_at) VALUES ('usr_c_admin', ?, ?, 'Gamma Admin', 'admin', ?, ?)").bind(f, C.staffEmail, await hashPassword(C.password), now),
  ]);
  const login = await callJson("POST", "/auth/login", { key: null, body: { email: C.staffEmail, password: C.password } });
  expect(login.status).toBe(200);
  token = login.body.token;
});

/** Walks every page at limit=200 and returns all items. */
async function everyPage(path: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res: { status: number; body: any } = await callJson("GET", `${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ""}`, { key: token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(200);
    items.push(...res.body.data);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe("lists at their maximum page size", () => {
  it.each([
    ["/v1/invoices", (x: any) => x.lines.length === 2],
    ["/v1/customers", (x: any) => x.channels.email && x.channels.sms],
    ["/v1/credit-notes", (x: any) => x.lines.length === 1],
    ["/v1/payments", (x: any) => x.allocations.length === 1],
    ["/v1/branches", () => true],
    ["/v1/service-types", () => true],
    ["/v1/api-keys", () => true],
  ])("%s answers 200 at limit=200 with every child row, and pages through all %#", async (path, hasChildren) => {
    const first = await callJson("GET", `${path}?limit=200`, { key: token });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data).toHaveLength(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    for (const item of first.body.data) expect(hasChildren(item), JSON.stringify(item)).toBeTruthy();
    const all = await everyPage(path);
    expect(new Set(all.map((x) => x.id)).size).toBe(N);
  });
});

describe("a franchise with more than 100 branches", () => {
  it("filters overdue invoices by each branch's own local date", async () => {
    // Due on WEST's today: overdue where it is already tomorrow (EAST), not yet where it is today.
    const overdue = await everyPage("/v1/invoices?overdue=true");
    const branches = new Map((await everyPage("/v1/branches")).map((b) => [b.id, b.timezone]));
    expect(overdue).toHaveLength(N / 2);
    for (const inv of overdue) expect(branches.get(inv.branchId)).toBe(EAST);
    expect(new Set(overdue.map((i) => i.branchId)).size).toBe(N / 2);
  });

  it("filters by any one branch and by due range", async () => {
    const branchId = "br_c0000000000000000000000150";
    const one = await callJson("GET", `/v1/invoices?branchId=${branchId}&limit=200`, { key: token });
    expect(one.status).toBe(200);
    expect(one.body.data.map((i: any) => i.branchId)).toEqual([branchId]);
    const due = await everyPage(`/v1/invoices?dueFrom=${westToday}&dueTo=${westToday}&status=partially_paid`);
    expect(due).toHaveLength(N);
  });
});

describe("writes with the most rows the API allows", () => {
  it("drafts, issues and credits an invoice of 200 lines", async () => {
    const customerId = await createCustomer();
    const lines = Array.from({ length: 200 }, (_, i) => ({ description: `Visit ${i + 1}`, quantity: 1, unitPrice: 100 + i, serviceTypeId: A.cleaning }));
    const draft = await createDraft(customerId, { lines });
    expect(draft.lines).toHaveLength(200);
    const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(issued.body.lines).toHaveLength(200);
    const credit = await callJson("POST", "/v1/credit-notes", {
      body: { invoiceId: draft.id, reason: "refund", lines: Array.from({ length: 200 }, (_, i) => ({ description: `Visit ${i + 1}`, quantity: 0.5, unitPrice: 100 })) },
    });
    expect(credit.status, JSON.stringify(credit.body)).toBe(201);
    expect(credit.body.lines).toHaveLength(200);
  });
});

describe("statementsInChunks / selectInChunks", () => {
  const db = () => database(env.DB);

  it("keeps every statement within 100 parameters, counting the statement's other parameters", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `il_${i}`);
    const statements = statementsInChunks(ids, (chunk) => db().select().from(invoiceLines).where(inArray(invoiceLines.id, chunk)).limit(5).offset(3));
    const sizes = statements.map((s) => s.toSQL().params.length);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMS);
    expect(sizes[0]).toBe(D1_MAX_BOUND_PARAMS); // full chunks, not timid ones
    expect(statements.flatMap((s) => s.toSQL().params).filter((p) => typeof p === "string")).toEqual(ids);
  });

  it("chunks a multi-row insert by the parameters drizzle really binds per row", () => {
    const rows = Array.from({ length: 333 }, (_, i) => ({ id: `il_${i}`, franchiseId: "fr", invoiceId: "inv", position: i, description: "x", quantityMilli: 1, unitPrice: 1, netAmount: 1, taxCategory: "standard", taxRatePpm: 0 }));
    const statements = statementsInChunks(rows, (chunk) => db().insert(invoiceLines).values(chunk));
    for (const s of statements) expect(s.toSQL().params.length).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMS);
    expect(statements.length).toBeGreaterThan(1);
  });

  it("runs an IN read of any length against real D1", async () => {
    const ids = Array.from({ length: 450 }, (_, i) => `inv_c${String(i).padStart(25, "0")}`);
    const rows = await selectInChunks(ids, (chunk) => db().select({ id: invoiceLines.id }).from(invoiceLines).where(inArray(invoiceLines.invoiceId, chunk)));
    expect(rows).toHaveLength(N * 2);
  });
});
