// Inbound from providers and recipients. Public (no Bearer): each request is authenticated by
// its signature (Twilio, Meta) or a signed token (one-click unsubscribe), checked on the raw body.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { consentFromAddress, keywordOf, optOutByToken, recordDeliveryStatus } from "../../billing/dunning/inbound.ts";
import { twilioAuthToken, unsubscribeKey, whatsappAppSecret } from "../../integrations/messaging/senders.ts";
import { verifyMeta, verifyTwilio, verifyUnsubscribe } from "../../integrations/messaging/signatures.ts";
import { HttpProblem } from "../problem.ts";
import { emptyResponse, problemResponses } from "../resources/common.ts";
import type { AppContext } from "./route-context.ts";

const tags = ["Dunning webhooks"];
const twiml = (text: string | null) => `<?xml version="1.0" encoding="UTF-8"?><Response>${text === null ? "" : `<Message>${text}</Message>`}</Response>`;
const TwimlResponse = { description: "TwiML (the one allowed confirmation text, if any)", headers: {}, content: { "text/xml": { schema: z.string() } } };
const forbidden = () => new HttpProblem(403, "invalid_signature", "the request signature does not verify");

async function twilioForm(c: AppContext): Promise<URLSearchParams> {
  const token = twilioAuthToken(c.env);
  const form = new URLSearchParams(await c.req.text());
  if (!token || !(await verifyTwilio(token, c.req.url, form, c.req.header("x-twilio-signature")))) throw forbidden();
  return form;
}

export class TwilioInbound extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Twilio inbound SMS: STOP/QUIT/END/REVOKE/OPT OUT/CANCEL/UNSUBSCRIBE opt out at once, START opts back in, HELP answers (X-Twilio-Signature verified)",
    security: [],
    responses: { "200": TwimlResponse, ...problemResponses(400, 403) },
  };

  async handle(c: AppContext) {
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
}

export class TwilioStatus extends OpenAPIRoute {
  schema = { tags, summary: "Twilio delivery-status callback (X-Twilio-Signature verified)", security: [], responses: { "204": emptyResponse("Recorded (or not ours)"), ...problemResponses(400, 403) } };

  async handle(c: AppContext) {
    const form = await twilioForm(c);
    const sid = form.get("MessageSid");
    const status = form.get("MessageStatus");
    if (sid && status) await recordDeliveryStatus(c.env, sid, status, form.get("ErrorCode"));
    return c.body(null, 204);
  }
}

export class MetaWebhookVerify extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Meta webhook subscription check: echoes hub.challenge when hub.verify_token matches",
    security: [],
    request: { query: z.object({ "hub.mode": z.string().optional(), "hub.verify_token": z.string().optional(), "hub.challenge": z.string().max(200).optional() }) },
    responses: { "200": { description: "The challenge", headers: {}, content: { "text/plain": { schema: z.string() } } }, ...problemResponses(400, 403) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const secret = whatsappAppSecret(c.env);
    if (!secret || query["hub.mode"] !== "subscribe" || query["hub.verify_token"] !== secret) throw forbidden();
    return c.body(query["hub.challenge"] ?? "", 200, { "content-type": "text/plain" });
  }
}

interface MetaPayload {
  entry?: Array<{ changes?: Array<{ value?: { statuses?: Array<{ id?: string; status?: string }>; messages?: Array<{ from?: string; text?: { body?: string }; button?: { text?: string } }> } }> }>;
}

export class MetaWebhook extends OpenAPIRoute {
  schema = { tags, summary: "WhatsApp Cloud API webhook: statuses and replies (X-Hub-Signature-256 verified on the raw body); STOP replies opt out", security: [], responses: { "204": emptyResponse("Processed"), ...problemResponses(400, 403) } };

  async handle(c: AppContext) {
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
      for (const s of change.value?.statuses ?? []) if (s.id && s.status) await recordDeliveryStatus(c.env, s.id, s.status, null);
      for (const m of change.value?.messages ?? []) {
        const text = m.text?.body ?? m.button?.text ?? "";
        const keyword = keywordOf(text);
        if (m.from && (keyword === "stop" || keyword === "start")) await consentFromAddress(c.env, "whatsapp", `+${m.from.replace(/^\+/, "")}`, keyword === "stop", "whatsapp_reply", text);
      }
    }
    return c.body(null, 204);
  }
}

export class EmailUnsubscribe extends OpenAPIRoute {
  schema = {
    tags,
    summary: "RFC 8058 one-click unsubscribe (List-Unsubscribe-Post): the signed token names the customer; opts email out at once",
    security: [],
    request: { query: z.object({ token: z.string().min(1).max(500) }) },
    responses: { "200": { description: "Unsubscribed", headers: {}, content: { "text/plain": { schema: z.string() } } }, ...problemResponses(400, 403) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const key = unsubscribeKey(c.env);
    const claim = key ? await verifyUnsubscribe(key, query.token) : null;
    if (!claim) throw forbidden();
    await optOutByToken(c.env, claim.franchiseId, claim.customerId).catch((error: unknown) => {
      // The customer (or its email) is gone: nothing left to unsubscribe.
      if (!(error instanceof Error && /not_found|channel_not_on_file|not found|no email/.test(`${(error as { code?: string }).code ?? ""} ${error.message}`))) throw error;
    });
    return c.body("You are unsubscribed from payment reminder emails.", 200, { "content-type": "text/plain" });
  }
}
