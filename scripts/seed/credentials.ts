// Demo API keys and the staff password hash, in the formats the API verifies:
//   API key    "llk_" + base64url(32 bytes); stored as lowercase hex SHA-256 of the key and its first 12 chars;
//   password   "pbkdf2-sha256$<iterations>$<salt b64url>$<32-byte PBKDF2-HMAC-SHA256 b64url>".
// Random bytes come from the seeded stream, so the demo credentials are reproducible.
// WebCrypto only (globalThis.crypto.subtle): runs in Node 22 and workerd.
import type { Random } from "./random.ts";

export const API_KEY_PREFIX = "llk_";
export const PBKDF2_ITERATIONS = 100_000;

export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

export interface DemoApiKey {
  key: string;
  prefix: string;
  keyHash: string;
}

export async function demoApiKey(rng: Random): Promise<DemoApiKey> {
  const key = API_KEY_PREFIX + base64Url(rng.bytes(32));
  return { key, prefix: key.slice(0, 12), keyHash: await sha256Hex(key) };
}

export async function pbkdf2Bits(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, 256);
  return new Uint8Array(bits);
}

export async function demoPasswordHash(rng: Random, password: string): Promise<string> {
  const salt = rng.bytes(16);
  const derived = await pbkdf2Bits(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${base64Url(salt)}$${base64Url(derived)}`;
}
