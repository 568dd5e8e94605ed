// The plans API: rate plans are data, changed without a deploy, and a change is exact on the
// very next request (the franchise's RateLimiter DO is told; no isolate keeps a stale copy).
// Plans and franchise assignments are the platform operator's (franchise A's admins in the test
// environment, vitest.config.ts); a franchise admin may only pick a plan for one of its own keys.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { API_KEY_PREFIX, sha256Hex } from "../../workers/auth/secrets.ts";
import { A, B, callJson, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const C = "fr_000000000000000000000000c7";
let operator = "";
let bAdmin = "";
let aViewer = "";
let serial = 0;

async function newKey(franchiseId: string): Promise<{ id: string; key: string }> {
  serial++;
  const id = `key_${String(serial).padStart(22, "0")}plan`;
  const key = `${API_KEY_PREFIX}rate-plans-test-key-${String(serial).padStart(24, "0")}`;
  await env.DB.prepare("INSERT INTO api_keys (id, franchise_id, name, prefix, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, 'read write', '2026-01-01T00:00:00.000Z')")
    .bind(id, franchiseId, id, key.slice(0, 12), await sha256Hex(key))
    .run();
  return { id, key };
}

const plan = (over: Record<string, unknown> = {}) => ({ name: "Tier", keyBurst: 100, keyPerMinute: 60, franchiseBurst: 1_000, franchisePerMinute: 600, expensiveConcurrency: 2, ...over });
const create = async (body: unknown, key = operator) => callJson("POST", "/v1/rate-plans", { key, body });
const read = (key: string) => callJson("GET", "/v1/branches", { key });
/** How many of `n` concurrent reads pass. */
const passing = async (key: string, n: number) => (await Promise.all(Array.from({ length: n }, () => read(key)))).filter((r) => r.status === 200).length;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  await env.DB.prepare("INSERT INTO franchises (id, name, created_at) VALUES (?, 'Plans Co', '2026-01-01')").bind(C).run();
  operator = await login(STAFF.aAdmin.email);
  bAdmin = await login(STAFF.bAdmin.email);
  aViewer = await login(STAFF.aStaff.email);
});

describe("rate plans API", () => {
  it("creates, reads, lists and changes a plan", async () => {
    const made = await create(plan({ name: "Gold" }));
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "Gold", keyBurst: 100, keyPerMinute: 60, franchiseBurst: 1_000, franchisePerMinute: 600, expensiveConcurrency: 2 });
    expect(made.body.id).toMatch(/^rp_[0-9a-z]{26}$/);
    expect(made.headers.get("location")).toBe(`/v1/rate-plans/${made.body.id}`);
    expect((await callJson("GET", `/v1/rate-plans/${made.body.id}`, { key: operator })).body.name).toBe("Gold");
    const changed = await callJson("PATCH", `/v1/rate-plans/${made.body.id}`, { key: operator, body: { keyBurst: 7 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: "Gold", keyBurst: 7 });
    const list = await callJson("GET", "/v1/rate-plans?limit=200", { key: operator });
    expect(list.body.data.map((p: any) => p.id)).toContain(made.body.id);
    expect((await callJson("GET", "/v1/rate-plans/rp_00000000000000000000000000", { key: operator })).status).toBe(404);
  });

  it("validates every limit (burst >= 1, sustained > 0, concurrency >= 1) and writes nothing when refused", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM rate_plans").first<{ n: number }>())!.n;
    for (const [field, value] of [["keyBurst", 0], ["franchiseBurst", -1], ["keyPerMinute", 0], ["franchisePerMinute", 0.5], ["expensiveConcurrency", 0], ["keyBurst", "10"]] as const) {
      const res = await create(plan({ [field]: value }));
      expect(res.status, `${field}=${value}`).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect((await create({ ...plan(), extra: 1 })).status).toBe(400);
    const { id } = (await create(plan())).body;
    expect((await callJson("PATCH", `/v1/rate-plans/${id}`, { key: operator, body: { keyPerMinute: 0 } })).status).toBe(400);
    expect((await callJson("PATCH", `/v1/rate-plans/${id}`, { key: operator, body: { keyBurst: 5, bogus: 1 } })).status).toBe(400);
    expect((await callJson("PATCH", `/v1/rate-plans/${id}`, { key: operator, body: {} })).body.keyBurst).toBe(100);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM rate_plans").first<{ n: number }>())!.n).toBe(before + 1);
  });

  it("only the platform operator manages plans and franchise assignments", async () => {
    const { id } = (await create(plan())).body;
    for (const key of [bAdmin, aViewer, A.key]) {
      expect((await create(plan(), key)).status).toBe(403);
      expect((await callJson("GET", "/v1/rate-plans", { key })).status).toBe(403);
      expect((await callJson("PATCH", `/v1/rate-plans/${id}`, { key, body: { keyBurst: 1_000_000 } })).status).toBe(403);
      expect((await callJson("PUT", `/v1/franchises/${B.franchiseId}/rate-plan`, { key, body: { ratePlanId: id } })).status).toBe(403);
    }
    // B's admin cannot lift its own cap: nothing was assigned.
    expect((await env.DB.prepare("SELECT count(*) AS n FROM rate_plan_assignments WHERE franchise_id = ?").bind(B.franchiseId).first<{ n: number }>())!.n).toBe(0);
    expect((await callJson("PUT", "/v1/franchises/fr_00000000000000000000000zzz/rate-plan", { key: operator, body: { ratePlanId: id } })).status).toBe(404);
  });

  it("tightening a key's plan applies exactly on the next request", async () => {
    const { id: planId } = (await create(plan({ keyBurst: 50, keyPerMinute: 1 }))).body;
    const k = await newKey(A.franchiseId);
    const assigned = await callJson("PUT", `/v1/api-keys/${k.id}/rate-plan`, { key: operator, body: { ratePlanId: planId } });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toEqual({ franchiseId: A.franchiseId, subject: k.id, ratePlanId: planId });
    expect((await read(k.key)).headers.get("ratelimit-policy")).toContain('"key";q=50;');
    // Tighten: burst 50 → 3. The key has used 1 of 50; under the new plan its bucket (TAT kept)
    // allows what is left of 3 at this rate: exactly 2 more.
    expect((await callJson("PATCH", `/v1/rate-plans/${planId}`, { key: operator, body: { keyBurst: 3 } })).status).toBe(200);
    expect(await passing(k.key, 6)).toBe(2);
    const refused = await read(k.key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit-policy")).toContain('"key";q=3;');
    // Loosen again: takes effect at once too.
    await callJson("PATCH", `/v1/rate-plans/${planId}`, { key: operator, body: { keyBurst: 10 } });
    expect(await passing(k.key, 12)).toBe(7);
    // Unassign: the key is back on the (generous) default.
    expect((await callJson("PUT", `/v1/api-keys/${k.id}/rate-plan`, { key: operator, body: { ratePlanId: null } })).body.ratePlanId).toBeNull();
    expect((await read(k.key)).status).toBe(200);
  });

  it("a franchise plan caps all its keys; a franchise admin's key plan cannot lift the cap", async () => {
    const { id: cap } = (await create(plan({ keyBurst: 1_000, keyPerMinute: 1, franchiseBurst: 4, franchisePerMinute: 1 }))).body;
    const { id: generous } = (await create(plan({ keyBurst: 1_000, keyPerMinute: 60_000, franchiseBurst: 1_000_000, franchisePerMinute: 60_000_000 }))).body;
    const one = await newKey(C);
    const two = await newKey(C);
    expect((await read(one.key)).status).toBe(200); // on the default: the DO has cached C's limits
    const put = await callJson("PUT", `/v1/franchises/${C}/rate-plan`, { key: operator, body: { ratePlanId: cap } });
    expect(put.status).toBe(200);
    expect((await callJson("GET", `/v1/franchises/${C}/rate-plan`, { key: operator })).body.ratePlanId).toBe(cap);
    // The default plan earned its one request back within a millisecond: exactly the cap's 4 pass, across both keys.
    const results = await Promise.all([...Array.from({ length: 3 }, () => read(one.key)), ...Array.from({ length: 3 }, () => read(two.key))]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    expect(results.filter((r) => r.status === 429).every((r) => r.body.code === "franchise_rate_limited")).toBe(true);
    // A key plan changes only that key's own limit; the franchise cap still refuses.
    await env.DB.prepare("INSERT INTO rate_plan_assignments (franchise_id, subject, rate_plan_id, created_at) VALUES (?, ?, ?, '2026-01-01')").bind(C, two.id, generous).run();
    await env.RATE_LIMITER.getByName(C).plansChanged();
    expect((await read(two.key)).body.code).toBe("franchise_rate_limited");
    // Other franchises are untouched.
    expect((await read(A.key)).status).toBe(200);
    expect((await read(B.key)).status).toBe(200);
  });

  it("a franchise admin assigns plans to its own keys only", async () => {
    const { id: planId } = (await create(plan({ keyBurst: 2, keyPerMinute: 1 }))).body;
    const mine = await newKey(B.franchiseId);
    const theirs = await newKey(A.franchiseId);
    expect((await callJson("PUT", `/v1/api-keys/${theirs.id}/rate-plan`, { key: bAdmin, body: { ratePlanId: planId } })).status).toBe(404);
    expect((await callJson("GET", `/v1/api-keys/${theirs.id}/rate-plan`, { key: bAdmin })).status).toBe(404);
    expect((await callJson("PUT", `/v1/api-keys/${mine.id}/rate-plan`, { key: bAdmin, body: { ratePlanId: "rp_00000000000000000000000000" } })).status).toBe(404);
    expect((await callJson("PUT", `/v1/api-keys/${mine.id}/rate-plan`, { key: aViewer, body: { ratePlanId: planId } })).status).toBe(403);
    expect((await callJson("PUT", `/v1/api-keys/${mine.id}/rate-plan`, { key: bAdmin, body: { ratePlanId: planId } })).status).toBe(200);
    expect((await callJson("GET", `/v1/api-keys/${mine.id}/rate-plan`, { key: bAdmin })).body.ratePlanId).toBe(planId);
    expect(await passing(mine.key, 4)).toBe(2);
  });
});

describe("RateLimiter persistence (write-behind)", () => {
  it("keeps every debit in storage within the flush window, in a later turn than the answer", async () => {
    const limiter = env.RATE_LIMITER.getByName("write-behind-test");
    // (typed loosely: the RPC stub's inferred type of take() is too deep for tsc)
    const rpc = limiter as unknown as { take(franchiseId: string, keyId: string): Promise<{ allowed: boolean }> };
    for (let i = 0; i < 3; i++) expect((await rpc.take(A.franchiseId, "key_write_behind")).allowed).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    // (runInDurableObject's generic inference over this stub is also too deep: called through a plain signature)
    const inObject = runInDurableObject as unknown as (stub: unknown, callback: (instance: any, state: DurableObjectState) => void) => Promise<void>;
    await inObject(limiter, (instance: any, state: DurableObjectState) => {
      const rows = state.storage.sql.exec<{ name: string; tat: number }>("SELECT name, tat FROM buckets ORDER BY name").toArray();
      expect(rows.map((r) => r.name)).toEqual(["franchise", "key:key_write_behind"]);
      // What storage holds is exactly what the instance decides with.
      for (const r of rows) expect(r.tat).toBe(instance.tats.get(r.name).tat);
    });
  });
});
