// VerifactuChain: one instance per issuer (named "<franchiseId>:<NIF>"), the serial owner of that
// issuer's VERI*FACTU record chain. Each record takes the previous record's huella and a
// registration time that never runs backwards; records are never edited (SQLite storage, one
// transaction per append). Appends are idempotent per (document, record type), so a redelivered
// event returns the record already made.
import { DurableObject } from "cloudflare:workers";
import { altaHuellaInput, anulacionHuellaInput, isoWithOffset, nextRegistrationMs, type AltaRecord, type AnulacionRecord, type TipoFactura } from "../workers/domain/einvoice/verifactu.ts";

export type VerifactuRecordType = "alta" | "anulacion";

export interface VerifactuAppend {
  type: VerifactuRecordType;
  documentKind: "invoice" | "credit_note";
  documentId: string;
  nif: string;
  numSerie: string;
  /** dd-mm-aaaa */
  fechaExpedicion: string;
  tipoFactura: TipoFactura;
  cuotaTotal: string;
  importeTotal: string;
  timeZone: string;
  nowMs: number;
}

export interface StoredVerifactuRecord {
  position: number;
  type: VerifactuRecordType;
  documentKind: "invoice" | "credit_note";
  documentId: string;
  record: AltaRecord | AnulacionRecord;
  huella: string;
  registeredAtMs: number;
}

async function sha256UpperHex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

export class VerifactuChain extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS records (
         position INTEGER PRIMARY KEY, type TEXT NOT NULL, document_kind TEXT NOT NULL, document_id TEXT NOT NULL,
         record TEXT NOT NULL, huella TEXT NOT NULL, registered_at_ms INTEGER NOT NULL,
         UNIQUE (document_id, type))`,
    );
  }

  #row(row: Record<string, SqlStorageValue> | undefined): StoredVerifactuRecord | null {
    if (!row) return null;
    return {
      position: Number(row.position),
      type: row.type as VerifactuRecordType,
      documentKind: row.document_kind as "invoice" | "credit_note",
      documentId: String(row.document_id),
      record: JSON.parse(String(row.record)),
      huella: String(row.huella),
      registeredAtMs: Number(row.registered_at_ms),
    };
  }

  /** Serial per issuer: no other call runs between reading the chain head and writing the new record. */
  append(input: VerifactuAppend): Promise<StoredVerifactuRecord> {
    return this.ctx.blockConcurrencyWhile(() => this.#append(input));
  }

  async #append(input: VerifactuAppend): Promise<StoredVerifactuRecord> {
    const existing = this.#row(this.ctx.storage.sql.exec("SELECT * FROM records WHERE document_id = ? AND type = ?", input.documentId, input.type).toArray()[0]);
    if (existing) return existing;
    const last = this.#row(this.ctx.storage.sql.exec("SELECT * FROM records ORDER BY position DESC LIMIT 1").toArray()[0]);
    const registeredAtMs = nextRegistrationMs(input.nowMs, last?.registeredAtMs ?? null);
    const stamp = isoWithOffset(registeredAtMs, input.timeZone);
    const previous = last?.huella ?? "";
    let record: AltaRecord | AnulacionRecord;
    let text: string;
    if (input.type === "alta") {
      const alta: AltaRecord = {
        IDEmisorFactura: input.nif,
        NumSerieFactura: input.numSerie,
        FechaExpedicionFactura: input.fechaExpedicion,
        TipoFactura: input.tipoFactura,
        CuotaTotal: input.cuotaTotal,
        ImporteTotal: input.importeTotal,
        HuellaAnterior: previous,
        FechaHoraHusoGenRegistro: stamp,
      };
      record = alta;
      text = altaHuellaInput(alta);
    } else {
      const anulacion: AnulacionRecord = { IDEmisorFacturaAnulada: input.nif, NumSerieFacturaAnulada: input.numSerie, FechaExpedicionFacturaAnulada: input.fechaExpedicion, HuellaAnterior: previous, FechaHoraHusoGenRegistro: stamp };
      record = anulacion;
      text = anulacionHuellaInput(anulacion);
    }
    const huella = await sha256UpperHex(text);
    const position = (last?.position ?? 0) + 1;
    this.ctx.storage.sql.exec(
      "INSERT INTO records (position, type, document_kind, document_id, record, huella, registered_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
      position, input.type, input.documentKind, input.documentId, JSON.stringify(record), huella, registeredAtMs,
    );
    return { position, type: input.type, documentKind: input.documentKind, documentId: input.documentId, record, huella, registeredAtMs };
  }

  async recordsOf(documentId: string): Promise<StoredVerifactuRecord[]> {
    return this.ctx.storage.sql.exec("SELECT * FROM records WHERE document_id = ? ORDER BY position", documentId).toArray().map((r) => this.#row(r)!);
  }

  async at(position: number): Promise<StoredVerifactuRecord | null> {
    return this.#row(this.ctx.storage.sql.exec("SELECT * FROM records WHERE position = ?", position).toArray()[0]);
  }

  async headPosition(): Promise<number> {
    return Number(this.ctx.storage.sql.exec("SELECT COALESCE(MAX(position), 0) AS p FROM records").one().p);
  }

  async chain(afterPosition = 0, limit = 200): Promise<StoredVerifactuRecord[]> {
    return this.ctx.storage.sql.exec("SELECT * FROM records WHERE position > ? ORDER BY position LIMIT ?", afterPosition, limit).toArray().map((r) => this.#row(r)!);
  }
}
