// The Worker's entry point: HTTP (partner API, staff auth, OpenAPI), queue consumers, crons,
// and the Durable Object classes.
import { createApp } from "./api/app.ts";
import { createLogger } from "./observability/logger.ts";
import { dispatchQueue } from "../queues/dispatch.ts";
import { sweepOutbox } from "../queues/outbox-relay.ts";
import { PURGE_CRON, purgeExpired } from "./maintenance/purge-expired.ts";
// Dunning (issue 7): the daily sweep, and the subscriber that wakes a customer's DO on events.
import { DUNNING_CRON, sweepDunning } from "./dunning/sweep.ts";
import "./dunning/subscriber.ts";

export { InvoiceSequence } from "../durable-objects/invoice-sequence.ts";
export { CustomerDunning } from "../durable-objects/customer-dunning.ts";
export { AuditLog } from "../durable-objects/audit-log.ts";
export { RateLimiter } from "../durable-objects/rate-limiter.ts";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
    await dispatchQueue(batch, env);
  },

  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    const logger = createLogger(env.LOG_LEVEL, { cron: controller.cron });
    if (controller.cron === "* * * * *") await sweepOutbox(env, logger);
    if (controller.cron === PURGE_CRON) await purgeExpired(env, logger);
    if (controller.cron === DUNNING_CRON) await sweepDunning(env, logger);
  },
} satisfies ExportedHandler<Env>;
