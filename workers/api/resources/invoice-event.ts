import { z } from "zod";
import type { InvoiceEventRow } from "../../db/invoice-events.ts";
import { displayMinorUnits } from "../../domain/currency.ts";
import type { InvoiceEventSummary } from "../../domain/invoice-event-summary.ts";
import { listOf } from "./common.ts";

export const InvoiceEvent = z
  .object({
    id: z.string().describe("the event id (evt_…), as on the domain-events queue"),
    seq: z.number().int().nullable().describe("position in the franchise's event stream"),
    type: z.string().describe("invoice.issued, payment.recorded, credit_note.issued, … (docs/events.md)"),
    aggregateType: z.string().describe("invoice, payment or credit_note: what the event changed"),
    aggregateId: z.string(),
    aggregateVersion: z.number().int(),
    actor: z.string().describe("api_key:<id>, staff:<id> or system:<job>"),
    occurredAt: z.string().describe("UTC ISO-8601 commit time"),
    summary: z.string().describe("one line for people, told from this invoice's side"),
    amount: z.number().int().nullable().describe("what the event moved on this invoice, in the currency's minor unit"),
    currency: z.string().nullable(),
    minorUnits: z.number().int().nullable(),
  })
  .meta({ id: "InvoiceEvent" });

export const InvoiceEventList = listOf(InvoiceEvent, "InvoiceEventList");

export function invoiceEventResource(row: InvoiceEventRow, s: InvoiceEventSummary): z.infer<typeof InvoiceEvent> {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    aggregateVersion: row.aggregateVersion,
    actor: row.actor,
    occurredAt: row.occurredAt,
    summary: s.summary,
    amount: s.amount,
    currency: s.currency,
    minorUnits: s.currency ? displayMinorUnits(s.currency) : null,
  };
}
