// AuditLog: one instance per franchise (named by franchise id) holding its tamper-evident audit
// log, an RFC 9162 Merkle tree in the object's SQLite storage. Entries are appended exactly once
// per event id (redelivery appends nothing). Every complete subtree's hash is stored, so an
// append writes O(log n) rows and roots and proofs at any size read O(log² n) rows, never all
// leaves. Checkpoints are C2SP signed notes; before signing size m the object proves, with the
// verifier's own algorithm, that m is consistent with the last size it signed, so it never signs
// two inconsistent views. Each checkpoint is copied write-once to R2 and posted to the witness.
import { DurableObject } from "cloudflare:workers";
import { fromBase64, toBase64 } from "../workers/domain/bytes-codec.ts";
import { auditEntryFields, decodeAuditEntry, encodeAuditEntry, type AuditEntryFields, type AuditEvent } from "../workers/domain/audit-entry.ts";
import { leafHash } from "../workers/domain/merkle-hash.ts";
import { consistencyProof, consistencyProofNodes, inclusionProof, inclusionProofNodes, nodesForAppend, rootAt, rootNodes, type NodeKey, type NodeReader, type StoredNode } from "../workers/domain/merkle-tree.ts";
import { verifyConsistency } from "../workers/domain/merkle-verify.ts";
import { checkpointBody, formatNote, keyIdOf } from "../workers/domain/signed-note.ts";
import { auditOrigin, checkpointArchiveKey } from "../workers/audit/origin.ts";
import { auditSigner } from "../workers/audit/signing-key.ts";
import { sha256 } from "../workers/audit/sha256.ts";
import { createLogger, type Logger } from "../workers/observability/logger.ts";
import { SerialLock } from "./serial-lock.ts";

export interface AuditEntryView {
  index: number;
  /** The exact leaf bytes, base64. */
  leaf: string;
  fields: AuditEntryFields | null;
}

export interface EntryFilter {
  aggregateId?: string;
  aggregateType?: string;
  actor?: string;
  type?: string;
}

export interface CheckpointView {
  size: number;
  rootHash: string;
  note: string;
  createdAt: string;
}

/** Refusals cross the RPC boundary as plain data; the route turns them into 400 problems. */
export type AuditResult<T> = { ok: true; value: T } | { ok: false; code: string; field: string; message: string };

/** A checkpoint, or the log's refusal to sign one because its storage disagrees with what it signed before. */
export type CheckpointResult = { ok: true; value: CheckpointView } | { ok: false; code: "audit_log_inconsistent"; message: string };

const refuse = (code: string, field: string, message: string): { ok: false; code: string; field: string; message: string } => ({ ok: false, code, field, message });

const buf = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;
/** Durable Object SQLite binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;
const ENTRY_COLUMNS = 8;
const NODE_COLUMNS = 3;
const bytes = (value: ArrayBuffer): Uint8Array => new Uint8Array(value);

export class AuditLog extends DurableObject<Env> {
  private readonly logger: Logger;
  private readonly checkpointLock = new SerialLock(30_000);
  private readonly readNode: NodeReader;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.logger = createLogger(env.LOG_LEVEL, { durableObject: "AuditLog" });
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS entries (
        idx INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL, type TEXT NOT NULL,
        aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL, actor TEXT NOT NULL, leaf BLOB NOT NULL
      )`);
      ctx.storage.sql.exec(`CREATE INDEX IF NOT EXISTS entries_aggregate ON entries (aggregate_id, idx)`);
      ctx.storage.sql.exec(`CREATE INDEX IF NOT EXISTS entries_actor ON entries (actor, idx)`);
      ctx.storage.sql.exec(`CREATE INDEX IF NOT EXISTS entries_type ON entries (type, idx)`);
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID`);
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL)`);
    });
    this.readNode = (level, index) => {
      const row = this.ctx.storage.sql.exec<{ hash: ArrayBuffer }>("SELECT hash FROM nodes WHERE level = ? AND idx = ?", level, index).toArray()[0];
      if (!row) throw new Error(`audit tree node ${level}/${index} is missing`);
      return bytes(row.hash);
    };
  }

  private size(): number {
    const row = this.ctx.storage.sql.exec<{ n: number | null }>("SELECT MAX(idx) AS n FROM entries").one();
    return row.n === null ? 0 : row.n + 1;
  }

  private bind(franchiseId: string): void {
    this.ctx.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('franchise_id', ?) ON CONFLICT (key) DO NOTHING", franchiseId);
  }

  /**
   * Appends the events not seen before, in order, in one storage transaction. The batch costs a
   * few statements, not a few per event: one lookup of the already-logged event ids per 100, one
   * read of the tree's right edge (the only stored nodes an append combines with), and
   * multi-row inserts for the entries and the nodes they complete.
   */
  async append(franchiseId: string, events: AuditEvent[]): Promise<{ appended: number; size: number }> {
    this.bind(franchiseId);
    return this.ctx.storage.transactionSync(() => {
      const start = this.size();
      const seen = this.loggedEventIds(events.map((e) => e.eventId));
      const edge = this.prefetch(rootNodes(start));
      const read: NodeReader = (level, index) => edge.get(`${level}/${index}`) ?? this.readNode(level, index);
      const rows: (string | number | ArrayBuffer)[][] = [];
      const nodes: StoredNode[] = [];
      let size = start;
      for (const event of events) {
        if (seen.has(event.eventId)) continue;
        seen.add(event.eventId);
        const fields = auditEntryFields(sha256, event);
        const leaf = encodeAuditEntry(fields);
        rows.push([size, fields.eventId, fields.seq, fields.type, fields.aggregateType, fields.aggregateId, fields.actor, buf(leaf)]);
        for (const node of nodesForAppend(sha256, size, leafHash(sha256, leaf), read)) {
          edge.set(`${node.level}/${node.index}`, node.hash);
          nodes.push(node);
        }
        size++;
      }
      this.insertRows("entries (idx, event_id, seq, type, aggregate_type, aggregate_id, actor, leaf)", ENTRY_COLUMNS, rows);
      this.insertRows("nodes (level, idx, hash)", NODE_COLUMNS, nodes.map((n) => [n.level, n.index, buf(n.hash)]));
      return { appended: size - start, size };
    });
  }

  private loggedEventIds(eventIds: string[]): Set<string> {
    const seen = new Set<string>();
    for (let i = 0; i < eventIds.length; i += MAX_PARAMS) {
      const chunk = eventIds.slice(i, i + MAX_PARAMS);
      const rows = this.ctx.storage.sql.exec<{ event_id: string }>(`SELECT event_id FROM entries WHERE event_id IN (${chunk.map(() => "?").join(",")})`, ...chunk);
      for (const r of rows) seen.add(r.event_id);
    }
    return seen;
  }

  private insertRows(into: string, columns: number, rows: (string | number | ArrayBuffer)[][]): void {
    const perStatement = Math.floor(MAX_PARAMS / columns);
    const tuple = `(${Array(columns).fill("?").join(",")})`;
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      this.ctx.storage.sql.exec(`INSERT INTO ${into} VALUES ${chunk.map(() => tuple).join(",")}`, ...chunk.flat());
    }
  }

  /** The given stored nodes, fetched in as few statements as the parameter limit allows; a missing one is simply absent. */
  private prefetch(keys: NodeKey[]): Map<string, Uint8Array> {
    const found = new Map<string, Uint8Array>();
    const perStatement = Math.floor(MAX_PARAMS / 2);
    for (let i = 0; i < keys.length; i += perStatement) {
      const chunk = keys.slice(i, i + perStatement);
      const rows = this.ctx.storage.sql.exec<{ level: number; idx: number; hash: ArrayBuffer }>(
        `SELECT level, idx, hash FROM nodes WHERE (level, idx) IN (VALUES ${chunk.map(() => "(?, ?)").join(",")})`,
        ...chunk.flatMap((k) => [k.level, k.index]),
      );
      for (const r of rows) found.set(`${r.level}/${r.idx}`, bytes(r.hash));
    }
    return found;
  }

  /** A reader over the prefetched nodes of one root or proof (O(log n) of them, one or two statements). */
  private readerOver(keys: NodeKey[]): NodeReader {
    const nodes = this.prefetch(keys);
    return (level, index) => {
      const hash = nodes.get(`${level}/${index}`);
      if (!hash) return this.readNode(level, index);
      return hash;
    };
  }

  async treeSize(): Promise<number> {
    return this.size();
  }

  /** Entries with from ≤ index < to matching the filter, at most `limit`, in log order. */
  async entries(from: number, to: number | undefined, limit: number, filter: EntryFilter = {}): Promise<AuditResult<{ size: number; data: AuditEntryView[]; nextFrom: number | null }>> {
    const size = this.size();
    const end = to ?? size;
    if (end > size) return refuse("beyond_tree_size", "to", `to (${end}) is beyond the tree size (${size})`);
    if (from > end) return refuse("from_after_to", "from", `from (${from}) is after to (${end})`);
    const where = ["idx >= ?", "idx < ?"];
    const params: (string | number)[] = [from, end];
    const columns: Record<keyof EntryFilter, string> = { aggregateId: "aggregate_id", aggregateType: "aggregate_type", actor: "actor", type: "type" };
    for (const [key, column] of Object.entries(columns) as [keyof EntryFilter, string][]) {
      const value = filter[key];
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    const rows = this.ctx.storage.sql.exec<{ idx: number; leaf: ArrayBuffer }>(`SELECT idx, leaf FROM entries WHERE ${where.join(" AND ")} ORDER BY idx LIMIT ?`, ...params, limit + 1).toArray();
    const data = rows.slice(0, limit).map((r) => ({ index: r.idx, leaf: toBase64(bytes(r.leaf)), fields: decodeAuditEntry(bytes(r.leaf)) }));
    const nextFrom = rows.length > limit ? rows[limit]!.idx : null;
    return { ok: true, value: { size, data, nextFrom } };
  }

  async inclusion(index: number, size: number): Promise<AuditResult<{ index: number; size: number; leafHash: string; rootHash: string; hashes: string[] }>> {
    const treeSize = this.size();
    if (size > treeSize) return refuse("beyond_tree_size", "size", `size (${size}) is beyond the tree size (${treeSize})`);
    if (size < 1) return refuse("empty_tree", "size", "size must be at least 1: the empty tree includes nothing");
    if (index >= size) return refuse("index_not_below_size", "index", `index (${index}) must be below size (${size})`);
    const read = this.readerOver(inclusionProofNodes(index, size));
    return {
      ok: true,
      value: {
        index,
        size,
        leafHash: toBase64(read(0, index)),
        rootHash: toBase64(rootAt(sha256, read, size)),
        hashes: inclusionProof(sha256, read, index, size).map(toBase64),
      },
    };
  }

  async consistency(from: number, to: number): Promise<AuditResult<{ from: number; to: number; fromRootHash: string; toRootHash: string; hashes: string[] }>> {
    const treeSize = this.size();
    if (to > treeSize) return refuse("beyond_tree_size", "to", `to (${to}) is beyond the tree size (${treeSize})`);
    if (from > to) return refuse("from_after_to", "from", `from (${from}) is after to (${to})`);
    const read = this.readerOver(consistencyProofNodes(from, to));
    return {
      ok: true,
      value: {
        from,
        to,
        fromRootHash: toBase64(rootAt(sha256, read, from)),
        toRootHash: toBase64(rootAt(sha256, read, to)),
        hashes: consistencyProof(sha256, read, from, to).map(toBase64),
      },
    };
  }

  /** The newest checkpoint; the first call on a log signs one. */
  async latestCheckpoint(franchiseId: string, now: string): Promise<CheckpointResult> {
    const last = this.lastCheckpoint();
    return last ? { ok: true, value: last } : this.checkpoint(franchiseId, now);
  }

  /** The note signed for exactly this size, if any (a witness push being retried). */
  async checkpointNote(size: number): Promise<string | null> {
    return this.ctx.storage.sql.exec<{ note: string }>("SELECT note FROM checkpoints WHERE size = ?", size).toArray()[0]?.note ?? null;
  }

  /** Newest first, at most `limit`. */
  async checkpoints(limit: number): Promise<CheckpointView[]> {
    return this.ctx.storage.sql
      .exec<{ size: number; root: ArrayBuffer; note: string; created_at: string }>("SELECT size, root, note, created_at FROM checkpoints ORDER BY size DESC LIMIT ?", limit)
      .toArray()
      .map((r) => ({ size: r.size, rootHash: toBase64(bytes(r.root)), note: r.note, createdAt: r.created_at }));
  }

  private lastCheckpoint(): CheckpointView | null {
    const row = this.ctx.storage.sql.exec<{ size: number; root: ArrayBuffer; note: string; created_at: string }>("SELECT size, root, note, created_at FROM checkpoints ORDER BY size DESC LIMIT 1").toArray()[0];
    return row ? { size: row.size, rootHash: toBase64(bytes(row.root)), note: row.note, createdAt: row.created_at } : null;
  }

  /**
   * Signs the current tree (or returns the last checkpoint when nothing was appended since). Refuses,
   * loudly, when the stored tree no longer agrees with what was signed before: a node edited in
   * storage, or a log rolled back behind a checkpoint already published to R2.
   */
  async checkpoint(franchiseId: string, now: string): Promise<CheckpointResult> {
    this.bind(franchiseId);
    return this.checkpointLock.run(async () => {
      const size = this.size();
      const last = this.lastCheckpoint();
      const read = this.readerOver(consistencyProofNodes(last && last.size <= size ? last.size : 0, size));
      const root = rootAt(sha256, read, size);
      if (last) {
        const lastRoot = fromBase64(last.rootHash);
        const proof = last.size <= size ? consistencyProof(sha256, read, last.size, size) : [];
        if (last.size > size || !verifyConsistency(sha256, last.size, size, lastRoot, root, proof)) {
          this.logger.error("audit tree is inconsistent with its last checkpoint; refusing to sign", { franchiseId, lastSize: last.size, size });
          return { ok: false, code: "audit_log_inconsistent", message: `the log's storage no longer matches the checkpoint it signed at size ${last.size}; it signs nothing until this is investigated` };
        }
        if (last.size === size) return { ok: true, value: last };
      }
      const origin = auditOrigin(franchiseId);
      const body = checkpointBody({ origin, size, rootHash: root });
      const archiveKey = checkpointArchiveKey(franchiseId, size);
      const published = await this.env.ARCHIVE.get(archiveKey);
      if (published) {
        const text = await published.text();
        // A copy for this size already exists outside the object: this storage was rolled back.
        if (!text.startsWith(body)) {
          this.logger.error("a different checkpoint for this size is already published; refusing to sign a fork", { franchiseId, size });
          return { ok: false, code: "audit_log_inconsistent", message: `another checkpoint for size ${size} is already published: the log was rolled back, and it will not sign a second history` };
        }
      }
      const signer = await auditSigner(this.env);
      const signature = await signer.sign(new TextEncoder().encode(body));
      const note = formatNote(body, [{ name: origin, keyId: keyIdOf(sha256, origin, signer.publicKey), signature }]);
      this.ctx.storage.sql.exec("INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)", size, buf(root), note, now);
      if (!published) await this.env.ARCHIVE.put(archiveKey, note, { httpMetadata: { contentType: "text/plain; charset=utf-8" }, customMetadata: { origin, size: String(size) } });
      await this.pushToWitness(franchiseId, note);
      return { ok: true, value: { size, rootHash: toBase64(root), note, createdAt: now } };
    });
  }

  /** Best effort: the R2 copy is the durable anchor; a witness that is down gets the next one. */
  private async pushToWitness(franchiseId: string, note: string): Promise<void> {
    const base: string = this.env.AUDIT_WITNESS_URL;
    if (!base) return;
    try {
      const response = await fetch(`${base.replace(/\/$/, "")}/checkpoints/${encodeURIComponent(franchiseId)}`, { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, body: note });
      if (!response.ok) this.logger.warn("witness refused the checkpoint", { franchiseId, status: response.status });
    } catch (error) {
      this.logger.warn("witness unreachable", { franchiseId, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * Leaves for an export, in log order, each with the leaf hash the tree recorded when it was
   * appended. The recorded hash is a hint for the verifier, never trusted: only when the recorded
   * hashes reproduce a signed root do they say which entry's bytes changed since.
   */
  async leaves(from: number, count: number): Promise<{ index: number; leaf: string; leafHash?: string }[]> {
    return this.ctx.storage.sql
      .exec<{ idx: number; leaf: ArrayBuffer; hash: ArrayBuffer | null }>(
        "SELECT e.idx AS idx, e.leaf AS leaf, n.hash AS hash FROM entries e LEFT JOIN nodes n ON n.level = 0 AND n.idx = e.idx WHERE e.idx >= ? ORDER BY e.idx LIMIT ?",
        from,
        count,
      )
      .toArray()
      .map((r) => (r.hash ? { index: r.idx, leaf: toBase64(bytes(r.leaf)), leafHash: toBase64(bytes(r.hash)) } : { index: r.idx, leaf: toBase64(bytes(r.leaf)) }));
  }
}
