// Fake Twilio Messages API: POST /2010-04-01/Accounts/{Sid}/Messages.json (form-encoded, Basic
// auth) → 201 with a Message resource (status "queued"); 21211 for an invalid To (Twilio's own
// test number +15005550001, or not E.164), 429/5xx on demand; when StatusCallback is given it
// POSTs the message's statuses there, signed with X-Twilio-Signature like Twilio does: "sent" then
// "delivered" by default; POST /_fake/outcomes { status: "undelivered"|"failed", errorCode?, count }
// makes the next accepted messages end that way (Twilio's 30003 unreachable handset / 30008 unknown).
import { callbackLog } from "./callbacks.ts";
import type { FakeDefinition } from "./fake-server.ts";
import { headersOf, recorder } from "./recorder.ts";

export const FAKE_TWILIO_AUTH_TOKEN = "fake-twilio-auth-token";

async function signature(authToken: string, url: string, params: URLSearchParams): Promise<string> {
  const data = url + [...params.keys()].sort().map((k) => k + (params.get(k) ?? "")).join("");
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)))));
}

/** The status sequence Twilio reports for a message that ends as `final`. */
function statusSequence(final: string): string[] {
  if (final === "failed") return ["failed"];
  if (final === "undelivered") return ["sent", "undelivered"];
  return ["sent", "delivered"];
}

const DEFAULT_ERROR: Record<string, number> = { failed: 30008, undelivered: 30003 };

export const twilioFake: FakeDefinition = {
  name: "twilio",
  standsInFor: "Twilio Messages API (SMS)",
  envVar: "TWILIO_BASE_URL",
  purpose: "records SMS, fails +15005550001 with 21211, posts signed status callbacks",
  create() {
    const r = recorder();
    const log = callbackLog();
    return async (request) => {
      const path = new URL(request.url).pathname;
      const control = (await log.control(request, path)) ?? (await r.control(request, path));
      if (control) return control;
      const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-zA-Z]+)\/Messages\.json$/.exec(path);
      if (!m || request.method !== "POST") return Response.json({ code: 20404, message: "The requested resource was not found", status: 404 }, { status: 404 });
      const accountSid = m[1] as string;
      if (!(request.headers.get("authorization") ?? "").startsWith("Basic ")) return Response.json({ code: 20003, message: "Authenticate", status: 401 }, { status: 401 });
      const fault = r.takeFault();
      if (fault) return Response.json({ code: fault.code ?? (fault.status === 429 ? 20429 : 20500), message: "injected fault", status: fault.status }, { status: fault.status });
      const form = new URLSearchParams(await request.text());
      const to = form.get("To") ?? "";
      const from = form.get("From") ?? "";
      if (!form.get("Body")) return Response.json({ code: 21602, message: "Message body is required.", status: 400 }, { status: 400 });
      if (!/^\+[1-9]\d{6,14}$/.test(to) || to === "+15005550001") return Response.json({ code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: "https://www.twilio.com/docs/errors/21211", status: 400 }, { status: 400 });
      const sid = `SM${r.nextId().padStart(32, "0")}`;
      r.record({ at: new Date().toISOString(), path, headers: headersOf(request), body: Object.fromEntries(form), id: sid });
      const callback = form.get("StatusCallback");
      if (callback) {
        const outcome = log.takeOutcome(to);
        const final = outcome?.status ?? "delivered";
        const errorCode = outcome?.errorCode ?? DEFAULT_ERROR[final];
        const statuses = statusSequence(final);
        const list = [];
        for (const status of statuses) {
          const params = new URLSearchParams({ AccountSid: accountSid, ApiVersion: "2010-04-01", From: from, MessageSid: sid, MessageStatus: status, SmsSid: sid, SmsStatus: status, To: to });
          if (status === final && errorCode !== undefined) params.set("ErrorCode", String(errorCode));
          const headers = { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": await signature(FAKE_TWILIO_AUTH_TOKEN, callback, params) };
          list.push({ messageId: sid, url: callback, headers, body: params.toString(), status });
        }
        log.schedule(list);
      }
      return Response.json({ sid, account_sid: accountSid, to, from, body: form.get("Body"), status: "queued", direction: "outbound-api", api_version: "2010-04-01", date_created: new Date().toUTCString(), error_code: null, error_message: null, num_segments: "1", price: null, uri: `${path.replace(/\.json$/, "")}/${sid}.json` }, { status: 201 });
    };
  },
};
