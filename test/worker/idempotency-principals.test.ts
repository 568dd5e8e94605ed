// Idempotency and principals: authorization runs before any replay, the fingerprint includes
// who is calling, and no secret is ever replayed or stored in idempotency_keys.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../workers/auth/secrets.ts";
import { A, callJson, seedFixtures } from "./fixtures.ts";

let session = "";
beforeAll(async () => {
  await seedFixtures();
  await env.DB.prepare("INSERT INTO staff_users (id, franchise_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind("usr_a_admin", A.franchiseId, "admin@alpha.example", "Alpha Admin", "admin", await hashPassword("correct horse"), "2026-01-01T00:00:00.000Z")
    .run();
  session = (await callJson("POST", "/auth/login", { key: null, body: { email: "admin@alpha.example", password: "correct horse" } })).body.token;
});

describe("idempotent API key creation", () => {
  it("never hands a staff admin's new key to a partner key replaying the same Idempotency-Key", async () => {
    const headers = { "idempotency-key": "k1" };
    const body = { name: "POS integration", scopes: ["read"] };
    const created = await callJson("POST", "/v1/api-keys", { key: session, body, headers });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^llk_/);
    const partner = await callJson("POST", "/v1/api-keys", { key: A.key, body, headers });
    expect(partner.status).toBe(403);
    expect(partner.body.code).toBe("staff_admin_required");
    expect(JSON.stringify(partner.body)).not.toContain(created.body.key);
    expect(partner.headers.get("idempotent-replayed")).toBeNull();
  });

  it("replays a key creation to its own principal without the secret, and stores no secret", async () => {
    const headers = { "idempotency-key": "k2" };
    const body = { name: "ERP", scopes: ["read", "write"] };
    const created = await callJson("POST", "/v1/api-keys", { key: session, body, headers });
    expect(created.status).toBe(201);
    const replay = await callJson("POST", "/v1/api-keys", { key: session, body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toMatchObject({ id: created.body.id, name: "ERP", prefix: created.body.prefix, key: null, keyShownOnce: true });
    const dump = JSON.stringify((await env.DB.prepare("SELECT * FROM idempotency_keys").all()).results);
    expect(dump).not.toContain(created.body.key);
    expect(dump).not.toContain(created.body.key.slice(12));
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE name = 'ERP'").first<{ n: number }>();
    expect(keys!.n).toBe(1);
  });
});

describe("principal in the fingerprint", () => {
  it("refuses a replay by another principal of the same franchise with a clear code", async () => {
    const headers = { "idempotency-key": "shared-across-principals" };
    const body = { name: "Twice" };
    const first = await callJson("POST", "/v1/customers", { key: session, body, headers });
    expect(first.status).toBe(201);
    const other = await callJson("POST", "/v1/customers", { key: A.key, body, headers });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe("idempotency_key_other_principal");
    expect(JSON.stringify(other.body)).not.toContain(first.body.id);
  });
});

describe("idempotent API key revocation", () => {
  it("replays a committed revocation as 204 even when its response was lost, instead of a 404", async () => {
    const created = await callJson("POST", "/v1/api-keys", { key: session, body: { name: "to revoke" } });
    const headers = { "idempotency-key": "revoke-1" };
    const first = await callJson("POST", `/v1/api-keys/${created.body.id}/revoke`, { key: session, headers });
    expect(first.status).toBe(204);
    const stored = await callJson("POST", `/v1/api-keys/${created.body.id}/revoke`, { key: session, headers });
    expect(stored.status).toBe(204);
    expect(stored.headers.get("idempotent-replayed")).toBe("true");
    await env.DB.prepare("UPDATE idempotency_keys SET state = 'committed', response_body = NULL, status_code = NULL WHERE key = 'revoke-1'").run();
    const retry = await callJson("POST", `/v1/api-keys/${created.body.id}/revoke`, { key: session, headers });
    expect(retry.status).toBe(204);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const unknown = await callJson("POST", "/v1/api-keys/key_00000000000000000000000000/revoke", { key: session, headers: { "idempotency-key": "revoke-2" } });
    expect(unknown.status).toBe(404);
  });
});
