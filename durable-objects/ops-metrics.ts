// OpsMetrics: one instance per franchise keeps its per-minute route metrics (counts, 5xx, 429,
// latency histogram buckets b0..b12 of workers/domain/latency-histogram.ts) in its own SQLite,
// off D1: metrics are written constantly and must neither load the tenant database (one writer
// at a time) nor show up as writes of the requests they measure. Rows older than a day go.
import { DurableObject } from "cloudflare:workers";
import { BUCKET_COUNT } from "../workers/domain/latency-histogram.ts";

export interface MinuteSum {
  minute: string;
  route: string;
  count: number;
  errors: number;
  throttled: number;
  buckets: number[];
}

const B = Array.from({ length: BUCKET_COUNT }, (_, i) => `b${i}`);

export class OpsMetrics extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS route_minutes (minute TEXT NOT NULL, route TEXT NOT NULL, count INTEGER NOT NULL, errors INTEGER NOT NULL, throttled INTEGER NOT NULL,
         ${B.map((b) => `${b} INTEGER NOT NULL`).join(", ")}, PRIMARY KEY (minute, route))`,
      );
    });
  }

  add(sums: MinuteSum[], dropBefore: string): void {
    const sql = this.ctx.storage.sql;
    for (const s of sums) {
      sql.exec(
        `INSERT INTO route_minutes (minute, route, count, errors, throttled, ${B.join(", ")}) VALUES (${new Array(5 + BUCKET_COUNT).fill("?").join(", ")})
         ON CONFLICT (minute, route) DO UPDATE SET count = count + excluded.count, errors = errors + excluded.errors, throttled = throttled + excluded.throttled,
         ${B.map((b) => `${b} = ${b} + excluded.${b}`).join(", ")}`,
        s.minute,
        s.route,
        s.count,
        s.errors,
        s.throttled,
        ...s.buckets,
      );
    }
    sql.exec("DELETE FROM route_minutes WHERE minute < ?", dropBefore);
  }

  /** Per route since `minute` (inclusive): summed counts and buckets. */
  since(minute: string): Array<Omit<MinuteSum, "minute">> {
    const rows = this.ctx.storage.sql
      .exec<Record<string, string | number>>(
        `SELECT route, SUM(count) AS count, SUM(errors) AS errors, SUM(throttled) AS throttled, ${B.map((b) => `SUM(${b}) AS ${b}`).join(", ")}
         FROM route_minutes WHERE minute >= ? GROUP BY route ORDER BY SUM(count) DESC, route`,
        minute,
      )
      .toArray();
    return rows.map((r) => ({ route: String(r.route), count: Number(r.count), errors: Number(r.errors), throttled: Number(r.throttled), buckets: B.map((b) => Number(r[b] ?? 0)) }));
  }
}
