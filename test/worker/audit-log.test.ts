// The franchise's Merkle audit log end to end: events from the real domain-events consumer are
// appended once each (redelivery appends nothing), the API's entries, proofs and signed
// checkpoints verify with the independent verifier and WebCrypto, checkpoints land write-once in
// R2 and at the witness, the limits answer clear 400s, and a log tampered or rolled back in its
// Durable Object storage is refused a new checkpoint and fails verification.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import type { AuditLog } from "../../durable-objects/audit-log.ts";
import { auditLog } from "../../workers/audit/log-client.ts";
import { checkpointArchiveKey } from "../../workers/audit/origin.ts";
import { sha256 } from "../../workers/audit/sha256.ts";
import { fromBase64 } from "../../workers/domain/bytes-codec.ts";
import { verifyAuditExport, type AuditExportFile } from "../../workers/domain/audit-verify.ts";
import { leafHash } from "../../workers/domain/merkle-hash.ts";
import { verifyConsistency, verifyInclusion } from "../../workers/domain/merkle-verify.ts";
import { parseCheckpoint, parseNote, parseVerifierKey } from "../../workers/domain/signed-note.ts";
import type { EventEnvelope } from "../../workers/events/envelope.ts";
import { A, B, call, callJson, createCustomer, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
});

const verifyEd25519 = async (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
  crypto.subtle.verify("Ed25519", await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]), signature, message);

function envelope(i: number, franchiseId = A.franchiseId): EventEnvelope & { payload: unknown } {
  return {
    eventId: `evt_audit_${String(i).padStart(6, "0")}`,
    franchiseId,
    seq: 1000 + i,
    type: i % 2 === 0 ? "invoice.issued" : "customer.updated",
    aggregateType: i % 2 === 0 ? "invoice" : "customer",
    aggregateId: i % 2 === 0 ? `inv_${i % 7}` : `cus_${i % 5}`,
    aggregateVersion: 1,
    actor: i % 3 === 0 ? "staff:usr_x" : "api_key:key_a_rw",
    occurredAt: "2026-03-01T10:00:00.000Z",
    payload: { i, note: "ñandú €" },
  };
}

async function deliver(envelopes: EventEnvelope[], attempts = 1) {
  const batch = createMessageBatch("domain-events", envelopes.map((body, k) => ({ id: `msg_${body.eventId}_${attempts}_${k}`, attempts, timestamp: new Date(), body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

const size = async (franchiseId = A.franchiseId) => auditLog(env, franchiseId).treeSize();

async function exportFile(key = A.key): Promise<AuditExportFile> {
  const res = await callJson<AuditExportFile>("GET", "/v1/audit/export", { key });
  expect(res.status).toBe(200);
  return res.body;
}

describe("appending from the event stream", () => {
  it("appends each event once, through the real consumer, whatever is redelivered", async () => {
    const before = await size();
    const first = await deliver(Array.from({ length: 100 }, (_, i) => envelope(i)));
    expect(first.explicitAcks.length).toBe(100);
    expect(await size()).toBe(before + 100);
    // The whole batch again (a redelivery), and the same events straight to the log: nothing new.
    await deliver(Array.from({ length: 100 }, (_, i) => envelope(i)), 2);
    await auditLog(env, A.franchiseId).append(A.franchiseId, [envelope(3), envelope(4)]);
    expect(await size()).toBe(before + 100);
    // Another franchise's events go to its own log.
    await deliver([envelope(1, B.franchiseId)]);
    expect(await size(B.franchiseId)).toBe(1);
  });

  it("logs the API's own changes with their actor and a payload hash, not the payload", async () => {
    const customerId = await createCustomer({ name: "Audit Subject" });
    const outbox = await env.DB.prepare("SELECT id, seq, type, aggregate_type, aggregate_id, actor, occurred_at, payload FROM outbox_events WHERE aggregate_id = ?").bind(customerId).first<Record<string, any>>();
    await deliver([{ eventId: outbox!.id, franchiseId: A.franchiseId, seq: outbox!.seq, type: outbox!.type, aggregateType: outbox!.aggregate_type, aggregateId: customerId, aggregateVersion: 1, actor: outbox!.actor, occurredAt: outbox!.occurred_at, payload: JSON.parse(outbox!.payload) }]);
    const page = await callJson("GET", `/v1/audit/entries?aggregateId=${customerId}`);
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(1);
    const entry = page.body.data[0];
    const expectedHash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(outbox!.payload)));
    expect(entry.fields).toMatchObject({ eventId: outbox!.id, type: "customer.created", actor: "api_key:key_a_rw", seq: outbox!.seq, payloadSha256: [...expectedHash].map((b) => b.toString(16).padStart(2, "0")).join("") });
    expect(new TextDecoder().decode(fromBase64(entry.leaf))).not.toContain("Audit Subject");
  });
});

describe("API", () => {
  it("serves entries, proofs and a signed checkpoint that verify independently", async () => {
    const created = await callJson("POST", "/v1/audit/checkpoints", { body: {} });
    expect(created.status).toBe(200);
    const res = await call("GET", "/v1/audit/checkpoint");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const noteText = await res.text();
    const note = parseNote(noteText);
    const cp = parseCheckpoint(note.body);
    expect(cp.origin).toBe(`ledgerline.example/audit/${A.franchiseId}`);
    expect(cp.size).toBe(await size());

    const key = await callJson("GET", "/v1/audit/verifier-key");
    expect(key.body).toMatchObject({ origin: cp.origin, demo: true, jwk: { kty: "OKP", crv: "Ed25519" } });
    const vkey = parseVerifierKey(sha256, key.body.verifierKey);
    const sig = note.signatures.find((s) => s.name === vkey.name)!;
    expect(await verifyEd25519(vkey.publicKey, new TextEncoder().encode(note.body), sig.signature)).toBe(true);

    // Inclusion of several entries at several sizes, against roots the log itself signed.
    const entries = (await callJson("GET", `/v1/audit/entries?from=0&to=${Math.min(cp.size, 200)}&limit=200`)).body.data;
    for (const index of [0, 1, 37, 63, cp.size - 1]) {
      const proof = (await callJson("GET", `/v1/audit/proofs/inclusion?index=${index}&size=${cp.size}`)).body;
      const leaf = index < entries.length ? fromBase64(entries[index].leaf) : fromBase64((await callJson("GET", `/v1/audit/entries?from=${index}&limit=1`)).body.data[0].leaf);
      expect(verifyInclusion(sha256, index, cp.size, leafHash(sha256, leaf), proof.hashes.map(fromBase64), cp.rootHash), `entry ${index}`).toBe(true);
    }
    for (const from of [1, 7, 64, 99]) {
      const proof = (await callJson("GET", `/v1/audit/proofs/consistency?from=${from}&to=${cp.size}`)).body;
      expect(verifyConsistency(sha256, from, cp.size, fromBase64(proof.fromRootHash), cp.rootHash, proof.hashes.map(fromBase64))).toBe(true);
    }

    // Write-once R2 copy and the witness both hold exactly this note.
    expect(await (await env.ARCHIVE.get(checkpointArchiveKey(A.franchiseId, cp.size)))!.text()).toBe(noteText);
    const received = (await (await fetch(`${env.AUDIT_WITNESS_URL}/_fake/received/${A.franchiseId}`)).json()) as string[];
    expect(received).toContain(noteText);
  });

  it("the export verifies offline", async () => {
    await deliver([envelope(500)]);
    await callJson("POST", "/v1/audit/checkpoints", { body: {} });
    const file = await exportFile();
    const report = await verifyAuditExport(sha256, verifyEd25519, file);
    expect(report.findings.filter((f) => !f.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(file.checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(file.proofs?.consistency?.length).toBeGreaterThanOrEqual(1);
  });

  it("answers clear 400s at the limits", async () => {
    await deliver(Array.from({ length: 100 }, (_, i) => envelope(1000 + i)));
    await deliver(Array.from({ length: 50 }, (_, i) => envelope(1100 + i)));
    const n = await size();
    expect(n).toBeGreaterThan(200);
    const cases: Array<[string, string]> = [
      [`/v1/audit/entries?limit=201`, "limit"],
      [`/v1/audit/entries?from=5&to=4`, "from"],
      [`/v1/audit/entries?to=${n + 1}`, "to"],
      [`/v1/audit/proofs/inclusion?index=0&size=${n + 1}`, "size"],
      [`/v1/audit/proofs/inclusion?index=${n}&size=${n}`, "index"],
      [`/v1/audit/proofs/inclusion?index=0&size=0`, "size"],
      [`/v1/audit/proofs/consistency?from=3&to=2`, "from"],
      [`/v1/audit/proofs/consistency?from=0&to=${n + 1}`, "to"],
    ];
    for (const [path, field] of cases) {
      const res = await callJson("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field), path).toContain(field);
    }
    const page = await callJson("GET", "/v1/audit/entries?limit=200");
    expect(page.body.data).toHaveLength(200);
    expect(page.body.nextFrom).toBe(200);
  });

  it("is franchise-scoped: read-only keys and viewers read, branch managers are refused, B sees only its own log", async () => {
    expect((await call("GET", "/v1/audit/entries", { key: A.readOnlyKey })).status).toBe(200);
    const viewer = await login(STAFF.aStaff.email);
    expect((await call("GET", "/v1/audit/checkpoint", { key: viewer })).status).toBe(200);
    const manager = await login(STAFF.aManager.email);
    expect((await callJson("GET", "/v1/audit/entries", { key: manager })).body.code).toBe("audit_needs_franchise_scope");
    const b = await callJson("GET", "/v1/audit/entries?limit=200", { key: B.key });
    expect(b.body.size).toBe(1);
    expect(JSON.stringify(b.body)).not.toContain(A.franchiseId);
    expect((await call("GET", "/v1/audit/entries", { key: null })).status).toBe(401);
  });
});

describe("tampering with the Durable Object's storage", () => {
  const stub = () => auditLog(env, A.franchiseId) as unknown as DurableObjectStub<AuditLog>;

  it("an edited entry is caught by its inclusion proof and by the export verifier", async () => {
    const file = await exportFile();
    const index = 42;
    await runInDurableObject(stub(), async (_instance, state) => {
      const row = state.storage.sql.exec<{ leaf: ArrayBuffer }>("SELECT leaf FROM entries WHERE idx = ?", index).one();
      const edited = new TextDecoder().decode(row.leaf).replace("api_key:key_a_rw", "api_key:key_b_rw").replace("staff:usr_x", "staff:usr_y");
      state.storage.sql.exec("UPDATE entries SET leaf = ? WHERE idx = ?", new TextEncoder().encode(edited).buffer, index);
    });
    const served = (await callJson("GET", `/v1/audit/entries?from=${index}&limit=1`)).body.data[0];
    const proof = (await callJson("GET", `/v1/audit/proofs/inclusion?index=${index}&size=${file.size}`)).body;
    const cp = parseCheckpoint(parseNote(file.checkpoints.at(-1)!).body);
    expect(verifyInclusion(sha256, index, file.size, leafHash(sha256, fromBase64(served.leaf)), proof.hashes.map(fromBase64), cp.rootHash)).toBe(false);
    const report = await verifyAuditExport(sha256, verifyEd25519, await exportFile());
    expect(report.ok).toBe(false);
    expect(report.findings.find((f) => !f.ok && f.check === "root")?.detail).toMatch(/was edited, deleted, inserted or reordered/);
    // ...and it names the entry: exactly one, index 42.
    const named = report.findings.filter((f) => !f.ok && f.check === "entry");
    expect(named.map((f) => f.index)).toEqual([index]);
    expect(named[0]!.detail).toMatch(/^entry 42 was edited/);
    // Put it back for the next case.
    await runInDurableObject(stub(), async (_i, state) => void state.storage.sql.exec("UPDATE entries SET leaf = ? WHERE idx = ?", fromBase64(file.entries[index]!.leaf).slice().buffer, index));
  });

  /** Runs `tamper` on the object's storage, verifies a fresh export, then undoes it with `restore`. */
  async function tampered(tamper: (sql: SqlStorage) => void, restore: (sql: SqlStorage) => void) {
    await callJson("POST", "/v1/audit/checkpoints", { body: {} });
    const before = await exportFile();
    await runInDurableObject(stub(), async (_i, state) => tamper(state.storage.sql));
    const report = await verifyAuditExport(sha256, verifyEd25519, await exportFile());
    await runInDurableObject(stub(), async (_i, state) => restore(state.storage.sql));
    expect((await verifyAuditExport(sha256, verifyEd25519, await exportFile())).ok, "restored").toBe(true);
    return { before, report, failed: report.findings.filter((f) => !f.ok) };
  }
  const leafAt = (sql: SqlStorage, idx: number) => sql.exec<{ leaf: ArrayBuffer }>("SELECT leaf FROM entries WHERE idx = ?", idx).one().leaf;

  it("an entry deleted from storage is named", async () => {
    let saved: Record<string, SqlStorageValue> | undefined;
    const { failed } = await tampered(
      (sql) => {
        saved = sql.exec("SELECT * FROM entries WHERE idx = 77").one();
        sql.exec("DELETE FROM entries WHERE idx = 77");
      },
      (sql) => void sql.exec(`INSERT INTO entries (${Object.keys(saved!).join(",")}) VALUES (${Object.keys(saved!).map(() => "?").join(",")})`, ...Object.values(saved!)),
    );
    expect(failed.find((f) => f.check === "entry")?.detail).toBe("entry 77 missing: the indices jump from 76 to 78 (deleted from storage)");
  });

  it("two entries swapped in storage are named as reordered", async () => {
    const swap = (sql: SqlStorage) => {
      const [a, b] = [leafAt(sql, 41), leafAt(sql, 42)];
      sql.exec("UPDATE entries SET leaf = ? WHERE idx = 41", b);
      sql.exec("UPDATE entries SET leaf = ? WHERE idx = 42", a);
    };
    const { failed } = await tampered(swap, swap);
    expect(failed.filter((f) => f.check === "entry").map((f) => f.detail)).toEqual(["entries 41–42 reordered: each holds the bytes the signed tree recorded for the other"]);
  });

  it("a tail truncated in storage says where it ends and what the checkpoint says", async () => {
    let saved: Record<string, SqlStorageValue>[] = [];
    const { before, failed } = await tampered(
      (sql) => {
        const n = sql.exec<{ n: number }>("SELECT MAX(idx) + 1 AS n FROM entries").one().n;
        saved = sql.exec("SELECT * FROM entries WHERE idx >= ?", n - 3).toArray();
        sql.exec("DELETE FROM entries WHERE idx >= ?", n - 3);
      },
      (sql) => {
        for (const row of saved) sql.exec(`INSERT INTO entries (${Object.keys(row).join(",")}) VALUES (${Object.keys(row).map(() => "?").join(",")})`, ...Object.values(row));
      },
    );
    const n = before.size;
    expect(failed.find((f) => f.check === "rollback")?.detail).toContain(`tail truncated at ${n - 3} (the checkpoint says ${n})`);
  });

  it("a tree node rewritten in storage makes the log refuse to sign", async () => {
    await deliver([envelope(600)]);
    // Node (7, 0) covers entries 0..127: the root of every size above 128 is built on it.
    let saved: ArrayBuffer | undefined;
    await runInDurableObject(stub(), async (_i, state) => {
      saved = state.storage.sql.exec<{ hash: ArrayBuffer }>("SELECT hash FROM nodes WHERE level = 7 AND idx = 0").one().hash;
      state.storage.sql.exec("UPDATE nodes SET hash = ? WHERE level = 7 AND idx = 0", new Uint8Array(32).fill(7).buffer);
    });
    const res = await callJson("POST", "/v1/audit/checkpoints", { body: {} });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("audit_log_inconsistent");
    await runInDurableObject(stub(), async (_i, state) => void state.storage.sql.exec("UPDATE nodes SET hash = ? WHERE level = 7 AND idx = 0", saved!));
    expect((await callJson("POST", "/v1/audit/checkpoints", { body: {} })).status).toBe(200);
  });

  it("a log rolled back behind a published checkpoint refuses to sign a fork, and its export fails verification", async () => {
    const good = await exportFile();
    const n = good.size;
    // Roll back: drop the last 3 entries with their nodes and checkpoints, as an older snapshot would.
    await runInDurableObject(stub(), async (_i, state) => {
      state.storage.sql.exec("DELETE FROM entries WHERE idx >= ?", n - 3);
      for (let level = 0; level < 30; level++) state.storage.sql.exec("DELETE FROM nodes WHERE level = ? AND (idx + 1) * (1 << ?) > ?", level, level, n - 3);
      state.storage.sql.exec("DELETE FROM checkpoints WHERE size > ?", n - 3);
    });
    expect(await size()).toBe(n - 3);
    // Different history grows back to the same size: the published copy for that size disagrees.
    await deliver([envelope(700), envelope(701), envelope(702)]);
    expect(await size()).toBe(n);
    const refused = await callJson("POST", "/v1/audit/checkpoints", { body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/rolled back/);
    const rolledBack = await exportFile();
    expect(rolledBack.size).toBe(n);
    const report = await verifyAuditExport(sha256, verifyEd25519, rolledBack);
    expect(report.ok).toBe(false);
    // The R2 copy of the checkpoint at size n survives the rollback; the new history does not match it.
    // (The earliest R2 copy past the rollback point: size n, or n - 1 signed by the truncation case above.)
    const firstBad = Number(/signed at size (\d+)/.exec(report.findings.find((f) => !f.ok && f.check === "root")?.detail ?? "")?.[1]);
    expect(firstBad).toBeGreaterThan(n - 3);
    expect(firstBad).toBeLessThanOrEqual(n);
    // ...and the report says it is a rollback, from which size on.
    expect(report.findings.find((f) => !f.ok && f.check === "rollback")?.detail).toMatch(new RegExp(`^the checkpoint at size \\d+ is not consistent with size ${firstBad}: .*rolled back`));
  });
});
