// Operating the event pipeline: its health (any principal of the franchise: counts only, no
// data) and its dead letters (staff admins: they hold full event payloads).
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { listDeadLetters, type DeadLetterRow } from "../../db/dead-letters.ts";
import { pipelineStatus, replayDeadLetter } from "../../events/operations.ts";
import { requireStaffAdmin, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { AUTHENTICATED, decodeCursor, IdempotencyHeader, IdParams, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Operations"];

const EventPipeline = z.object({
  backlog: z.number().int().describe("events written but not yet accepted by the domain-events queue"),
  oldestPendingSeconds: z.number().int().describe("age of the oldest of them; 0 when there is none"),
  deadLetters: z.number().int().describe("dead letters not yet replayed"),
}).meta({ id: "EventPipeline" });

const DeadLetter = z.object({
  id: z.string(),
  queue: z.string().describe("the queue the message was meant for"),
  messageId: z.string(),
  body: z.unknown().describe("the message as it was sent"),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  replayedAt: z.string().nullable(),
}).meta({ id: "DeadLetter" });

const deadLetterResource = (r: DeadLetterRow): z.infer<typeof DeadLetter> => ({
  id: r.id,
  queue: r.queue,
  messageId: r.messageId,
  body: JSON.parse(r.body),
  attempts: r.attempts,
  lastError: r.lastError,
  createdAt: r.createdAt,
  replayedAt: r.replayedAt,
});

export class GetEventPipeline extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Health of the franchise's event pipeline (backlog, lag, dead letters)",
    responses: { "200": jsonResponse(EventPipeline, "Pipeline status"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    return pipelineStatus(billing(c));
  }
}

export class ListDeadLetters extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "List the franchise's dead letters, newest first (staff admins)",
    request: { query: z.object(PageQuery) },
    responses: { "200": jsonResponse(listOf(DeadLetter, "DeadLetterList"), "A page of dead letters"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "read dead letters");
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    return page(await listDeadLetters(ctx.db, ctx.franchiseId, { before: decodeCursor(query.cursor), limit: query.limit }), query.limit, deadLetterResource);
  }
}

export class ReplayDeadLetter extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Send a dead letter back to its queue once (staff admins); replaying it again changes nothing",
    request: { headers: IdempotencyHeader, params: IdParams("dlq") },
    responses: { "200": jsonResponse(DeadLetter, "Replayed (replayedAt set)", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "replay dead letters");
    const { params } = await this.getValidatedData<typeof this.schema>();
    return deadLetterResource(await replayDeadLetter(billing(c), params.id));
  }
}
