// npm run bench -- seal [--seconds N]: platform seals per second (render-free: sha-256, JWS
// header, base64url and Ed25519 over a rendered UBL invoice), bare WebCrypto Ed25519 signs of
// the same bytes in the same run (the ceiling; target: seals ≥ 80 % of it), and UBL documents
// rendered per second.
import { renderUblDocument } from "../workers/domain/einvoice/ubl-document.ts";
import { Ed25519PlatformSealer } from "../workers/compliance/seal/ed25519-sealer.ts";
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

  // Interleave the two measurements so machine load affects both alike.
  const raw: number[] = [];
  const seals: number[] = [];
  for (let round = 0; round < 3; round++) {
    raw.push(await perSecond(seconds / 3, () => crypto.subtle.sign("Ed25519", keyring.signing.privateKey, document)));
    seals.push(await perSecond(seconds / 3, () => sealer.seal(document, sealedAt)));
  }
  const documentsPerSecond = await perSecond(seconds / 3, () => renderUblDocument(source));
  const best = (xs: number[]) => Math.max(...xs);
  return {
    documentBytes: document.byteLength,
    sealToRawRatio: Math.round((best(seals) / best(raw)) * 100) / 100,
    sealsPerSecond: best(seals),
    rawSignsPerSecond: best(raw),
    documentsPerSecond,
  };
}
