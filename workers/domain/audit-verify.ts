// Verifying an exported audit log without trusting the server (npm run verify-audit, and the
// dashboard's Verify button). From the entries alone it recomputes the root at every checkpoint's
// size (merkle-verify.ts, which shares only merkle-hash.ts with the writer), checks each
// checkpoint's Ed25519 signature against the verifier key, the proofs the export carries, and any
// checkpoint the caller holds from elsewhere (a witness): a log that was edited, had entries
// deleted, reordered or cut off, or was rolled back behind a checkpoint fails with a report
// that says which check failed and where.
import { decodeAuditEntry } from "./audit-entry.ts";
import { locateTampering } from "./audit-locate.ts";
import { fromBase64, utf8Encode } from "./bytes-codec.ts";
import { bytesEqual, leafHash, nodeHash, type Sha256 } from "./merkle-hash.ts";
import { verifyConsistency, verifyInclusion } from "./merkle-verify.ts";
import { parseCheckpoint, parseNote, parseVerifierKey, signatureBy, type VerifierKey } from "./signed-note.ts";

export type VerifyEd25519 = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>;

export interface AuditExportFile {
  format: string;
  origin: string;
  verifierKey: string;
  size: number;
  checkpoints: string[];
  /** `leafHash`: what the tree recorded at append time (base64), used only once it reproduces a signed root. */
  entries: { index: number; leaf: string; leafHash?: string }[];
  proofs?: {
    consistency?: { from: number; to: number; hashes: string[] }[];
    inclusion?: { index: number; size: number; hashes: string[] }[];
  };
}

export interface VerifyFinding {
  check: "format" | "key" | "entries" | "entry" | "signature" | "root" | "rollback" | "fork" | "consistency" | "inclusion";
  ok: boolean;
  detail: string;
  /** The entry index the finding is about, when there is one. */
  index?: number;
}

export interface VerifyReport {
  ok: boolean;
  size: number;
  findings: VerifyFinding[];
}

interface SignedCheckpoint {
  size: number;
  rootHash: Uint8Array;
  source: string;
}

/** Roots of the prefixes [0, s) for each requested size s, in one pass over the leaf hashes. */
function prefixRoots(sha256: Sha256, leafHashes: Uint8Array[], sizes: Set<number>): Map<number, Uint8Array> {
  const roots = new Map<number, Uint8Array>();
  const stack: { size: number; hash: Uint8Array }[] = [];
  const fold = (): Uint8Array => {
    let root = stack[stack.length - 1]!.hash;
    for (let i = stack.length - 2; i >= 0; i--) root = nodeHash(sha256, stack[i]!.hash, root);
    return root;
  };
  if (sizes.has(0)) roots.set(0, sha256(new Uint8Array(0)));
  leafHashes.forEach((h, i) => {
    let top = { size: 1, hash: h };
    while (stack.length > 0 && stack[stack.length - 1]!.size === top.size) {
      const left = stack.pop()!;
      top = { size: left.size * 2, hash: nodeHash(sha256, left.hash, top.hash) };
    }
    stack.push(top);
    if (sizes.has(i + 1)) roots.set(i + 1, fold());
  });
  return roots;
}

export async function verifyAuditExport(
  sha256: Sha256,
  verifyEd25519: VerifyEd25519,
  file: AuditExportFile,
  options: { verifierKey?: string; heldCheckpoints?: { note: string; source: string }[] } = {},
): Promise<VerifyReport> {
  const findings: VerifyFinding[] = [];
  const fail = (f: Omit<VerifyFinding, "ok">) => findings.push({ ...f, ok: false });
  const pass = (f: Omit<VerifyFinding, "ok">) => findings.push({ ...f, ok: true });
  const done = () => ({ ok: findings.every((f) => f.ok), size: file.entries?.length ?? 0, findings });

  if (file.format !== "ledgerline-audit-export/v1" || !Array.isArray(file.entries) || !Array.isArray(file.checkpoints)) {
    fail({ check: "format", detail: "not a ledgerline-audit-export/v1 file (format, entries, checkpoints)" });
    return done();
  }

  let key: VerifierKey;
  try {
    key = parseVerifierKey(sha256, options.verifierKey ?? file.verifierKey);
  } catch (e) {
    fail({ check: "key", detail: `verifier key: ${(e as Error).message}` });
    return done();
  }
  if (options.verifierKey === undefined) pass({ check: "key", detail: "verifier key taken from the export itself: pass the published key (--key) to verify against it" });
  else if (options.verifierKey.trim() !== file.verifierKey) pass({ check: "key", detail: "the export names another key than the one given; checking against the given key" });
  if (key.name !== file.origin) fail({ check: "key", detail: `the key is for ${key.name}, the log is ${file.origin}` });

  // Entries: positions, canonical bytes, one entry per event.
  const leafHashes: Uint8Array[] = [];
  const eventIds = new Map<string, number>();
  let entriesOk = true;
  file.entries.forEach((entry, position) => {
    if (entry.index !== position) {
      if (entriesOk) fail({ check: "entries", index: position, detail: `position ${position} holds index ${entry.index}: entries were deleted, inserted or reordered` });
      entriesOk = false;
    }
    let leaf: Uint8Array;
    try {
      leaf = fromBase64(entry.leaf);
    } catch {
      fail({ check: "entries", index: position, detail: `entry ${position}: leaf is not base64` });
      entriesOk = false;
      leaf = new Uint8Array(0);
    }
    const fields = decodeAuditEntry(leaf);
    if (!fields) {
      fail({ check: "entries", index: position, detail: `entry ${position}: leaf bytes are not a canonical audit entry` });
      entriesOk = false;
    } else {
      const earlier = eventIds.get(fields.eventId);
      if (earlier !== undefined) {
        fail({ check: "entries", index: position, detail: `entry ${position} repeats event ${fields.eventId} of entry ${earlier}` });
        entriesOk = false;
      }
      eventIds.set(fields.eventId, position);
    }
    leafHashes.push(leafHash(sha256, leaf));
  });
  if (file.size !== file.entries.length) {
    fail({ check: "entries", detail: `the export says ${file.size} entries but holds ${file.entries.length}` });
    entriesOk = false;
  }
  if (entriesOk) pass({ check: "entries", detail: `${file.entries.length} entries, indices 0..${file.entries.length - 1} in order, each a canonical entry of a distinct event` });

  // Checkpoints: signature first; a note we cannot authenticate proves nothing.
  const signed: SignedCheckpoint[] = [];
  const notes = [...file.checkpoints.map((note, i) => ({ note, source: `export checkpoint #${i + 1}` })), ...(options.heldCheckpoints ?? [])];
  for (const { note, source } of notes) {
    try {
      const parsed = parseNote(note);
      const cp = parseCheckpoint(parsed.body);
      const sig = signatureBy(parsed, key);
      if (!sig) {
        fail({ check: "signature", detail: `${source} (size ${cp.size}) has no signature by ${key.name}` });
        continue;
      }
      if (!(await verifyEd25519(key.publicKey, utf8Encode(parsed.body), sig.signature))) {
        fail({ check: "signature", detail: `${source} (size ${cp.size}): the signature does not verify: the note was altered or not signed by this key` });
        continue;
      }
      if (cp.origin !== file.origin) {
        fail({ check: "signature", detail: `${source} is for log ${cp.origin}, not ${file.origin}` });
        continue;
      }
      signed.push({ size: cp.size, rootHash: cp.rootHash, source });
    } catch (e) {
      fail({ check: "signature", detail: `${source}: ${(e as Error).message}` });
    }
  }
  if (signed.length === 0) {
    fail({ check: "signature", detail: "no authentic checkpoint: nothing ties these entries to the log" });
    return done();
  }
  pass({ check: "signature", detail: `${signed.length} checkpoint(s) signed by ${key.name}` });

  // Two authentic checkpoints with one size and two roots: the log showed two histories.
  const bySize = new Map<number, SignedCheckpoint>();
  for (const cp of signed) {
    const other = bySize.get(cp.size);
    if (other && !bytesEqual(other.rootHash, cp.rootHash)) fail({ check: "fork", detail: `${other.source} and ${cp.source} sign different roots for size ${cp.size}: the log forked` });
    else bySize.set(cp.size, cp);
  }

  // Each checkpoint's root recomputed from the entries.
  const n = file.entries.length;
  const roots = prefixRoots(sha256, leafHashes, new Set(signed.map((c) => c.size).filter((s) => s <= n)));
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  let lastGood = 0;
  let firstBad: number | null = null;
  for (const size of sizes) {
    const cp = bySize.get(size)!;
    if (size > n) {
      fail({ check: "rollback", index: n, detail: `${cp.source} covers ${size} entries but the log has only ${n}: tail truncated at ${n} (the checkpoint says ${size}), or the log was rolled back` });
      continue;
    }
    if (bytesEqual(roots.get(size)!, cp.rootHash)) {
      if (firstBad === null) lastGood = size;
    } else if (firstBad === null) {
      firstBad = size;
    }
  }
  const newest = sizes.filter((s) => s <= n).at(-1) ?? 0;
  if (newest < n) pass({ check: "root", detail: `entries ${newest}..${n - 1} come after the newest checkpoint: not yet covered by a signature` });
  if (firstBad !== null) {
    fail({ check: "root", index: lastGood, detail: `the entries do not produce the root signed at size ${firstBad}; they do up to size ${lastGood}: an entry with index in [${lastGood}, ${firstBad}) was edited, deleted, inserted or reordered` });
  } else {
    pass({ check: "root", detail: `the entries reproduce every signed root (${sizes.filter((s) => s <= n).join(", ")})` });
  }

  // Which entries: the recorded leaf hashes, once a signed root authenticates them, name each one.
  const recordedOf = (e: { leafHash?: string }): Uint8Array | undefined => {
    if (typeof e.leafHash !== "string") return undefined;
    try {
      const h = fromBase64(e.leafHash);
      return h.length === 32 ? h : undefined;
    } catch {
      return undefined;
    }
  };
  const located = locateTampering(sha256, {
    entries: file.entries.map((e, position) => ({ index: typeof e.index === "number" ? e.index : position, computed: leafHashes[position]!, recorded: recordedOf(e) })),
    checkpoints: signed,
  });
  for (const p of located) fail({ check: p.kind === "rollback" ? "rollback" : "entry", index: p.index, detail: p.detail });

  // Proofs the export carries, checked against the signed roots (never against the export's own claims).
  for (const p of file.proofs?.consistency ?? []) {
    const a = bySize.get(p.from);
    const b = bySize.get(p.to);
    if (!a || !b) continue;
    const ok = verifyConsistency(sha256, p.from, p.to, a.rootHash, b.rootHash, p.hashes.map(fromBase64));
    (ok ? pass : fail)({ check: "consistency", detail: `checkpoint ${p.from} → ${p.to}: ${ok ? "consistent" : "the consistency proof fails"}` });
  }
  for (const p of file.proofs?.inclusion ?? []) {
    const cp = bySize.get(p.size);
    const leaf = leafHashes[p.index];
    if (!cp || !leaf) continue;
    const ok = verifyInclusion(sha256, p.index, p.size, leaf, p.hashes.map(fromBase64), cp.rootHash);
    (ok ? pass : fail)({ check: "inclusion", index: p.index, detail: `entry ${p.index} in the tree of size ${p.size}: ${ok ? "included" : "the inclusion proof fails: this entry is not the one that was logged"}` });
  }
  return done();
}
