// Retention and legal holds over the e-invoice archive: the policies are the compliance notes'
// table; an archived document is kept from the end of the period the law names; deleting it
// early or while held is a clear 409; the daily purge removes only what expired and is not held,
// records each purge once in the outbox (→ audit log), and a lifted hold lets it go.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { archiveKeys } from "../../workers/compliance/archive.ts";
import { RETENTION_POLICIES } from "../../workers/domain/retention.ts";
import { purgeExpired } from "../../workers/maintenance/purge-expired.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { A, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

let admin: string;
const year = new Date().getUTCFullYear();
const today = new Date().toISOString().slice(0, 10);
const id = (n: number) => `inv_${String(n).padStart(26, "0")}`;
const OLD = id(1); // ES, 2015: kept through 2021-12-31
let RECENT: string; // a real issued Madrid (ES) invoice of today
const UNKNOWN = id(3); // GB: no policy in the notes' table

async function archive(docId: string, issueDate: string, jurisdiction = "ES", kind: "invoice" | "credit_note" = "invoice") {
  const sha256 = `${docId.slice(-8)}`.padStart(64, "0");
  const documentKey = archiveKeys.document(A.franchiseId, issueDate, sha256);
  await env.ARCHIVE.put(documentKey, "<Invoice/>");
  const record = { format: "ledgerline-einvoice-archive/1", kind, id: docId, franchiseId: A.franchiseId, branchId: A.madrid, number: `T-${docId.slice(-4)}`, issueDate, jurisdiction, documentKey, contentType: "application/xml", bytes: 10, sha256, seal: { jws: "x", kid: "k", sha256, sealedAt: issueDate }, archivedAt: `${issueDate}T00:00:00.000Z` };
  await env.ARCHIVE.put(archiveKeys.record(A.franchiseId, kind, docId), JSON.stringify(record));
  return { documentKey, recordKey: archiveKeys.record(A.franchiseId, kind, docId) };
}
const exists = async (key: string) => (await env.ARCHIVE.head(key)) !== null;
const purgeEvents = async (docId: string) =>
  (await env.DB.prepare("SELECT actor, payload FROM outbox_events WHERE type = 'archive.purged' AND aggregate_id = ?").bind(docId).all<{ actor: string; payload: string }>()).results;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  const draft = await createDraft(await createCustomer({ name: "Recent customer" }));
  expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`, { body: {} })).status).toBe(200);
  RECENT = draft.id;
});

describe("retention policies", () => {
  it("are the compliance notes' table, served to any principal", async () => {
    const res = await callJson("GET", "/v1/retention/policies");
    expect(res.status).toBe(200);
    const byKey = (p: any) => `${p.jurisdiction}/${p.documentClass}`;
    expect(res.body.data.map((p: any) => [byKey(p), p.months, p.start, p.source]).sort()).toEqual(RETENTION_POLICIES.map((p) => [byKey(p), p.months, p.start, p.source]).sort());
    expect(res.body.data.find((p: any) => byKey(p) === "DE/invoice").months).toBe(96);
  });
});

describe("deleting an archived document", () => {
  it("is refused while the retention runs, naming the date and the law; allowed after; unknown law keeps it", async () => {
    // before it is archived: known, not archived, nothing to decide yet
    const unarchived = await createDraft(await createCustomer({ name: "Draft customer" }));
    expect((await callJson("GET", `/v1/invoices/${unarchived.id}/retention`)).body).toMatchObject({ archived: false, deletable: false, refusal: "not_archived", policy: null });
    expect((await callJson("DELETE", `/v1/invoices/${unarchived.id}/archive`, { key: admin })).body.code).toBe("document_not_archived");
    expect((await callJson("GET", `/v1/invoices/${id(9)}/retention`)).status).toBe(404);
    const recent = await archive(RECENT, today);
    const status = await callJson("GET", `/v1/invoices/${RECENT}/retention`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ archived: true, jurisdiction: "ES", deletable: false, refusal: "retention_period_running", retainedThrough: `${year + 6}-12-31`, deletableFrom: `${year + 7}-01-01` });

    expect((await callJson("DELETE", `/v1/invoices/${RECENT}/archive`)).status).toBe(403); // a partner key
    expect((await callJson("DELETE", `/v1/invoices/${RECENT}/archive`, { key: await login(STAFF.aFinance.email) })).status).toBe(403);
    const refused = await callJson("DELETE", `/v1/invoices/${RECENT}/archive`, { key: admin });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("retention_period_running");
    expect(refused.body.detail).toContain(`until ${year + 6}-12-31`);
    expect(refused.body.detail).toContain("Código de Comercio");
    expect(await exists(recent.recordKey)).toBe(true);

    await archive(UNKNOWN, "2001-01-01", "GB");
    const unknown = await callJson("DELETE", `/v1/invoices/${UNKNOWN}/archive`, { key: admin });
    expect(unknown.status).toBe(409);
    expect(unknown.body.code).toBe("no_retention_policy");

    const old = await archive(id(4), "2015-06-01");
    const deleted = await callJson("DELETE", `/v1/invoices/${id(4)}/archive`, { key: admin });
    expect(deleted.status).toBe(204);
    expect(await exists(old.recordKey)).toBe(false);
    expect(await exists(old.documentKey)).toBe(false);
    const events = await purgeEvents(id(4));
    expect(events.map((e) => e.actor)).toEqual([`staff:${STAFF.aAdmin.id}`]);
    expect(JSON.parse(events[0]!.payload).retention).toEqual({ months: 72, retainedThrough: "2021-12-31", source: expect.stringContaining("Código de Comercio") });
    expect((await callJson("DELETE", `/v1/invoices/${id(4)}/archive`, { key: admin })).status).toBe(404);
  });
});

describe("legal holds and the daily purge", () => {
  it("purges only what expired and is not held, records each purge once, and a lifted hold lets the document go", async () => {
    const customerId = await createCustomer({ name: "Held customer" });
    const draft = await createDraft(customerId);
    // a draft is not a record yet
    const onDraft = await callJson("POST", "/v1/legal-holds", { key: admin, body: { documentKind: "invoice", documentId: draft.id, reason: "tax audit 2026" } });
    expect(onDraft.status).toBe(409);
    expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`, { body: {} })).status).toBe(200);
    const held = draft.id as string;

    const noReason = await callJson("POST", "/v1/legal-holds", { key: admin, body: { documentKind: "invoice", documentId: held } });
    expect(noReason.status).toBe(400);
    expect((await callJson("POST", "/v1/legal-holds", { body: { documentKind: "invoice", documentId: held, reason: "tax audit 2026" } })).status).toBe(403);
    const hold = await callJson("POST", "/v1/legal-holds", { key: admin, body: { documentKind: "invoice", documentId: held, reason: "tax audit 2026" } });
    expect(hold.status).toBe(201);
    expect(hold.body).toMatchObject({ documentId: held, reason: "tax audit 2026", setBy: `staff:${STAFF.aAdmin.id}`, liftedAt: null });
    const again = await callJson("POST", "/v1/legal-holds", { key: admin, body: { documentKind: "invoice", documentId: held, reason: "second" } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("legal_hold_exists");

    // the held invoice's archive says 2015 (long expired); OLD and the held one are due, RECENT is not
    const heldKeys = await archive(held, "2015-02-01");
    const oldKeys = await archive(OLD, "2015-03-01");
    const blocked = await callJson("DELETE", `/v1/invoices/${held}/archive`, { key: admin });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe("legal_hold_active");
    expect(blocked.body.detail).toContain("tax audit 2026");

    const logger = createLogger("error");
    await purgeExpired(env, logger);
    await purgeExpired(env, logger); // a second run purges and records nothing more
    expect(await exists(oldKeys.recordKey)).toBe(false);
    expect(await exists(oldKeys.documentKey)).toBe(false);
    expect(await exists(heldKeys.recordKey)).toBe(true);
    expect(await exists(archiveKeys.record(A.franchiseId, "invoice", RECENT))).toBe(true);
    expect(await exists(archiveKeys.record(A.franchiseId, "invoice", UNKNOWN))).toBe(true);
    expect((await purgeEvents(OLD)).map((e) => e.actor)).toEqual(["system:archive-purge"]);
    expect(await purgeEvents(held)).toEqual([]);

    const listed = await callJson("GET", "/v1/legal-holds", { key: admin });
    expect(listed.body.data.map((h: any) => h.id)).toEqual([hold.body.id]);
    const lifted = await callJson("POST", `/v1/legal-holds/${hold.body.id}/lift`, { key: admin, body: { reason: "audit closed" } });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ liftedBy: `staff:${STAFF.aAdmin.id}`, liftReason: "audit closed" });
    expect((await callJson("POST", `/v1/legal-holds/${hold.body.id}/lift`, { key: admin, body: { reason: "again" } })).status).toBe(409);
    expect((await callJson("GET", "/v1/legal-holds?active=false", { key: admin })).body.data[0].liftedAt).not.toBeNull();
    const holdEvents = await env.DB.prepare("SELECT type FROM outbox_events WHERE aggregate_id = ? ORDER BY seq").bind(hold.body.id).all<{ type: string }>();
    expect(holdEvents.results.map((e) => e.type)).toEqual(["legal_hold.set", "legal_hold.lifted"]);

    await purgeExpired(env, logger);
    expect(await exists(heldKeys.recordKey)).toBe(false);
    expect((await purgeEvents(held)).length).toBe(1);
  });

  it("a branch manager cannot read holds or retention", async () => {
    const manager = await login(STAFF.aManager.email);
    expect((await callJson("GET", "/v1/legal-holds", { key: manager })).status).toBe(403);
  });
});
