// VERI*FACTU records from the domain-events queue: one chain per issuer NIF in a Durable
// Object, huellas recomputed here independently, anulación on void, R1 for credit notes.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { A, B, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

beforeAll(seedFixtures);

const address = { line1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", countryCode: "ES" };
let seq = 500_000;

async function deliver(type: string, aggregateType: string, aggregateId: string) {
  const body = { eventId: `evt_vf_${type}_${aggregateId}`, franchiseId: A.franchiseId, seq: seq++, type, aggregateType, aggregateId, aggregateVersion: 2, actor: "api_key:key_a_rw", occurredAt: new Date().toISOString(), payload: {} };
  const batch = createMessageBatch("domain-events", [{ id: `m-${body.eventId}`, timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([]);
}

async function issued(draft: Record<string, unknown> = {}) {
  const customerId = await createCustomer({ taxId: "B87654321", address });
  const d = await createDraft(customerId, draft);
  const inv = (await callJson("POST", `/v1/invoices/${d.id}/issue`)).body;
  await deliver("invoice.issued", "invoice", inv.id);
  return inv;
}

async function sha256Upper(text: string) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

const ddmmyyyy = (iso: string) => iso.split("-").reverse().join("-");

describe("GET /v1/invoices/{id}/verifactu", () => {
  it("chains each Spanish invoice to the previous record of its issuer, with the AEAT huella and QR URL", async () => {
    const first = await issued();
    const second = await issued({ lines: [{ description: "Deep clean", quantity: 3, unitPrice: 4125 }] });
    const r1 = await callJson("GET", `/v1/invoices/${first.id}/verifactu`);
    const r2 = await callJson("GET", `/v1/invoices/${second.id}/verifactu`);
    expect(r1.status).toBe(200);
    const a = r1.body.record;
    const b = r2.body.record;
    expect(a).toMatchObject({ IDEmisorFactura: "B12345674", NumSerieFactura: first.number, FechaExpedicionFactura: ddmmyyyy(first.issueDate), TipoFactura: "F1", CuotaTotal: (first.taxTotal / 100).toFixed(2), ImporteTotal: (first.total / 100).toFixed(2) });
    expect(a.FechaHoraHusoGenRegistro).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    expect(b.HuellaAnterior).toBe(a.Huella);
    expect(r2.body.chain.position).toBe(r1.body.chain.position + 1);
    expect(b.FechaHoraHusoGenRegistro >= a.FechaHoraHusoGenRegistro).toBe(true); // never backwards (the same second may repeat)
    for (const r of [a, b]) {
      const text = `IDEmisorFactura=${r.IDEmisorFactura}&NumSerieFactura=${r.NumSerieFactura}&FechaExpedicionFactura=${r.FechaExpedicionFactura}&TipoFactura=${r.TipoFactura}&CuotaTotal=${r.CuotaTotal}&ImporteTotal=${r.ImporteTotal}&Huella=${r.HuellaAnterior}&FechaHoraHusoGenRegistro=${r.FechaHoraHusoGenRegistro}`;
      expect(r.Huella).toBe(await sha256Upper(text));
    }
    const qr = new URL(r1.body.qrUrl);
    expect(`${qr.origin}${qr.pathname}`).toBe("https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR");
    expect(Object.fromEntries(qr.searchParams)).toEqual({ nif: "B12345674", numserie: first.number, fecha: a.FechaExpedicionFactura, importe: a.ImporteTotal });

    // Redelivery makes no second record. (The AEAT submission state may move on meanwhile: the
    // queue consumer runs in the background; test/worker/aeat-submission.test.ts covers it.)
    await deliver("invoice.issued", "invoice", first.id);
    const withoutSubmission = ({ submission: _, ...rest }: any) => rest;
    expect(withoutSubmission((await callJson("GET", `/v1/invoices/${first.id}/verifactu`)).body)).toEqual(withoutSubmission(r1.body));
    expect((await callJson("GET", `/v1/invoices/${first.id}/verifactu`, { key: B.key })).status).toBe(404);
  });

  it("voiding an issued Spanish invoice appends an anulación chained to the head", async () => {
    const inv = await issued();
    const voided = await callJson("POST", `/v1/invoices/${inv.id}/void`, { body: { reason: "issued to the wrong customer" } });
    expect(voided.status).toBe(200);
    await deliver("invoice.voided", "invoice", inv.id);
    const view = (await callJson("GET", `/v1/invoices/${inv.id}/verifactu`)).body;
    const an = view.anulacion;
    expect(an).toMatchObject({ IDEmisorFacturaAnulada: "B12345674", NumSerieFacturaAnulada: inv.number, FechaExpedicionFacturaAnulada: ddmmyyyy(inv.issueDate), HuellaAnterior: view.record.Huella, position: view.chain.position + 1 });
    const text = `IDEmisorFacturaAnulada=${an.IDEmisorFacturaAnulada}&NumSerieFacturaAnulada=${an.NumSerieFacturaAnulada}&FechaExpedicionFacturaAnulada=${an.FechaExpedicionFacturaAnulada}&Huella=${an.HuellaAnterior}&FechaHoraHusoGenRegistro=${an.FechaHoraHusoGenRegistro}`;
    expect(an.Huella).toBe(await sha256Upper(text));
  });

  it("credit notes are rectificativas (R1) with negative amounts; other countries have no record", async () => {
    const inv = await issued();
    const note = (await callJson("POST", "/v1/credit-notes", { body: { invoiceId: inv.id, reason: "missed visit", lines: [{ description: "Visit", quantity: 1, unitPrice: 2500 }] } })).body;
    await deliver("credit_note.issued", "credit_note", note.id);
    const view = (await callJson("GET", `/v1/credit-notes/${note.id}/verifactu`)).body;
    expect(view.record).toMatchObject({ TipoFactura: "R1", NumSerieFactura: note.number, ImporteTotal: `-${(note.total / 100).toFixed(2)}`, CuotaTotal: `-${(note.taxTotal / 100).toFixed(2)}` });

    const customerId = await createCustomer({ address });
    const ny = await createDraft(customerId, { branchId: A.newYork, currency: "USD", lines: [{ description: "NY cleaning", quantity: 1, unitPrice: 9900 }] });
    await callJson("POST", `/v1/invoices/${ny.id}/issue`);
    await deliver("invoice.issued", "invoice", ny.id);
    expect(await callJson("GET", `/v1/invoices/${ny.id}/verifactu`)).toMatchObject({ status: 404, body: { code: "verifactu_record_not_found" } });
  });
});
