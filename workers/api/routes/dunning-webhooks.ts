// Inbound from providers and recipients. Public (no Bearer): each request is authenticated by
// its signature (Twilio, Meta) or a signed token (one-click unsubscribe), checked on the raw body.
// Plain Hono handlers outside the OpenAPI document: they take the providers' bodies (form posts,
// raw JSON whose bytes are signed), not the partner API's JSON contract.
import { consentFromAddress, keywordOf, optOutByToken, recordDeliveryStatus } from "../../billing/dunning/inbound.ts";
import { twilioAuthToken, unsubscribeKey, whatsappAppSecret } from "../../integrations/messaging/senders.ts";
import { verifyMeta, verifyTwilio, verifyUnsubscribe } from "../../integrations/messaging/signatures.ts";
import { HttpProblem } from "../problem.ts";
import type { AppContext } from "./route-context.ts";

const twiml = (text: string | null) => `<?xml version="1.0" encoding="UTF-8"?><Response>${text === null ? "" : `<Message>${text}</Message>`}</Response>`;
const forbidden = () => new HttpProblem(403, "invalid_signature", "the request signature does not verify");

async function twilioForm(c: AppContext): Promise<URLSearchParams> {
  const token = twilioAuthToken(c.env);
  const form = new URLSearchParams(await c.req.text());
  // Twilio signs the URL it was given (our public origin); behind a proxy the URL the Worker sees
  // can differ from it, so either one verifies.
  const url = new URL(c.req.url);
  const publicUrl = `${c.env.PUBLIC_BASE_URL.replace(/\/+$/, "")}${url.pathname}${url.search}`;
  const header = c.req.header("x-twilio-signature");
  if (!token || !((await verifyTwilio(token, publicUrl, form, header)) || (await verifyTwilio(token, c.req.url, form, header)))) throw forbidden();
  return form;
}

/** POST /webhooks/twilio/inbound: STOP family opts out at once, START opts back in, HELP answers. */
export async function twilioInbound(c: AppContext): Promise<Response> {
  const form = await twilioForm(c);
  const from = form.get("From") ?? "";
  const text = form.get("Body") ?? "";
  const keyword = keywordOf(text);
  let reply: string | null = null;
  if (keyword === "stop") {
    await consentFromAddress(c.env, "sms", from, true, "sms_keyword", text);
    reply = "You are unsubscribed from payment reminders by text. Reply START to resubscribe.";
  } else if (keyword === "start") {
    await consentFromAddress(c.env, "sms", from, false, "sms_keyword", text);
    reply = "You will receive payment reminders by text again. Reply STOP to unsubscribe.";
  } else if (keyword === "help") reply = "Payment reminders from your service provider. Reply STOP to unsubscribe.";
  return c.body(twiml(reply), 200, { "content-type": "text/xml" });
}

/** POST /webhooks/twilio/status: delivery statuses, recorded once per message and status. */
export async function twilioStatus(c: AppContext): Promise<Response> {
  const form = await twilioForm(c);
  const sid = form.get("MessageSid");
  const status = form.get("MessageStatus");
  if (sid && status) await recordDeliveryStatus(c.env, sid, status, form.get("ErrorCode"));
  return c.body(null, 204);
}

/** GET /webhooks/whatsapp: Meta's subscription check. */
export async function metaWebhookVerify(c: AppContext): Promise<Response> {
  const secret = whatsappAppSecret(c.env);
  if (!secret || c.req.query("hub.mode") !== "subscribe" || c.req.query("hub.verify_token") !== secret) throw forbidden();
  return c.body((c.req.query("hub.challenge") ?? "").slice(0, 200), 200, { "content-type": "text/plain" });
}

interface MetaPayload {
  entry?: Array<{ changes?: Array<{ value?: { statuses?: Array<{ id?: string; status?: string; errors?: Array<{ code?: number; title?: string }> }>; messages?: Array<{ from?: string; text?: { body?: string }; button?: { text?: string } }> } }> }>;
}

/** POST /webhooks/whatsapp: statuses and replies; a STOP reply opts the WhatsApp channel out. */
export async function metaWebhook(c: AppContext): Promise<Response> {
  const raw = await c.req.text();
  const secret = whatsappAppSecret(c.env);
  if (!secret || !(await verifyMeta(secret, raw, c.req.header("x-hub-signature-256")))) throw forbidden();
  let payload: MetaPayload;
  try {
    payload = JSON.parse(raw) as MetaPayload;
  } catch {
    throw new HttpProblem(400, "invalid_json", "the body is not JSON");
  }
  for (const change of (payload.entry ?? []).flatMap((e) => e.changes ?? [])) {
    for (const s of change.value?.statuses ?? []) {
      const error = s.errors?.[0];
      if (s.id && s.status) await recordDeliveryStatus(c.env, s.id, s.status, error ? `${error.code ?? ""} ${error.title ?? ""}`.trim() : null);
    }
    for (const m of change.value?.messages ?? []) {
      const text = m.text?.body ?? m.button?.text ?? "";
      const keyword = keywordOf(text);
      if (m.from && (keyword === "stop" || keyword === "start")) await consentFromAddress(c.env, "whatsapp", `+${m.from.replace(/^\+/, "")}`, keyword === "stop", "whatsapp_reply", text);
    }
  }
  return c.body(null, 204);
}

/** POST /unsubscribe/email?token=…: RFC 8058 one-click; the signed token names the customer. */
export async function emailUnsubscribe(c: AppContext): Promise<Response> {
  const token = c.req.query("token") ?? "";
  const key = unsubscribeKey(c.env);
  const claim = key && token.length <= 500 ? await verifyUnsubscribe(key, token) : null;
  if (!claim) throw forbidden();
  await optOutByToken(c.env, claim.franchiseId, claim.customerId);
  return c.body("You are unsubscribed from payment reminder emails.", 200, { "content-type": "text/plain" });
}
