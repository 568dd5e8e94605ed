// The dashboard's session cookie: set by /auth/login (HttpOnly, SameSite=Strict, Secure over
// https), accepted by /v1 without an Authorization header, CSRF-checked on unsafe methods,
// cleared by /auth/logout. Partners' Bearer keys are unaffected.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { A, call, callJson, createCustomer, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const ORIGIN = "http://ledgerline.test";

async function cookieLogin(email: string = STAFF.aFinance.email): Promise<{ cookie: string; setCookie: string; token: string }> {
  const res = await callJson("POST", "/auth/login", { key: null, body: { email, password: STAFF.password } });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get("set-cookie")!;
  return { setCookie, cookie: setCookie.split(";")[0]!, token: res.body.token };
}

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
});

describe("the session cookie", () => {
  it("is HttpOnly and SameSite=Strict, holds the session token, and is Secure only over https", async () => {
    const { setCookie, cookie, token } = await cookieLogin();
    expect(cookie).toBe(`ll_session=${token}`);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Max-Age=43200/);
    expect(setCookie).not.toMatch(/Secure/);
    const https = await exports.default.fetch(
      new Request("https://ledgerline.test/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: STAFF.aFinance.email, password: STAFF.password }) }),
    );
    expect(https.status).toBe(200);
    expect(https.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("authenticates reads without an Authorization header, with the user's role", async () => {
    const manager = await cookieLogin(STAFF.aManager.email);
    const branches = await callJson("GET", "/v1/branches", { key: null, headers: { cookie: manager.cookie } });
    expect(branches.status).toBe(200);
    expect(branches.body.data.map((b: any) => b.id)).toEqual([A.madrid]);
    expect((await callJson("GET", "/v1/branches", { key: null, headers: { cookie: "ll_session=lls_not-a-real-session-token-000000" } })).status).toBe(401);
    // A cookie never carries an API key.
    expect((await callJson("GET", "/v1/branches", { key: null, headers: { cookie: `ll_session=${A.key}` } })).status).toBe(401);
  });

  it("refuses cookie-authenticated writes that do not come from the same origin, and writes nothing", async () => {
    const { cookie } = await cookieLogin();
    const body = { name: "CSRF target", email: "csrf@example.com" };
    const attempts: Array<Record<string, string>> = [{}, { origin: "https://evil.example" }, { "sec-fetch-site": "cross-site", origin: ORIGIN }, { "sec-fetch-site": "same-site" }];
    for (const headers of attempts) {
      const res = await callJson("POST", "/v1/customers", { key: null, body, headers: { cookie, ...headers } });
      expect([res.status, res.body.code], JSON.stringify(headers)).toEqual([403, "csrf_check_failed"]);
    }
    const list = await callJson("GET", "/v1/customers?limit=200", { key: null, headers: { cookie } });
    expect(list.body.data.some((c: any) => c.name === "CSRF target")).toBe(false);
    expect((await callJson("POST", "/v1/customers", { key: null, body, headers: { cookie, "sec-fetch-site": "same-origin" } })).status).toBe(201);
    expect((await callJson("POST", "/v1/customers", { key: null, body: { ...body, name: "Origin checked" }, headers: { cookie, origin: ORIGIN } })).status).toBe(201);
  });

  it("leaves Bearer callers alone, whatever Origin they send", async () => {
    expect(await createCustomer({ name: "Partner-made" })).toMatch(/^cus_/);
    const res = await callJson("POST", "/v1/customers", { body: { name: "Cross-origin partner" }, headers: { origin: "https://partner.example", "sec-fetch-site": "cross-site" } });
    expect(res.status).toBe(201);
  });

  it("logout by cookie ends the session and clears the cookie; a cross-site logout is refused", async () => {
    const { cookie, token } = await cookieLogin();
    const cross = await callJson("POST", "/auth/logout", { key: null, headers: { cookie, "sec-fetch-site": "cross-site" } });
    expect(cross.status).toBe(403);
    expect((await callJson("GET", "/v1/invoices", { key: token })).status).toBe(200);
    const res = await call("POST", "/auth/logout", { key: null, headers: { cookie, "sec-fetch-site": "same-origin" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^ll_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/);
    expect((await callJson("GET", "/v1/invoices", { key: null, headers: { cookie } })).status).toBe(401);
    expect((await callJson("GET", "/v1/invoices", { key: token })).status).toBe(401);
  });

  it("GET /auth/session tells the page who is signed in (the cookie itself is unreadable to scripts)", async () => {
    const { cookie, token } = await cookieLogin(STAFF.aManager.email);
    const byCookie = await callJson("GET", "/auth/session", { key: null, headers: { cookie } });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body.user).toEqual({ id: STAFF.aManager.id, email: STAFF.aManager.email, name: STAFF.aManager.email, role: "branch_manager", franchiseId: A.franchiseId, branchIds: [A.madrid] });
    expect(Date.parse(byCookie.body.expiresAt)).toBeGreaterThan(Date.now());
    expect((await callJson("GET", "/auth/session", { key: token })).body.user.role).toBe("branch_manager");
    expect((await callJson("GET", "/auth/session", { key: null })).status).toBe(401);
    const partner = await callJson("GET", "/auth/session", { key: A.key });
    expect([partner.status, partner.body.code]).toEqual([403, "staff_session_required"]);
  });
});
