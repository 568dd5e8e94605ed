// npm run verify-audit against exports built the way the log writes them (entries, stored nodes,
// checkpoints signed with Ed25519): an untouched export verifies with exit 0; an edited, deleted,
// reordered or truncated entry, a forged checkpoint and a log rolled back behind a checkpoint the
// auditor holds are each reported, with exit 1.
import { createHash, createPrivateKey, createPublicKey, sign } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../../scripts/verify-audit.ts";
import { DEMO_AUDIT_SIGNING_KEY_PKCS8 } from "../../../workers/audit/signing-key.ts";
import { auditEntryFields, encodeAuditEntry } from "../../../workers/domain/audit-entry.ts";
import type { AuditExportFile } from "../../../workers/domain/audit-verify.ts";
import { fromBase64, toBase64 } from "../../../workers/domain/bytes-codec.ts";
import { leafHash, type Sha256 } from "../../../workers/domain/merkle-hash.ts";
import { consistencyProof, inclusionProof, nodesForAppend, rootAt, type NodeReader } from "../../../workers/domain/merkle-tree.ts";
import { checkpointBody, formatNote, formatVerifierKey, keyIdOf } from "../../../workers/domain/signed-note.ts";

const sha256: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());
const privateKey = createPrivateKey({ key: Buffer.from(DEMO_AUDIT_SIGNING_KEY_PKCS8, "base64"), format: "der", type: "pkcs8" });
const publicKey = new Uint8Array(createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32));
const origin = "ledgerline.example/audit/fr_test";
const verifierKey = formatVerifierKey(sha256, origin, publicKey);

function signCheckpoint(size: number, root: Uint8Array, name = origin, key = privateKey): string {
  const body = checkpointBody({ origin, size, rootHash: root });
  const signature = new Uint8Array(sign(null, Buffer.from(body), key));
  return formatNote(body, [{ name, keyId: keyIdOf(sha256, name, publicKey), signature }]);
}

/** An export of `n` entries with checkpoints at `sizes`, as GET /v1/audit/export writes it. */
function buildExport(n: number, sizes: number[]): AuditExportFile {
  const nodes = new Map<string, Uint8Array>();
  const read: NodeReader = (l, i) => nodes.get(`${l}/${i}`)!;
  const entries = Array.from({ length: n }, (_, i) => {
    const leaf = encodeAuditEntry(auditEntryFields(sha256, { eventId: `evt_${i}`, type: "invoice.issued", aggregateType: "invoice", aggregateId: `inv_${i % 9}`, actor: "staff:usr_1", occurredAt: "2026-03-01T00:00:00.000Z", seq: i + 1, payload: { i } }));
    for (const node of nodesForAppend(sha256, i, leafHash(sha256, leaf), read)) nodes.set(`${node.level}/${node.index}`, node.hash);
    return { index: i, leaf: toBase64(leaf), leafHash: toBase64(leafHash(sha256, leaf)) };
  });
  const checkpoints = sizes.map((s) => signCheckpoint(s, rootAt(sha256, read, s)));
  const consistency = sizes.slice(1).map((to, k) => ({ from: sizes[k]!, to, hashes: consistencyProof(sha256, read, sizes[k]!, to).map(toBase64) }));
  const last = sizes.at(-1)!;
  const inclusion = [0, 7, last - 1].map((index) => ({ index, size: last, hashes: inclusionProof(sha256, read, index, last).map(toBase64) }));
  return { format: "ledgerline-audit-export/v1", origin, verifierKey, size: n, checkpoints, proofs: { consistency, inclusion }, entries };
}

const dir = mkdtempSync(join(tmpdir(), "verify-audit-"));
let output: string[] = [];
beforeEach(() => {
  output = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => void output.push(line));
  vi.spyOn(console, "error").mockImplementation((line: string) => void output.push(line));
});
afterEach(() => vi.restoreAllMocks());

async function run(file: AuditExportFile, ...extra: string[]): Promise<{ code: number; text: string }> {
  const path = join(dir, `export-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(file));
  const code = await main([path, "--key", verifierKey, ...extra]);
  return { code, text: output.join("\n") };
}

const edit = (file: AuditExportFile, index: number, from: string, to: string) => {
  const copy = structuredClone(file);
  copy.entries[index]!.leaf = toBase64(new TextEncoder().encode(new TextDecoder().decode(fromBase64(copy.entries[index]!.leaf)).replace(from, to)));
  return copy;
};

describe("npm run verify-audit", () => {
  const good = buildExport(300, [10, 64, 200, 300]);

  it("an untouched export verifies: exit 0", async () => {
    const r = await run(good);
    expect(r.text).toContain("OK: 300 entries verified");
    expect(r.text).not.toContain("✗");
    expect(r.code).toBe(0);
  });

  it("an edited entry: exit 1, and the failure is located between two checkpoints", async () => {
    const r = await run(edit(good, 150, "staff:usr_1", "staff:usr_2"));
    expect(r.code).toBe(1);
    expect(r.text).toContain("✗ root: the entries do not produce the root signed at size 200; they do up to size 64: an entry with index in [64, 200)");
    expect(r.text).toMatch(/✗ consistency|✗ inclusion|FAILED/);
    // ...and named: the recorded leaf hashes reproduce every signed root, so they say which one.
    expect(r.text).toContain("✗ entry: entry 150 was edited: its bytes hash to");
    expect(r.text.match(/✗ entry:/g)).toHaveLength(1);
  });

  it("an entry edited and re-indexed into non-canonical bytes is named", async () => {
    const r = await run(edit(good, 5, '"seq":6', '"seq": 6'));
    expect(r.code).toBe(1);
    expect(r.text).toContain("✗ entries: entry 5: leaf bytes are not a canonical audit entry");
  });

  it("a deleted entry: exit 1", async () => {
    const copy = structuredClone(good);
    copy.entries.splice(120, 1);
    const r = await run(copy);
    expect(r.code).toBe(1);
    expect(r.text).toContain("✗ entries: position 120 holds index 121");
    expect(r.text).toContain("✗ entry: entry 120 missing: the indices jump from 119 to 121 (deleted from storage)");
    // Even with indices renumbered to hide it, the roots give it away.
    copy.entries.forEach((e, i) => (e.index = i));
    copy.size = copy.entries.length;
    const hidden = await run(copy);
    expect(hidden.code).toBe(1);
    expect(hidden.text).toMatch(/✗ root: .*\[64, 200\)/);
    expect(hidden.text).toContain("✗ rollback: export checkpoint #4 covers 300 entries but the log has only 299");
  });

  it("two entries swapped: exit 1", async () => {
    const copy = structuredClone(good);
    [copy.entries[3]!.leaf, copy.entries[4]!.leaf] = [copy.entries[4]!.leaf, copy.entries[3]!.leaf];
    const r = await run(copy);
    expect(r.code).toBe(1);
    expect(r.text).toContain("✗ root: the entries do not produce the root signed at size 10; they do up to size 0");
    expect(r.text).toContain("✗ entry: entries 3–4 reordered: each holds the bytes the signed tree recorded for the other");
    const far = structuredClone(good);
    [far.entries[41]!.leaf, far.entries[97]!.leaf] = [far.entries[97]!.leaf, far.entries[41]!.leaf];
    expect((await run(far)).text).toContain("✗ entry: entries 41 and 97 reordered");
  });

  it("an entry deleted in storage and the later ones renumbered down (the tree's nodes untouched) names the deleted entry", async () => {
    const copy = structuredClone(good);
    for (let i = 120; i < 299; i++) copy.entries[i]!.leaf = good.entries[i + 1]!.leaf;
    copy.entries.pop();
    copy.size = 299;
    const r = await run(copy);
    expect(r.code).toBe(1);
    expect(r.text).toContain("✗ entry: entry 120 was deleted: entries 120–199 hold the bytes signed for entries 121–200");
  });

  it("recorded leaf hashes that do not reproduce a signed root are ignored: a forger cannot blame another entry", async () => {
    const copy = edit(good, 150, "staff:usr_1", "staff:usr_2");
    copy.entries[20]!.leafHash = toBase64(new Uint8Array(32).fill(3));
    const r = await run(copy);
    expect(r.code).toBe(1);
    expect(r.text).not.toContain("entry 20 was edited");
    // only the sizes up to the first checkpoint past entry 20 lose their authentication
    expect(r.text).toMatch(/✗ rollback: the stored tree reproduces none of the signed roots|✗ rollback: the checkpoint at size \d+ is not consistent/);
  });

  it("a truncated tail: exit 1", async () => {
    const copy = structuredClone(good);
    copy.entries = copy.entries.slice(0, 250);
    copy.size = 250;
    const r = await run(copy);
    expect(r.code).toBe(1);
    expect(r.text).toContain("✗ rollback: export checkpoint #4 covers 300 entries but the log has only 250: tail truncated at 250 (the checkpoint says 300)");
  });

  it("a rolled-back log whose export hides the newer checkpoints is caught by one the auditor holds (a witness copy)", async () => {
    const older = buildExport(300, [10, 64]);
    older.entries = older.entries.slice(0, 100);
    older.size = 100;
    const held = join(dir, "witnessed.txt");
    writeFileSync(held, good.checkpoints[3]!);
    expect((await run(older)).code).toBe(0);
    const r = await run(older, "--checkpoint", held);
    expect(r.code).toBe(1);
    expect(r.text).toContain(`✗ rollback: held checkpoint ${held} covers 300 entries but the log has only 100`);
  });

  it("a forged or re-signed checkpoint and a wrong key: exit 1", async () => {
    const forged = structuredClone(good);
    forged.checkpoints[1] = forged.checkpoints[1]!.replace("\n64\n", "\n65\n");
    const r = await run(forged);
    expect(r.code).toBe(1);
    expect(r.text).toContain("✗ signature: export checkpoint #2 (size 65): the signature does not verify");
    const otherKey = formatVerifierKey(sha256, origin, new Uint8Array(32).fill(9));
    const wrong = await run(good, "--key", otherKey);
    expect(wrong.code).toBe(1);
    expect(wrong.text).toContain("✗ signature: no authentic checkpoint");
  });

  it("two signed roots for one size (a fork) and a file that is no export: exit 1", async () => {
    const fork = structuredClone(good);
    fork.checkpoints.push(signCheckpoint(64, new Uint8Array(32).fill(1)));
    const r = await run(fork);
    expect(r.code).toBe(1);
    expect(r.text).toContain("sign different roots for size 64: the log forked");
    expect((await run({ nope: true } as unknown as AuditExportFile)).code).toBe(1);
  });
});
