// Fake WhatsApp Cloud API: POST /v23.0/{phone-number-id}/messages (Bearer token) accepting
// template messages only (reminders are outside the 24 h window: free-form text → 131047),
// answering { messaging_product, contacts, messages: [{ id }] }; 131026 (undeliverable) for
// numbers starting 1500555000, 429/5xx on demand. Like Meta, it posts status webhooks ("sent",
// then "delivered"; or "failed" with an error after POST /_fake/outcomes { status: "failed",
// errorCode?, count }) signed with X-Hub-Signature-256 to the app's webhook URL, which is set once
// with POST /_fake/webhook { url } (Meta: the app dashboard's callback URL; npm start sets it).
import { callbackLog } from "./callbacks.ts";
import type { FakeDefinition } from "./fake-server.ts";
import { headersOf, recorder } from "./recorder.ts";

export const FAKE_META_APP_SECRET = "fake-meta-app-secret";

async function hubSignature(body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(FAKE_META_APP_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function statusWebhook(phoneNumberId: string, wamid: string, recipient: string, status: string, errorCode: number | undefined): string {
  const entry = { id: "100000000000000", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550000000", phone_number_id: phoneNumberId }, statuses: [{ id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient, ...(errorCode === undefined ? {} : { errors: [{ code: errorCode, title: "Message undeliverable" }] }) }] } }] };
  return JSON.stringify({ object: "whatsapp_business_account", entry: [entry] });
}

const graphError = (status: number, code: number, message: string) => Response.json({ error: { message, type: "OAuthException", code, fbtrace_id: "fake" } }, { status });

export const whatsappFake: FakeDefinition = {
  name: "whatsapp",
  standsInFor: "WhatsApp Cloud API (Meta Graph)",
  envVar: "WHATSAPP_BASE_URL",
  purpose: "records template messages; rejects free-form text outside the 24 h window",
  create() {
    const r = recorder();
    const log = callbackLog();
    let webhookUrl: string | null = null;
    return async (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/_fake/webhook" && request.method === "POST") {
        webhookUrl = ((await request.json()) as { url?: string }).url ?? null;
        return Response.json({ ok: true, url: webhookUrl });
      }
      const control = (await log.control(request, path)) ?? (await r.control(request, path));
      if (control) return control;
      if (!/^\/v\d+\.\d+\/\d+\/messages$/.test(path) || request.method !== "POST") return graphError(404, 803, "Unknown path");
      if (!(request.headers.get("authorization") ?? "").startsWith("Bearer ")) return graphError(401, 190, "Invalid OAuth access token.");
      const fault = r.takeFault();
      if (fault) return graphError(fault.status, fault.code ?? (fault.status === 429 ? 130429 : 131000), "injected fault");
      const body = (await request.json().catch(() => null)) as { messaging_product?: string; to?: string; type?: string; template?: { name?: string } } | null;
      if (body?.messaging_product !== "whatsapp" || !body.to) return graphError(400, 100, "Invalid parameter");
      if (body.type !== "template" || !body.template?.name) return graphError(400, 131047, "Re-engagement message: more than 24 hours have passed since the recipient last replied");
      if (body.to.startsWith("1500555000")) return graphError(400, 131026, "Message undeliverable");
      const id = `wamid.fake${r.nextId()}`;
      r.record({ at: new Date().toISOString(), path, headers: headersOf(request), body, id });
      const outcome = log.takeOutcome(body.to);
      const failed = outcome?.status === "failed";
      const phoneNumberId = path.split("/")[2] ?? "";
      const list = [];
      for (const status of failed ? ["failed"] : ["sent", "delivered"]) {
        const payload = statusWebhook(phoneNumberId, id, body.to, status, failed ? (outcome?.errorCode ?? 131026) : undefined);
        list.push({ messageId: id, url: webhookUrl, headers: { "content-type": "application/json", "x-hub-signature-256": await hubSignature(payload) }, body: payload, status });
      }
      log.schedule(list);
      return Response.json({ messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id, message_status: "accepted" }] });
    };
  },
};
