// Platform seals, the JWKS, verification and the write-once R2 archive, end to end in workerd.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { archiveKeys, putOnce } from "../../workers/compliance/archive.ts";
import { contributeJwks } from "../../workers/compliance/jwks.ts";
import { DEMO_SEAL_JWK } from "../../workers/compliance/seal/keys.ts";
import { A, B, call, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

beforeAll(seedFixtures);

const address = { line1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", countryCode: "ES" };

async function issued(): Promise<any> {
  const customerId = await createCustomer({ name: "Talleres Pérez S.L.", taxId: "B87654321", address });
  const draft = await createDraft(customerId);
  return (await callJson("POST", `/v1/invoices/${draft.id}/issue`)).body;
}

const bytesOf = async (path: string) => new Uint8Array(await (await call("GET", path)).arrayBuffer());
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const b64url = (bytes: Uint8Array) => b64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const hexSha256 = async (bytes: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromB64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(s.length / 4) * 4, "=")), (c) => c.charCodeAt(0));

describe("/.well-known/jwks.json", () => {
  it("is public and publishes the seal key (the demo key in tests) plus contributed keys", async () => {
    const res = await exports_fetch("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const body = (await res.json()) as any;
    expect(body.keys).toContainEqual({ kty: "OKP", crv: "Ed25519", x: DEMO_SEAL_JWK.x, kid: DEMO_SEAL_JWK.kid, use: "sig", alg: "EdDSA" });
    expect(JSON.stringify(body)).not.toContain(DEMO_SEAL_JWK.d);

    const remove = contributeJwks("test-audit", () => [{ kty: "OKP", crv: "Ed25519", x: "AAAA", kid: "audit-checkpoint-1" }, { kty: "OKP", crv: "Ed25519", x: "BBBB", kid: DEMO_SEAL_JWK.kid }]);
    try {
      const withAudit = (await (await exports_fetch("/.well-known/jwks.json")).json()) as any;
      // The seal key first, then every contributor's in registration order: the audit log's
      // checkpoint key (workers/audit/jwks-contribution.ts), then this test's.
      expect(withAudit.keys.map((k: any) => k.kid)).toEqual([DEMO_SEAL_JWK.kid, expect.stringMatching(/^audit-/), "audit-checkpoint-1"]);
      expect(withAudit.keys[0].x).toBe(DEMO_SEAL_JWK.x); // a contributor cannot shadow the seal key
    } finally {
      remove();
    }
  });
});

async function exports_fetch(path: string) {
  const { exports } = await import("cloudflare:workers");
  return exports.default.fetch(new Request(`http://ledgerline.test${path}`));
}

describe("GET /v1/invoices/{id}/seal", () => {
  it("seals the exact bytes /document serves; the JWS verifies with the JWKS key, independently of our code", async () => {
    const inv = await issued();
    const sealRes = await callJson("GET", `/v1/invoices/${inv.id}/seal`);
    expect(sealRes.status).toBe(200);
    const seal = sealRes.body;
    expect(seal).toMatchObject({ kid: DEMO_SEAL_JWK.kid, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), sealedAt: expect.any(String) });
    const doc = await bytesOf(`/v1/invoices/${inv.id}/document`);
    expect(await hexSha256(doc)).toBe(seal.sha256);

    const [protectedB64, payload, signature] = seal.jws.split(".");
    expect(payload).toBe("");
    const header = JSON.parse(new TextDecoder().decode(fromB64url(protectedB64)));
    expect(header).toEqual({ alg: "EdDSA", kid: DEMO_SEAL_JWK.kid, typ: "ledgerline-seal+jws", sealedAt: seal.sealedAt, b64: false, crit: ["b64"] });
    const jwks = (await (await exports_fetch("/.well-known/jwks.json")).json()) as any;
    const jwk = jwks.keys.find((k: any) => k.kid === seal.kid);
    const key = await crypto.subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
    const input = new Uint8Array([...new TextEncoder().encode(`${protectedB64}.`), ...doc]); // RFC 7797: the bytes as is
    expect(await crypto.subtle.verify("Ed25519", key, fromB64url(signature), input)).toBe(true);

    // Archived once: every later call answers the same seal.
    expect((await callJson("GET", `/v1/invoices/${inv.id}/seal`)).body).toEqual(seal);
    expect((await callJson("GET", `/v1/invoices/${inv.id}/seal`, { key: B.key })).status).toBe(404);
  });

  it("seals credit notes too", async () => {
    const inv = await issued();
    const note = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: inv.id, reason: "missed visit", lines: [{ description: "Visit", quantity: 1, unitPrice: 2500 }] } });
    const seal = (await callJson("GET", `/v1/credit-notes/${note.body.id}/seal`)).body;
    const doc = await bytesOf(`/v1/credit-notes/${note.body.id}/document`);
    const verified = await callJson("POST", "/v1/verify", { body: { document: b64(doc), jws: seal.jws } });
    expect(verified.body).toMatchObject({ valid: true, kid: DEMO_SEAL_JWK.kid, sealedAt: seal.sealedAt, failedCheck: null });
  });

  it("is 422 for a document that cannot conform, 409 for a draft", async () => {
    const customerId = await createCustomer({ address });
    const ny = await createDraft(customerId, { branchId: A.newYork, currency: "USD", lines: [{ description: "NY cleaning", quantity: 1, unitPrice: 9900 }] });
    await callJson("POST", `/v1/invoices/${ny.id}/issue`);
    expect(await callJson("GET", `/v1/invoices/${ny.id}/seal`)).toMatchObject({ status: 422, body: { code: "seller_address_missing" } });
    const draft = await createDraft(customerId);
    expect(await callJson("GET", `/v1/invoices/${draft.id}/seal`)).toMatchObject({ status: 409, body: { code: "invoice_not_issued" } });
  });
});

describe("POST /v1/verify", () => {
  it("says valid, and names the check that fails after any change", async () => {
    const inv = await issued();
    const seal = (await callJson("GET", `/v1/invoices/${inv.id}/seal`)).body;
    const doc = await bytesOf(`/v1/invoices/${inv.id}/document`);
    const verify = (document: Uint8Array | string, jws: string) => callJson("POST", "/v1/verify", { body: { document: typeof document === "string" ? document : b64(document), jws } });

    expect((await verify(doc, seal.jws)).body).toMatchObject({ valid: true, kid: seal.kid, sealedAt: seal.sealedAt, sha256: seal.sha256 });
    // base64url input is accepted too
    expect((await verify(b64url(doc), seal.jws)).body.valid).toBe(true);

    for (const at of [0, Math.floor(doc.length / 2), doc.length - 1]) {
      const changed = doc.slice();
      changed[at] = changed[at]! ^ 0x01;
      expect((await verify(changed, seal.jws)).body, `byte ${at}`).toMatchObject({ valid: false, failedCheck: "signature_invalid" });
    }
    const [h, , s] = seal.jws.split(".");
    const header = JSON.parse(new TextDecoder().decode(fromB64url(h)));
    const reHeader = (patch: object) => b64url(new TextEncoder().encode(JSON.stringify({ ...header, ...patch })));
    expect((await verify(doc, `${reHeader({ sealedAt: "2020-01-01T00:00:00.000Z" })}..${s}`)).body).toMatchObject({ valid: false, failedCheck: "signature_invalid", sealedAt: "2020-01-01T00:00:00.000Z" });
    expect((await verify(doc, `${reHeader({ kid: "someone-else" })}..${s}`)).body).toMatchObject({ valid: false, failedCheck: "unknown_kid" });
    expect((await verify(doc, `${reHeader({ alg: "HS256" })}..${s}`)).body).toMatchObject({ valid: false, failedCheck: "alg_unsupported" });
    const sig = fromB64url(s);
    sig[10] = sig[10]! ^ 0x80;
    expect((await verify(doc, `${h}..${b64url(sig)}`)).body).toMatchObject({ valid: false, failedCheck: "signature_invalid" });
    expect((await verify(doc, `${h}.${b64url(doc)}.${s}`)).body).toMatchObject({ valid: false, failedCheck: "jws_not_detached" });
    expect((await verify(doc, "garbage")).body).toMatchObject({ valid: false, failedCheck: "jws_malformed" });
    expect((await verify(doc, `e30..${s}`)).body).toMatchObject({ valid: false, failedCheck: "header_malformed" });
    expect((await verify(doc, `${reHeader({ b64: true })}..${s}`)).body).toMatchObject({ valid: false, failedCheck: "header_malformed" });
    expect(await verify("not base64!!", seal.jws)).toMatchObject({ status: 422, body: { code: "invalid_base64", errors: [{ field: "document" }] } });
  });
});

describe("the archive", () => {
  it("archives on invoice.issued through the domain-events queue, under the documented key layout", async () => {
    const inv = await issued();
    const before = await callJson("GET", `/v1/invoices/${inv.id}/archive`);
    expect(before.body).toMatchObject({ status: "not_archived", recordKey: archiveKeys.record(A.franchiseId, "invoice", inv.id), seal: null });
    // The invoice's real invoice.issued payload (every subscriber of the type reads it), redelivered under a fresh event id.
    const issuedEvent = await env.DB.prepare("SELECT payload FROM outbox_events WHERE aggregate_id = ? AND type = 'invoice.issued'").bind(inv.id).first<{ payload: string }>();
    const batch = createMessageBatch("domain-events", [
      {
        id: "m1",
        timestamp: new Date(),
        attempts: 1,
        body: { eventId: `evt_archive_${inv.id}`, franchiseId: A.franchiseId, seq: 999_001, type: "invoice.issued", aggregateType: "invoice", aggregateId: inv.id, aggregateVersion: 2, actor: "api_key:key_a_rw", occurredAt: new Date().toISOString(), payload: JSON.parse(issuedEvent!.payload) },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);

    const after = await callJson("GET", `/v1/invoices/${inv.id}/archive`);
    expect(after.body).toMatchObject({ status: "archived", integrity: "ok", actualSha256: null });
    const { sha256, documentKey } = after.body;
    expect(documentKey).toBe(`einvoice/${A.franchiseId}/documents/${inv.issueDate.slice(0, 4)}/${sha256}.xml`);
    const stored = await env.ARCHIVE.get(documentKey);
    expect(stored?.customMetadata).toMatchObject({ sha256, kind: "invoice", id: inv.id, number: inv.number });
    // /seal answers the archived seal, /document the archived bytes.
    expect((await callJson("GET", `/v1/invoices/${inv.id}/seal`)).body).toEqual(after.body.seal);
    expect(await hexSha256(await bytesOf(`/v1/invoices/${inv.id}/document`))).toBe(sha256);
  });

  it("is write-once: R2 refuses a second write of a key", async () => {
    const key = `einvoice/${A.franchiseId}/records/invoice/inv_writeonce.json`;
    expect(await putOnce(env.ARCHIVE, key, "first")).toBe(true);
    expect(await putOnce(env.ARCHIVE, key, "second")).toBe(false);
    expect(await (await env.ARCHIVE.get(key))!.text()).toBe("first");
  });

  it("reports altered bytes instead of serving them", async () => {
    const inv = await issued();
    const seal = (await callJson("GET", `/v1/invoices/${inv.id}/seal`)).body;
    const status = (await callJson("GET", `/v1/invoices/${inv.id}/archive`)).body;
    const original = await (await env.ARCHIVE.get(status.documentKey))!.text();
    // Someone with bucket rights overwrites the object (a plain put ignores our write-once rule).
    await env.ARCHIVE.put(status.documentKey, original.replace(inv.number, `${inv.number}X`));
    const tampered = await callJson("GET", `/v1/invoices/${inv.id}/archive`);
    expect(tampered.body).toMatchObject({ status: "archived", integrity: "mismatch", sha256: seal.sha256, actualSha256: expect.not.stringMatching(seal.sha256) });
    expect(await callJson("GET", `/v1/invoices/${inv.id}/document`)).toMatchObject({ status: 409, body: { code: "archive_integrity_mismatch" } });
    await env.ARCHIVE.delete(status.documentKey);
    expect((await callJson("GET", `/v1/invoices/${inv.id}/archive`)).body).toMatchObject({ integrity: "missing" });
  });
});
