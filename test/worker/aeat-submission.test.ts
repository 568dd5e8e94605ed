// VERI*FACTU records submitted to the AEAT (the fake in scripts/fakes/aeat.ts, which recomputes
// every huella and checks every chain link) through the real subscriber, aeat-submission queue
// consumer, VerifactuChain DO and D1: accepted, rejected with its code (never retried, shown by
// GET /v1/invoices/{id}/verifactu), 5xx and timeouts retried with backoff then accepted,
// redelivered and concurrent messages sending nothing twice, a chain of records sent in order
// in one submission, the AEAT's TiempoEsperaEnvio honoured, and retries exhausted → failed +
// dead letter, blocking the chain. Each test uses its own issuer NIF, so its chain (here and in
// the fake) is its own.
// The local queue also runs the consumer in the background (every append sends a message), so
// the issuer is held (next_send_at far ahead) between steps and each step lifts the hold, runs
// the consumer itself and holds again: what a step asserts is what that step did.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { submitIssuer } from "../../workers/compliance/aeat-submission.ts";
import worker from "../../workers/index.ts";
import { A, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

const AEAT = (env as unknown as { AEAT_BASE_URL: string }).AEAT_BASE_URL;
const fake = async (path: string, body?: unknown) => (await fetch(`${AEAT}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<any>;

const address = { line1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", countryCode: "ES" };
let seq = 700_000;
let nif = "";
let nifSeq = 0;

/** A fresh issuer NIF for Madrid: a chain of its own, here and in the fake; held from the start. */
async function freshIssuer() {
  nif = `B${String(Date.now() % 1e5).padStart(5, "0")}${String(nifSeq++).padStart(2, "0")}Z`;
  await env.DB.prepare("UPDATE branches SET tax_id = ? WHERE id = ?").bind(nif, A.madrid).run();
  await env.DB.prepare("INSERT INTO verifactu_submitters (franchise_id, nif, issuer_name, settled_through, updated_at) VALUES (?, ?, 'Alpha Cleaning Iberia S.L.', 0, '2026-01-01')").bind(A.franchiseId, nif).run();
  await hold();
}

/** Keeps the background consumer away from this issuer (it sees a wait of hours). */
const hold = () => env.DB.prepare("UPDATE verifactu_submitters SET next_send_at = '2099-01-01T00:00:00.000Z' WHERE franchise_id = ? AND nif = ?").bind(A.franchiseId, nif).run();

async function runQueue(queue: string, bodies: unknown[], bindings: Partial<Record<string, string>> = {}) {
  const batch = createMessageBatch(queue, bodies.map((body, i) => ({ id: `m-${queue}-${seq++}-${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...bindings } as Env, ctx);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages).toEqual([]);
  return result;
}

async function deliver(type: string, aggregateType: string, aggregateId: string) {
  await runQueue("domain-events", [{ eventId: `evt_aeat_${type}_${aggregateId}`, franchiseId: A.franchiseId, seq: seq++, type, aggregateType, aggregateId, aggregateVersion: 2, actor: "api_key:key_a_rw", occurredAt: new Date().toISOString(), payload: {} }]);
}

async function issued(lines?: unknown[]) {
  const customerId = await createCustomer({ taxId: "B87654321", address });
  const d = await createDraft(customerId, lines ? { lines } : {});
  const inv = (await callJson("POST", `/v1/invoices/${d.id}/issue`)).body;
  await deliver("invoice.issued", "invoice", inv.id);
  return inv as { id: string; number: string; total: number };
}

/** The issuer's next_send_at as the consumer left it (before the test holds it again). */
let lastNextSendAt: string | null = null;

/**
 * The aeat-submission consumer, as the queue would run it, for the current issuer. `wait`: keep
 * the wait the last step left (the AEAT's TiempoEsperaEnvio or the backoff) instead of lifting it.
 */
async function submit(bindings: Partial<Record<string, string>> = {}, opts: { wait?: string | null } = {}) {
  await env.DB.prepare("UPDATE verifactu_submitters SET next_send_at = ? WHERE franchise_id = ? AND nif = ?").bind(opts.wait ?? null, A.franchiseId, nif).run();
  await runQueue("aeat-submission", [{ franchiseId: A.franchiseId, nif }], bindings);
  lastNextSendAt = (await env.DB.prepare("SELECT next_send_at FROM verifactu_submitters WHERE franchise_id = ? AND nif = ?").bind(A.franchiseId, nif).first<{ next_send_at: string | null }>())?.next_send_at ?? null;
  await hold();
}
const received = async () => (await fake(`/_fake/requests?nif=${nif}`)) as Array<{ early: boolean; records: Array<{ type: string; numSerie: string; huella: string }>; lines: Array<{ estado: string; codigo?: string }> }>;
const submissionOf = async (id: string) => {
  const r = await callJson("GET", `/v1/invoices/${id}/verifactu`);
  expect(r.status).toBe(200);
  return r.body;
};

beforeAll(seedFixtures);
beforeEach(async () => {
  await freshIssuer();
  await fake("/_fake/faults", { next: [] });
  await fake("/_fake/config", { tiempoEsperaEnvio: 0 });
});

describe("AEAT submission of VERI*FACTU records", () => {
  it("submits an issued Spanish invoice once: accepted (Correcto) with the AEAT's CSV, shown by GET …/verifactu", async () => {
    const inv = await issued();
    const before = await submissionOf(inv.id);
    expect(before.submission).toMatchObject({ status: "pending", attempts: 0 });
    await submit();
    const view = await submissionOf(inv.id);
    expect(view.submission).toMatchObject({ status: "accepted", attempts: 1, errorCode: null, lastError: null });
    expect(view.submission.csv).toMatch(/^FAKECSV\d{9}$/);
    // Existing fields unchanged beside the new one.
    expect(view.record).toEqual(before.record);
    expect(view.qrUrl).toBe(before.qrUrl);
    const sent = await received();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.records).toEqual([{ type: "alta", numSerie: inv.number, huella: view.record.Huella }]);
    expect(sent[0]!.lines).toEqual([expect.objectContaining({ estado: "Correcto" })]);
  });

  it("a rejected record (Incorrecto) keeps its CodigoErrorRegistro, is shown and is never retried", async () => {
    const inv = await issued();
    await fake("/_fake/outcomes", { [inv.number]: { estado: "Incorrecto", codigo: "1105", descripcion: "NIF del destinatario no identificado" } });
    await submit();
    const view = await submissionOf(inv.id);
    expect(view.submission).toMatchObject({ status: "rejected", attempts: 1, errorCode: "1105", lastError: "NIF del destinatario no identificado", csv: null });
    await submit();
    await submit();
    expect(await received()).toHaveLength(1);
    expect((await submissionOf(inv.id)).submission).toMatchObject({ status: "rejected", attempts: 1 });

    // AceptadoConErrores is registered: final, with the code kept.
    const warned = await issued();
    await fake("/_fake/outcomes", { [warned.number]: { estado: "AceptadoConErrores", codigo: "2011", descripcion: "Aviso: importe elevado" } });
    await submit();
    expect((await submissionOf(warned.id)).submission).toMatchObject({ status: "accepted_with_errors", errorCode: "2011", lastError: "Aviso: importe elevado" });
    expect((await submissionOf(warned.id)).submission.csv).toMatch(/^FAKECSV/);
  });

  it("5xx and timeouts are retried with backoff, then the record is accepted; the wait is honoured between tries", async () => {
    const inv = await issued();
    await fake("/_fake/faults", { next: ["5xx", "timeout"], timeoutMs: 1500 });
    await submit();
    let view = await submissionOf(inv.id);
    expect(view.submission).toMatchObject({ status: "retrying", attempts: 1 });
    expect(view.submission.lastError).toContain("HTTP 503");
    // Backoff: asking again before it elapsed sends nothing and says when to come back.
    expect(Date.parse(lastNextSendAt!)).toBeGreaterThan(Date.now());
    await submit({}, { wait: lastNextSendAt });
    expect((await submissionOf(inv.id)).submission).toMatchObject({ status: "retrying", attempts: 1 });
    const early = await submitIssuer(env, { franchiseId: A.franchiseId, nif }, Date.now(), () => 0.5);
    expect(early).toMatchObject({ sent: 0 });
    expect(await received()).toHaveLength(0);

    await submit({ AEAT_TIMEOUT_MS: "300" });
    view = await submissionOf(inv.id);
    expect(view.submission).toMatchObject({ status: "retrying", attempts: 2 });
    expect(view.submission.lastError).toContain("did not answer within 300 ms");

    await submit();
    view = await submissionOf(inv.id);
    expect(view.submission).toMatchObject({ status: "accepted", attempts: 3, lastError: null });
    const sent = await received();
    expect(sent).toHaveLength(1); // the 5xx and the timeout never reached the fake's register
    expect(sent[0]!.lines[0]!.estado).toBe("Correcto");
  });

  it("redelivered, duplicated and concurrent messages never submit a record twice", async () => {
    const inv = await issued();
    // Two consumers at once, each with a duplicated message: one submission.
    await Promise.all([
      runQueue("aeat-submission", [{ franchiseId: A.franchiseId, nif }, { franchiseId: A.franchiseId, nif }]),
      runQueue("aeat-submission", [{ franchiseId: A.franchiseId, nif }]),
    ]);
    await submit();
    await deliver("invoice.issued", "invoice", inv.id); // the event redelivered: asks again
    await submit();
    expect(await received()).toHaveLength(1);
    expect((await submissionOf(inv.id)).submission).toMatchObject({ status: "accepted", attempts: 1 });

    // A send whose answer was lost (the record was registered, we saw a 5xx): the resend is
    // answered "duplicado" (3000) and counts as accepted, not as a rejection.
    const lost = await issued();
    await submit();
    await env.DB.prepare("UPDATE verifactu_submissions SET status = 'retrying', csv = NULL WHERE nif = ? AND document_id = ?").bind(nif, lost.id).run();
    await env.DB.prepare("UPDATE verifactu_submitters SET settled_through = settled_through - 1, next_send_at = NULL WHERE nif = ?").bind(nif).run();
    await submit();
    expect((await submissionOf(lost.id)).submission).toMatchObject({ status: "accepted", errorCode: "3000", attempts: 2 });
    expect((await received()).map((r) => r.lines[0]!.codigo ?? r.lines[0]!.estado)).toEqual(["Correcto", "Correcto", "3000"]);
  });

  it("a burst of messages during the AEAT's wait makes one delayed follow-up, not one per message", async () => {
    await issued();
    const until = new Date(Date.now() + 30_000).toISOString();
    await env.DB.prepare("UPDATE verifactu_submitters SET next_send_at = ?, wake_at = NULL WHERE franchise_id = ? AND nif = ?").bind(until, A.franchiseId, nif).run();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await submitIssuer(env, { franchiseId: A.franchiseId, nif }, Date.now(), Math.random));
    expect(results.every((r) => r.sent === 0)).toBe(true);
    const followUps = results.filter((r) => r.again !== null);
    expect(followUps).toHaveLength(1);
    expect(followUps[0]!.again).toBeGreaterThanOrEqual(29);
    await hold();
  });

  it("a chain of records (altas and an anulación) goes in order in one submission; the fake checks every link", async () => {
    const a = await issued();
    const b = await issued([{ description: "Deep clean", quantity: 3, unitPrice: 4125 }]);
    const c = await issued([{ description: "Windows", quantity: 1, unitPrice: 1990 }]);
    expect((await callJson("POST", `/v1/invoices/${b.id}/void`, { body: { reason: "issued to the wrong customer" } })).status).toBe(200);
    await deliver("invoice.voided", "invoice", b.id);
    await fake("/_fake/config", { tiempoEsperaEnvio: 2 });
    await submit();
    const sent = await received();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.records.map((r) => `${r.type}:${r.numSerie}`)).toEqual([`alta:${a.number}`, `alta:${b.number}`, `alta:${c.number}`, `anulacion:${b.number}`]);
    expect(sent[0]!.lines.map((l) => l.estado)).toEqual(["Correcto", "Correcto", "Correcto", "Correcto"]);
    const registered = await fake(`/_fake/registered?nif=${nif}`);
    expect(Object.values(registered)[0]).toHaveLength(4);
    const vb = await submissionOf(b.id);
    expect(vb.submission.status).toBe("accepted");
    expect(vb.anulacion.submission.status).toBe("accepted");
    expect(vb.chain.previous).toMatchObject({ documentId: a.id, NumSerieFactura: a.number, Huella: vb.record.HuellaAnterior, type: "alta" });

    // TiempoEsperaEnvio (2 s): the next record waits for it, then goes, never early.
    const wait = lastNextSendAt!;
    expect(Date.parse(wait) - Date.now()).toBeGreaterThan(0);
    expect(Date.parse(wait) - Date.now()).toBeLessThanOrEqual(2_000);
    const d = await issued();
    await env.DB.prepare("UPDATE verifactu_submitters SET next_send_at = ? WHERE franchise_id = ? AND nif = ?").bind(wait, A.franchiseId, nif).run();
    const waiting = await submitIssuer(env, { franchiseId: A.franchiseId, nif }, Date.now(), Math.random);
    expect(waiting).toMatchObject({ sent: 0 });
    expect(waiting.again).toBeGreaterThanOrEqual(1);
    await hold();
    expect((await submissionOf(d.id)).submission.status).toBe("pending");
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(wait) - Date.now()) + 100));
    await submit({}, { wait });
    expect((await submissionOf(d.id)).submission.status).toBe("accepted");
    const all = await received();
    expect(all).toHaveLength(2);
    expect(all.every((r) => !r.early)).toBe(true);
  });

  it("after the last retry a record is failed, kept as a dead letter, and nothing after it is sent out of order", async () => {
    const first = await issued();
    const second = await issued();
    await fake("/_fake/faults", { next: ["5xx"] });
    await env.DB.prepare("INSERT INTO verifactu_submissions (franchise_id, nif, position, record_type, document_kind, document_id, huella, status, attempts, created_at, updated_at) SELECT ?, ?, 1, 'alta', 'invoice', ?, '', 'retrying', 7, '2026-01-01', '2026-01-01'")
      .bind(A.franchiseId, nif, first.id)
      .run();
    await submit();
    expect((await submissionOf(first.id)).submission).toMatchObject({ status: "failed", attempts: 8 });
    expect((await submissionOf(second.id)).submission).toMatchObject({ status: "retrying", attempts: 1 });
    const dead = await env.DB.prepare("SELECT * FROM dead_letters WHERE queue = 'aeat-submission' AND message_id = ?").bind(`${nif}:1:exhausted`).first<any>();
    expect(dead).toMatchObject({ franchise_id: A.franchiseId });
    // The chain waits for the failed record's replay: the second is not sent on its own.
    await submit();
    expect(await received()).toHaveLength(0);
    expect((await submissionOf(second.id)).submission).toMatchObject({ status: "retrying", attempts: 1 });
  });
});
