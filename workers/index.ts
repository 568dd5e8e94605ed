// The Worker's entry point: HTTP (partner API, staff auth, OpenAPI), queue consumers, crons,
// and the Durable Object classes.
import { createApp } from "./api/app.ts";
// E-invoicing (issue 9): archives issued documents from the domain-events queue.
import "./compliance/archive-subscriber.ts";
import "./compliance/verifactu-subscriber.ts";
import { createLogger } from "./observability/logger.ts";
import { countingEnv } from "./observability/queue-counting.ts";
import { dispatchQueue } from "../queues/dispatch.ts";
import { sweepOutbox } from "../queues/outbox-relay.ts";
import { PURGE_CRON, purgeExpired } from "./maintenance/purge-expired.ts";
// audit (issue 10): the audit-log subscriber and the checkpoint cron
import "./audit/subscriber.ts";
import "./audit/jwks-contribution.ts";
import { AUDIT_CHECKPOINT_CRON, checkpointAllLogs } from "./audit/checkpoint-cron.ts";
import { TAX_RATE_SYNC_CRON, syncTaxRates } from "./tax/rate-updates.ts";
import "./analytics/register.ts"; // analytics (issue 11): rollup subscriber
import { ensureRollups } from "./analytics/ensure-rollups.ts";
import { BI_EXPORT_CRON, scheduleDailyBiExports } from "./bi/schedule.ts";
// Dunning (issue 7): the daily sweep, and the subscriber that wakes a customer's DO on events.
import { DUNNING_CRON, sweepDunning } from "./dunning/sweep.ts";
import "./dunning/subscriber.ts";
// Accounting integrations (issue 8): polling Xero for payments and changed invoices.
import { ERP_POLL_CRON, pollAllXeroConnections } from "./integrations/erp/xero-polling.ts";
import { ERP_ALERTS_CRON, checkAllAlerts } from "./integrations/erp/alerts.ts";
// Forecasting (issue 12): the daily retraining cron.
import { FORECAST_RETRAIN_CRON, scheduleRetraining } from "./forecast/retrain-cron.ts";

export { InvoiceSequence } from "../durable-objects/invoice-sequence.ts";
export { CustomerDunning } from "../durable-objects/customer-dunning.ts";
export { AuditLog } from "../durable-objects/audit-log.ts";
export { RateLimiter } from "../durable-objects/rate-limiter.ts";
export { VerifactuChain } from "../durable-objects/verifactu-chain.ts";
// Accounting integrations (issue 8): the ErpConnection DO and the erp-sync subscriber.
export { ErpConnection } from "../durable-objects/erp-connection.ts";
import "./integrations/erp/subscriber.ts";
import { NETSUITE_POLL_CRON, pollNetSuiteConnections } from "./integrations/erp/netsuite-poll.ts";
import { QBO_CDC_CRON, catchUpQbo } from "./integrations/erp/qbo-inbound.ts";
export { OpsMetrics } from "../durable-objects/ops-metrics.ts";
// Billing runs (issue 13): the durable workflow behind POST /v1/billing-runs.
export { BillingRunWorkflow } from "./billing/runs/billing-run-workflow.ts";
import { BILLING_RUN_SWEEP_CRON, restartStalledRuns } from "./billing/runs/sweep.ts";

const app = createApp();

// Every entry point sees queue bindings that count what they send (per-queue backlog metrics).
export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => app.fetch(request, countingEnv(env, (p) => ctx.waitUntil(p)), ctx),

  async queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
    const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
    await dispatchQueue(batch, countingEnv(env, waitUntil), waitUntil);
  },

  async scheduled(controller: ScheduledController, rawEnv: Env, ctx: ExecutionContext): Promise<void> {
    const env = countingEnv(rawEnv, (p) => ctx.waitUntil(p));
    const logger = createLogger(env.LOG_LEVEL, { cron: controller.cron });
    if (controller.cron === "* * * * *") await sweepOutbox(env, logger);
    if (controller.cron === "* * * * *") await ensureRollups(env, logger); // analytics (issue 11)
    if (controller.cron === BI_EXPORT_CRON) await scheduleDailyBiExports(env, logger); // analytics (issue 11): BI feed
    if (controller.cron === BILLING_RUN_SWEEP_CRON) await restartStalledRuns(env, logger); // billing runs (issue 13)
    if (controller.cron === PURGE_CRON) await purgeExpired(env, logger);
    if (controller.cron === AUDIT_CHECKPOINT_CRON) await checkpointAllLogs(env, logger);
    if (controller.cron === TAX_RATE_SYNC_CRON) await syncTaxRates(env, logger, new Date(), { keepGoing: true }); // audit and records (issue 10)
    if (controller.cron === DUNNING_CRON) await sweepDunning(env, logger);
    if (controller.cron === NETSUITE_POLL_CRON) await pollNetSuiteConnections(env, logger); // accounting integrations (issue 8): NetSuite has no webhooks
    if (controller.cron === QBO_CDC_CRON) await catchUpQbo(env, { logger }); // accounting integrations (issue 8): QBO change-data-capture catch-up
    if (controller.cron === ERP_POLL_CRON) await pollAllXeroConnections(env, logger); // accounting integrations (issue 8): Xero payments + invoices
    if (controller.cron === ERP_ALERTS_CRON) await checkAllAlerts(env, logger); // accounting integrations (issue 8): sync alerts
    if (controller.cron === FORECAST_RETRAIN_CRON) await scheduleRetraining(env, logger, new Date(controller.scheduledTime)); // forecasting (issue 12)
  },
} satisfies ExportedHandler<Env>;
