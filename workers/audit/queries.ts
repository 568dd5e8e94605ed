// What the audit API asks of a franchise's log: thin calls to its AuditLog object, whose
// refusals (a range beyond the tree, from > to) become 400 problems naming the parameter.
import type { AuditResult, CheckpointResult, CheckpointView, EntryFilter } from "../../durable-objects/audit-log.ts";
import { HttpProblem } from "../api/problem.ts";
import { auditLog } from "./log-client.ts";
import { auditOrigin, checkpointArchivePrefix } from "./origin.ts";
import { auditVerifierKey } from "./signing-key.ts";
import { pushCheckpoint } from "./witness.ts";

export const AUDIT_EXPORT_FORMAT = "ledgerline-audit-export/v1";
const EXPORT_PAGE = 1000;
const EXPORT_PROOF_PAIRS = 50;
const EXPORT_INCLUSION_SAMPLES = 16;

function unwrap<T>(result: AuditResult<T>): T {
  if (result.ok) return result.value;
  throw new HttpProblem(400, result.code, result.message, { issues: [{ field: result.field, message: result.message }] });
}

function signed(result: CheckpointResult): CheckpointView {
  if (result.ok) return result.value;
  throw new HttpProblem(409, result.code, result.message);
}

/** A checkpoint signed just now goes to the franchise's own witness too (recorded, retried hourly). */
async function witnessed(env: Env, franchiseId: string, view: CheckpointView, now: Date): Promise<CheckpointView> {
  if (view.createdAt === now.toISOString()) await pushCheckpoint(env, franchiseId, view, now);
  return view;
}

export const latestCheckpoint = async (env: Env, franchiseId: string, now: Date) => witnessed(env, franchiseId, signed(await auditLog(env, franchiseId).latestCheckpoint(franchiseId, now.toISOString())), now);
export const signCheckpoint = async (env: Env, franchiseId: string, now: Date) => witnessed(env, franchiseId, signed(await auditLog(env, franchiseId).checkpoint(franchiseId, now.toISOString())), now);
export const listCheckpoints = (env: Env, franchiseId: string, limit: number) => auditLog(env, franchiseId).checkpoints(limit);

export async function listEntries(env: Env, franchiseId: string, q: { from: number; to?: number; limit: number } & EntryFilter) {
  const { from, to, limit, ...filter } = q;
  return unwrap(await auditLog(env, franchiseId).entries(from, to, limit, filter));
}

export async function inclusionProof(env: Env, franchiseId: string, index: number, size: number) {
  return unwrap(await auditLog(env, franchiseId).inclusion(index, size));
}

export async function consistencyProof(env: Env, franchiseId: string, from: number, to: number) {
  return unwrap(await auditLog(env, franchiseId).consistency(from, to));
}

export async function verifierKey(env: Env, franchiseId: string) {
  const origin = auditOrigin(franchiseId);
  return { origin, ...(await auditVerifierKey(env, origin)) };
}

/** Every checkpoint anyone may hold: the log's own plus the write-once R2 copies (which survive a rollback of the log). */
async function allCheckpointNotes(env: Env, franchiseId: string): Promise<string[]> {
  const notes = new Set((await auditLog(env, franchiseId).checkpoints(10_000)).map((c) => c.note));
  let cursor: string | undefined;
  do {
    const listed = await env.ARCHIVE.list({ prefix: checkpointArchivePrefix(franchiseId), cursor, limit: 1000 });
    for (const object of listed.objects) {
      const body = await env.ARCHIVE.get(object.key);
      if (body) notes.add(await body.text());
    }
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  return [...notes];
}

/** Consistency proofs between the latest consecutive checkpoints, and inclusion proofs of entries spread over the log. */
async function exportProofs(log: ReturnType<typeof auditLog>, size: number) {
  const sizes = (await log.checkpoints(EXPORT_PROOF_PAIRS + 1)).map((c) => c.size).filter((s) => s <= size).reverse();
  const newest = sizes[sizes.length - 1] ?? 0;
  const consistency = [];
  for (let i = 1; i < sizes.length; i++) {
    const r = await log.consistency(sizes[i - 1]!, sizes[i]!);
    if (r.ok) consistency.push({ from: r.value.from, to: r.value.to, hashes: r.value.hashes });
  }
  const inclusion = [];
  const picks = new Set(Array.from({ length: Math.min(size, EXPORT_INCLUSION_SAMPLES) }, (_, i) => Math.floor((i * size) / Math.min(size, EXPORT_INCLUSION_SAMPLES))));
  for (const index of picks) {
    if (index >= newest) continue;
    const r = await log.inclusion(index, newest);
    if (r.ok) inclusion.push({ index, size: newest, hashes: r.value.hashes });
  }
  return { consistency, inclusion };
}

/** The whole log (every entry and every checkpoint) as one JSON document, streamed page by page so a large log never sits in memory. */
export async function exportLog(env: Env, franchiseId: string, now: Date): Promise<ReadableStream<Uint8Array>> {
  const log = auditLog(env, franchiseId);
  // A log that was never checkpointed gets its first one; a log that refuses to sign (it is
  // inconsistent with what it signed before) still exports, so the verifier can show why.
  await log.latestCheckpoint(franchiseId, now.toISOString());
  const size = await log.treeSize();
  const key = await verifierKey(env, franchiseId);
  const checkpoints = await allCheckpointNotes(env, franchiseId);
  const proofs = await exportProofs(log, size);
  const encoder = new TextEncoder();
  let next = 0;
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const header = { format: AUDIT_EXPORT_FORMAT, origin: key.origin, verifierKey: key.verifierKey, exportedAt: now.toISOString(), size, checkpoints, proofs };
      controller.enqueue(encoder.encode(`${JSON.stringify(header).slice(0, -1)},"entries":[`));
    },
    async pull(controller) {
      if (next >= size) {
        controller.enqueue(encoder.encode("]}\n"));
        controller.close();
        return;
      }
      const page = await log.leaves(next, Math.min(EXPORT_PAGE, size - next));
      if (page.length === 0) {
        next = size;
        return;
      }
      const text = page.map((e) => JSON.stringify(e)).join(",");
      controller.enqueue(encoder.encode(`${first ? "" : ","}${text}`));
      first = false;
      next = page[page.length - 1]!.index + 1;
    },
  });
}
