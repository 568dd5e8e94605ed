// Submission of an issuer's VERI*FACTU records to the AEAT, in chain order, each exactly once.
// A queue message only says "this issuer may have records to send" (queues/aeat-submission.ts).
// The consumer that takes the issuer's lease in D1 reads the chain from the issuer's Durable
// Object past the last settled position, sends every unsettled record (up to 1000) in one
// RegFactuSistemaFacturacion and settles each from its RespuestaLinea, in one D1 batch with the
// lease's release. Rules:
// - accepted (Correcto), accepted with errors (AceptadoConErrores, code kept) and rejected
//   (Incorrecto, code kept, never retried) are final; Incorrecto 3000 ("duplicado") means the
//   AEAT already holds that record (a send whose answer was lost), so it counts as accepted;
// - 5xx, timeouts, network errors and unreadable answers retry with backoff and jitter; after
//   MAX_ATTEMPTS a record is "failed", kept as a dead letter, and blocks its chain (nothing after
//   it is sent out of order) until replayed;
// - the AEAT's TiempoEsperaEnvio is honoured: no submission for the issuer before it elapses.
import type { BillingContext } from "../billing/context.ts";
import { database, type Db } from "../db/client.ts";
import { runBatch } from "../db/batch.ts";
import { franchiseDatabase } from "../db/resolver.ts";
import {
  ensureSubmitter,
  getSubmitter,
  insertPending,
  leaseSubmitter,
  markSubmitting,
  releaseSubmitter,
  scheduleWake,
  settle,
  submissionsAfter,
  submissionsOfDocument,
  UNSETTLED,
  type Settlement,
  type SubmissionStatus,
  type VerifactuSubmissionRow,
} from "../db/verifactu-submissions.ts";
import { buildSubmissionXml, MAX_RECORDS_PER_SUBMISSION, type PreviousRecordId, type SubmissionRecord } from "../domain/einvoice/aeat-soap.ts";
import type { AltaRecord, AnulacionRecord } from "../domain/einvoice/verifactu.ts";
import { retryDelaySeconds } from "../domain/retry-backoff.ts";
import type { StoredVerifactuRecord } from "../../durable-objects/verifactu-chain.ts";
import { recordDeadLetter } from "../../queues/dead-letter-sink.ts";
import { postSubmission } from "./aeat-client.ts";

export const AEAT_SUBMISSION_QUEUE = "aeat-submission";
export const MAX_ATTEMPTS = 8;
/** Longer than one submission can take (timeout included); a consumer that died frees it after this. */
const LEASE_MS = 90_000;
const FINAL: SubmissionStatus[] = ["accepted", "accepted_with_errors", "rejected"];

export interface AeatSubmissionMessage {
  franchiseId: string;
  nif: string;
}

const chainOf = (env: Env, franchiseId: string, nif: string) => env.VERIFACTU_CHAIN.get(env.VERIFACTU_CHAIN.idFromName(`${franchiseId}:${nif}`));

/** After a record is appended: make sure the issuer is known and ask for a submission. */
export async function requestSubmission(ctx: BillingContext, nif: string, issuerName: string): Promise<void> {
  await runBatch(ctx.db, [ensureSubmitter(ctx.db, ctx.franchiseId, nif, issuerName, ctx.clock.now().toISOString())]);
  await ctx.env.AEAT_SUBMISSION.send({ franchiseId: ctx.franchiseId, nif } satisfies AeatSubmissionMessage);
}

function previousId(r: StoredVerifactuRecord): PreviousRecordId {
  if (r.type === "alta") {
    const a = r.record as AltaRecord;
    return { IDEmisorFactura: a.IDEmisorFactura, NumSerieFactura: a.NumSerieFactura, FechaExpedicionFactura: a.FechaExpedicionFactura, Huella: r.huella };
  }
  const n = r.record as AnulacionRecord;
  return { IDEmisorFactura: n.IDEmisorFacturaAnulada, NumSerieFactura: n.NumSerieFacturaAnulada, FechaExpedicionFactura: n.FechaExpedicionFacturaAnulada, Huella: r.huella };
}

function submissionRecord(r: StoredVerifactuRecord, previous: StoredVerifactuRecord | null, issuerName: string): SubmissionRecord {
  const prev = previous ? previousId(previous) : null;
  if (r.type === "alta") {
    const a = r.record as AltaRecord;
    return { type: "alta", record: { ...a, Huella: r.huella }, issuerName, description: r.documentKind === "credit_note" ? "Rectificación por diferencias" : "Prestación de servicios", previous: prev };
  }
  return { type: "anulacion", record: { ...(r.record as AnulacionRecord), Huella: r.huella }, previous: prev };
}

const numSerieOf = (r: StoredVerifactuRecord) => (r.type === "alta" ? (r.record as AltaRecord).NumSerieFactura : (r.record as AnulacionRecord).NumSerieFacturaAnulada);

export interface SubmitResult {
  /** Records carried by the submission made (0: none made). */
  sent: number;
  /** Seconds until this issuer should be looked at again, or null when nothing is waiting. */
  again: number | null;
}

/** Submits the issuer's pending records if this consumer gets the lease; see the file comment. */
export async function submitIssuer(env: Env, message: AeatSubmissionMessage, nowMs: number, random: () => number): Promise<SubmitResult> {
  const db = database(franchiseDatabase(env, message.franchiseId));
  const result = await submitOnce(env, db, message, nowMs, random);
  if (result.again === null) return result;
  // One follow-up per issuer and due time, however many messages asked meanwhile.
  const won = await scheduleWake(db, message.franchiseId, message.nif, new Date(nowMs + result.again * 1000).toISOString(), new Date(nowMs).toISOString());
  return won ? result : { sent: result.sent, again: null };
}

async function submitOnce(env: Env, db: Db, message: AeatSubmissionMessage, nowMs: number, random: () => number): Promise<SubmitResult> {
  const { franchiseId, nif } = message;
  const now = new Date(nowMs).toISOString();
  const lease = new Date(nowMs + LEASE_MS).toISOString();
  const submitter = await leaseSubmitter(db, franchiseId, nif, now, lease);
  if (!submitter) {
    const current = await getSubmitter(db, franchiseId, nif);
    if (current?.nextSendAt && current.nextSendAt > now && !(current.leaseUntil && current.leaseUntil > now)) {
      return { sent: 0, again: Math.ceil((Date.parse(current.nextSendAt) - nowMs) / 1000) };
    }
    // Unknown issuer, or another consumer holds the lease: it looks again after releasing it.
    return { sent: 0, again: null };
  }
  const chain = chainOf(env, franchiseId, nif);
  const from = submitter.settledThrough;
  const records = await chain.chain(Math.max(0, from - 1), MAX_RECORDS_PER_SUBMISSION + 1);
  const predecessor = records.find((r) => r.position === from) ?? null;
  const pending = records.filter((r) => r.position > from).slice(0, MAX_RECORDS_PER_SUBMISSION);
  const seed: VerifactuSubmissionRow[] = pending.map((r) => ({
    franchiseId, nif, position: r.position, recordType: r.type, documentKind: r.documentKind, documentId: r.documentId, huella: r.huella,
    status: "pending", attempts: 0, lastError: null, errorCode: null, csv: null, submittedAt: null, settledAt: null, createdAt: now, updatedAt: now,
  }));
  await runBatch(db, insertPending(db, seed));
  const rows = new Map((await submissionsAfter(db, franchiseId, nif, from, MAX_RECORDS_PER_SUBMISSION)).map((r) => [r.position, r]));

  // The contiguous run to send: stop at a failed record (the chain waits for its replay).
  const toSend: StoredVerifactuRecord[] = [];
  for (const r of pending) {
    const status = rows.get(r.position)?.status as SubmissionStatus | undefined;
    if (status === "failed") break;
    if (status && UNSETTLED.includes(status)) toSend.push(r);
  }
  if (toSend.length === 0) {
    await finish(db, message, lease, rows, from, submitter.nextSendAt, now, []);
    return { sent: 0, again: await lookAgain(chain, db, message, nowMs) };
  }

  const byPosition = new Map(records.map((r) => [r.position, r]));
  const xml = buildSubmissionXml({
    issuer: { nif, name: submitter.issuerName },
    sistema: { producerName: "Ledgerline", producerNif: env.AEAT_PRODUCER_NIF, name: "Ledgerline", id: "LL", version: "1.0", installation: franchiseId },
    records: toSend.map((r) => submissionRecord(r, r.position === from ? predecessor : (byPosition.get(r.position - 1) ?? predecessor), submitter.issuerName)),
  });
  const first = toSend[0]!.position;
  const last = toSend[toSend.length - 1]!.position;
  await runBatch(db, [markSubmitting(db, franchiseId, nif, first, last, now)]);

  const result = await postSubmission(env, xml);
  const settlements: Settlement[] = [];
  let nextSendAt: string | null = null;
  const dead: Array<{ record: StoredVerifactuRecord; attempts: number; error: string }> = [];
  const retry = (r: StoredVerifactuRecord, error: string) => {
    const attempts = (rows.get(r.position)?.attempts ?? 0) + 1;
    if (attempts >= MAX_ATTEMPTS) {
      dead.push({ record: r, attempts, error });
      settlements.push({ position: r.position, status: "failed", errorCode: null, lastError: `${error} (gave up after ${attempts} attempts)`, csv: null });
    } else {
      settlements.push({ position: r.position, status: "retrying", errorCode: null, lastError: error, csv: null });
    }
    return attempts;
  };
  if (!result.ok) {
    let attempts = 1;
    for (const r of toSend) attempts = Math.max(attempts, retry(r, result.error));
    nextSendAt = new Date(nowMs + retryDelaySeconds(attempts, random()) * 1000).toISOString();
  } else if (result.answer.kind === "fault") {
    // The whole message was refused (schema, certificate): resending the same bytes cannot help.
    const code = /Codigo\[(\w+)\]/.exec(result.answer.message)?.[1] ?? result.answer.code;
    for (const r of toSend) settlements.push({ position: r.position, status: "rejected", errorCode: code, lastError: result.answer.message, csv: null });
  } else {
    const answer = result.answer;
    if (answer.tiempoEsperaEnvio !== null && answer.tiempoEsperaEnvio > 0) nextSendAt = new Date(nowMs + answer.tiempoEsperaEnvio * 1000).toISOString();
    const lines = [...answer.lines];
    let retried = false;
    for (const r of toSend) {
      const op = r.type === "alta" ? "Alta" : "Anulacion";
      const at = lines.findIndex((l) => l.numSerie === numSerieOf(r) && l.tipoOperacion === op);
      const line = at >= 0 ? lines.splice(at, 1)[0]! : null;
      if (!line) {
        retry(r, "the AEAT's answer had no line for this record");
        retried = true;
      } else if (line.estado === "Correcto") settlements.push({ position: r.position, status: "accepted", errorCode: null, lastError: null, csv: answer.csv });
      else if (line.estado === "AceptadoConErrores") settlements.push({ position: r.position, status: "accepted_with_errors", errorCode: line.codigo, lastError: line.descripcion, csv: answer.csv });
      else if (line.codigo === "3000") settlements.push({ position: r.position, status: "accepted", errorCode: "3000", lastError: "already registered at the AEAT (an earlier send's answer was lost)", csv: rows.get(r.position)?.csv ?? null });
      else settlements.push({ position: r.position, status: "rejected", errorCode: line.codigo, lastError: line.descripcion, csv: null });
    }
    if (retried && !nextSendAt) nextSendAt = new Date(nowMs + retryDelaySeconds(1, random()) * 1000).toISOString();
  }
  for (const s of settlements) {
    const row = rows.get(s.position);
    if (row) rows.set(s.position, { ...row, status: s.status });
  }
  await finish(db, message, lease, rows, from, nextSendAt, now, settlements);
  for (const d of dead) {
    await recordDeadLetter(env, { queue: AEAT_SUBMISSION_QUEUE, messageId: `${nif}:${d.record.position}:exhausted`, body: { franchiseId, nif, position: d.record.position, documentId: d.record.documentId, recordType: d.record.type }, attempts: d.attempts, lastError: d.error });
  }
  return { sent: toSend.length, again: await lookAgain(chain, db, message, nowMs) };
}

/** One batch: every record's outcome, the settled prefix advanced, the lease released. */
async function finish(db: Db, m: AeatSubmissionMessage, lease: string, rows: Map<number, VerifactuSubmissionRow>, from: number, nextSendAt: string | null, now: string, settlements: Settlement[]) {
  let settledThrough = from;
  while (FINAL.includes(rows.get(settledThrough + 1)?.status as SubmissionStatus)) settledThrough++;
  await runBatch(db, [...settle(db, m.franchiseId, m.nif, settlements, now), releaseSubmitter(db, m.franchiseId, m.nif, lease, { settledThrough, nextSendAt, now })]);
}

/** After the lease is released: is anything still waiting (records appended meanwhile, retries)? */
async function lookAgain(chain: ReturnType<typeof chainOf>, db: Db, m: AeatSubmissionMessage, nowMs: number): Promise<number | null> {
  const submitter = await getSubmitter(db, m.franchiseId, m.nif);
  if (!submitter) return null;
  const head = await chain.headPosition();
  if (head <= submitter.settledThrough) return null;
  const next = await submissionsAfter(db, m.franchiseId, m.nif, submitter.settledThrough, 1);
  if (next[0]?.status === "failed") return null;
  const wait = submitter.nextSendAt ? Math.ceil((Date.parse(submitter.nextSendAt) - nowMs) / 1000) : 0;
  return Math.max(0, wait);
}

export interface SubmissionView {
  status: SubmissionStatus;
  attempts: number;
  lastError: string | null;
  errorCode: string | null;
  /** The AEAT's CSV of the submission that registered the record. */
  csv: string | null;
  submittedAt: string | null;
  settledAt: string | null;
}

const notYet: SubmissionView = { status: "pending", attempts: 0, lastError: null, errorCode: null, csv: null, submittedAt: null, settledAt: null };

/** Submission state of a document's records, by record type ("pending" before the consumer saw it). */
export async function submissionsOf(ctx: BillingContext, documentId: string): Promise<{ alta: SubmissionView; anulacion: SubmissionView }> {
  const rows = await submissionsOfDocument(ctx.db, ctx.franchiseId, documentId);
  const view = (type: string): SubmissionView => {
    const r = rows.find((x) => x.recordType === type);
    return r ? { status: r.status as SubmissionStatus, attempts: r.attempts, lastError: r.lastError, errorCode: r.errorCode, csv: r.csv, submittedAt: r.submittedAt, settledAt: r.settledAt } : notYet;
  };
  return { alta: view("alta"), anulacion: view("anulacion") };
}
