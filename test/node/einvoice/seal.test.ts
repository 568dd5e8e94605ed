// The platform seal: WebCrypto Ed25519 matches RFC 8032 and @noble/ed25519 (an independent
// implementation, strict verification), and a seal fails after any one-byte change.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ed from "@noble/ed25519";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64urlDecode, base64urlEncode, parseDetachedJws, signingInput } from "../../../workers/compliance/seal/detached-jws.ts";
import { Ed25519PlatformSealer } from "../../../workers/compliance/seal/ed25519-sealer.ts";
import { DEMO_SEAL_JWK, sealKeyring } from "../../../workers/compliance/seal/keys.ts";
import { verifySeal } from "../../../workers/compliance/seal/verify.ts";
import { REFERENCE_DIR } from "./en16931-validator.ts";

const vectors = JSON.parse(readFileSync(join(REFERENCE_DIR, "rfc8032-ed25519.json"), "utf8")).vectors as Array<{ name: string; secret_key: string; public_key: string; message: string; signature: string }>;
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");

describe("RFC 8032 §7.1 vectors", () => {
  it.each(vectors.map((v) => [v.name, v] as const))("%s: WebCrypto and noble sign identically and verify strictly", async (_name, v) => {
    const seed = fromHex(v.secret_key);
    const message = fromHex(v.message);
    const key = await crypto.subtle.importKey("pkcs8", new Uint8Array([...PKCS8_PREFIX, ...seed]), { name: "Ed25519" }, true, ["sign"]);
    const webSig = new Uint8Array(await crypto.subtle.sign("Ed25519", key, message));
    expect(toHex(webSig)).toBe(v.signature);
    expect(toHex(await ed.signAsync(message, seed))).toBe(v.signature);
    expect(toHex(await ed.getPublicKeyAsync(seed))).toBe(v.public_key);
    expect(await ed.verifyAsync(webSig, message, fromHex(v.public_key), { zip215: false })).toBe(true);
    const tampered = new Uint8Array([...message, 0]);
    expect(await ed.verifyAsync(webSig, tampered, fromHex(v.public_key), { zip215: false })).toBe(false);
  });
});

describe("base64url", () => {
  it("matches Node's encoder and round-trips", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = base64urlEncode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64url"));
        expect(base64urlDecode(text)).toEqual(bytes);
      }),
    );
  });
  it("refuses non-canonical text", () => {
    expect(base64urlDecode("AB")).toBeNull(); // leftover bits set
    expect(base64urlDecode("A")).toBeNull();
    expect(base64urlDecode("AA==")).toBeNull();
    expect(base64urlDecode("A+")).toBeNull();
  });
});

const demoEnv = { SEAL_DEMO_KEY: "allowed" };
const document = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice>€ 12.35</Invoice>\n');

describe("the platform sealer", () => {
  it("makes a compact detached EdDSA JWS that noble verifies over the document bytes", async () => {
    const keyring = await sealKeyring(demoEnv);
    const seal = await new Ed25519PlatformSealer(keyring).seal(document, "2026-12-01T10:00:00.000Z");
    expect(seal.kid).toBe(DEMO_SEAL_JWK.kid);
    expect(seal.jws).toMatch(/^[\w-]+\.\.[\w-]{86}$/);
    const parsed = parseDetachedJws(seal.jws);
    if (!parsed.ok) throw new Error(parsed.detail);
    expect(parsed.header).toEqual({ alg: "EdDSA", kid: DEMO_SEAL_JWK.kid, typ: "ledgerline-seal+jws", sealedAt: "2026-12-01T10:00:00.000Z", b64: false, crit: ["b64"] });
    expect(seal.sha256).toBe(createHash("sha256").update(document).digest("hex"));
    const pub = base64urlDecode(DEMO_SEAL_JWK.x)!;
    expect(await ed.verifyAsync(parsed.signature, signingInput(parsed.encodedHeader, document), pub, { zip215: false })).toBe(true);
    expect(await verifySeal(keyring, document, seal.jws)).toMatchObject({ valid: true, failedCheck: null });
  });

  it("fails after any one-byte change of the document", async () => {
    const keyring = await sealKeyring(demoEnv);
    const seal = await new Ed25519PlatformSealer(keyring).seal(document, "2026-12-01T10:00:00.000Z");
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: document.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const changed = document.slice();
        changed[at] = changed[at]! ^ xor;
        const result = await verifySeal(keyring, changed, seal.jws);
        expect(result).toMatchObject({ valid: false, failedCheck: "signature_invalid" });
      }),
      { numRuns: 60 },
    );
  });

  it("keeps verifying seals of a retired key after rotation; the kid of an unnamed key is its RFC 7638 thumbprint", async () => {
    const old = await sealKeyring(demoEnv);
    const seal = await new Ed25519PlatformSealer(old).seal(document, "2026-01-01T00:00:00.000Z");
    const fresh = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", fresh.privateKey)) as JsonWebKey;
    const rotatedEnv = { SEAL_SIGNING_KEY: JSON.stringify({ kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d }), SEAL_RETIRED_KEYS: JSON.stringify([{ kty: "OKP", crv: "Ed25519", x: DEMO_SEAL_JWK.x, kid: DEMO_SEAL_JWK.kid }]) };
    const rotated = await sealKeyring(rotatedEnv);
    const thumb = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`))).toString("base64url");
    expect(rotated.signing.kid).toBe(thumb);
    expect([...rotated.verifying.keys()]).toEqual([thumb, DEMO_SEAL_JWK.kid]);
    expect(await verifySeal(rotated, document, seal.jws)).toMatchObject({ valid: true, kid: DEMO_SEAL_JWK.kid });
    const newSeal = await new Ed25519PlatformSealer(rotated).seal(document, "2026-06-01T00:00:00.000Z");
    expect(await verifySeal(old, document, newSeal.jws)).toMatchObject({ valid: false, failedCheck: "unknown_kid" });
  });

  it("refuses to sign without a key unless the demo key is allowed", async () => {
    await expect(sealKeyring({})).rejects.toMatchObject({ status: 503, code: "seal_key_unconfigured" });
    await expect(sealKeyring({ SEAL_SIGNING_KEY: "{" })).rejects.toMatchObject({ code: "seal_key_misconfigured" });
  });
});
