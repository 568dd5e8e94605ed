// Domain events that change what a customer may be sent reach their CustomerDunning DO at once:
// a payment or credit cancels a reminder due later, a dispute pauses, an opt-out blocks a channel.
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { registerSubscriber, type DeliveredEvent } from "../events/subscribers.ts";

/** The customer an event is about, from its payload (payloads carry the whole aggregate). */
export function customerOf(event: DeliveredEvent): string | undefined {
  const p = event.payload as Record<string, any>;
  return p?.payment?.customerId ?? p?.creditNote?.customerId ?? p?.dispute?.customerId ?? p?.promiseToPay?.customerId ?? p?.customer?.id ?? p?.customerId;
}

registerSubscriber({
  name: "dunning",
  types: ["payment.recorded", "payment.allocated", "credit_note.issued", "credit.applied", "dispute.opened", "dispute.resolved", "promise_to_pay.recorded", "customer.updated"],
  async handle(event, env) {
    const customerId = customerOf(event);
    if (!customerId) return;
    await customerDunningStub(env, event.franchiseId, customerId).wake(event.franchiseId, customerId);
  },
});
