// Checks a platform seal against a document, one step at a time, and says which step failed:
// the JWS shape, the algorithm, the key (any published key, retired ones included), then the
// signature over the document bytes (any change of the document or of the header fails it).
import { parseDetachedJws, signingInput, type ParseFailure } from "./detached-jws.ts";
import type { SealKeyring } from "./keys.ts";
import { sha256Hex } from "./sealer.ts";

export type VerifyCheck = ParseFailure | "alg_unsupported" | "unknown_kid" | "signature_invalid";

export interface VerifyResult {
  valid: boolean;
  kid: string | null;
  sealedAt: string | null;
  /** SHA-256 of the document that was checked. */
  sha256: string;
  failedCheck: VerifyCheck | null;
  detail: string | null;
}

export async function verifySeal(keyring: SealKeyring, document: Uint8Array, jws: string): Promise<VerifyResult> {
  const sha256 = await sha256Hex(document);
  const parsed = parseDetachedJws(jws);
  if (!parsed.ok) return { valid: false, kid: null, sealedAt: null, sha256, failedCheck: parsed.check, detail: parsed.detail };
  const { header } = parsed;
  const fail = (failedCheck: VerifyCheck, detail: string): VerifyResult => ({ valid: false, kid: header.kid, sealedAt: header.sealedAt, sha256, failedCheck, detail });
  if (header.alg !== "EdDSA") return fail("alg_unsupported", `alg ${header.alg} is not EdDSA`);
  const key = keyring.verifying.get(header.kid);
  if (!key) return fail("unknown_kid", `no published key has kid ${header.kid}`);
  const ok = await crypto.subtle.verify("Ed25519", key.key, parsed.signature, signingInput(parsed.encodedHeader, document));
  if (!ok) return fail("signature_invalid", "the signature does not verify with the named key over these bytes: the document or the seal was changed");
  return { valid: true, kid: header.kid, sealedAt: header.sealedAt, sha256, failedCheck: null, detail: null };
}
