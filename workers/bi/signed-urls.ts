// Signed, expiring download URLs for BI files: HMAC-SHA256 over the R2 key and the expiry with
// the Worker secret BI_SIGNING_KEY. The key starts with bi/<franchiseId>/, and the signature
// covers it, so a URL opens exactly one file of one franchise until it expires.
import { base64url, fromBase64url } from "../auth/secrets.ts";

export const DOWNLOAD_PATH = "/bi/files";
export const URL_TTL_SECONDS = 3600;

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
}

export async function signDownload(secret: string, origin: string, key: string, now: Date): Promise<{ url: string; expiresAt: string }> {
  const expires = Math.floor(now.getTime() / 1000) + URL_TTL_SECONDS;
  const sig = base64url(await hmac(secret, `${key}\n${expires}`));
  const q = new URLSearchParams({ key, expires: String(expires), sig });
  return { url: `${origin}${DOWNLOAD_PATH}?${q}`, expiresAt: new Date(expires * 1000).toISOString() };
}

export type Verdict = "ok" | "expired" | "bad_signature";

export async function verifyDownload(secret: string, key: string, expires: number, sig: string, now: Date): Promise<Verdict> {
  let given: Uint8Array;
  try {
    given = fromBase64url(sig);
  } catch {
    return "bad_signature";
  }
  const expected = await hmac(secret, `${key}\n${expires}`);
  // Constant-time comparison: no early exit on the first differing byte.
  let diff = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) diff |= (given[i] ?? 0) ^ (expected[i] as number);
  if (diff !== 0) return "bad_signature";
  return expires * 1000 < now.getTime() ? "expired" : "ok";
}
