// A franchise's own audit witness (issue 10): staff admins set and clear its URL and signing
// secret (validated: https or loopback http only; the secret sealed, never stored or returned in
// clear); each change is an audit entry (policy change) through the event stream; every newly
// signed checkpoint is pushed to it, HMAC-signed, and recorded as delivered or failed with its
// status; a failed push is retried by the hourly checkpoint job until it lands.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { checkpointAllLogs } from "../../workers/audit/checkpoint-cron.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { A, B, call, callJson, createCustomer, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const SECRET = "a-witness-secret-of-32-characters";
const own = (franchiseId: string) => `own-${franchiseId}`;
const witnessUrl = (franchiseId: string) => `${env.AUDIT_WITNESS_URL}/checkpoints/${own(franchiseId)}`;
const received = async (franchiseId: string) => (await (await fetch(`${env.AUDIT_WITNESS_URL}/_fake/received/${own(franchiseId)}`)).json()) as string[];
const fault = (status: number | null) => fetch(`${env.AUDIT_WITNESS_URL}/_fake/fault`, { method: "POST", body: JSON.stringify({ status }) });
let admin: string;

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Delivers franchise A's outbox events of `type` to the domain-events consumer (the event stream). */
async function relay(type: string) {
  const { results } = await env.DB.prepare("SELECT id, seq, type, aggregate_type, aggregate_id, aggregate_version, actor, occurred_at, payload FROM outbox_events WHERE franchise_id = ? AND type = ?").bind(A.franchiseId, type).all<Record<string, any>>();
  const batch = createMessageBatch("domain-events", results.map((e) => ({ id: `msg_${e.id}`, attempts: 1, timestamp: new Date(), body: { eventId: e.id, franchiseId: A.franchiseId, seq: e.seq, type: e.type, aggregateType: e.aggregate_type, aggregateId: e.aggregate_id, aggregateVersion: e.aggregate_version, actor: e.actor, occurredAt: e.occurred_at, payload: JSON.parse(e.payload) } })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  await getQueueResult(batch, ctx);
  return results;
}

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
});

describe("setting the witness", () => {
  it("refuses non-admins, bad URLs and short secrets with a 4xx naming the field, and writes nothing", async () => {
    for (const key of [A.key, await login(STAFF.aStaff.email)]) {
      const res = await callJson("PUT", "/v1/audit/witness", { key, body: { url: "https://witness.example/cp" } });
      expect(res.status).toBe(403);
    }
    const cases: Array<[unknown, string]> = [
      [{ url: "http://witness.example/cp" }, "url"],
      [{ url: "ftp://witness.example/cp" }, "url"],
      [{ url: "not a url" }, "url"],
      [{ url: "https://user:pw@witness.example/cp" }, "url"],
      [{ url: "https://witness.example/cp", secret: "short" }, "secret"],
      [{}, "url"],
    ];
    for (const [body, field] of cases) {
      const res = await callJson("PUT", "/v1/audit/witness", { key: admin, body });
      expect([400, 422], JSON.stringify(body)).toContain(res.status);
      expect(JSON.stringify(res.body.errors), JSON.stringify(body)).toContain(field);
    }
    expect((await callJson("GET", "/v1/audit/witness", { key: admin })).body.configured).toBe(false);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_witnesses").first<{ n: number }>())!.n).toBe(0);
  });

  it("an admin sets it; the secret is sealed, never returned; the change is an audit entry", async () => {
    const res = await callJson("PUT", "/v1/audit/witness", { key: admin, body: { url: witnessUrl(A.franchiseId), secret: SECRET } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ configured: true, url: witnessUrl(A.franchiseId), signed: true, updatedBy: `staff:${STAFF.aAdmin.id}` });
    expect(res.body.secretFingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    const row = await env.DB.prepare("SELECT * FROM audit_witnesses WHERE franchise_id = ?").bind(A.franchiseId).first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(row!.secret_sealed).toMatch(/^v1\./);
    // read-only keys and staff read it (without the secret); B sees none
    expect((await callJson("GET", "/v1/audit/witness", { key: A.readOnlyKey })).body.url).toBe(witnessUrl(A.franchiseId));
    expect((await callJson("GET", "/v1/audit/witness", { key: B.key })).body.configured).toBe(false);
    // a policy change in the audit log, with the actor, and the secret nowhere in it
    const events = await relay("audit_witness.configured");
    expect(JSON.stringify(events)).not.toContain(SECRET);
    const entries = await callJson("GET", `/v1/audit/entries?type=audit_witness.configured`, { key: admin });
    expect(entries.body.data.map((e: any) => [e.fields.type, e.fields.actor])).toEqual([["audit_witness.configured", `staff:${STAFF.aAdmin.id}`]]);
  });
});

describe("pushing checkpoints", () => {
  it("a newly signed checkpoint is POSTed to the franchise's witness, HMAC-signed, and recorded as delivered", async () => {
    await createCustomer({ name: "Witnessed change" });
    await relay("customer.created");
    const cp = await callJson("POST", "/v1/audit/checkpoints", { key: admin, body: {} });
    expect(cp.status).toBe(200);
    const notes = await received(A.franchiseId);
    expect(notes.at(-1)).toBe(cp.body.note);
    const headers = (await (await fetch(`${env.AUDIT_WITNESS_URL}/_fake/headers/${own(A.franchiseId)}`)).json()) as Record<string, string>;
    const [, t, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(headers["ledgerline-signature"]!)!;
    expect(mac).toBe(await hmacHex(SECRET, `${t}.${cp.body.note}`));
    expect(headers["ledgerline-audit-origin"]).toBe(`ledgerline.example/audit/${A.franchiseId}`);
    const pushes = await callJson("GET", "/v1/audit/witness/pushes", { key: admin });
    expect(pushes.status).toBe(200);
    expect(pushes.body.data[0]).toMatchObject({ size: cp.body.size, status: "delivered", httpStatus: 200, attempts: 1, error: null });
  });

  it("a failing witness is recorded with its status and retried by the hourly job until delivered", async () => {
    await createCustomer({ name: "Witness down" });
    await relay("customer.created");
    await fault(503);
    const cp = await callJson("POST", "/v1/audit/checkpoints", { key: admin, body: {} });
    expect(cp.status).toBe(200);
    let push = (await callJson("GET", "/v1/audit/witness/pushes", { key: admin })).body.data[0];
    expect(push).toMatchObject({ size: cp.body.size, status: "failed", httpStatus: 503, attempts: 1, deliveredAt: null });
    const logger = createLogger("error", {});
    await checkpointAllLogs(env, logger);
    push = (await callJson("GET", "/v1/audit/witness/pushes", { key: admin })).body.data[0];
    expect(push).toMatchObject({ status: "failed", httpStatus: 503, attempts: 2 });
    await fault(null);
    await checkpointAllLogs(env, logger);
    push = (await callJson("GET", "/v1/audit/witness/pushes", { key: admin })).body.data[0];
    expect(push).toMatchObject({ size: cp.body.size, status: "delivered", httpStatus: 200, attempts: 3 });
    expect((await received(A.franchiseId)).at(-1)).toBe(cp.body.note);
  });

  it("clearing it stops the pushes, is an audit entry, and a second clear is a 404", async () => {
    expect((await call("DELETE", "/v1/audit/witness", { key: await login(STAFF.aStaff.email) })).status).toBe(403);
    expect((await call("DELETE", "/v1/audit/witness", { key: admin })).status).toBe(204);
    expect((await callJson("DELETE", "/v1/audit/witness", { key: admin })).body.code).toBe("audit_witness_not_set");
    const before = (await received(A.franchiseId)).length;
    await createCustomer({ name: "Unwitnessed change" });
    await relay("customer.created");
    expect((await callJson("POST", "/v1/audit/checkpoints", { key: admin, body: {} })).status).toBe(200);
    expect((await received(A.franchiseId)).length).toBe(before);
    await relay("audit_witness.cleared");
    const entries = await callJson("GET", `/v1/audit/entries?type=audit_witness.cleared`, { key: admin });
    expect(entries.body.data).toHaveLength(1);
  });
});
