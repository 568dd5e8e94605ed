// The ONLY operations anyone may call without credentials, each with the reason it is public.
// An operation the document marks public (`security: []`) that is not listed here fails the
// isolation suite; so does an entry here for a documented operation that no longer exists.
// Add JWKS, signed webhooks and signed unsubscribe links here when they land, with their reason
// (a signature or token in the request is their authentication, not a Bearer credential).
export interface PublicOperation {
  reason: string;
  /** Served outside the OpenAPI document (the document itself, static docs). */
  undocumented?: true;
}

export const PUBLIC_OPERATIONS: Record<string, PublicOperation> = {
  "GET /health": { reason: "liveness probe for load balancers and uptime checks; reveals only that D1 answers" },
  "POST /auth/login": { reason: "exchanges staff email + password for a session; cannot require a session itself" },
  "GET /openapi.json": { reason: "the published API contract", undocumented: true },
  "GET /docs/": { reason: "static, offline API reference rendered from /openapi.json", undocumented: true },
  // dunning: providers and recipients authenticate by signature or signed token, not by Bearer
  "POST /webhooks/twilio/inbound": { reason: "Twilio inbound SMS (STOP/START/HELP); X-Twilio-Signature over URL + params is its authentication", undocumented: true },
  "POST /webhooks/twilio/status": { reason: "Twilio delivery-status callback; X-Twilio-Signature is its authentication", undocumented: true },
  "GET /webhooks/whatsapp": { reason: "Meta webhook subscription check; answers only when hub.verify_token matches", undocumented: true },
  "POST /webhooks/whatsapp": { reason: "WhatsApp Cloud API webhook; X-Hub-Signature-256 over the raw body is its authentication", undocumented: true },
  "POST /unsubscribe/email": { reason: "RFC 8058 one-click unsubscribe from an email client; the HMAC-signed token in the link is its authentication", undocumented: true },
};
