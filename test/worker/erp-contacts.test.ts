// Contact edits both ways (issue 8), end to end against the fake Xero on an organisation of its
// own (slot 11): the contact's details at creation are its last synced state; an edit made in Xero
// (CONTACT webhook) is applied, ignored or sent to review by the connection's contact owner; a
// decided conflict updates the customer ("theirs") or Xero ("ours"); a customer edited here
// updates the contact, and the ERP's own edit is never sent back.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { withoutErpQueue, xeroFake } from "./erp-test-env.ts";
import { envelopeOf, type OutboxRow } from "../../workers/events/envelope.ts";
import { assertMatchesContract } from "./openapi-contract.ts";
import { A, call, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const SLOT = 11;
const TENANT_ID = `7a1e1f0e-0000-4000-8000-${(0xf001 + SLOT).toString(16).padStart(12, "0")}`;
const fake = xeroFake(env, SLOT);

let admin: string;
let connectionId: string;

async function run(queue: string, bodies: unknown[]) {
  for (let i = 0; i < bodies.length; i += 25) {
    const batch = createMessageBatch(
      queue,
      bodies.slice(i, i + 25).map((body, j) => ({ id: `${queue}-${Date.now()}-${i + j}-${Math.random()}`, attempts: 1, timestamp: new Date(), body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, queue === "domain-events" ? withoutErpQueue(env) : env, ctx);
    await waitOnExecutionContext(ctx);
  }
}

let delivered = 0;
/** Delivers franchise A's new events to the subscribers (the relay's job, done here deterministically). */
async function deliverEvents() {
  const rows = await env.DB.prepare("SELECT * FROM outbox_events WHERE franchise_id = ? AND seq > ? ORDER BY seq").bind(A.franchiseId, delivered).all<OutboxRow>();
  if (rows.results.length > 0) delivered = rows.results.at(-1)!.seq;
  await run("domain-events", rows.results.map(envelopeOf));
}

async function drain() {
  for (let r = 0; r < 40; r++) {
    const { results } = await env.DB.prepare("SELECT id FROM erp_sync_records WHERE franchise_id = ? AND connection_id = ? AND state IN ('pending','retrying','syncing')").bind(A.franchiseId, connectionId).all<{ id: string }>();
    if (results.length === 0) return;
    await env.DB.prepare("UPDATE erp_sync_records SET claimed_until = '2000-01-01T00:00:00.000Z' WHERE connection_id = ? AND state = 'syncing'").bind(connectionId).run();
    await run("erp-sync", results.map((x) => ({ franchiseId: A.franchiseId, connectionId, recordId: x.id })));
  }
  throw new Error("erp sync did not drain");
}

async function signedWebhook(payload: unknown) {
  const body = JSON.stringify(payload);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("fake-xero-webhook-key-not-real"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))));
  const request = new Request("http://ledgerline.test/webhooks/xero", { method: "POST", headers: { "x-xero-signature": sig, "content-type": "application/json" }, body });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
}
const contactEdited = (remoteId: string) => signedWebhook({ events: [{ resourceId: remoteId, tenantId: TENANT_ID, eventCategory: "CONTACT", eventType: "UPDATE", eventDateUtc: new Date().toISOString() }], firstEventSequence: 1, lastEventSequence: 1, entropy: crypto.randomUUID() });

/** A customer with one invoice synced: its contact exists in Xero. */
async function syncedCustomer(name: string, email: string) {
  const customerId = await createCustomer({ name, email });
  const draft = await createDraft(customerId, { lines: [{ description: "Visit", quantity: 1, unitPrice: 10_000, serviceTypeId: A.cleaning }] });
  expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200);
  await deliverEvents();
  await drain();
  const record = await contactRecord(customerId);
  expect(record).toMatchObject({ state: "synced" });
  return { customerId, remoteId: record!.remote_id as string };
}
const contactRecord = (customerId: string) => env.DB.prepare("SELECT * FROM erp_sync_records WHERE connection_id = ? AND entity_type = 'customer' AND entity_id = ?").bind(connectionId, customerId).first<any>();
const customer = async (id: string) => (await callJson("GET", `/v1/customers/${id}`)).body;
const xeroContact = async (remoteId: string) => ((await fake("/_fake/state")).contacts as any[]).find((c) => c.ContactID === remoteId);
async function setOwner(contactOwner: string) {
  const res = await callJson("PUT", `/v1/integrations/${connectionId}/contact-owner`, { key: admin, body: { contactOwner } });
  expect(res.status).toBe(200);
  expect(res.body.contactOwner).toBe(contactOwner);
}
const inbound = async (remoteId: string) => (await env.DB.prepare("SELECT decision, detail FROM erp_inbound_changes WHERE connection_id = ? AND remote_id = ? ORDER BY created_at").bind(connectionId, remoteId).all<any>()).results;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  await fake("/_fake/config", { minuteMs: 1000 });
  const started = await callJson("POST", "/v1/integrations", { key: admin, body: { provider: "xero" } });
  connectionId = started.body.integration.id;
  const consent = await fetch(`${started.body.authorizeUrl}&fake_tenant=${SLOT}`, { redirect: "manual" });
  const back = new URL(consent.headers.get("location")!);
  const ctx = createExecutionContext();
  expect((await worker.fetch(new Request(`http://ledgerline.test${back.pathname}${back.search}`), env, ctx)).status).toBe(302);
  await waitOnExecutionContext(ctx);
  const put = await callJson("PUT", `/v1/integrations/${connectionId}/mappings`, {
    key: admin,
    body: { mappings: [{ kind: "tax", localKey: "ES:standard:210000", remoteCode: "OUTPUT_ES21" }, { kind: "account", localKey: "default", remoteCode: "200" }, { kind: "account", localKey: "payments", remoteCode: "090" }] },
  });
  expect(put.status).toBe(200);
});

describe("the contact owner setting", () => {
  it("defaults to review, is set by an admin, and a bad value is a 400 naming the field with nothing changed", async () => {
    expect((await callJson("GET", `/v1/integrations/${connectionId}`, { key: admin })).body.contactOwner).toBe("review");
    const bad = await callJson("PUT", `/v1/integrations/${connectionId}/contact-owner`, { key: admin, body: { contactOwner: "whoever" } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("contactOwner");
    expect((await callJson("GET", `/v1/integrations/${connectionId}`, { key: admin })).body.contactOwner).toBe("review");
    const res = await call("PUT", `/v1/integrations/${connectionId}/contact-owner`, { key: admin, body: { contactOwner: "erp" } });
    expect(res.status).toBe(200);
    await assertMatchesContract("PUT", `http://ledgerline.test/v1/integrations/${connectionId}/contact-owner`, res.clone());
    expect(((await res.json()) as { contactOwner: string }).contactOwner).toBe("erp");
  });
});

describe("contact edits made in Xero", () => {
  it("keeps the details sent at creation as the contact's last synced state", async () => {
    const { customerId, remoteId } = await syncedCustomer("Contacto Base SL", "base@example.es");
    const record = await contactRecord(customerId);
    expect(JSON.parse(record.synced_snapshot)).toEqual({ name: "Contacto Base SL", email: "base@example.es", taxId: null });
    expect((await xeroContact(remoteId)).Name).toBe("Contacto Base SL");
  });

  it("owner erp: the edit updates the customer as system:erp-sync, once, even when the webhook comes twice", async () => {
    await setOwner("erp");
    const { customerId, remoteId } = await syncedCustomer("Limpiezas Norte SL", "norte@example.es");
    await fake("/_fake/edit-contact", { ContactID: remoteId, changes: { EmailAddress: "facturas@norte.example.es" } });
    await contactEdited(remoteId);
    await contactEdited(remoteId);
    const after = await customer(customerId);
    expect(after.email).toBe("facturas@norte.example.es");
    expect(after.name).toBe("Limpiezas Norte SL");
    const events = (await env.DB.prepare("SELECT actor FROM outbox_events WHERE aggregate_id = ? AND type = 'customer.updated'").bind(customerId).all<any>()).results;
    expect(events).toEqual([{ actor: "system:erp-sync" }]);
    expect(await inbound(remoteId)).toMatchObject([{ decision: "applied" }]);
    // The ERP's own edit is not sent back to it.
    const seen = (await fake("/_fake/requests")).requests.length;
    await deliverEvents();
    await drain();
    expect((await fake("/_fake/requests")).requests.slice(seen).filter((r: any) => r.path.includes("/Contacts"))).toEqual([]);
    expect((await contactRecord(customerId)).state).toBe("synced");
  });

  it("owner ledgerline: the edit is ignored with its reason and the customer keeps its details", async () => {
    await setOwner("ledgerline");
    const { customerId, remoteId } = await syncedCustomer("Fontanería Sur SL", "sur@example.es");
    await fake("/_fake/edit-contact", { ContactID: remoteId, changes: { Name: "Fontaneria del Sur" } });
    await contactEdited(remoteId);
    expect((await customer(customerId)).name).toBe("Fontanería Sur SL");
    const rows = await inbound(remoteId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ decision: "ignored" });
    expect(rows[0].detail).toContain("name");
  });

  it("owner review: the edit waits in the conflict queue; deciding 'theirs' updates the customer and closes it", async () => {
    await setOwner("review");
    const { customerId, remoteId } = await syncedCustomer("Jardines Este SL", "este@example.es");
    await fake("/_fake/edit-contact", { ContactID: remoteId, changes: { Name: "Jardines del Este SL", TaxNumber: "B76543210" } });
    await contactEdited(remoteId);
    await contactEdited(remoteId); // a duplicate delivery opens no second conflict
    expect((await customer(customerId)).name).toBe("Jardines Este SL");
    const open = await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`, { key: admin });
    const mine = open.body.data.filter((c: any) => c.fieldGroup === "contact" && c.theirs.name === "Jardines del Este SL");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ ours: { name: "Jardines Este SL", taxId: null }, theirs: { taxId: "B76543210" }, base: { name: "Jardines Este SL" } });
    const decided = await callJson("POST", `/v1/integrations/${connectionId}/conflicts`, { key: admin, body: { conflictId: mine[0].id, choices: { name: "theirs", email: "theirs", taxId: "theirs" } } });
    expect(decided.status).toBe(200);
    const after = await customer(customerId);
    expect(after).toMatchObject({ name: "Jardines del Este SL", taxId: "B76543210", email: "este@example.es" });
    // Agreed now: the same edit read again is not a new conflict, and nothing is sent to Xero.
    await contactEdited(remoteId);
    const seen = (await fake("/_fake/requests")).requests.length;
    await deliverEvents();
    await drain();
    expect((await fake("/_fake/requests")).requests.slice(seen).filter((r: any) => r.path.includes("/Contacts"))).toEqual([]);
    expect((await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`, { key: admin })).body.data.filter((c: any) => c.recordId === mine[0].recordId)).toEqual([]);
  });

  it("owner review, deciding 'ours': Xero's contact gets Ledgerline's details back", async () => {
    const { customerId, remoteId } = await syncedCustomer("Reformas Oeste SL", "oeste@example.es");
    await fake("/_fake/edit-contact", { ContactID: remoteId, changes: { Name: "Reformas O." } });
    await contactEdited(remoteId);
    const open = await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`, { key: admin });
    const mine = open.body.data.find((c: any) => c.fieldGroup === "contact" && c.theirs.name === "Reformas O.");
    const decided = await callJson("POST", `/v1/integrations/${connectionId}/conflicts`, { key: admin, body: { conflictId: mine.id, choices: { name: "ours", email: "ours", taxId: "ours" } } });
    expect(decided.status).toBe(200);
    await drain();
    expect((await xeroContact(remoteId)).Name).toBe("Reformas Oeste SL");
    expect((await customer(customerId)).name).toBe("Reformas Oeste SL");
    expect(JSON.parse((await contactRecord(customerId)).synced_snapshot).name).toBe("Reformas Oeste SL");
  });

  it("an edit on both sides is a conflict whatever the owner", async () => {
    await setOwner("erp");
    const { customerId, remoteId } = await syncedCustomer("Pinturas Centro SL", "centro@example.es");
    await fake("/_fake/edit-contact", { ContactID: remoteId, changes: { EmailAddress: "xero@centro.example.es" } });
    // Edited here too, before the outbound update reached Xero.
    const current = await callJson("GET", `/v1/customers/${customerId}`);
    const patched = await callJson("PATCH", `/v1/customers/${customerId}`, { headers: { "if-match": current.headers.get("etag")! }, body: { email: "ledgerline@centro.example.es" } });
    expect(patched.status).toBe(200);
    await contactEdited(remoteId);
    expect((await customer(customerId)).email).toBe("ledgerline@centro.example.es");
    const open = await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`, { key: admin });
    expect(open.body.data.filter((c: any) => c.fieldGroup === "contact" && c.theirs.email === "xero@centro.example.es")).toHaveLength(1);
  });
});

describe("a customer edited in Ledgerline", () => {
  it("updates its Xero contact once; an edit that does not touch the contact sends nothing", async () => {
    const { customerId, remoteId } = await syncedCustomer("Cristalería Alta SL", "alta@example.es");
    let current = await callJson("GET", `/v1/customers/${customerId}`);
    expect((await callJson("PATCH", `/v1/customers/${customerId}`, { headers: { "if-match": current.headers.get("etag")! }, body: { name: "Cristalería Alta y Baja SL" } })).status).toBe(200);
    await deliverEvents();
    await deliverEvents();
    await drain();
    expect((await xeroContact(remoteId)).Name).toBe("Cristalería Alta y Baja SL");
    const record = await contactRecord(customerId);
    expect(record.state).toBe("synced");
    expect(JSON.parse(record.synced_snapshot).name).toBe("Cristalería Alta y Baja SL");
    const seen = (await fake("/_fake/requests")).requests.length;
    current = await callJson("GET", `/v1/customers/${customerId}`);
    expect((await callJson("PATCH", `/v1/customers/${customerId}`, { headers: { "if-match": current.headers.get("etag")! }, body: { language: "en" } })).status).toBe(200);
    await deliverEvents();
    await drain();
    expect((await fake("/_fake/requests")).requests.slice(seen).filter((r: any) => r.path.includes("/Contacts"))).toEqual([]);
  });

  it("a refused update (a name another contact has) fails with Xero's message and its fix", async () => {
    const first = await syncedCustomer("Toldos Uno SL", "uno@example.es");
    const second = await syncedCustomer("Toldos Dos SL", "dos@example.es");
    const current = await callJson("GET", `/v1/customers/${second.customerId}`);
    expect((await callJson("PATCH", `/v1/customers/${second.customerId}`, { headers: { "if-match": current.headers.get("etag")! }, body: { name: "Toldos Uno SL" } })).status).toBe(200);
    await deliverEvents();
    await drain();
    const record = await contactRecord(second.customerId);
    expect(record.state).toBe("failed");
    expect(record.last_error).toContain("already assigned to another contact");
    expect((await xeroContact(first.remoteId)).Name).toBe("Toldos Uno SL");
  });
});

describe("the Xero contract", () => {
  it("every contact body sent validated against xero_accounting.yaml", async () => {
    expect((await fake("/_fake/state")).contractViolations).toEqual([]);
  });
});
