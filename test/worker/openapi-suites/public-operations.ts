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
  // Accounting integrations (issue 8)
  "GET /oauth/xero/callback": { reason: "Xero redirects the admin's browser here after consent; the state parameter (a nonce bound to a connection an admin started) and the PKCE verifier held by its ErpConnection DO authenticate it" },
  "POST /webhooks/xero": { reason: "Xero's webhook delivery; the x-xero-signature HMAC of the raw body with the webhook key is its authentication (401 otherwise)" },
  "GET /oauth/qbo/callback": { reason: "Intuit redirects the admin's browser here after consent (with the realmId); the state parameter (a nonce bound to a connection an admin started, checked by its ErpConnection DO) authenticates it" },
  "POST /webhooks/qbo": { reason: "QuickBooks' webhook delivery; the intuit-signature HMAC of the raw body with the verifier token is its authentication (401 otherwise)" },
  "GET /docs/": { reason: "static, offline API reference rendered from /openapi.json", undocumented: true },
  "GET /.well-known/jwks.json": { reason: "public keys that verify Ledgerline's seals: anyone holding a sealed document must be able to verify it; holds no secret" },
  // Analytics BI feed (issue 11)
  "GET /bi/files": { reason: "signed, expiring BI download URL from GET /v1/bi/manifest: the HMAC over key + expiry is its authentication, for BI tools without our credentials" },
  // dunning: providers and recipients authenticate by signature or signed token, not by Bearer
  "POST /webhooks/twilio/inbound": { reason: "Twilio inbound SMS (STOP/START/HELP); X-Twilio-Signature over URL + params is its authentication", undocumented: true },
  "POST /webhooks/twilio/status": { reason: "Twilio delivery-status callback; X-Twilio-Signature is its authentication", undocumented: true },
  "GET /webhooks/whatsapp": { reason: "Meta webhook subscription check; answers only when hub.verify_token matches", undocumented: true },
  "POST /webhooks/whatsapp": { reason: "WhatsApp Cloud API webhook; X-Hub-Signature-256 over the raw body is its authentication", undocumented: true },
  "POST /unsubscribe/email": { reason: "RFC 8058 one-click unsubscribe from an email client; the HMAC-signed token in the link is its authentication", undocumented: true },
};
