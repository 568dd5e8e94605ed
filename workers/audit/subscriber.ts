// Feeds every domain event into its franchise's audit log. The queue may redeliver an event
// (and processed_events may miss a success that was not recorded): the log dedupes by event id,
// so each event is appended exactly once.
import { registerSubscriber } from "../events/subscribers.ts";
import { auditLog } from "./log-client.ts";

export const AUDIT_SUBSCRIBER = "audit-log";

registerSubscriber({
  name: AUDIT_SUBSCRIBER,
  types: "*",
  async handle(event, env) {
    await auditLog(env, event.franchiseId).append(event.franchiseId, [
      {
        eventId: event.eventId,
        type: event.type,
        aggregateType: event.aggregateType,
        aggregateId: event.aggregateId,
        actor: event.actor,
        occurredAt: event.occurredAt,
        seq: event.seq,
        payload: event.payload,
      },
    ]);
  },
});
