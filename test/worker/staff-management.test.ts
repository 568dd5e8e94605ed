// /v1/staff: admins invite staff (a one-time initial password), change role and branches,
// deactivate them (no sign-in, sessions end at once). Nobody else may, and nothing crosses franchises.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { A, B, callJson, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

let admin: string;
let bAdmin: string;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  bAdmin = await login(STAFF.bAdmin.email);
});

async function invite(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return callJson("POST", "/v1/staff", { key: admin, body, headers });
}

describe("inviting staff", () => {
  it("creates a user who signs in with the one-time password; only its hash is stored", async () => {
    const res = await invite({ email: "New.Manager@Alpha.test", name: "New Manager", role: "branch_manager", branchIds: [A.newYork] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: "new.manager@alpha.test", role: "branch_manager", branchIds: [A.newYork], deactivatedAt: null });
    expect(res.headers.get("location")).toBe(`/v1/staff/${res.body.id}`);
    const password = res.body.initialPassword as string;
    expect(password.length).toBeGreaterThanOrEqual(24);
    const row = await env.DB.prepare("SELECT password_hash FROM staff_users WHERE id = ?").bind(res.body.id).first<{ password_hash: string }>();
    expect(row!.password_hash).toMatch(/^pbkdf2-sha256\$/);
    expect(row!.password_hash).not.toContain(password);
    const token = await login("new.manager@alpha.test", password);
    // Their session is limited to New York at once.
    const branches = await callJson("GET", "/v1/branches", { key: token });
    expect(branches.body.data.map((b: any) => b.id)).toEqual([A.newYork]);
  });

  it("never replays the password through the Idempotency-Key, nor stores it", async () => {
    const headers = { "idempotency-key": "invite-once-1" };
    const body = { email: "viewer.once@alpha.test", name: "Viewer Once", role: "viewer" };
    const first = await invite(body, headers);
    expect(first.status).toBe(201);
    expect(typeof first.body.initialPassword).toBe("string");
    const replay = await invite(body, headers);
    expect(replay.status).toBe(201);
    expect(replay.body).toMatchObject({ id: first.body.id, initialPassword: null, passwordShownOnce: true });
    const stored = await env.DB.prepare("SELECT * FROM idempotency_keys").all();
    expect(JSON.stringify(stored.results)).not.toContain(first.body.initialPassword);
  });

  it("refuses bad role/branch combinations, unknown or foreign branches and taken emails, naming the field", async () => {
    const noBranches = await invite({ email: "m1@alpha.test", name: "M", role: "branch_manager" });
    expect([noBranches.status, noBranches.body.errors[0].field]).toEqual([422, "branchIds"]);
    const foreign = await invite({ email: "m2@alpha.test", name: "M", role: "branch_manager", branchIds: [A.madrid, B.london] });
    expect([foreign.status, foreign.body.errors[0].field]).toEqual([422, "branchIds.1"]);
    const financeWithBranches = await invite({ email: "f1@alpha.test", name: "F", role: "finance", branchIds: [A.madrid] });
    expect([financeWithBranches.status, financeWithBranches.body.code]).toEqual([422, "branches_only_for_branch_managers"]);
    const badRole = await invite({ email: "r@alpha.test", name: "R", role: "owner" });
    expect(badRole.status).toBe(400);
    const taken = await invite({ email: STAFF.bAdmin.email, name: "Dup", role: "viewer" });
    expect([taken.status, taken.body.code]).toEqual([409, "email_taken"]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM staff_users WHERE email IN ('m1@alpha.test', 'm2@alpha.test', 'f1@alpha.test', 'r@alpha.test')").first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it("is for admins only: finance, branch managers, viewers and partner keys get 403", async () => {
    for (const email of [STAFF.aFinance.email, STAFF.aManager.email, STAFF.aStaff.email]) {
      const token = await login(email);
      expect((await callJson("GET", "/v1/staff", { key: token })).status).toBe(403);
    }
    const byFinance = await callJson("POST", "/v1/staff", { key: await login(STAFF.aFinance.email), body: { email: "x@alpha.test", name: "X", role: "admin" } });
    expect([byFinance.status, byFinance.body.code]).toEqual([403, "staff_admin_required"]);
    expect((await callJson("GET", "/v1/staff", { key: A.key })).status).toBe(403);
  });
});

describe("listing", () => {
  it("pages through the franchise's users only, newest first", async () => {
    const all: any[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await callJson("GET", `/v1/staff?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key: admin });
      expect(res.status).toBe(200);
      all.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    const ids = all.map((u) => u.id);
    expect(ids).toContain(STAFF.aManager.id);
    expect(ids).not.toContain(STAFF.bAdmin.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(all.find((u) => u.id === STAFF.aManager.id)).toMatchObject({ role: "branch_manager", branchIds: [A.madrid] });
    expect(JSON.stringify(all)).not.toContain("pbkdf2");
    expect((await callJson("GET", `/v1/staff/${STAFF.aAdmin.id}`, { key: bAdmin })).status).toBe(404);
  });
});

describe("changing role and branches", () => {
  it("applies to the user's open session at once", async () => {
    const created = await invite({ email: "promote@alpha.test", name: "Promote Me", role: "viewer" });
    const token = await login("promote@alpha.test", created.body.initialPassword);
    expect((await callJson("POST", "/v1/customers", { key: token, body: { name: "Before" } })).status).toBe(403);
    const toManager = await callJson("PATCH", `/v1/staff/${created.body.id}`, { key: admin, body: { role: "branch_manager", branchIds: [A.madrid] } });
    expect(toManager.status).toBe(200);
    expect(toManager.body).toMatchObject({ role: "branch_manager", branchIds: [A.madrid] });
    expect((await callJson("GET", "/v1/branches", { key: token })).body.data.map((b: any) => b.id)).toEqual([A.madrid]);
    const toFinance = await callJson("PATCH", `/v1/staff/${created.body.id}`, { key: admin, body: { role: "finance" } });
    expect(toFinance.body).toMatchObject({ role: "finance", branchIds: [] });
    expect((await callJson("GET", "/v1/branches", { key: token })).body.data).toHaveLength(2);
    const rename = await callJson("PATCH", `/v1/staff/${created.body.id}`, { key: admin, body: { name: "Promoted" } });
    expect(rename.body).toMatchObject({ name: "Promoted", role: "finance" });
  });

  it("refuses an admin changing their own role, and other franchises' users are not found", async () => {
    const self = await callJson("PATCH", `/v1/staff/${STAFF.aAdmin.id}`, { key: admin, body: { role: "viewer" } });
    expect([self.status, self.body.code]).toEqual([409, "cannot_change_own_role"]);
    const foreign = await callJson("PATCH", `/v1/staff/${STAFF.aManager.id}`, { key: bAdmin, body: { role: "admin" } });
    expect(foreign.status).toBe(404);
    const row = await env.DB.prepare("SELECT role FROM staff_users WHERE id = ?").bind(STAFF.aManager.id).first<{ role: string }>();
    expect(row!.role).toBe("branch_manager");
  });
});

describe("deactivating", () => {
  it("ends the user's sessions at once and refuses their sign-in", async () => {
    const created = await invite({ email: "leaver@alpha.test", name: "Leaver", role: "finance" });
    const token = await login("leaver@alpha.test", created.body.initialPassword);
    expect((await callJson("GET", "/v1/invoices", { key: token })).status).toBe(200);
    const res = await callJson("POST", `/v1/staff/${created.body.id}/deactivate`, { key: admin });
    expect(res.status).toBe(200);
    expect(res.body.deactivatedAt).toEqual(expect.any(String));
    expect((await callJson("GET", "/v1/invoices", { key: token })).status).toBe(401);
    const again = await callJson("POST", "/auth/login", { key: null, body: { email: "leaver@alpha.test", password: created.body.initialPassword } });
    expect([again.status, again.body.code]).toEqual([401, "invalid_credentials"]);
    expect((await callJson("POST", `/v1/staff/${created.body.id}/deactivate`, { key: admin })).status).toBe(409);
    expect((await callJson("PATCH", `/v1/staff/${created.body.id}`, { key: admin, body: { role: "viewer" } })).status).toBe(409);
  });

  it("records staff.created, staff.updated and staff.deactivated events by the acting admin, without any password", async () => {
    const created = await invite({ email: "evented@alpha.test", name: "Evented", role: "viewer" });
    await callJson("PATCH", `/v1/staff/${created.body.id}`, { key: admin, body: { role: "branch_manager", branchIds: [A.madrid] } });
    await callJson("POST", `/v1/staff/${created.body.id}/deactivate`, { key: admin });
    const events = await env.DB.prepare("SELECT type, aggregate_type, aggregate_version, actor, payload FROM outbox_events WHERE aggregate_id = ? ORDER BY seq").bind(created.body.id).all<any>();
    expect(events.results.map((e) => [e.type, e.aggregate_type, e.aggregate_version, e.actor])).toEqual([
      ["staff.created", "staff_user", 1, `staff:${STAFF.aAdmin.id}`],
      ["staff.updated", "staff_user", 2, `staff:${STAFF.aAdmin.id}`],
      ["staff.deactivated", "staff_user", 3, `staff:${STAFF.aAdmin.id}`],
    ]);
    expect(JSON.parse(events.results[1].payload).staffUser).toMatchObject({ role: "branch_manager", branchIds: [A.madrid], version: 2 });
    const all = events.results.map((e) => e.payload).join("\n");
    expect(all).not.toContain(created.body.initialPassword);
    expect(all).not.toContain("pbkdf2");
  });

  it("an admin cannot deactivate themselves", async () => {
    const res = await callJson("POST", `/v1/staff/${STAFF.aAdmin.id}/deactivate`, { key: admin });
    expect([res.status, res.body.code]).toEqual([409, "cannot_deactivate_self"]);
  });
});

describe("at D1's limits", () => {
  it("a branch manager of 100 branches (the maximum) is stored, signs in and is scoped, past D1's 100 bound parameters", async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `br_${String(i).padStart(26, "0")}`.slice(0, 29));
    await env.DB.batch(
      ids.map((id, i) =>
        env.DB.prepare("INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, created_at) VALUES (?, ?, ?, ?, 'Europe/Madrid', 'EUR', 'ES', '2026-01-01T00:00:00.000Z')").bind(id, A.franchiseId, `X${i}`, `Extra ${i}`),
      ),
    );
    const assigned = ids.slice(0, 100);
    const tooMany = await invite({ email: "many.too@alpha.test", name: "Too Many", role: "branch_manager", branchIds: ids.slice(0, 101) });
    expect(tooMany.status).toBe(400);
    const res = await invite({ email: "many@alpha.test", name: "Many Branches", role: "branch_manager", branchIds: assigned });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.branchIds).toEqual([...assigned].sort());
    const token = await login("many@alpha.test", res.body.initialPassword);
    const branches = await callJson("GET", "/v1/branches?limit=200", { key: token });
    expect(branches.body.data.map((b: any) => b.id).sort()).toEqual([...assigned].sort());
    expect((await callJson("GET", "/v1/invoices?overdue=true&limit=200", { key: token })).status).toBe(200);
    const changed = await callJson("PATCH", `/v1/staff/${res.body.id}`, { key: admin, body: { branchIds: ids.slice(20, 120) } });
    expect(changed.body.branchIds).toHaveLength(100);
    expect((await callJson("GET", "/v1/branches?limit=200", { key: token })).body.data).toHaveLength(100);
    expect((await callJson("GET", `/v1/branches/${ids[0]}`, { key: token })).status).toBe(404);
  });
});
