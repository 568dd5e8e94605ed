// The parts around the API: OpenAPI document, health, staff login, request ids, static assets,
// the outbox relay and the domain-events consumer.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { hashPassword } from "../../workers/auth/secrets.ts";
import worker from "../../workers/index.ts";
import { A, call, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

beforeAll(async () => {
  await seedFixtures();
  await env.DB.prepare("INSERT INTO staff_users (id, franchise_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind("usr_a_admin", A.franchiseId, "admin@alpha.example", "Alpha Admin", "admin", await hashPassword("correct horse"), "2026-01-01T00:00:00.000Z")
    .run();
});

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 and describes every partner route with bearer security", async () => {
    const res = await callJson("GET", "/openapi.json", { key: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const paths = Object.keys(res.body.paths);
    for (const p of ["/v1/invoices", "/v1/invoices/{id}", "/v1/invoices/{id}/issue", "/v1/invoices/{id}/void", "/v1/customers", "/v1/customers/{id}", "/v1/credit-notes", "/v1/payments", "/v1/branches", "/v1/service-types", "/health", "/auth/login"]) {
      expect(paths).toContain(p);
    }
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(res.body.paths["/v1/invoices"].post.responses["422"].content["application/problem+json"]).toBeDefined();
  });

  it("ships the offline docs page and its swagger-ui assets", async () => {
    const page = await env.ASSETS.fetch("http://x/docs/");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/docs/vendor/swagger-ui-bundle.js");
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    expect((await env.ASSETS.fetch("http://x/docs/vendor/swagger-ui-bundle.js")).status).toBe(200);
  });
});

describe("health and request ids", () => {
  it("reports the Worker and D1 healthy", async () => {
    const res = await callJson("GET", "/health", { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", database: "ok" });
  });

  it("gives every response an X-Request-Id and echoes a sane incoming one", async () => {
    const fresh = await call("GET", "/health", { key: null });
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await call("GET", "/v1/invoices", { headers: { "x-request-id": "partner-trace-12345" } });
    expect(echoed.headers.get("x-request-id")).toBe("partner-trace-12345");
    const problem = await callJson("GET", "/v1/invoices", { key: null, headers: { "x-request-id": "partner-trace-67890" } });
    expect(problem.body.requestId).toBe("partner-trace-67890");
  });
});

describe("staff login", () => {
  it("returns a session token that reads the staff member's franchise", async () => {
    const login = await callJson("POST", "/auth/login", { key: null, body: { email: "admin@alpha.example", password: "correct horse" } });
    expect(login.status).toBe(200);
    expect(login.body.token).toMatch(/^lls_/);
    expect(login.body.user).toMatchObject({ franchiseId: A.franchiseId, role: "admin" });
    const branches = await callJson("GET", "/v1/branches", { key: login.body.token });
    expect(branches.status).toBe(200);
    expect(branches.body.data.map((b: any) => b.code).sort()).toEqual(["MAD1", "NYC1"]);
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    const wrong = await callJson("POST", "/auth/login", { key: null, body: { email: "admin@alpha.example", password: "nope" } });
    const unknown = await callJson("POST", "/auth/login", { key: null, body: { email: "who@alpha.example", password: "nope" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it("stores no password or token in clear", async () => {
    const login = await callJson("POST", "/auth/login", { key: null, body: { email: "admin@alpha.example", password: "correct horse" } });
    const dump = JSON.stringify(await env.DB.prepare("SELECT * FROM staff_sessions").all()) + JSON.stringify(await env.DB.prepare("SELECT * FROM staff_users").all());
    expect(dump).not.toContain(login.body.token);
    expect(dump).not.toContain("correct horse");
  });
});

describe("outbox", () => {
  it("writes an event in the same batch as each change and relays it to the domain-events queue once", async () => {
    const customerId = await createCustomer();
    const draft = await createDraft(customerId);
    await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    const events = await env.DB.prepare("SELECT type, aggregate_id, published_at FROM outbox_events WHERE aggregate_id IN (?, ?) ORDER BY id").bind(customerId, draft.id).all();
    expect(events.results.map((e: any) => e.type)).toEqual(["customer.created", "invoice.drafted", "invoice.issued"]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    const unpublished = await env.DB.prepare("SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL").first<{ n: number }>();
    expect(unpublished!.n).toBe(0);
  });

  it("acks domain events one by one", async () => {
    const batch = createMessageBatch("domain-events", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { eventId: "evt_1", franchiseId: A.franchiseId, seq: 1, type: "invoice.issued", aggregateType: "invoice", aggregateId: "inv_x", aggregateVersion: 2, actor: "api_key:key_a_rw", payload: {}, occurredAt: "2026-01-01T00:00:00Z" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
  });
});

describe("API keys", () => {
  it("lets a staff admin create a key shown once, which then works, and revoke it", async () => {
    const session = (await callJson("POST", "/auth/login", { key: null, body: { email: "admin@alpha.example", password: "correct horse" } })).body.token;
    const created = await callJson("POST", "/v1/api-keys", { key: session, body: { name: "POS integration", scopes: ["read"] } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^llk_/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 12));
    const listed = await callJson("GET", "/v1/api-keys", { key: session });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await call("GET", "/v1/branches", { key: created.body.key })).status).toBe(200);
    expect((await call("POST", "/v1/customers", { key: created.body.key, body: { name: "x" } })).status).toBe(403);
    expect((await call("POST", `/v1/api-keys/${created.body.id}/revoke`, { key: session })).status).toBe(204);
    expect((await call("GET", "/v1/branches", { key: created.body.key })).status).toBe(401);
  });

  it("does not let a partner key manage keys", async () => {
    const res = await callJson("POST", "/v1/api-keys", { body: { name: "sneaky" } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("staff_admin_required");
  });
});

describe("structured logs", () => {
  it("writes one JSON line per request with id, route, status, latency and franchise, and no secrets", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "info").mockImplementation((line: unknown) => void lines.push(String(line)));
    const previous = env.LOG_LEVEL;
    (env as { LOG_LEVEL: string }).LOG_LEVEL = "info";
    try {
      await call("GET", "/v1/invoices?limit=1", { headers: { "x-request-id": "log-check-0001" } });
      await callJson("POST", "/auth/login", { key: null, body: { email: "admin@alpha.example", password: "correct horse" } });
    } finally {
      (env as { LOG_LEVEL: string }).LOG_LEVEL = previous;
      spy.mockRestore();
    }
    const records = lines.map((l) => JSON.parse(l));
    const access = records.find((r) => r.requestId === "log-check-0001" && r.msg === "request");
    expect(access).toMatchObject({ level: "info", method: "GET", route: "/v1/invoices", status: 200, franchiseId: A.franchiseId });
    expect(typeof access.latencyMs).toBe("number");
    const all = lines.join("\n");
    expect(all).not.toContain(A.key);
    expect(all).not.toContain("correct horse");
    expect(all).not.toMatch(/lls_[A-Za-z0-9_-]{20,}/);
  });
});
