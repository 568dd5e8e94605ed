// Webhook and link signatures, with Web Crypto and constant-time comparison:
// - Twilio: X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + sorted name+value pairs));
// - Meta: X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(app secret, raw body));
// - our one-click unsubscribe token: base64url(payload) "." base64url(HMAC-SHA256(key, payload)).
import { base64url, fromBase64url } from "../../auth/secrets.ts";

const enc = new TextEncoder();

async function hmac(hash: "SHA-1" | "SHA-256", key: string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

const sameText = (a: string, b: string) => sameBytes(enc.encode(a), enc.encode(b));

export async function twilioSignature(authToken: string, url: string, params: URLSearchParams): Promise<string> {
  const data = url + [...new Set(params.keys())].sort().map((k) => params.getAll(k).map((v) => k + v).join("")).join("");
  return btoa(String.fromCharCode(...(await hmac("SHA-1", authToken, data))));
}

export async function verifyTwilio(authToken: string, url: string, params: URLSearchParams, header: string | undefined): Promise<boolean> {
  return header !== undefined && sameText(await twilioSignature(authToken, url, params), header);
}

export async function verifyMeta(appSecret: string, rawBody: string, header: string | undefined): Promise<boolean> {
  if (!header?.startsWith("sha256=")) return false;
  const hex = [...(await hmac("SHA-256", appSecret, rawBody))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return sameText(`sha256=${hex}`, header);
}

export interface UnsubscribeClaim {
  franchiseId: string;
  customerId: string;
  channel: "email";
}

export async function signUnsubscribe(key: string, claim: UnsubscribeClaim): Promise<string> {
  const payload = base64url(enc.encode(JSON.stringify([claim.franchiseId, claim.customerId, claim.channel])));
  return `${payload}.${base64url(await hmac("SHA-256", key, payload))}`;
}

export async function verifyUnsubscribe(key: string, token: string): Promise<UnsubscribeClaim | null> {
  const [payload, sig] = token.split(".");
  if (!payload || !sig || token.split(".").length !== 2) return null;
  try {
    if (!sameBytes(await hmac("SHA-256", key, payload), fromBase64url(sig))) return null;
    const [franchiseId, customerId, channel] = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as string[];
    return typeof franchiseId === "string" && typeof customerId === "string" && channel === "email" ? { franchiseId, customerId, channel } : null;
  } catch {
    return null;
  }
}
