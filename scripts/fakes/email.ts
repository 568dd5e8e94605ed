// Fake Resend (POST /emails): validates what Resend documents (Bearer key, from/to/subject, one of
// text/html), answers { id }, honours Idempotency-Key (same key → same id, no second email),
// 422 for a malformed "to" (a hard bounce stand-in: addresses ending in @bounce.test), 429/5xx on demand.
import type { FakeDefinition } from "./fake-server.ts";
import { headersOf, recorder } from "./recorder.ts";

export const emailFake: FakeDefinition = {
  name: "email",
  standsInFor: "Resend email API",
  envVar: "RESEND_BASE_URL",
  purpose: "records sent emails with their List-Unsubscribe headers (GET /_fake/requests)",
  create() {
    const r = recorder();
    const byKey = new Map<string, string>();
    return async (request) => {
      const path = new URL(request.url).pathname;
      const control = await r.control(request, path);
      if (control) return control;
      if (path !== "/emails" || request.method !== "POST") return Response.json({ name: "not_found", message: "The requested endpoint does not exist.", statusCode: 404 }, { status: 404 });
      if (!/^Bearer re_/.test(request.headers.get("authorization") ?? "")) return Response.json({ name: "validation_error", message: "API key is invalid", statusCode: 403 }, { status: 403 });
      const fault = r.takeFault();
      if (fault) return Response.json({ name: fault.status === 429 ? "rate_limit_exceeded" : "internal_server_error", message: "injected fault", statusCode: fault.status }, { status: fault.status, headers: fault.status === 429 ? { "retry-after": "1" } : {} });
      const body = (await request.json().catch(() => null)) as { from?: string; to?: string[]; subject?: string; text?: string; html?: string } | null;
      if (!body?.from || !Array.isArray(body.to) || body.to.length === 0 || !body.subject || !(body.text || body.html)) {
        return Response.json({ name: "validation_error", message: "Missing required field", statusCode: 422 }, { status: 422 });
      }
      if (body.to.some((t) => !/^[^@\s]+@[^@\s]+$/.test(t) || t.endsWith("@bounce.test"))) return Response.json({ name: "validation_error", message: "Invalid `to` field.", statusCode: 422 }, { status: 422 });
      const key = request.headers.get("idempotency-key");
      const known = key ? byKey.get(key) : undefined;
      if (known) return Response.json({ id: known });
      const id = `fake-email-${r.nextId()}`;
      if (key) byKey.set(key, id);
      r.record({ at: new Date().toISOString(), path, headers: headersOf(request), body, id });
      return Response.json({ id });
    };
  },
};
