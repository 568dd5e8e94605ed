// E-invoicing (issue 9): submission of VERI*FACTU records to the AEAT. The records themselves
// live in each issuer's VerifactuChain Durable Object (the chain's single writer); D1 keeps
// what happened when each was sent (one row per chain position) and, per issuer, the lease
// that makes one consumer at a time submit its chain and the AEAT's flow-control wait.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { franchises } from "../schema.ts";

export const verifactuSubmissions = sqliteTable(
  "verifactu_submissions",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    /** The issuer's NIF (one chain per franchise and NIF). */
    nif: text("nif").notNull(),
    /** The record's position in the issuer's chain (1 = first). */
    position: integer("position").notNull(),
    recordType: text("record_type").notNull(), // alta | anulacion
    documentKind: text("document_kind").notNull(), // invoice | credit_note
    documentId: text("document_id").notNull(),
    huella: text("huella").notNull(),
    /** pending | submitting | retrying | accepted | accepted_with_errors | rejected | failed */
    status: text("status").notNull(),
    /** Submissions that carried this record. */
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** The AEAT's CodigoErrorRegistro (rejected, accepted with errors), or null. */
    errorCode: text("error_code"),
    /** The AEAT's CSV (secure verification code) of the submission that registered it. */
    csv: text("csv"),
    submittedAt: text("submitted_at"),
    settledAt: text("settled_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.franchiseId, t.nif, t.position] }),
    index("verifactu_submissions_document").on(t.franchiseId, t.documentId),
    index("verifactu_submissions_status").on(t.franchiseId, t.status),
    check("verifactu_submissions_status_check", sql`${t.status} IN ('pending','submitting','retrying','accepted','accepted_with_errors','rejected','failed')`),
  ],
);

export const verifactuSubmitters = sqliteTable(
  "verifactu_submitters",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    nif: text("nif").notNull(),
    /** The issuer's legal name (Cabecera/ObligadoEmision/NombreRazon), from its latest record. */
    issuerName: text("issuer_name").notNull(),
    /** Every position up to this one is settled (accepted, rejected or failed). */
    settledThrough: integer("settled_through").notNull().default(0),
    /** Held by the consumer submitting this issuer's records; expires if that consumer dies. */
    leaseUntil: text("lease_until"),
    /** Not before: the AEAT's TiempoEsperaEnvio after the last submission, or the retry backoff. */
    nextSendAt: text("next_send_at"),
    /** When a follow-up message is already due: one delayed message per issuer, not one per kick. */
    wakeAt: text("wake_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.franchiseId, t.nif] })],
);
