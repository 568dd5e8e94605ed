// The platform seal: Ed25519 through WebCrypto (several times faster than a JS implementation),
// as a compact detached JWS (alg EdDSA) over the exact document bytes.
import { compactDetached, encodeHeader, signingInput } from "./detached-jws.ts";
import type { SealKeyring } from "./keys.ts";
import { sha256Hex, type Seal, type Sealer } from "./sealer.ts";

export class Ed25519PlatformSealer implements Sealer {
  readonly regime = "platform-ed25519";
  readonly kid: string;
  readonly #privateKey: CryptoKey;

  constructor(keyring: SealKeyring) {
    this.kid = keyring.signing.kid;
    this.#privateKey = keyring.signing.privateKey;
  }

  async seal(document: Uint8Array, sealedAt: string): Promise<Seal> {
    const sha256 = await sha256Hex(document);
    const encodedHeader = encodeHeader({ alg: "EdDSA", kid: this.kid, typ: "ledgerline-seal+jws", sealedAt, sha256 });
    const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", this.#privateKey, signingInput(encodedHeader, document)));
    return { jws: compactDetached(encodedHeader, signature), kid: this.kid, sha256, sealedAt };
  }
}
