// GET /v1/ops/metrics sums the franchise's requests of the last hour per route: counts, 5xx,
// 429 and latency percentiles from merged histograms, plus the event pipeline's depth.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { API_KEY_PREFIX, sha256Hex } from "../../workers/auth/secrets.ts";
import { A, B, callJson, seedFixtures } from "./fixtures.ts";

const now = "2026-01-01T00:00:00.000Z";
const throttledKey = `${API_KEY_PREFIX}ops-metrics-throttled-key-000000000000000`;

beforeAll(async () => {
  await seedFixtures();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO api_keys (id, franchise_id, name, prefix, key_hash, scopes, created_at) VALUES ('key_a_small', ?, 'small', ?, ?, 'read', ?)").bind(
      A.franchiseId,
      throttledKey.slice(0, 12),
      await sha256Hex(throttledKey),
      now,
    ),
    env.DB.prepare("INSERT INTO rate_plans (id, name, key_burst, key_per_minute, franchise_burst, franchise_per_minute, expensive_concurrency, created_at, updated_at) VALUES ('rp_two', 'two', 2, 1, 1000, 1000, 1, ?, ?)").bind(now, now),
    env.DB.prepare("INSERT INTO rate_plan_assignments (franchise_id, subject, rate_plan_id, created_at) VALUES (?, 'key_a_small', 'rp_two', ?)").bind(A.franchiseId, now),
  ]);
});

describe("GET /v1/ops/metrics", () => {
  it("counts requests, throttling and latency per route, for the caller's franchise only", async () => {
    for (let i = 0; i < 3; i++) expect((await callJson("GET", "/v1/branches")).status).toBe(200);
    expect((await callJson("GET", "/v1/invoices/inv_00000000000000000000000000")).status).toBe(404);
    const small = await Promise.all(Array.from({ length: 5 }, () => callJson("GET", "/v1/service-types", { key: throttledKey })));
    expect(small.filter((r) => r.status === 429)).toHaveLength(3);
    expect((await callJson("GET", "/v1/customers", { key: B.key })).status).toBe(200);

    const res = await callJson("GET", "/v1/ops/metrics");
    expect(res.status).toBe(200);
    const m = res.body;
    expect(m.windowMinutes).toBe(60);
    const byRoute = Object.fromEntries(m.routes.map((r: any) => [r.route, r]));
    expect(byRoute["GET /v1/branches"]).toMatchObject({ requests: 3, errors: 0, throttled: 0 });
    expect(byRoute["GET /v1/branches"].p50Ms).toBeGreaterThan(0);
    expect(byRoute["GET /v1/invoices/:id"]).toMatchObject({ requests: 1, errors: 0 });
    expect(byRoute["GET /v1/service-types"]).toMatchObject({ requests: 5, throttled: 3 });
    expect(byRoute["GET /v1/customers"]).toBeUndefined(); // franchise B's request
    expect(m.throttled).toBe(3);
    expect(m.requests).toBe(9);
    expect(m.errorRate).toBe(0);
    expect(m.latencyMs.p99).toBeGreaterThanOrEqual(m.latencyMs.p50);
    expect(m.queues.domainEvents).toEqual({ backlog: 0, oldestPendingSeconds: 0, deadLetters: 0 });

    const b = (await callJson("GET", "/v1/ops/metrics", { key: B.key })).body;
    expect(b.routes.map((r: any) => r.route)).toEqual(["GET /v1/customers"]);
  });
});
