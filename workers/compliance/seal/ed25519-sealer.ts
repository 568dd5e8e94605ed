// The platform seal: Ed25519 through WebCrypto (several times faster than a JS implementation),
// as a compact detached JWS (alg EdDSA, unencoded payload) over the exact document bytes. The
// SHA-256 reported beside the seal is hashed synchronously (node:crypto): the one async
// WebCrypto call per seal is the signature itself (the private key is imported once per
// isolate, keys.ts).
import { compactDetached, encodeHeader, signingInput } from "./detached-jws.ts";
import type { SealKeyring } from "./keys.ts";
import { sha256HexSync, type Seal, type Sealer } from "./sealer.ts";

export class Ed25519PlatformSealer implements Sealer {
  readonly regime = "platform-ed25519";
  readonly kid: string;
  readonly #privateKey: CryptoKey;

  constructor(keyring: SealKeyring) {
    this.kid = keyring.signing.kid;
    this.#privateKey = keyring.signing.privateKey;
  }

  async seal(document: Uint8Array, sealedAt: string): Promise<Seal> {
    const encodedHeader = encodeHeader({ alg: "EdDSA", kid: this.kid, typ: "ledgerline-seal+jws", sealedAt, b64: false, crit: ["b64"] });
    const sha256 = sha256HexSync(document);
    const signature = await crypto.subtle.sign("Ed25519", this.#privateKey, signingInput(encodedHeader, document));
    return { jws: compactDetached(encodedHeader, new Uint8Array(signature)), kid: this.kid, sha256, sealedAt };
  }
}
