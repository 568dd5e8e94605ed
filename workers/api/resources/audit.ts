// The audit log's API shapes (issue 10): entries with their exact leaf bytes, RFC 9162 proofs
// (hashes base64, in RFC order), checkpoints as C2SP signed notes, and the export file.
import { z } from "zod";

const Base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/).describe("a SHA-256 hash, base64");

export const AuditEntryFieldsSchema = z
  .object({
    v: z.number().int(),
    eventId: z.string(),
    type: z.string(),
    aggregateType: z.string(),
    aggregateId: z.string(),
    actor: z.string().describe('"api_key:<id>", "staff:<id>" or "system:<job>"'),
    occurredAt: z.string(),
    seq: z.number().int().describe("the event's position in the franchise's event sequence"),
    payloadSha256: z.string().describe("hex SHA-256 of the event payload's canonical JSON"),
  })
  .meta({ id: "AuditEntryFields" });

export const AuditEntry = z
  .object({
    index: z.number().int().min(0).describe("the leaf's position in the tree"),
    leaf: z.string().describe("the exact leaf bytes (canonical JSON of the fields), base64; the leaf hash is SHA-256(0x00 ‖ leaf)"),
    fields: AuditEntryFieldsSchema.nullable().describe("the decoded leaf; null when the stored bytes are not a canonical entry"),
  })
  .meta({ id: "AuditEntry" });

export const AuditEntryPage = z
  .object({
    size: z.number().int().describe("the tree size when read"),
    data: z.array(AuditEntry),
    nextFrom: z.number().int().nullable().describe("pass as from for the next page; null when the range is exhausted"),
  })
  .meta({ id: "AuditEntryPage" });

export const InclusionProof = z
  .object({
    index: z.number().int(),
    size: z.number().int(),
    leafHash: Base64Hash,
    rootHash: Base64Hash.describe("the root of the tree of this size (compare with a checkpoint's)"),
    hashes: z.array(Base64Hash).describe("RFC 9162 §2.1.3 audit path, leaf to root"),
  })
  .meta({ id: "AuditInclusionProof" });

export const ConsistencyProof = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    fromRootHash: Base64Hash,
    toRootHash: Base64Hash,
    hashes: z.array(Base64Hash).describe("RFC 9162 §2.1.4 consistency proof"),
  })
  .meta({ id: "AuditConsistencyProof" });

export const AuditCheckpoint = z
  .object({
    size: z.number().int(),
    rootHash: Base64Hash,
    note: z.string().describe("the C2SP signed note (tlog-checkpoint)"),
    createdAt: z.string(),
  })
  .meta({ id: "AuditCheckpoint" });

export const AuditVerifierKey = z
  .object({
    origin: z.string().describe("the log's origin line (also the key name)"),
    verifierKey: z.string().describe("C2SP verifier key: <name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>"),
    jwk: z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), kid: z.string(), alg: z.literal("EdDSA"), use: z.literal("sig") }),
    demo: z.boolean().describe("true when the public demo key signs (no AUDIT_SIGNING_KEY secret configured): fine locally, never in production"),
  })
  .meta({ id: "AuditVerifierKey" });

export const AuditExport = z
  .object({
    format: z.literal("ledgerline-audit-export/v1"),
    origin: z.string(),
    verifierKey: z.string(),
    exportedAt: z.string(),
    size: z.number().int().describe("entries exported: the tree size when exported (entries past the newest checkpoint are not yet signed)"),
    checkpoints: z.array(z.string()).describe("every signed checkpoint held by the log and its write-once R2 copies"),
    proofs: z.object({
      consistency: z.array(z.object({ from: z.number().int(), to: z.number().int(), hashes: z.array(Base64Hash) })).describe("between consecutive checkpoints"),
      inclusion: z.array(z.object({ index: z.number().int(), size: z.number().int(), hashes: z.array(Base64Hash) })).describe("spot checks of entries spread over the log"),
    }),
    entries: z.array(
      z.object({
        index: z.number().int(),
        leaf: z.string(),
        leafHash: Base64Hash.optional().describe("the leaf hash the tree recorded at append time: untrusted, but when these reproduce a signed root they name exactly which entry was edited, deleted or reordered since"),
      }),
    ),
  })
  .meta({ id: "AuditExport" });
