// Partner rate limits are exact: the franchise's RateLimiter DO decides every API-key request
// against the key's GCRA bucket and the franchise cap in one step (docs/rate-limits.md).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { API_KEY_PREFIX, sha256Hex } from "../../workers/auth/secrets.ts";
import { A, callJson, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const C = "fr_000000000000000000000000cc";
const now = "2026-01-01T00:00:00.000Z";
let keySerial = 0;

/** A fresh API key of `franchiseId` (fresh ids keep each test's buckets and cached limits apart). */
async function newKey(franchiseId: string): Promise<{ id: string; key: string }> {
  keySerial++;
  const id = `key_rl_${keySerial}`;
  const key = `${API_KEY_PREFIX}rate-limit-test-key-${String(keySerial).padStart(24, "0")}`;
  await env.DB.prepare("INSERT INTO api_keys (id, franchise_id, name, prefix, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, 'read write', ?)")
    .bind(id, franchiseId, id, key.slice(0, 12), await sha256Hex(key), now)
    .run();
  return { id, key };
}

async function plan(id: string, p: { keyBurst: number; keyPerMinute: number; franchiseBurst?: number; franchisePerMinute?: number; concurrency?: number }) {
  await env.DB.prepare(
    "INSERT INTO rate_plans (id, name, key_burst, key_per_minute, franchise_burst, franchise_per_minute, expensive_concurrency, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(id, id, p.keyBurst, p.keyPerMinute, p.franchiseBurst ?? 100_000, p.franchisePerMinute ?? 100_000, p.concurrency ?? 2, now, now)
    .run();
}

const assign = (franchiseId: string, subject: string, planId: string) =>
  env.DB.prepare("INSERT INTO rate_plan_assignments (franchise_id, subject, rate_plan_id, created_at) VALUES (?, ?, ?, ?)").bind(franchiseId, subject, planId, now).run();

const read = (key: string) => callJson("GET", "/v1/branches", { key });

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  await env.DB.prepare("INSERT INTO franchises (id, name, created_at) VALUES (?, 'Gamma Pools', ?)").bind(C, now).run();
  await plan("rp_five", { keyBurst: 5, keyPerMinute: 1 });
  await plan("rp_refill", { keyBurst: 2, keyPerMinute: 120 });
  await plan("rp_capped", { keyBurst: 3, keyPerMinute: 1, franchiseBurst: 4, franchisePerMinute: 1 });
  await assign(C, "franchise", "rp_capped");
});

describe("partner rate limits", () => {
  it("N+1 concurrent requests on a key with a burst of N give exactly N successes and one 429", async () => {
    const { id, key } = await newKey(A.franchiseId);
    await assign(A.franchiseId, id, "rp_five");
    const results = await Promise.all(Array.from({ length: 6 }, () => read(key)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    const r = refused[0]!;
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body.code).toBe("rate_limited");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(59); // one request per minute
    expect(r.headers.get("ratelimit-policy")).toContain('"key";q=5;w=300');
    expect(r.headers.get("ratelimit")).toMatch(/^"key";r=0;t=\d+/);
    // Allowed responses told the caller what was left: 4, 3, 2, 1, 0 in some order.
    const remaining = results.filter((x) => x.status === 200).map((x) => Number(/"key";r=(\d+)/.exec(x.headers.get("ratelimit") ?? "")?.[1]));
    expect(remaining.sort()).toEqual([0, 1, 2, 3, 4]);
    // Still refused afterwards: a refusal takes nothing, but there is nothing to take.
    expect((await read(key)).status).toBe(429);
  });

  it("refills at the configured rate", async () => {
    const { id, key } = await newKey(A.franchiseId);
    await assign(A.franchiseId, id, "rp_refill"); // burst 2, one more every 500 ms
    expect((await read(key)).status).toBe(200);
    expect((await read(key)).status).toBe(200);
    const refused = await read(key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    await new Promise((r) => setTimeout(r, 600));
    expect((await read(key)).status).toBe(200);
    expect((await read(key)).status).toBe(429);
  });

  it("two keys of one franchise do not share their key budget", async () => {
    const one = await newKey(A.franchiseId);
    const two = await newKey(A.franchiseId);
    await assign(A.franchiseId, one.id, "rp_five");
    await assign(A.franchiseId, two.id, "rp_five");
    for (let i = 0; i < 5; i++) expect((await read(one.key)).status).toBe(200);
    expect((await read(one.key)).status).toBe(429);
    const second = await Promise.all(Array.from({ length: 5 }, () => read(two.key)));
    expect(second.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // The fixture key of the same franchise runs on the default plan, untouched.
    expect((await read(A.key)).status).toBe(200);
  });

  it("the franchise cap holds across its keys, exactly, and other franchises are unaffected", async () => {
    const one = await newKey(C);
    const two = await newKey(C);
    // Each key may do 3, the franchise 4 in all: 6 concurrent requests give exactly 4.
    const results = await Promise.all([...Array.from({ length: 3 }, () => read(one.key)), ...Array.from({ length: 3 }, () => read(two.key))]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.body.code).toBe("franchise_rate_limited");
      expect(r.headers.get("ratelimit")).toContain('"franchise";r=0');
    }
    const third = await newKey(C);
    expect((await read(third.key)).status).toBe(429);
    expect((await read(A.key)).status).toBe(200);
  });

  it("does not limit staff sessions (not partner traffic)", async () => {
    const token = await login(STAFF.aAdmin.email);
    const res = await read(token);
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit")).toBeNull();
  });

  it("documents 429 with its headers on partner operations", async () => {
    const doc = (await callJson("GET", "/openapi.json", { key: null })).body;
    const op = doc.paths["/v1/invoices/{id}"].get;
    expect(Object.keys(op.responses)).toContain("429");
    expect(Object.keys(op.responses["429"].headers)).toEqual(expect.arrayContaining(["Retry-After", "RateLimit-Policy", "RateLimit"]));
    expect(Object.keys(op.responses["200"].headers)).toEqual(expect.arrayContaining(["RateLimit-Policy", "RateLimit"]));
  });
});

describe("expensive-endpoint concurrency", () => {
  it("gives out at most max slots at once, frees them on release and on expiry", async () => {
    const limiter = env.RATE_LIMITER.getByName("concurrency-test");
    expect((await limiter.acquire("a", 2, 60_000)).acquired).toBe(true);
    expect((await limiter.acquire("b", 2, 60_000)).acquired).toBe(true);
    expect(await limiter.acquire("c", 2, 60_000)).toEqual({ acquired: false, inFlight: 2 });
    await limiter.release("a");
    expect((await limiter.acquire("c", 2, 60_000)).acquired).toBe(true);
    await limiter.release("b");
    await limiter.release("c");
    expect((await limiter.acquire("short", 1, 1)).acquired).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect((await limiter.acquire("next", 1, 60_000)).acquired).toBe(true);
  });

  it("concurrent acquisitions never exceed the limit", async () => {
    const limiter = env.RATE_LIMITER.getByName("concurrency-race");
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.acquire(`l${i}`, 3, 60_000)));
    expect(results.filter((r) => r.acquired)).toHaveLength(3);
  });
});

describe("read-ahead: a plain read runs alongside the limiter's decision, and the limits stay exact", () => {
  const listInvoices = (key: string) => callJson("GET", "/v1/invoices?limit=1", { key });
  const readAhead = (r: { headers: Headers }) => /ratelimit;dur=[\d.]+;desc="read-ahead"/.test(r.headers.get("server-timing") ?? "");

  it("reads ahead only while the key has headroom, and still refuses exactly after the burst", async () => {
    const { id, key } = await newKey(A.franchiseId);
    await plan("rp_read_ahead_8", { keyBurst: 8, keyPerMinute: 1 });
    await assign(A.franchiseId, id, "rp_read_ahead_8");
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await listInvoices(key));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    // The first read has no history (decides first); the next ones had headroom (remaining >= 2
    // of 8) and ran ahead; once 2 or fewer were left the key decides first again.
    expect(results.slice(0, 8).map(readAhead)).toEqual([false, true, true, true, true, true, true, false]);
    const refused = results[8]!;
    expect(refused.body.code).toBe("rate_limited");
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.body.data).toBeUndefined(); // no invoice leaks out with the refusal
  });

  it("concurrent reads ahead never pass more than the budget", async () => {
    const { id, key } = await newKey(A.franchiseId);
    await plan("rp_read_ahead_12", { keyBurst: 12, keyPerMinute: 1 });
    await assign(A.franchiseId, id, "rp_read_ahead_12");
    expect((await listInvoices(key)).status).toBe(200); // gives the key its headroom
    const results = await Promise.all(Array.from({ length: 30 }, () => listInvoices(key)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(11);
    expect(results.filter((r) => r.status === 429)).toHaveLength(19);
    expect(results.some(readAhead)).toBe(true);
    for (const r of results.filter((x) => x.status === 429)) expect(r.body.code).toBe("rate_limited");
  });

  it("a write never runs ahead of its decision", async () => {
    const { id, key } = await newKey(A.franchiseId);
    await plan("rp_read_ahead_write", { keyBurst: 20, keyPerMinute: 1 });
    await assign(A.franchiseId, id, "rp_read_ahead_write");
    await listInvoices(key);
    const created = await callJson("POST", "/v1/customers", { key, body: { name: "Ahead Test", email: "ahead@example.es", segment: "smb", language: "es", timezone: "Europe/Madrid" } });
    expect(created.status).toBe(201);
    expect(readAhead(created)).toBe(false);
    expect(created.headers.get("server-timing")).toMatch(/ratelimit;dur=/);
  });
});

