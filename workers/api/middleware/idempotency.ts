// Idempotency-Key on POST: the first response to (franchise, key) is stored and replayed for
// the same request; the same key with a different request is a 422. A pending row is reserved
// before the handler runs, so two concurrent retries cannot both execute the change.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { sha256Hex } from "../../auth/secrets.ts";
import { HttpProblem } from "../problem.ts";
import { franchiseDatabase } from "../../db/resolver.ts";

export const IDEMPOTENCY_TTL_HOURS = 24;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ["content-type", "location", "etag"];

interface StoredKey {
  request_hash: string;
  state: "pending" | "done";
  status_code: number | null;
  response_body: string | null;
  response_headers: string | null;
  expires_at: string;
}

export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (!KEY_RE.test(key)) throw new HttpProblem(400, "invalid_idempotency_key", "Idempotency-Key must be 1–255 visible ASCII characters");

  const franchiseId = c.get("principal").franchiseId;
  const db = franchiseDatabase(c.env, franchiseId);
  const requestHash = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${c.get("bodyText")}`);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_HOURS * 3_600_000).toISOString();

  // Reserve the key; an expired record under the same key is replaced in the same statement.
  const reserved = await db
    .prepare(
      `INSERT INTO idempotency_keys (franchise_id, key, request_hash, state, created_at, expires_at)
       VALUES (?1, ?2, ?3, 'pending', ?4, ?5)
       ON CONFLICT (franchise_id, key) DO UPDATE SET
         request_hash = excluded.request_hash, state = 'pending', status_code = NULL, response_body = NULL,
         response_headers = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at
       WHERE idempotency_keys.expires_at <= ?4`,
    )
    .bind(franchiseId, key, requestHash, now.toISOString(), expiresAt)
    .run();

  if (reserved.meta.changes === 0) {
    const stored = await db
      .prepare("SELECT request_hash, state, status_code, response_body, response_headers, expires_at FROM idempotency_keys WHERE franchise_id = ? AND key = ?")
      .bind(franchiseId, key)
      .first<StoredKey>();
    if (!stored) throw new HttpProblem(409, "idempotency_conflict", "the Idempotency-Key changed state; retry the request");
    if (stored.request_hash !== requestHash) {
      throw new HttpProblem(422, "idempotency_key_reused", "this Idempotency-Key was already used with a different request");
    }
    if (stored.state === "pending") {
      throw new HttpProblem(409, "idempotency_in_progress", "a request with this Idempotency-Key is still being processed", { headers: { "retry-after": "1" } });
    }
    const headers = new Headers(JSON.parse(stored.response_headers ?? "{}") as Record<string, string>);
    headers.set("idempotent-replayed", "true");
    return new Response(stored.response_body, { status: stored.status_code ?? 200, headers });
  }

  await next();

  const res = c.res;
  if (res.status >= 500) {
    // The change did not happen (every change is one batch): free the key for a retry.
    await db.prepare("DELETE FROM idempotency_keys WHERE franchise_id = ? AND key = ?").bind(franchiseId, key).run();
    return;
  }
  const body = await res.clone().text();
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  await db
    .prepare("UPDATE idempotency_keys SET state = 'done', status_code = ?, response_body = ?, response_headers = ? WHERE franchise_id = ? AND key = ?")
    .bind(res.status, body, JSON.stringify(headers), franchiseId, key)
    .run();
};
