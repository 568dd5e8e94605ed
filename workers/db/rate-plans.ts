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

// Administration (the plans API, workers/ratelimit/plan-admin.ts). Plans are platform-wide
// directory rows; assignments are per franchise.
const PLAN_COLUMNS = "id, name, key_burst, key_per_minute, franchise_burst, franchise_per_minute, expensive_concurrency, created_at, updated_at";

export interface StoredRatePlan extends RatePlanRow {
  createdAt: string;
  updatedAt: string;
}

const fromRow = (r: Omit<Row, "subject"> & { created_at: string; updated_at: string }): StoredRatePlan => ({
  id: r.id,
  name: r.name,
  keyBurst: r.key_burst,
  keyPerMinute: r.key_per_minute,
  franchiseBurst: r.franchise_burst,
  franchisePerMinute: r.franchise_per_minute,
  expensiveConcurrency: r.expensive_concurrency,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

type PlanRow = Omit<Row, "subject"> & { created_at: string; updated_at: string };

export async function getRatePlan(db: D1Database, id: string): Promise<StoredRatePlan | undefined> {
  const row = await db.prepare(`SELECT ${PLAN_COLUMNS} FROM rate_plans WHERE id = ?`).bind(id).first<PlanRow>();
  return row ? fromRow(row) : undefined;
}

/** Newest first (ids are time-ordered), `limit` + 1 rows so the caller can tell a next page. */
export async function listRatePlans(db: D1Database, opts: { before?: string | undefined; limit: number }): Promise<StoredRatePlan[]> {
  const { results } = await db
    .prepare(`SELECT ${PLAN_COLUMNS} FROM rate_plans WHERE (?1 IS NULL OR id < ?1) ORDER BY id DESC LIMIT ?2`)
    .bind(opts.before ?? null, opts.limit + 1)
    .all<PlanRow>();
  return results.map(fromRow);
}

export function insertRatePlanStatement(db: D1Database, p: StoredRatePlan): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO rate_plans (${PLAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .bind(p.id, p.name, p.keyBurst, p.keyPerMinute, p.franchiseBurst, p.franchisePerMinute, p.expensiveConcurrency, p.createdAt, p.updatedAt);
}

export function updateRatePlanStatement(db: D1Database, p: StoredRatePlan): D1PreparedStatement {
  return db
    .prepare("UPDATE rate_plans SET name = ?, key_burst = ?, key_per_minute = ?, franchise_burst = ?, franchise_per_minute = ?, expensive_concurrency = ?, updated_at = ? WHERE id = ?")
    .bind(p.name, p.keyBurst, p.keyPerMinute, p.franchiseBurst, p.franchisePerMinute, p.expensiveConcurrency, p.updatedAt, p.id);
}

/** The franchises whose limits a plan decides (assigned to the franchise or to one of its keys). */
export async function franchisesUsingPlan(db: D1Database, planId: string): Promise<string[]> {
  const { results } = await db.prepare("SELECT DISTINCT franchise_id FROM rate_plan_assignments WHERE rate_plan_id = ?").bind(planId).all<{ franchise_id: string }>();
  return results.map((r) => r.franchise_id);
}

/** Assigns `planId` to `subject` ("franchise" or an API key id) of the franchise; null removes the assignment (back to the default). */
export function assignmentStatement(db: D1Database, franchiseId: string, subject: string, planId: string | null, at: string): D1PreparedStatement {
  if (planId === null) return db.prepare("DELETE FROM rate_plan_assignments WHERE franchise_id = ? AND subject = ?").bind(franchiseId, subject);
  return db
    .prepare("INSERT INTO rate_plan_assignments (franchise_id, subject, rate_plan_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (franchise_id, subject) DO UPDATE SET rate_plan_id = excluded.rate_plan_id, created_at = excluded.created_at")
    .bind(franchiseId, subject, planId, at);
}

export async function assignedPlanId(db: D1Database, franchiseId: string, subject: string): Promise<string | null> {
  const row = await db.prepare("SELECT rate_plan_id FROM rate_plan_assignments WHERE franchise_id = ? AND subject = ?").bind(franchiseId, subject).first<{ rate_plan_id: string }>();
  return row?.rate_plan_id ?? null;
}
