// The audit log's Ed25519 checkpoint key (WebCrypto). Production sets the Worker secret
// AUDIT_SIGNING_KEY (base64 PKCS#8: `wrangler secret put AUDIT_SIGNING_KEY`). Without it the
// DEMO key below is used: it is public (it is in this repository), fit for local runs and tests
// only, and the verifier-key endpoint says so (demo: true).
import { toBase64 } from "../domain/bytes-codec.ts";
import { formatVerifierKey } from "../domain/signed-note.ts";
import { sha256 } from "./sha256.ts";

export const DEMO_AUDIT_SIGNING_KEY_PKCS8 = "MC4CAQAwBQYDK2VwBCIEIEyM9SSqdXO+226JG5ETcZsL14vq9Aja2iuzB7SsXS6b";

export interface AuditSigner {
  sign(message: Uint8Array): Promise<Uint8Array>;
  publicKey: Uint8Array;
  /** The public key as a JWK (OKP/Ed25519), for /.well-known/jwks.json. */
  jwk: JsonWebKey & { kid: string; alg: "EdDSA"; use: "sig" };
  demo: boolean;
}

const cache = new Map<string, Promise<AuditSigner>>();

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
}

async function loadSigner(pkcs8Base64: string, demo: boolean): Promise<AuditSigner> {
  const privateKey = await crypto.subtle.importKey("pkcs8", decodeBase64(pkcs8Base64), { name: "Ed25519" }, true, ["sign"]);
  const privateJwk = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  const publicJwk = { kty: "OKP", crv: "Ed25519", x: privateJwk.x! };
  const publicKey = decodeBase64(publicJwk.x.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(publicJwk.x.length / 4) * 4, "="));
  // RFC 7638 thumbprint, so the kid is stable and checkable.
  const thumbprint = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify({ crv: "Ed25519", kty: "OKP", x: publicJwk.x }))));
  const kid = `audit-${toBase64(thumbprint).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
  return {
    sign: async (message) => new Uint8Array(await crypto.subtle.sign("Ed25519", privateKey, message)),
    publicKey,
    jwk: { ...publicJwk, kid, alg: "EdDSA", use: "sig" },
    demo,
  };
}

export function auditSigner(env: Env): Promise<AuditSigner> {
  const secret = (env as { AUDIT_SIGNING_KEY?: string }).AUDIT_SIGNING_KEY;
  const pkcs8 = secret && secret.length > 0 ? secret : DEMO_AUDIT_SIGNING_KEY_PKCS8;
  let signer = cache.get(pkcs8);
  if (!signer) {
    signer = loadSigner(pkcs8, pkcs8 === DEMO_AUDIT_SIGNING_KEY_PKCS8);
    cache.set(pkcs8, signer);
  }
  return signer;
}

/** The C2SP verifier key of a franchise's log (the key name is the log's origin). */
export async function auditVerifierKey(env: Env, origin: string): Promise<{ verifierKey: string; jwk: AuditSigner["jwk"]; demo: boolean }> {
  const signer = await auditSigner(env);
  return { verifierKey: formatVerifierKey(sha256, origin, signer.publicKey), jwk: signer.jwk, demo: signer.demo };
}

/** The public JWK, for helper einvoice's /.well-known/jwks.json (merged by the lead). */
export async function auditPublicJwk(env: Env): Promise<AuditSigner["jwk"]> {
  return (await auditSigner(env)).jwk;
}
