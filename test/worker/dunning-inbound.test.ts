// Inbound consent and statuses: Twilio STOP/START/HELP and status callbacks (signature verified),
// Meta webhooks (X-Hub-Signature-256), RFC 8058 one-click unsubscribe from the link a reminder carries.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverReminder } from "../../queues/reminders.ts";
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { keywordOf } from "../../workers/billing/dunning/inbound.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { FAKE_TWILIO, FAKE_WHATSAPP_APP_SECRET } from "../../workers/integrations/messaging/senders.ts";
import { twilioSignature } from "../../workers/integrations/messaging/signatures.ts";
import { CADENCE, overdueInvoice, today } from "./dunning-fixtures.ts";
import { A, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

beforeAll(async () => {
  await seedFixtures();
  await callJson("POST", "/v1/dunning/cadences", { body: CADENCE });
});

async function twilioPost(path: string, params: Record<string, string>, signature?: string) {
  const url = `http://localhost${path}`;
  const form = new URLSearchParams(params);
  const sig = signature ?? (await twilioSignature(FAKE_TWILIO.authToken, url, form));
  return SELF.fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": sig }, body: form });
}

async function hubSignature(body: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(FAKE_WHATSAPP_APP_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

describe("inbound consent", () => {
  it("classifies the FCC/CTIA keywords and nothing else", () => {
    for (const w of ["STOP", "stop", " Quit ", "END", "revoke", "OPT OUT", "cancel", "Unsubscribe", "STOPALL"]) expect(keywordOf(w)).toBe("stop");
    for (const w of ["START", "unstop", "yes"]) expect(keywordOf(w)).toBe("start");
    expect(keywordOf("HELP")).toBe("help");
    expect(keywordOf("please stop by tomorrow")).toBeNull();
  });

  it("STOP by SMS opts out at once (signed), START opts back in, a bad signature changes nothing", async () => {
    const phone = "+34600777001";
    const customerId = await createCustomer({ name: "Sms Stop", channels: { sms: { address: phone, consent: "granted" } } });
    const forged = await twilioPost("/webhooks/twilio/inbound", { From: phone, Body: "STOP" }, "bm90IGEgc2lnbmF0dXJl");
    expect(forged.status).toBe(403);
    expect((await callJson("GET", `/v1/customers/${customerId}`)).body.channels.sms.optedOut).toBe(false);
    const stop = await twilioPost("/webhooks/twilio/inbound", { From: phone, Body: "Stop", MessageSid: "SMin1" });
    expect(stop.status).toBe(200);
    expect(await stop.text()).toContain("unsubscribed");
    expect((await callJson("GET", `/v1/customers/${customerId}`)).body.channels.sms.optedOut).toBe(true);
    const start = await twilioPost("/webhooks/twilio/inbound", { From: phone, Body: "START" });
    expect(start.status).toBe(200);
    expect((await callJson("GET", `/v1/customers/${customerId}`)).body.channels.sms.optedOut).toBe(false);
    const history = await callJson("GET", `/v1/customers/${customerId}/communications`);
    expect(history.body.data.map((r: any) => [r.kind, r.reason, r.body])).toEqual([["opt_in", "sms_keyword", "START"], ["opt_out", "sms_keyword", "Stop"]]);
  });

  it("a WhatsApp STOP reply opts out; a status is recorded once however often Meta repeats it", async () => {
    const customerId = await createCustomer({ name: "Wa Stop", channels: { whatsapp: { address: "+34600777002", consent: "granted" } } });
    const body = JSON.stringify({ entry: [{ changes: [{ field: "messages", value: { messages: [{ from: "34600777002", type: "text", text: { body: "STOP" } }] } }] }] });
    expect((await SELF.fetch("http://localhost/webhooks/whatsapp", { method: "POST", headers: { "x-hub-signature-256": "sha256=00" }, body })).status).toBe(403);
    const ok = await SELF.fetch("http://localhost/webhooks/whatsapp", { method: "POST", headers: { "x-hub-signature-256": await hubSignature(body) }, body });
    expect(ok.status).toBe(204);
    expect((await callJson("GET", `/v1/customers/${customerId}`)).body.channels.whatsapp.optedOut).toBe(true);
    const verify = await SELF.fetch(`http://localhost/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${FAKE_WHATSAPP_APP_SECRET}&hub.challenge=42`);
    expect(await verify.text()).toBe("42");
  });

  it("a reminder email carries RFC 8058 headers whose one-click POST opts the customer out; Twilio statuses are recorded", async () => {
    const email = `unsub-${Date.now()}@example.es`;
    const customerId = await createCustomer({ name: "Unsub", channels: { email: { address: email, consent: "granted" } } });
    await overdueInvoice(customerId, 0);
    const run = await customerDunningStub(env, A.franchiseId, customerId).wake(A.franchiseId, customerId, `${addDays(today(), 1)}T20:00:00.000Z`, { enqueue: false });
    expect((await deliverReminder(env, run.enqueued[0]!, new Date())).kind).toBe("sent");
    const sent = ((await (await fetch(`${env.RESEND_BASE_URL}/_fake/requests`)).json()) as { data: any[] }).data.find((r) => r.body.to[0] === email);
    expect(sent.body.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const link = /^<(.+)>$/.exec(sent.body.headers["List-Unsubscribe"])![1]!;
    const url = new URL(link);
    expect(url.pathname).toBe("/unsubscribe/email");
    const tampered = await SELF.fetch(`http://localhost/unsubscribe/email?token=${url.searchParams.get("token")}x`, { method: "POST", body: "List-Unsubscribe=One-Click" });
    expect(tampered.status).toBe(403);
    const res = await SELF.fetch(`http://localhost${url.pathname}${url.search}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(res.status).toBe(200);
    expect((await callJson("GET", `/v1/customers/${customerId}`)).body.channels.email.optedOut).toBe(true);

    const sid = "SM00000000000000000000000000000042";
    await env.DB.prepare("INSERT INTO communications (id, franchise_id, customer_id, kind, channel, invoice_ids, provider_message_id, actor, occurred_at) VALUES (?, ?, ?, 'sent', 'sms', '[]', ?, 'system:test', ?)")
      .bind(`com_${"0".repeat(25)}1`, A.franchiseId, customerId, sid, new Date().toISOString())
      .run();
    for (let i = 0; i < 2; i++) expect((await twilioPost("/webhooks/twilio/status", { MessageSid: sid, MessageStatus: "delivered" })).status).toBe(204);
    const delivered = await env.DB.prepare("SELECT COUNT(*) AS n FROM communications WHERE kind = 'delivered' AND provider_message_id = ?").bind(sid).first<{ n: number }>();
    expect(delivered?.n).toBe(1);
  });
});
