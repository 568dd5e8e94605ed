// Checking a seal from the page: the document's bytes (served or uploaded) go base64-encoded
// to POST /v1/verify with the seal's JWS; the answer names the check that failed, if any.
import { api, ok } from "../../api/client.ts";

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function verifyBytes(bytes: Uint8Array, jws: string) {
  return ok(api.POST("/v1/verify", { body: { document: base64(bytes), jws } }));
}

/** The exact bytes GET …/document serves (the archived copy once archived). */
export async function servedDocument(id: string): Promise<Uint8Array> {
  const res = await fetch(`/v1/invoices/${encodeURIComponent(id)}/document`, { credentials: "same-origin" });
  if (!res.ok) throw new Error(res.status === 409 ? "The archived copy fails its integrity check and is not served." : `The document could not be loaded (HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

export type VerifyResult = Awaited<ReturnType<typeof verifyBytes>>;

export const CHECK_LABEL: Record<string, string> = {
  jws_malformed: "Seal format (compact JWS)",
  jws_not_detached: "Detached payload",
  header_malformed: "Protected header",
  alg_unsupported: "Algorithm (EdDSA)",
  unknown_kid: "Published key (JWKS)",
  signature_invalid: "Signature over the document bytes",
};
