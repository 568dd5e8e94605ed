// Edge protections: body size enforced before buffering, strings that cannot be stored
// faithfully refused, staff login throttled, junk bearer tokens negatively cached, sessions
// revoked by logout and expired even through the principal cache.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { isKnownUnknown, rememberUnknown, unknownTokenCount } from "../../workers/auth/principal-cache.ts";
import { hashPassword, sha256Hex } from "../../workers/auth/secrets.ts";
import { A, call, callJson, seedFixtures } from "./fixtures.ts";

beforeAll(async () => {
  await seedFixtures();
  const hash = await hashPassword("correct horse");
  const insert = env.DB.prepare("INSERT INTO staff_users (id, franchise_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, 'admin', ?, '2026-01-01T00:00:00.000Z')");
  await env.DB.batch([
    insert.bind("usr_a_admin", A.franchiseId, "admin@alpha.example", "Alpha Admin", hash),
    insert.bind("usr_a_throttled", A.franchiseId, "throttled@alpha.example", "Throttled", hash),
    insert.bind("usr_a_reset", A.franchiseId, "reset@alpha.example", "Reset", hash),
  ]);
});

const login = (email: string, password: string, ip = "198.51.100.1") =>
  callJson("POST", "/auth/login", { key: null, body: { email, password }, headers: { "cf-connecting-ip": ip } });

/** A body of `size` bytes produced lazily; `pulled()` says how much of it was ever read. */
function lazyBody(size: number) {
  let sent = 0;
  const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => sent };
}

describe("body size", () => {
  it("answers a 20 MB anonymous POST to /auth/login with 413 problem+json from its Content-Length", async () => {
    const started = Date.now();
    const res = await call("POST", "/auth/login", { key: null, body: `{"email":"a@b.example","password":"${"x".repeat(20_000_000)}"}` });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("body_too_large");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("cuts a streamed body without Content-Length off at the limit instead of buffering it", async () => {
    const body = lazyBody(20_000_000);
    const res = await exports.default.fetch(new Request("http://ledgerline.test/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: body.stream, duplex: "half" } as RequestInit));
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThan(2_000_000);
  });

  it("never reads an anonymous oversized body on /v1 either: 401 first", async () => {
    const body = lazyBody(20_000_000);
    const res = await exports.default.fetch(new Request("http://ledgerline.test/v1/customers", { method: "POST", headers: { "content-type": "application/json" }, body: body.stream, duplex: "half" } as RequestInit));
    expect(res.status).toBe(401);
    expect(body.pulled()).toBeLessThan(2_000_000);
  });

  it("still takes a body just under the limit", async () => {
    const res = await callJson("POST", "/v1/customers", { body: `{"name":"Big"}${" ".repeat(999_000)}` });
    expect(res.status).toBe(201);
  });
});

describe("strings that cannot be stored faithfully", () => {
  it.each([
    ['{"name":"a\\u0000b"}', "name", "NUL"],
    ['{"name":"lone \\ud800 high"}', "name", "surrogate"],
    ['{"name":"ok","email":"x@y.example","channels":{"email":{"address":"\\udc00","consent":"granted"}}}', "channels.email.address", "surrogate"],
  ])("refuses %s with 400 naming the field", async (body, field, reason) => {
    const res = await callJson("POST", "/v1/customers", { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_string");
    expect(res.body.errors[0].field).toBe(field);
    expect(res.body.detail).toContain(reason);
  });

  it("accepts a proper surrogate pair (an emoji)", async () => {
    const res = await callJson("POST", "/v1/customers", { body: '{"name":"Caf\\u00e9 \\ud83d\\ude00"}' });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("Café 😀");
  });

  it("refuses bytes that are not UTF-8", async () => {
    const res = await exports.default.fetch(
      new Request("http://ledgerline.test/v1/customers", { method: "POST", headers: { authorization: `Bearer ${A.key}`, "content-type": "application/json" }, body: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_utf8");
  });
});

describe("staff login throttling", () => {
  it("answers 429 with Retry-After after 20 wrong passwords in a row, without checking the password", async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof login>> | undefined;
    // Time stands still, so a slow machine cannot outlast a 1 s block between two attempts.
    const frozen = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(frozen);
    try {
      for (let i = 0; i < 20; i++) {
        last = await login("throttled@alpha.example", `wrong-${i}`, `203.0.113.${i}`);
        statuses.push(last.status);
      }
      // Even the right password is refused while blocked.
      expect((await login("throttled@alpha.example", "correct horse", "203.0.113.200")).status).toBe(429);
    } finally {
      clock.mockRestore();
    }
    expect(statuses.slice(5)).toEqual(Array(15).fill(429));
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(last!.status).toBe(429);
    expect(last!.body.code).toBe("too_many_attempts");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("backs off exponentially: the blocks grow with each failure past the free ones", async () => {
    const email = "nobody-here@alpha.example";
    const blocks: number[] = [];
    for (let i = 0; i < 8; i++) {
      await env.DB.prepare("UPDATE login_attempts SET blocked_until = NULL WHERE scope = ?").bind(`account:${email}`).run();
      await login(email, "wrong", `192.0.2.${i}`);
      const row = await env.DB.prepare("SELECT blocked_until FROM login_attempts WHERE scope = ?").bind(`account:${email}`).first<{ blocked_until: string | null }>();
      blocks.push(row?.blocked_until ? Math.round((Date.parse(row.blocked_until) - Date.now()) / 1000) : 0);
    }
    expect(blocks.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(blocks[5]!).toBeGreaterThan(blocks[4]!);
    expect(blocks[7]!).toBeGreaterThanOrEqual(7);
  });

  it("throttles one client address across many accounts", async () => {
    let last = 0;
    for (let i = 0; i < 22; i++) last = (await login(`spray-${i}@alpha.example`, "wrong", "198.51.100.77")).status;
    expect(last).toBe(429);
    expect((await login("admin@alpha.example", "correct horse", "198.51.100.78")).status).toBe(200);
  });

  it("resets the account's counter after a successful login", async () => {
    for (let i = 0; i < 4; i++) await login("reset@alpha.example", "wrong", `10.0.0.${i}`);
    expect((await login("reset@alpha.example", "correct horse", "10.0.1.1")).status).toBe(200);
    expect(await env.DB.prepare("SELECT 1 FROM login_attempts WHERE scope = 'account:reset@alpha.example'").first()).toBeNull();
    expect((await login("reset@alpha.example", "wrong", "10.0.1.2")).status).toBe(401);
  });
});

describe("unknown bearer tokens", () => {
  it("asks D1 about a junk token once, then refuses it from the negative cache", async () => {
    const junk = "llk_junk-token-that-does-not-exist-000000000000";
    const spy = vi.spyOn(env.DB, "prepare");
    try {
      for (let i = 0; i < 50; i++) expect((await call("GET", "/v1/branches", { key: junk })).status).toBe(401);
      const lookups = spy.mock.calls.filter(([q]) => String(q).includes("FROM api_keys")).length;
      expect(lookups).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(isKnownUnknown(await sha256Hex(junk), Date.now())).toBe(true);
  });

  it("stays bounded under a flood of distinct junk tokens", async () => {
    for (let i = 0; i < 50; i++) await call("GET", "/v1/branches", { key: `llk_flood-${String(i).padStart(40, "0")}` });
    const now = Date.now();
    for (let i = 0; i < 12_000; i++) rememberUnknown(`flood-hash-${i}`, now);
    expect(unknownTokenCount()).toBe(10_000);
    // The oldest went first; the newest are still refused without D1.
    expect(isKnownUnknown("flood-hash-0", now)).toBe(false);
    expect(isKnownUnknown("flood-hash-11999", now)).toBe(true);
    // Entries expire after a few seconds: a token is never refused for long on stale knowledge.
    expect(isKnownUnknown("flood-hash-11999", now + 11_000)).toBe(false);
  });

  it("lets a key created in this isolate work at once", async () => {
    const session = (await login("admin@alpha.example", "correct horse", "10.9.9.9")).body.token;
    const created = await callJson("POST", "/v1/api-keys", { key: session, body: { name: "fresh" } });
    expect(created.status).toBe(201);
    expect((await call("GET", "/v1/branches", { key: created.body.key })).status).toBe(200);
  });
});

describe("sessions", () => {
  it("refuses a logged-out session everywhere at once, even though it was cached", async () => {
    const session = (await login("admin@alpha.example", "correct horse", "10.8.8.8")).body.token;
    expect((await call("GET", "/v1/branches", { key: session })).status).toBe(200);
    const out = await call("POST", "/auth/logout", { key: session });
    expect(out.status).toBe(204);
    for (const path of ["/v1/branches", "/v1/invoices", "/v1/api-keys"]) expect((await call("GET", path, { key: session })).status, path).toBe(401);
    const row = await env.DB.prepare("SELECT revoked_at FROM staff_sessions WHERE token_hash = ?").bind(await sha256Hex(session)).first<{ revoked_at: string | null }>();
    expect(row?.revoked_at).not.toBeNull();
  });

  it("answers 401 to a logout without a session token", async () => {
    expect((await call("POST", "/auth/logout", { key: null })).status).toBe(401);
    expect((await call("POST", "/auth/logout", { key: A.key })).status).toBe(401);
  });

  it("enforces expiry even for a session held in the principal cache", async () => {
    const session = (await login("admin@alpha.example", "correct horse", "10.7.7.7")).body.token;
    const expiresAt = Date.now() + 5_000;
    await env.DB.prepare("UPDATE staff_sessions SET expires_at = ? WHERE token_hash = ?").bind(new Date(expiresAt).toISOString(), await sha256Hex(session)).run();
    // Cached now with the short expiry...
    expect((await call("GET", "/v1/branches", { key: session })).status).toBe(200);
    const realNow = Date.now;
    const spy = vi.spyOn(Date, "now").mockImplementation(() => realNow() + 6_000);
    try {
      expect((await call("GET", "/v1/branches", { key: session })).status).toBe(401);
    } finally {
      spy.mockRestore();
    }
  });
});
