// npm run bench -- seal [--seconds N]: platform seals per second (render-free: sha-256, JWS
// header, base64url and Ed25519 over a rendered UBL invoice), bare WebCrypto Ed25519 signs of
// the same bytes in the same run (the ceiling; target: seals ≥ 80 % of it), and UBL documents
// rendered per second.
import { renderUblDocument } from "../workers/domain/einvoice/ubl-document.ts";
import { compactDetached, encodeHeader } from "../workers/compliance/seal/detached-jws.ts";
import { Ed25519PlatformSealer } from "../workers/compliance/seal/ed25519-sealer.ts";
import { hex } from "../workers/compliance/seal/sealer.ts";
import { sealKeyring } from "../workers/compliance/seal/keys.ts";
import { documentOf } from "../test/node/einvoice/fixtures.ts";

async function perSecond(seconds: number, op: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 200; i++) await op(); // warm-up
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) await op();
    n += 50;
  }
  return Math.round((n * 1000) / (performance.now() - start));
}

/**
 * The seal path as it was before the throughput work (kept here only to report before/after in
 * one run): the SHA-256 through WebCrypto's async digest in parallel with the signature, and the
 * signing input built through a TextEncoder copy of the header prefix. Same JWS bytes.
 */
function previousSeal(privateKey: CryptoKey, kid: string) {
  const utf8 = new TextEncoder();
  return async (document: Uint8Array, sealedAt: string) => {
    const encodedHeader = encodeHeader({ alg: "EdDSA", kid, typ: "ledgerline-seal+jws", sealedAt, b64: false, crit: ["b64"] });
    const prefix = utf8.encode(`${encodedHeader}.`);
    const input = new Uint8Array(prefix.length + document.length);
    input.set(prefix);
    input.set(document, prefix.length);
    const [signature, digest] = await Promise.all([crypto.subtle.sign("Ed25519", privateKey, input), crypto.subtle.digest("SHA-256", document)]);
    return { jws: compactDetached(encodedHeader, new Uint8Array(signature)), kid, sha256: hex(digest), sealedAt };
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const at = args.indexOf("--seconds");
  const seconds = at >= 0 ? Number(args[at + 1]) : 3;
  const source = documentOf(
    Array.from({ length: 10 }, (_, i) => ({ description: `Service line ${i + 1}`, taxCategory: i % 3 === 0 ? ("reduced" as const) : ("standard" as const), taxRatePpm: i % 3 === 0 ? 100_000 : 210_000, unitPrice: 1_000 + i * 137, quantityMilli: 1_500 })),
  );
  const document = new TextEncoder().encode(renderUblDocument(source));
  const keyring = await sealKeyring({ SEAL_DEMO_KEY: "allowed" });
  const sealer = new Ed25519PlatformSealer(keyring);
  const sealedAt = "2026-12-01T00:00:00.000Z";
  const before = previousSeal(keyring.signing.privateKey, keyring.signing.kid);
  const [now, then] = [await sealer.seal(document, sealedAt), await before(document, sealedAt)];
  if (now.jws !== then.jws || now.sha256 !== then.sha256) throw new Error("the optimised seal path changed the seal bytes");

  // Interleave the two measurements so machine load affects both alike.
  const raw: number[] = [];
  const seals: number[] = [];
  const previous: number[] = [];
  for (let round = 0; round < 3; round++) {
    raw.push(await perSecond(seconds / 4, () => crypto.subtle.sign("Ed25519", keyring.signing.privateKey, document)));
    seals.push(await perSecond(seconds / 4, () => sealer.seal(document, sealedAt)));
    previous.push(await perSecond(seconds / 4, () => before(document, sealedAt)));
  }
  const documentsPerSecond = await perSecond(seconds / 3, () => renderUblDocument(source));
  const best = (xs: number[]) => Math.max(...xs);
  return {
    documentBytes: document.byteLength,
    sealToRawRatio: Math.round((best(seals) / best(raw)) * 100) / 100,
    // before/after from this same run: the previous seal path (see previousSeal) against raw.
    previousSealsPerSecond: best(previous),
    previousSealToRawRatio: Math.round((best(previous) / best(raw)) * 100) / 100,
    sealsPerSecond: best(seals),
    rawSignsPerSecond: best(raw),
    documentsPerSecond,
  };
}
