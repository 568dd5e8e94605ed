// Inbound consent and statuses: Twilio STOP/START/HELP and status callbacks (signature verified),
// Meta webhooks (X-Hub-Signature-256), RFC 8058 one-click unsubscribe from the link a reminder carries.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverReminder } from "../../queues/reminders.ts";
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { keywordOf } from "../../workers/billing/dunning/inbound.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { FAKE_TWILIO, FAKE_WHATSAPP_APP_SECRET, senderFor } from "../../workers/integrations/messaging/senders.ts";
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

/** The status callbacks the fake recorded for a message, once it has scheduled them. */
async function fakeCallbacks(base: string, messageId: string): Promise<Array<{ url: string | null; headers: Record<string, string>; body: string; status: string }>> {
  const res = await fetch(`${base}/_fake/callbacks?messageId=${encodeURIComponent(messageId)}`);
  return ((await res.json()) as { data: any[] }).data;
}

/** Delivers what the fake would POST (its URL is our .invalid public origin) into the Worker, byte for byte. */
async function replay(callbacks: Awaited<ReturnType<typeof fakeCallbacks>>, path: string) {
  for (const cb of callbacks) {
    expect(cb.url).toBe(`${env.PUBLIC_BASE_URL}${path}`);
    expect((await SELF.fetch(cb.url!, { method: "POST", headers: cb.headers, body: cb.body })).status).toBe(204);
  }
}

async function statusRecords(providerMessageId: string) {
  const rows = await env.DB.prepare("SELECT kind, channel, reason, step_id FROM communications WHERE provider_message_id = ? ORDER BY kind").bind(providerMessageId).all<any>();
  return rows.results;
}

describe("delivery status callbacks", () => {
  it("an SMS reminder sets Twilio's StatusCallback to our public webhook; the fake's signed callbacks land in the history", async () => {
    for (const [final, code] of [["delivered", null], ["undelivered", "30003"]] as const) {
      const phone = `+3460088${String(Date.now() % 10_000).padStart(4, "0")}`;
      const customerId = await createCustomer({ name: `Sms ${final}`, channels: { sms: { address: phone, consent: "granted" } } });
      await callJson("PUT", `/v1/customers/${customerId}/dunning-profile`, { body: { preferredChannels: ["sms"], doNotContact: false } });
      await overdueInvoice(customerId, 0);
      if (final !== "delivered") await fetch(`${env.TWILIO_BASE_URL}/_fake/outcomes`, { method: "POST", body: JSON.stringify({ status: final, to: phone, count: 1 }) });
      const run = await customerDunningStub(env, A.franchiseId, customerId).wake(A.franchiseId, customerId, `${addDays(today(), 1)}T20:00:00.000Z`, { enqueue: false });
      expect(await deliverReminder(env, run.enqueued[0]!, new Date())).toEqual({ kind: "sent", detail: "sms" });
      const request = ((await (await fetch(`${env.TWILIO_BASE_URL}/_fake/requests`)).json()) as { data: any[] }).data.find((r) => r.body.To === phone);
      expect(request.body.StatusCallback).toBe(`${env.PUBLIC_BASE_URL}/webhooks/twilio/status`);
      const callbacks = await fakeCallbacks(env.TWILIO_BASE_URL, request.id);
      expect(callbacks.map((c) => c.status)).toEqual(["sent", final]);
      await replay(callbacks, "/webhooks/twilio/status");
      // A repeated callback records nothing more; a tampered one is refused.
      await replay(callbacks.slice(-1), "/webhooks/twilio/status");
      const tampered = callbacks[1]!.body.replace(final, "delivered");
      if (final !== "delivered") expect((await SELF.fetch(callbacks[1]!.url!, { method: "POST", headers: callbacks[1]!.headers, body: tampered })).status).toBe(403);
      const expected = final === "delivered" ? [["delivered", "sms", "delivered", "d1"]] : [["failed", "sms", `undelivered: ${code}`, "d1"]];
      expect((await statusRecords(request.id)).filter((r) => r.kind !== "sent").map((r) => [r.kind, r.channel, r.reason, r.step_id])).toEqual(expected);
      const history = await callJson("GET", `/v1/customers/${customerId}/communications`);
      expect(history.body.data.map((r: any) => r.kind)).toContain(final === "delivered" ? "delivered" : "failed");
    }
  });

  it("the fake WhatsApp posts Meta status webhooks signed with X-Hub-Signature-256; sent, delivered and failed land in the history", async () => {
    const customerId = await createCustomer({ name: "Wa Status", channels: { whatsapp: { address: "+34600777003", consent: "granted" } } });
    // Meta's app dashboard setting (npm start sets it to its own port): here our .invalid public origin.
    await fetch(`${env.WHATSAPP_BASE_URL}/_fake/webhook`, { method: "POST", body: JSON.stringify({ url: `${env.PUBLIC_BASE_URL}/webhooks/whatsapp` }) });
    for (const final of ["delivered", "failed"] as const) {
      if (final === "failed") await fetch(`${env.WHATSAPP_BASE_URL}/_fake/outcomes`, { method: "POST", body: JSON.stringify({ status: "failed", errorCode: 131049, to: "34600777003", count: 1 }) });
      const sent = await senderFor(env, "whatsapp").send({ to: "+34600777003", body: "Reminder", idempotencyKey: `wa-${final}` });
      if (sent.kind !== "sent") throw new Error(`not sent: ${JSON.stringify(sent)}`);
      await env.DB.prepare("INSERT INTO communications (id, franchise_id, customer_id, kind, channel, invoice_ids, provider_message_id, actor, occurred_at) VALUES (?, ?, ?, 'sent', 'whatsapp', '[]', ?, 'system:test', ?)")
        .bind(`com_${"0".repeat(24)}${final === "failed" ? "f" : "d"}2`, A.franchiseId, customerId, sent.providerMessageId, new Date().toISOString())
        .run();
      const callbacks = await fakeCallbacks(env.WHATSAPP_BASE_URL, sent.providerMessageId);
      expect(callbacks.map((c) => c.status)).toEqual(final === "failed" ? ["failed"] : ["sent", "delivered"]);
      await replay(callbacks, "/webhooks/whatsapp");
      const records = (await statusRecords(sent.providerMessageId)).filter((r) => r.kind !== "sent");
      expect(records.map((r) => [r.kind, r.reason])).toEqual(final === "failed" ? [["failed", "failed: 131049 Message undeliverable"]] : [["delivered", "delivered"]]);
    }
  });
});
