// The write-once archive of sealed e-invoice documents in the ARCHIVE R2 bucket.
//
// Key layout (stable; retention rules and bucket locks go by these prefixes):
//   einvoice/<franchiseId>/documents/<yyyy>/<sha256>.xml        the document bytes, content-addressed
//                                                               (yyyy = the document's issue year)
//   einvoice/<franchiseId>/records/<invoice|credit_note>/<id>.json
//                                                               what was archived for that document:
//                                                               number, dates, sha256, document key,
//                                                               the seal ({ jws, kid, sha256, sealedAt })
// Both are written with an R2 conditional put (onlyIf etagDoesNotMatch "*"): a second write of
// the same key is refused by R2 itself, so an archived record is never replaced. Reads re-hash
// the bytes and report a mismatch instead of serving altered bytes.
import type { BillingContext } from "../billing/context.ts";
import { renderDocument, type DocumentKind } from "./e-documents.ts";
import { Ed25519PlatformSealer } from "./seal/ed25519-sealer.ts";
import { sealEnv, sealKeyring } from "./seal/keys.ts";
import { sha256Hex, type Seal } from "./seal/sealer.ts";

export interface ArchiveRecord {
  format: "ledgerline-einvoice-archive/1";
  kind: DocumentKind;
  id: string;
  franchiseId: string;
  branchId: string;
  number: string;
  issueDate: string;
  jurisdiction: string;
  documentKey: string;
  contentType: "application/xml";
  bytes: number;
  sha256: string;
  seal: Seal;
  archivedAt: string;
}

export const archiveKeys = {
  document: (franchiseId: string, issueDate: string, sha256: string) => `einvoice/${franchiseId}/documents/${issueDate.slice(0, 4)}/${sha256}.xml`,
  record: (franchiseId: string, kind: DocumentKind, id: string) => `einvoice/${franchiseId}/records/${kind}/${id}.json`,
};

/** Writes `key` only if it does not exist yet; false when R2 refused because it does. */
export async function putOnce(bucket: R2Bucket, key: string, body: Uint8Array | string, options: R2PutOptions = {}): Promise<boolean> {
  const written = await bucket.put(key, body, { ...options, onlyIf: { etagDoesNotMatch: "*" } });
  return written !== null;
}

export type ArchivedDocument =
  | { status: "not_archived" }
  | { status: "archived"; integrity: "ok"; record: ArchiveRecord; bytes: Uint8Array }
  | { status: "archived"; integrity: "mismatch" | "missing"; record: ArchiveRecord; actualSha256: string | null };

export async function readArchived(ctx: BillingContext, kind: DocumentKind, id: string): Promise<ArchivedDocument> {
  const recordObject = await ctx.env.ARCHIVE.get(archiveKeys.record(ctx.franchiseId, kind, id));
  if (!recordObject) return { status: "not_archived" };
  const record = (await recordObject.json()) as ArchiveRecord;
  const doc = await ctx.env.ARCHIVE.get(record.documentKey);
  if (!doc) return { status: "archived", integrity: "missing", record, actualSha256: null };
  const bytes = new Uint8Array(await doc.arrayBuffer());
  const actual = await sha256Hex(bytes);
  if (actual !== record.sha256 || actual !== record.seal.sha256) return { status: "archived", integrity: "mismatch", record, actualSha256: actual };
  return { status: "archived", integrity: "ok", record, bytes };
}

/**
 * Renders, seals and archives the document unless it already is; returns the archived record
 * (the existing one when another writer got there first). Idempotent: safe to retry and to
 * race.
 */
export async function archiveDocument(ctx: BillingContext, kind: DocumentKind, id: string): Promise<{ record: ArchiveRecord; created: boolean }> {
  const existing = await readArchived(ctx, kind, id);
  if (existing.status === "archived") return { record: existing.record, created: false };
  const doc = await renderDocument(ctx, kind, id);
  const sealer = new Ed25519PlatformSealer(await sealKeyring(sealEnv(ctx.env)));
  const now = ctx.clock.now().toISOString();
  const seal = await sealer.seal(doc.bytes, now);
  const documentKey = archiveKeys.document(ctx.franchiseId, doc.meta.issueDate, seal.sha256);
  // Content-addressed: if the key exists it holds these very bytes, so a refusal here is fine.
  await putOnce(ctx.env.ARCHIVE, documentKey, doc.bytes, {
    httpMetadata: { contentType: "application/xml; charset=utf-8" },
    customMetadata: { sha256: seal.sha256, kind, id, number: doc.meta.number },
    sha256: seal.sha256,
  });
  const record: ArchiveRecord = {
    format: "ledgerline-einvoice-archive/1",
    kind,
    id,
    franchiseId: ctx.franchiseId,
    branchId: doc.meta.branchId,
    number: doc.meta.number,
    issueDate: doc.meta.issueDate,
    jurisdiction: doc.meta.jurisdiction,
    documentKey,
    contentType: "application/xml",
    bytes: doc.bytes.byteLength,
    sha256: seal.sha256,
    seal,
    archivedAt: now,
  };
  const created = await putOnce(ctx.env.ARCHIVE, archiveKeys.record(ctx.franchiseId, kind, id), JSON.stringify(record), {
    httpMetadata: { contentType: "application/json" },
    customMetadata: { sha256: seal.sha256 },
  });
  if (created) return { record, created: true };
  const winner = await readArchived(ctx, kind, id);
  if (winner.status !== "archived") throw new Error("archive record vanished after a refused write");
  return { record: winner.record, created: false };
}
