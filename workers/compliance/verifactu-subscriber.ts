// Appends VERI*FACTU records from the domain-events queue (verifactu.ts); a no-op outside Spain.
import { billingContext } from "../billing/context.ts";
import { systemClock } from "../domain/clock.ts";
import { registerSubscriber } from "../events/subscribers.ts";
import { recordVerifactu, type VerifactuEvent } from "./verifactu.ts";

export const VERIFACTU_SUBSCRIBER = "einvoice-verifactu";

registerSubscriber({
  name: VERIFACTU_SUBSCRIBER,
  types: ["invoice.issued", "credit_note.issued", "invoice.voided"],
  async handle(event, env) {
    const ctx = billingContext(env, event.franchiseId, systemClock, `system:${VERIFACTU_SUBSCRIBER}`);
    await recordVerifactu(ctx, event.type as VerifactuEvent, event.aggregateId);
  },
});
