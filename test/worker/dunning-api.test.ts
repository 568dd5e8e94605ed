// Dunning API: settings, cadences (validated, versioned), preview (sends nothing), opt-outs,
// disputes, promises to pay, the append-only history and the per-invoice evidence export.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../workers/domain/dates.ts";
import { CADENCE, overdueInvoice, today } from "./dunning-fixtures.ts";
import { B, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

beforeAll(seedFixtures);

describe("dunning settings and cadences", () => {
  it("serves default buckets, refuses a gap at its field, and saves a valid list", async () => {
    const read = await callJson("GET", "/v1/dunning/settings", { key: B.key });
    expect(read.status).toBe(200);
    expect(read.body.buckets.map((b: any) => b.id)).toEqual(["current", "1-30", "31-60", "61-90", "90+"]);
    const gap = await callJson("PUT", "/v1/dunning/settings", { key: B.key, body: { buckets: [{ id: "a", label: "A", minDays: 0, maxDays: 10 }, { id: "b", label: "B", minDays: 12, maxDays: null }] } });
    expect(gap.status).toBe(422);
    expect(gap.body.errors[0].field).toBe("buckets.1.minDays");
    const ok = await callJson("PUT", "/v1/dunning/settings", { key: B.key, body: { buckets: [{ id: "current", label: "Current", minDays: 0, maxDays: 0 }, { id: "late", label: "Late", minDays: 1, maxDays: null }], holidays: { "*": ["2026-12-25"] } } });
    expect(ok.status).toBe(200);
    expect((await callJson("GET", "/v1/dunning/settings", { key: B.key })).body).toMatchObject({ holidays: { "*": ["2026-12-25"] }, buckets: [{ id: "current" }, { id: "late" }] });
    expect((await callJson("GET", "/v1/dunning/settings")).body.buckets).toHaveLength(5);
  });

  it("rejects empty steps and unknown variables naming the field, and versions on update", async () => {
    const empty = await callJson("POST", "/v1/dunning/cadences", { body: { ...CADENCE, steps: [] } });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([{ field: "steps", message: "a cadence needs at least one step" }]);
    const typo = await callJson("POST", "/v1/dunning/cadences", { body: { ...CADENCE, steps: [{ ...CADENCE.steps[0], templates: { en: { body: "Hi {{custmer}}" } } }] } });
    expect(typo.status).toBe(422);
    expect(typo.body.errors[0]).toEqual({ field: "steps.0.templates.en.body", message: "unknown variable {{custmer}}" });
    const created = await callJson("POST", "/v1/dunning/cadences", { body: { ...CADENCE, name: "Versioned", segments: ["enterprise"] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, status: "active", suppression: { weeklyCap: 3, windowStartMinute: 480, windowEndMinute: 1260 } });
    const noMatch = await callJson("PUT", `/v1/dunning/cadences/${created.body.id}`, { body: { ...CADENCE, name: "V2" } });
    expect(noMatch.status).toBe(428);
    const v2 = await callJson("PUT", `/v1/dunning/cadences/${created.body.id}`, { body: { ...CADENCE, name: "V2", segments: ["enterprise"] }, headers: { "if-match": created.headers.get("etag")! } });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ name: "V2", version: 2 });
    const stale = await callJson("PUT", `/v1/dunning/cadences/${created.body.id}`, { body: { ...CADENCE, name: "V3" }, headers: { "if-match": '"v1"' } });
    expect(stale.status).toBe(412);
    // Version 1 is still stored for sequences that started on it.
    const versions = await env.DB.prepare("SELECT version FROM dunning_cadence_versions WHERE cadence_id = ? ORDER BY version").bind(created.body.id).all();
    expect(versions.results.map((r) => r.version)).toEqual([1, 2]);
    const other = await callJson("GET", `/v1/dunning/cadences/${created.body.id}`, { key: B.key });
    expect(other.status).toBe(404);
  });
});

describe("dunning preview and records", () => {
  let customerId: string;
  let invoice: any;

  beforeAll(async () => {
    await callJson("POST", "/v1/dunning/cadences", { body: CADENCE });
    customerId = await createCustomer({ name: "Casa Lumen", language: "en", phone: "+34600111222", channels: { email: { address: "ap@casalumen.example", consent: "granted" }, sms: { address: "+34600111222", consent: "granted" } } });
    invoice = await overdueInvoice(customerId, 0);
  });

  it("previews the exact schedule, sends nothing, and reflects an opt-out at once", async () => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM communications WHERE customer_id = ?").bind(customerId).first<{ n: number }>();
    const preview = await callJson("POST", "/v1/dunning/preview", { body: { customerId, from: today(), to: addDays(today(), 40) } });
    expect(preview.status).toBe(200);
    const sends = preview.body.data.filter((m: any) => m.status === "send");
    expect(sends.map((m: any) => [m.stepId, m.channel])).toEqual([["d1", "email"], ["d10", "sms"], ["b31", "email"]]);
    expect(sends[0].invoiceIds).toEqual([invoice.id]);
    expect(sends[0].body).toBe(`Casa Lumen: EUR ${(invoice.total / 100).toFixed(2)} overdue (${invoice.number})`);
    // 10:00 in Madrid is 09:00Z in winter or 08:00Z in summer.
    expect(new Date(sends[0].at).getUTCMinutes()).toBe(0);
    expect(preview.body.escalations).toEqual([expect.objectContaining({ stepId: "b31", actions: ["formal_notice"] })]);
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM communications WHERE customer_id = ?").bind(customerId).first<{ n: number }>();
    expect(after?.n).toBe(before?.n);

    const opt = await callJson("POST", `/v1/customers/${customerId}/opt-outs`, { body: { channel: "email" } });
    expect(opt.status).toBe(201);
    expect(opt.body.channels.email.optedOut).toBe(true);
    const again = await callJson("POST", "/v1/dunning/preview", { body: { customerId, from: today(), to: addDays(today(), 40) } });
    const d1 = again.body.data.filter((m: any) => m.stepId === "d1");
    expect(d1.map((m: any) => [m.channel, m.status, m.reason])).toEqual([["email", "suppressed", "opted_out"], ["sms", "send", undefined]]);
    const back = await callJson("DELETE", `/v1/customers/${customerId}/opt-outs/email`);
    expect(back.status).toBe(200);
    expect(back.body.channels.email.optedOut).toBe(false);
    const whatsapp = await callJson("POST", `/v1/customers/${customerId}/opt-outs`, { body: { channel: "whatsapp" } });
    expect(whatsapp.status).toBe(422);
    expect(whatsapp.body.errors[0].field).toBe("channel");
  });

  it("a dispute pauses the invoice until resolved; a promise to pay pauses the customer", async () => {
    const range = { customerId, from: today(), to: addDays(today(), 5) };
    const dispute = await callJson("POST", `/v1/invoices/${invoice.id}/disputes`, { body: { reason: "Service not delivered on the 3rd" } });
    expect(dispute.status).toBe(201);
    expect(dispute.body.status).toBe("open");
    expect((await callJson("POST", `/v1/invoices/${invoice.id}/disputes`, { body: { reason: "again" } })).status).toBe(409);
    const paused = await callJson("POST", "/v1/dunning/preview", { body: range });
    expect(paused.body.data.map((m: any) => [m.stepId, m.status, m.reason])).toEqual([["d1", "suppressed", "invoice_disputed"]]);
    const resolved = await callJson("POST", `/v1/disputes/${dispute.body.id}/resolve`, { body: { resolution: "Visit confirmed by photo" } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe("resolved");
    expect((await callJson("POST", `/v1/disputes/${dispute.body.id}/resolve`, { body: { resolution: "x" } })).status).toBe(409);

    const past = await callJson("POST", `/v1/customers/${customerId}/promises-to-pay`, { body: { until: addDays(today(), -1) } });
    expect(past.status).toBe(422);
    expect(past.body.errors[0].field).toBe("until");
    const promise = await callJson("POST", `/v1/customers/${customerId}/promises-to-pay`, { body: { until: addDays(today(), 3), amount: 5000 } });
    expect(promise.status).toBe(201);
    const promised = await callJson("POST", "/v1/dunning/preview", { body: range });
    expect(promised.body.data.map((m: any) => [m.stepId, m.status, m.reason])).toEqual([["d1", "suppressed", "promise_to_pay"]]);

    const history = await callJson("GET", `/v1/customers/${customerId}/communications?limit=200`);
    expect(history.status).toBe(200);
    expect(history.body.data.map((r: any) => r.kind)).toEqual(["promise_to_pay", "dispute_resolved", "dispute_opened", "opt_in", "opt_out"]);
    const evidence = await callJson("GET", `/v1/invoices/${invoice.id}/communications`);
    expect(evidence.status).toBe(200);
    expect(evidence.body.data.map((r: any) => r.kind)).toEqual(["dispute_opened", "dispute_resolved"]);
    expect(evidence.body.customerId).toBe(customerId);
  });

  it("keeps the history append-only", async () => {
    await expect(env.DB.prepare("UPDATE communications SET body = 'x'").run()).rejects.toThrow(/append_only/);
    await expect(env.DB.prepare("DELETE FROM communications").run()).rejects.toThrow(/append_only/);
  });

  it("hides one franchise's records from another", async () => {
    expect((await callJson("POST", "/v1/dunning/preview", { key: B.key, body: { customerId, from: today(), to: today() } })).status).toBe(404);
    expect((await callJson("GET", `/v1/customers/${customerId}/communications`, { key: B.key })).status).toBe(404);
    expect((await callJson("POST", `/v1/invoices/${invoice.id}/disputes`, { key: B.key, body: { reason: "x" } })).status).toBe(404);
    expect((await callJson("POST", `/v1/customers/${customerId}/opt-outs`, { key: B.key, body: { channel: "email" } })).status).toBe(404);
  });
});
