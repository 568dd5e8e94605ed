// SMS through Twilio's Messages API (2010-04-01): form-encoded POST, HTTP Basic auth. Error
// 21211 (invalid 'To' number) and the other 4xx are permanent; 429 and 5xx are retried.
import { type ChannelSender, type OutgoingMessage, retryAfterOf, type SendOutcome, transientStatus } from "./channel.ts";

export function twilioSender(config: { baseUrl: string; accountSid: string; authToken: string; from: string }): ChannelSender {
  return {
    async send(m: OutgoingMessage): Promise<SendOutcome> {
      const form = new URLSearchParams({ To: m.to, From: config.from, Body: m.body });
      if (m.statusCallbackUrl) form.set("StatusCallback", m.statusCallbackUrl);
      let res: Response;
      try {
        res = await fetch(`${config.baseUrl}/2010-04-01/Accounts/${config.accountSid}/Messages.json`, {
          method: "POST",
          headers: { authorization: `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`, "content-type": "application/x-www-form-urlencoded" },
          body: form,
        });
      } catch (error) {
        return { kind: "retry", error: `twilio unreachable: ${(error as Error).message}` };
      }
      const body = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
      if (res.status === 201 && body.sid) return { kind: "sent", providerMessageId: body.sid };
      const error = `twilio ${res.status} ${body.code ?? ""}: ${body.message ?? ""}`;
      return transientStatus(res.status) ? { kind: "retry", error, retryAfterSeconds: retryAfterOf(res) } : { kind: "permanent", error };
    },
  };
}
