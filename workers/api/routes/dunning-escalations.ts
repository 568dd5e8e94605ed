// GET /v1/dunning/escalations: the queue of escalations for staff to work, newest first.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { ESCALATIONS } from "../../domain/dunning/cadence.ts";
import { actionsOfQueue, ESCALATION_QUEUES } from "../../domain/dunning/escalation-queue.ts";
import { listEscalations } from "../../db/dunning-escalations.ts";
import { AUTHENTICATED, decodeCursor, Id, jsonResponse, listOf, page, PageQuery, problemResponses } from "../resources/common.ts";
import { EscalationResource, escalationResource } from "../resources/dunning-escalations.ts";
import { billing, type AppContext } from "./route-context.ts";

export class ListEscalations extends OpenAPIRoute {
  schema = {
    tags: ["Dunning"],
    summary: "Escalations raised by cadences (notify the branch manager, collections queue, formal notice, service hold), newest first; a branch manager sees their branches' only",
    request: {
      query: z.object({
        ...PageQuery,
        queue: z.enum(ESCALATION_QUEUES).optional().describe("only the escalations this desk works"),
        action: z.enum(ESCALATIONS).optional().describe("only escalations naming this action"),
        customerId: Id("cus").optional(),
      }),
    },
    responses: { "200": jsonResponse(listOf(EscalationResource, "DunningEscalationList"), "A page of escalations"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const byQueue = query.queue ? actionsOfQueue(query.queue) : undefined;
    const actions = query.action ? (byQueue && !byQueue.includes(query.action) ? [] : [query.action]) : byQueue;
    if (actions && actions.length === 0) return { data: [], nextCursor: null };
    const rows = await listEscalations(ctx.db, ctx.franchiseId, ctx.branchScope, { before: decodeCursor(query.cursor), limit: query.limit, customerId: query.customerId, actions });
    return page(rows, query.limit, escalationResource);
  }
}
