// NetSuite machine-to-machine auth: OAuth 2.0 client credentials with a JWT assertion signed by
// the private key whose certificate an admin mapped in NetSuite (Setup → Integration → OAuth 2.0
// Client Credentials (M2M) Setup). NetSuite accepts PS256 and ES256; the key (the Worker secret
// NETSUITE_PRIVATE_KEY, PKCS#8 as PEM or base64) decides which: EC P-256 → ES256, RSA → PS256.
// An access token lasts 60 minutes and there is no refresh token: a new assertion gets a new one.
// The ErpConnection DO calls this (single flight) and keeps the token; nothing else does.
import { base64url } from "../../auth/secrets.ts";
import { netsuitePrivateKey } from "../../config/local-secrets.ts";
import { assertionRefused } from "../../domain/erp/netsuite-errors.ts";
import { netsuiteEndpoints } from "./endpoints.ts";

export interface NetSuiteSetup {
  accountId: string;
  clientId: string;
  certificateId: string;
}

export const NETSUITE_SCOPES = ["rest_webservices"];

export type NetSuiteTokenResult = { ok: true; accessToken: string; expiresAt: number } | { ok: false; reason: "reconnect_required" | "refresh_failed"; message: string; fix: string };

const enc = new TextEncoder();
const keys = new Map<string, Promise<{ key: CryptoKey; alg: "ES256" | "PS256" }>>();

function pkcs8Bytes(secret: string): Uint8Array {
  const b64 = secret.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function importSigningKey(secret: string): Promise<{ key: CryptoKey; alg: "ES256" | "PS256" }> {
  const der = pkcs8Bytes(secret);
  try {
    return { key: await crypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]), alg: "ES256" };
  } catch {
    return { key: await crypto.subtle.importKey("pkcs8", der, { name: "RSA-PSS", hash: "SHA-256" }, false, ["sign"]), alg: "PS256" };
  }
}

/** The signed client assertion: kid = certificate id, iss = client id, aud = the token URL, 5 minutes to live. */
export async function clientAssertion(secret: string, setup: NetSuiteSetup, audience: string, nowSeconds: number): Promise<string> {
  let signing = keys.get(secret);
  if (!signing) {
    signing = importSigningKey(secret);
    keys.set(secret, signing);
    signing.catch(() => keys.delete(secret));
  }
  const { key, alg } = await signing;
  const header = base64url(enc.encode(JSON.stringify({ alg, typ: "JWT", kid: setup.certificateId })));
  const claims = base64url(enc.encode(JSON.stringify({ iss: setup.clientId, scope: NETSUITE_SCOPES, aud: audience, iat: nowSeconds, exp: nowSeconds + 300 })));
  const input = enc.encode(`${header}.${claims}`);
  const signature = await crypto.subtle.sign(alg === "ES256" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSA-PSS", saltLength: 32 }, key, input);
  return `${header}.${claims}.${base64url(new Uint8Array(signature))}`;
}

/** Asks NetSuite for an access token with a fresh assertion. */
export async function requestNetSuiteToken(env: Env, setup: NetSuiteSetup, now = Date.now()): Promise<NetSuiteTokenResult> {
  const secret = netsuitePrivateKey(env);
  if (!secret) return { ok: false, reason: "reconnect_required", message: "NETSUITE_PRIVATE_KEY is not configured", fix: "Set the Worker secret NETSUITE_PRIVATE_KEY (the private key of the certificate mapped in NetSuite), then reconnect under Integrations." };
  const { token } = netsuiteEndpoints(env.NETSUITE_BASE_URL, setup.accountId);
  let assertion: string;
  try {
    assertion = await clientAssertion(secret, setup, token, Math.floor(now / 1000));
  } catch {
    return { ok: false, reason: "reconnect_required", message: "NETSUITE_PRIVATE_KEY is not a PKCS#8 EC P-256 or RSA private key", fix: "Set NETSUITE_PRIVATE_KEY to the certificate's private key in PKCS#8 (PEM or base64), then reconnect under Integrations." };
  }
  let response: Response;
  try {
    response = await fetch(token, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return { ok: false, reason: "refresh_failed", message: `could not reach NetSuite's token endpoint: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300), fix: "Nothing to do: retried with backoff." };
  }
  const text = await response.text();
  if (response.ok) {
    try {
      const body = JSON.parse(text) as { access_token?: string; expires_in?: number };
      if (body.access_token) return { ok: true, accessToken: body.access_token, expiresAt: now + Number(body.expires_in ?? 3600) * 1000 };
    } catch {
      // fall through: an answer without a token is NetSuite misbehaving, retried
    }
    return { ok: false, reason: "refresh_failed", message: "NetSuite's token endpoint answered without a token", fix: "Nothing to do: retried with backoff." };
  }
  if (response.status >= 500 || response.status === 429) return { ok: false, reason: "refresh_failed", message: `NetSuite's token endpoint answered ${response.status}`, fix: "Nothing to do: retried with backoff." };
  return { ok: false, reason: "reconnect_required", ...assertionRefused(response.status, text, setup) };
}
