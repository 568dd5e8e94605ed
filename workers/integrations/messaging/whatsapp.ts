// WhatsApp Cloud API: reminders go outside the 24-hour service window, so only as an approved
// template message (POST /{version}/{phone-number-id}/messages, Bearer token). The rendered text
// travels as the template's single body parameter.
import { type ChannelSender, type OutgoingMessage, retryAfterOf, type SendOutcome, transientStatus } from "./channel.ts";

export function whatsappSender(config: { baseUrl: string; phoneNumberId: string; accessToken: string; template: string; language: string }): ChannelSender {
  return {
    async send(m: OutgoingMessage): Promise<SendOutcome> {
      let res: Response;
      try {
        res = await fetch(`${config.baseUrl}/v23.0/${config.phoneNumberId}/messages`, {
          method: "POST",
          headers: { authorization: `Bearer ${config.accessToken}`, "content-type": "application/json" },
          body: JSON.stringify({
            messaging_product: "whatsapp",
            to: m.to.replace(/^\+/, ""),
            type: "template",
            template: { name: config.template, language: { code: config.language }, components: [{ type: "body", parameters: [{ type: "text", text: m.body }] }] },
          }),
        });
      } catch (error) {
        return { kind: "retry", error: `whatsapp unreachable: ${(error as Error).message}` };
      }
      const body = (await res.json().catch(() => ({}))) as { messages?: Array<{ id: string }>; error?: { code?: number; message?: string } };
      const id = body.messages?.[0]?.id;
      if (res.ok && id) return { kind: "sent", providerMessageId: id };
      const error = `whatsapp ${res.status} ${body.error?.code ?? ""}: ${body.error?.message ?? ""}`;
      return transientStatus(res.status) ? { kind: "retry", error, retryAfterSeconds: retryAfterOf(res) } : { kind: "permanent", error };
    },
  };
}
