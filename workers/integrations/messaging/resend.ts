// Email through Resend's API (POST /emails, Bearer key, Idempotency-Key), with RFC 8058
// one-click unsubscribe headers on every reminder.
import { type ChannelSender, type OutgoingMessage, retryAfterOf, type SendOutcome, transientStatus } from "./channel.ts";

export function resendSender(config: { baseUrl: string; apiKey: string; from: string }): ChannelSender {
  return {
    async send(m: OutgoingMessage): Promise<SendOutcome> {
      const headers: Record<string, string> = {};
      if (m.unsubscribeUrl) {
        headers["List-Unsubscribe"] = `<${m.unsubscribeUrl}>`;
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
      }
      let res: Response;
      try {
        res = await fetch(`${config.baseUrl}/emails`, {
          method: "POST",
          headers: { authorization: `Bearer ${config.apiKey}`, "content-type": "application/json", "idempotency-key": m.idempotencyKey },
          body: JSON.stringify({ from: config.from, to: [m.to], subject: m.subject ?? "Payment reminder", text: m.body, headers }),
        });
      } catch (error) {
        return { kind: "retry", error: `resend unreachable: ${(error as Error).message}` };
      }
      const body = (await res.json().catch(() => ({}))) as { id?: string; message?: string; name?: string };
      if (res.ok && body.id) return { kind: "sent", providerMessageId: body.id };
      const error = `resend ${res.status} ${body.name ?? ""}: ${body.message ?? ""}`.trim();
      return transientStatus(res.status) ? { kind: "retry", error, retryAfterSeconds: retryAfterOf(res) } : { kind: "permanent", error };
    },
  };
}
