// Fake WhatsApp Cloud API: POST /v23.0/{phone-number-id}/messages (Bearer token) accepting
// template messages only (reminders are outside the 24 h window: free-form text → 131047),
// answering { messaging_product, contacts, messages: [{ id }] }; 131026 (undeliverable) for
// numbers starting 1500555000, 429/5xx on demand.
import type { FakeDefinition } from "./fake-server.ts";
import { headersOf, recorder } from "./recorder.ts";

const graphError = (status: number, code: number, message: string) => Response.json({ error: { message, type: "OAuthException", code, fbtrace_id: "fake" } }, { status });

export const whatsappFake: FakeDefinition = {
  name: "whatsapp",
  standsInFor: "WhatsApp Cloud API (Meta Graph)",
  envVar: "WHATSAPP_BASE_URL",
  purpose: "records template messages; rejects free-form text outside the 24 h window",
  create() {
    const r = recorder();
    return async (request) => {
      const path = new URL(request.url).pathname;
      const control = await r.control(request, path);
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
      return Response.json({ messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id, message_status: "accepted" }] });
    };
  },
};
