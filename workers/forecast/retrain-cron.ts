// Scheduled retraining (issue 12): once a day, every franchise whose models are due (never
// trained, a week old, or many invoices issued since the last run; see the domain policy) gets
// one model-training message. The job recomputes the backtested accuracy and the risk scores,
// so GET /v1/analytics/forecast/accuracy always describes the models in use.
import { sql } from "drizzle-orm";
import type { ModelTrainingMessage } from "../../queues/model-training.ts";
import { database, type Db } from "../db/client.ts";
import { tenantDatabases } from "../db/resolver.ts";
import { DEFAULT_RETRAIN_POLICY, type RetrainPolicy, type RetrainReason, retrainReason } from "../domain/forecast/retrain-policy.ts";
import type { Logger } from "../observability/logger.ts";

export const FORECAST_RETRAIN_CRON = "40 4 * * *";
export const RETRAIN_ACTOR = "system:forecast-cron";
/** Queues accept at most 100 messages per sendBatch. */
const SEND_BATCH = 100;
const FRANCHISE_PAGE = 500;

export interface QueuedRetrain {
  franchiseId: string;
  reason: RetrainReason;
}

type Send = (messages: { body: ModelTrainingMessage }[]) => Promise<void>;

/** The franchise's last run and how many invoices were issued after it (counted up to `cap`). */
async function franchiseFreshness(db: Db, franchiseId: string, cap: number): Promise<{ last: string | null; since: number }> {
  const [row] = await db.all<{ last: string | null; since: number }>(sql`
    SELECT r.last AS last,
           (SELECT count(*) FROM (SELECT 1 FROM invoices i
              WHERE i.franchise_id = ${franchiseId} AND i.issued_at IS NOT NULL AND i.issued_at > coalesce(r.last, '')
              LIMIT ${cap})) AS since
    FROM (SELECT max(trained_at) AS last FROM forecast_model_runs WHERE franchise_id = ${franchiseId}) r`);
  return { last: row?.last ?? null, since: Number(row?.since ?? 0) };
}

export async function scheduleRetraining(
  env: Env,
  logger: Logger,
  now = new Date(),
  opts: { policy?: RetrainPolicy; send?: Send } = {},
): Promise<QueuedRetrain[]> {
  const policy = opts.policy ?? DEFAULT_RETRAIN_POLICY;
  const send: Send = opts.send ?? (async (messages) => void (await env.MODEL_TRAINING.sendBatch(messages)));
  const queued: QueuedRetrain[] = [];
  let pending: { body: ModelTrainingMessage }[] = [];
  const flush = async () => {
    if (pending.length > 0) await send(pending);
    pending = [];
  };
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    let after = "";
    for (;;) {
      const page = await db.all<{ id: string }>(sql`SELECT id FROM franchises WHERE id > ${after} ORDER BY id LIMIT ${FRANCHISE_PAGE}`);
      for (const { id } of page) {
        const fresh = await franchiseFreshness(db, id, policy.newInvoices);
        const reason = retrainReason(
          { lastTrainedAt: fresh.last === null ? null : Date.parse(fresh.last), invoicesSince: fresh.since, now: now.getTime() },
          policy,
        );
        if (!reason) continue;
        queued.push({ franchiseId: id, reason });
        pending.push({ body: { franchiseId: id, requestedBy: RETRAIN_ACTOR, requestedAt: now.toISOString(), reason } });
        if (pending.length === SEND_BATCH) await flush();
      }
      if (page.length < FRANCHISE_PAGE) break;
      after = page[page.length - 1]!.id;
    }
  }
  await flush();
  logger.info("model retraining queued", { franchises: queued.length });
  return queued;
}
