// A Sealer makes a tamper-evident, verifiable seal over the exact bytes of a document. One
// implementation per regime: today the platform's Ed25519 seal (ed25519-sealer.ts). Regime
// signatures it does not replace are future Sealers: XAdES for FatturaPA, ZATCA's ECDSA
// (secp256k1, not in WebCrypto), Portugal's RSA-SHA1 chain.
import { createHash } from "node:crypto";

export interface Seal {
  /** Compact detached JWS: "<protected>..<signature>" over the document bytes. */
  jws: string;
  kid: string;
  /** Lower-case hex SHA-256 of the document bytes. */
  sha256: string;
  sealedAt: string;
}

export interface Sealer {
  readonly regime: string;
  readonly kid: string;
  seal(document: Uint8Array, sealedAt: string): Promise<Seal>;
}

export const hex = (bytes: ArrayBuffer | Uint8Array): string => {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const b of view) out += b.toString(16).padStart(2, "0");
  return out;
};

/**
 * Synchronous on purpose: node:crypto (nodejs_compat) hashes a 10 KB document in ~9 µs, while
 * WebCrypto's async digest costs ~60 µs a call in dispatch overhead — most of the seal's cost
 * beyond the raw signature (bench/seal.bench.ts).
 */
export const sha256HexSync = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return sha256HexSync(bytes);
}
