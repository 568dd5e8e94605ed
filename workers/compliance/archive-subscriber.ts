// Archives every issued invoice and credit note from the domain-events queue, so issuing stays
// fast: render → seal → write-once to R2 (archive.ts). Idempotent per document; a failure is
// retried by the pipeline for this subscriber alone.
import { billingContext } from "../billing/context.ts";
import { systemClock } from "../domain/clock.ts";
import { DomainError } from "../domain/errors.ts";
import { registerSubscriber } from "../events/subscribers.ts";
import { createLogger } from "../observability/logger.ts";
import { archiveDocument } from "./archive.ts";

export const ARCHIVE_SUBSCRIBER = "einvoice-archive";

registerSubscriber({
  name: ARCHIVE_SUBSCRIBER,
  types: ["invoice.issued", "credit_note.issued"],
  async handle(event, env) {
    const ctx = billingContext(env, event.franchiseId, systemClock, `system:${ARCHIVE_SUBSCRIBER}`);
    try {
      await archiveDocument(ctx, event.type === "invoice.issued" ? "invoice" : "credit_note", event.aggregateId);
    } catch (error) {
      // A document that cannot conform (no party address, reverse charge without a buyer VAT
      // id...) or does not exist will not change on retry: say so once instead of dead-lettering.
      if (!(error instanceof DomainError)) throw error;
      createLogger(env.LOG_LEVEL, { subscriber: ARCHIVE_SUBSCRIBER }).warn("einvoice_not_archivable", { eventId: event.eventId, documentId: event.aggregateId, code: error.code });
    }
  },
});
