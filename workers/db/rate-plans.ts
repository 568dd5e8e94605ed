// Rate plans as data (workers/db/schema/scale.ts): the plans assigned to a franchise and to one
// of its API keys. Directory data: read before any tenant query, keyed by the principal.

export interface RatePlanRow {
  id: string;
  name: string;
  keyBurst: number;
  keyPerMinute: number;
  franchiseBurst: number;
  franchisePerMinute: number;
  expensiveConcurrency: number;
}

interface Row {
  subject: string;
  id: string;
  name: string;
  key_burst: number;
  key_per_minute: number;
  franchise_burst: number;
  franchise_per_minute: number;
  expensive_concurrency: number;
}

/** The franchise's plan and the key's own plan, whichever are assigned (one query). */
export async function assignedRatePlans(db: D1Database, franchiseId: string, apiKeyId: string): Promise<{ franchise?: RatePlanRow; key?: RatePlanRow }> {
  const { results } = await db
    .prepare(
      `SELECT a.subject, p.id, p.name, p.key_burst, p.key_per_minute, p.franchise_burst, p.franchise_per_minute, p.expensive_concurrency
       FROM rate_plan_assignments a JOIN rate_plans p ON p.id = a.rate_plan_id
       WHERE a.franchise_id = ? AND a.subject IN ('franchise', ?)`,
    )
    .bind(franchiseId, apiKeyId)
    .all<Row>();
  const out: { franchise?: RatePlanRow; key?: RatePlanRow } = {};
  for (const r of results) {
    const plan: RatePlanRow = {
      id: r.id,
      name: r.name,
      keyBurst: r.key_burst,
      keyPerMinute: r.key_per_minute,
      franchiseBurst: r.franchise_burst,
      franchisePerMinute: r.franchise_per_minute,
      expensiveConcurrency: r.expensive_concurrency,
    };
    if (r.subject === "franchise") out.franchise = plan;
    else out.key = plan;
  }
  return out;
}
