// ERP tokens at rest: AES-256-GCM with a key derived (SHA-256) from the ERP_TOKEN_KEY Worker
// secret, a fresh 96-bit IV per write, and the connection id as associated data so a ciphertext
// copied to another connection does not decrypt.
const enc = new TextEncoder();
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function keyFrom(secret: string): Promise<CryptoKey> {
  if (secret.length < 16) throw new Error("ERP_TOKEN_KEY is missing or too short");
  const raw = await crypto.subtle.digest("SHA-256", enc.encode(secret));
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function sealJson(secret: string, connectionId: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode(connectionId) }, await keyFrom(secret), enc.encode(JSON.stringify(value)));
  return `v1.${b64(iv)}.${b64(new Uint8Array(data))}`;
}

export async function openJson<T>(secret: string, connectionId: string, sealed: string): Promise<T> {
  const [version, iv, data] = sealed.split(".");
  if (version !== "v1" || !iv || !data) throw new Error("unrecognised sealed token format");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv), additionalData: enc.encode(connectionId) }, await keyFrom(secret), unb64(data));
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}
