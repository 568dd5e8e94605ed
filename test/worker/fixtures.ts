// A small two-franchise world written straight into D1 for API tests: franchise A has a
// Spanish and a US branch, a read-write and a read-only key; franchise B has one branch and a key.
import { env, exports } from "cloudflare:workers";
import { API_KEY_PREFIX, hashPassword, sha256Hex } from "../../workers/auth/secrets.ts";
import { assertMatchesContract } from "./openapi-contract.ts";

export const A = {
  franchiseId: "fr_000000000000000000000000aa",
  madrid: "br_000000000000000000000000a1",
  newYork: "br_000000000000000000000000a2",
  cleaning: "st_000000000000000000000000a1",
  books: "st_000000000000000000000000a2",
  key: `${API_KEY_PREFIX}test-franchise-a-read-write-key-000000000000`,
  readOnlyKey: `${API_KEY_PREFIX}test-franchise-a-read-only-key-0000000000000`,
};
export const B = {
  franchiseId: "fr_000000000000000000000000bb",
  london: "br_000000000000000000000000b1",
  key: `${API_KEY_PREFIX}test-franchise-b-read-write-key-000000000000`,
};

const now = "2026-01-01T00:00:00.000Z";

export const MADRID_ADDRESS = { line1: "Calle de Alcalá 120", line2: "Local 2", city: "Madrid", postalCode: "28009", region: "Madrid", countryCode: "ES" };

export async function seedFixtures(): Promise<void> {
  const db = env.DB;
  const statements = [
    db.prepare("INSERT INTO franchises (id, name, created_at) VALUES (?, ?, ?), (?, ?, ?)").bind(A.franchiseId, "Alpha Cleaning", now, B.franchiseId, "Beta Fitness", now),
    db
      .prepare(
        `INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, tax_id, legal_name, address, contact_email, contact_phone, created_at) VALUES
         (?, ?, 'MAD1', 'Madrid Centro', 'Europe/Madrid', 'EUR', 'ES', 'B12345674', 'Alpha Cleaning Iberia S.L.', ?, 'madrid@alpha.example', '+34910000001', ?),
         (?, ?, 'NYC1', 'New York', 'America/New_York', 'USD', 'US-NY', NULL, NULL, NULL, NULL, NULL, ?),
         (?, ?, 'LON1', 'London', 'Europe/London', 'GBP', 'GB', 'GB123456789', 'Beta Fitness UK Ltd', ?, NULL, NULL, ?)`,
      )
      .bind(
        A.madrid, A.franchiseId, JSON.stringify(MADRID_ADDRESS), now,
        A.newYork, A.franchiseId, now,
        B.london, B.franchiseId, JSON.stringify({ line1: "101 Great Eastern Street", city: "London", postalCode: "EC2A 3JD", countryCode: "GB" }), now,
      ),
    db
      .prepare(
        `INSERT INTO service_types (id, franchise_id, code, name, default_tax_category, cost_rate_bps, created_at) VALUES
         (?, ?, 'CLEAN', 'Cleaning', 'standard', 6000, ?), (?, ?, 'BOOKS', 'Manuals', 'super_reduced', 3000, ?)`,
      )
      .bind(A.cleaning, A.franchiseId, now, A.books, A.franchiseId, now),
    db
      .prepare(
        `INSERT INTO tax_rates (id, jurisdiction, category, rate_ppm, effective_from, effective_to, source, created_at) VALUES
         ('tax_es_std', 'ES', 'standard', 210000, '2012-09-01', NULL, 'Ley 37/1992 art. 90', ?),
         ('tax_es_red', 'ES', 'reduced', 100000, '2012-09-01', NULL, 'Ley 37/1992 art. 91.1', ?),
         ('tax_es_sup', 'ES', 'super_reduced', 40000, '1995-01-01', NULL, 'Ley 37/1992 art. 91.2', ?),
         ('tax_ny_std', 'US-NY', 'standard', 40000, '2005-06-01', NULL, 'NY state rate', ?),
         ('tax_gb_std', 'GB', 'standard', 200000, '2011-01-04', NULL, 'VATA 1994 s.2', ?)`,
      )
      .bind(now, now, now, now, now),
  ];
  const keys: Array<[string, string, string, string]> = [
    ["key_a_rw", A.franchiseId, A.key, "read write"],
    ["key_a_ro", A.franchiseId, A.readOnlyKey, "read"],
    ["key_b_rw", B.franchiseId, B.key, "read write"],
  ];
  for (const [id, franchiseId, key, scopes] of keys) {
    statements.push(
      db.prepare("INSERT INTO api_keys (id, franchise_id, name, prefix, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)").bind(id, franchiseId, id, key.slice(0, 12), await sha256Hex(key), scopes, now),
    );
  }
  await db.batch(statements);
}

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the Worker like a partner would. */
export async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? A.key : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await exports.default.fetch(new Request(`http://ledgerline.test${path}`, { method, headers, body }));
  // Every response an API test receives must be one the OpenAPI document describes.
  await assertMatchesContract(method, `http://ledgerline.test${path}`, res.clone());
  return res;
}

export async function callJson<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await call(method, path, opts);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

export async function createCustomer(overrides: Record<string, unknown> = {}, key = A.key): Promise<string> {
  const res = await callJson("POST", "/v1/customers", {
    key,
    body: { name: "Lucía Pérez", email: "lucia@example.es", segment: "smb", language: "es", timezone: "Europe/Madrid", ...overrides },
  });
  if (res.status !== 201) throw new Error(`customer not created: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function createDraft(customerId: string, overrides: Record<string, unknown> = {}, key = A.key): Promise<any> {
  const res = await callJson("POST", "/v1/invoices", {
    key,
    body: {
      customerId,
      branchId: A.madrid,
      currency: "EUR",
      lines: [{ description: "Office cleaning, January", quantity: 10, unitPrice: 2500, serviceTypeId: A.cleaning }],
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`draft not created: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Staff users for tests that need sessions: one of A per role (aStaff is A's read-only viewer,
 * aManager manages A's Madrid branch only), and an admin of B.
 */
export const STAFF = {
  password: "correct horse battery staple",
  aAdmin: { id: "usr_000000000000000000000000a1", franchiseId: A.franchiseId, email: "admin@alpha.test", role: "admin" },
  aStaff: { id: "usr_000000000000000000000000a2", franchiseId: A.franchiseId, email: "staff@alpha.test", role: "viewer" },
  aFinance: { id: "usr_000000000000000000000000a3", franchiseId: A.franchiseId, email: "finance@alpha.test", role: "finance" },
  aManager: { id: "usr_000000000000000000000000a4", franchiseId: A.franchiseId, email: "madrid.manager@alpha.test", role: "branch_manager", branchIds: [A.madrid] },
  bAdmin: { id: "usr_000000000000000000000000b1", franchiseId: B.franchiseId, email: "admin@beta.test", role: "admin" },
} as const;

/** Inserts the STAFF users (call after seedFixtures); PBKDF2 is slow, so only tests that log in pay for it. */
export async function seedStaff(): Promise<void> {
  const hash = await hashPassword(STAFF.password);
  await env.DB.batch([
    ...[STAFF.aAdmin, STAFF.aStaff, STAFF.aFinance, STAFF.aManager, STAFF.bAdmin].map((u) =>
      env.DB.prepare("INSERT INTO staff_users (id, franchise_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)").bind(u.id, u.franchiseId, u.email, u.email, u.role, hash, now),
    ),
    ...STAFF.aManager.branchIds.map((branchId) =>
      env.DB.prepare("INSERT INTO staff_branch_assignments (franchise_id, staff_user_id, branch_id, created_at) VALUES (?, ?, ?, ?)").bind(A.franchiseId, STAFF.aManager.id, branchId, now),
    ),
  ]);
}

/** Logs a staff user in through POST /auth/login and returns the session token (a Bearer token). */
export async function login(email: string, password: string = STAFF.password): Promise<string> {
  const res = await callJson("POST", "/auth/login", { key: null, body: { email, password } });
  if (res.status !== 200) throw new Error(`login failed for ${email}: ${JSON.stringify(res.body)}`);
  return res.body.token;
}
