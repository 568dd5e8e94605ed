// The queue of escalations for staff to work, newest first, and the work on one: assign,
// acknowledge, resolve (each recorded with actor and time in the history and the audit log).
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { actOnEscalation, escalationSettings, setCollectionsAssignee, staffIdOf, visibleEscalation } from "../../billing/dunning/escalations.ts";
import { ESCALATIONS } from "../../domain/dunning/cadence.ts";
import { actionsOfQueue, ESCALATION_QUEUES } from "../../domain/dunning/escalation-queue.ts";
import { ESCALATION_STATUSES } from "../../domain/dunning/escalation-work.ts";
import { invalid } from "../../domain/errors.ts";
import { listEscalations } from "../../db/dunning-escalations.ts";
import { AUTHENTICATED, decodeCursor, Id, IdParams, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { AssignEscalationBody, EscalationResource, escalationResource, EscalationSettingsBody, EscalationSettingsResource, ResolveEscalationBody } from "../resources/dunning-escalations.ts";
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
        assignee: z
          .union([z.literal("me"), z.literal("unassigned"), Id("usr")])
          .optional()
          .describe("only those assigned (by staff or by default) to the signed-in staff user (me), nobody (unassigned) or this staff user"),
        status: z.enum(ESCALATION_STATUSES).optional(),
      }),
    },
    responses: { "200": jsonResponse(listOf(EscalationResource, "DunningEscalationList"), "A page of escalations"), ...problemResponses(...AUTHENTICATED, 422) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const byQueue = query.queue ? actionsOfQueue(query.queue) : undefined;
    const actions = query.action ? (byQueue && !byQueue.includes(query.action) ? [] : [query.action]) : byQueue;
    if (actions && actions.length === 0) return { data: [], nextCursor: null };
    let assigneeId: string | null | undefined;
    if (query.assignee === "me") {
      assigneeId = staffIdOf(ctx.actor);
      if (assigneeId === null) throw invalid("assignee_me_needs_staff", "assignee", "assignee=me needs a staff session (an API key is nobody's assignee)");
    } else if (query.assignee === "unassigned") assigneeId = null;
    else assigneeId = query.assignee;
    const rows = await listEscalations(ctx.db, ctx.franchiseId, ctx.branchScope, { before: decodeCursor(query.cursor), limit: query.limit, customerId: query.customerId, actions, assigneeId, status: query.status });
    return page(rows, query.limit, escalationResource);
  }
}

const tags = ["Dunning"];

export class GetEscalation extends OpenAPIRoute {
  schema = { tags, summary: "One escalation with its assignee and state", request: { params: IdParams("com") }, responses: { "200": jsonResponse(EscalationResource, "The escalation"), ...problemResponses(...AUTHENTICATED, 404) } };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return escalationResource(await visibleEscalation(billing(c), params.id));
  }
}

export class AssignEscalation extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Assign or reassign an escalation to a staff user (reassigning an acknowledged one reopens it)",
    request: { params: IdParams("com"), body: jsonRequestBody(AssignEscalationBody) },
    responses: { "200": jsonResponse(EscalationResource, "Assigned"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return escalationResource(await actOnEscalation(billing(c), params.id, { kind: "assign", assigneeId: body.assigneeId }));
  }
}

export class AcknowledgeEscalation extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Acknowledge an escalation: only its assignee, with a staff session",
    request: { params: IdParams("com") },
    responses: { "200": jsonResponse(EscalationResource, "Acknowledged"), ...problemResponses(...AUTHENTICATED, 404, 409) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return escalationResource(await actOnEscalation(billing(c), params.id, { kind: "acknowledge" }));
  }
}

export class ResolveEscalation extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Resolve an escalation (final), saying how",
    request: { params: IdParams("com"), body: jsonRequestBody(ResolveEscalationBody) },
    responses: { "200": jsonResponse(EscalationResource, "Resolved"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return escalationResource(await actOnEscalation(billing(c), params.id, { kind: "resolve", resolution: body.resolution }));
  }
}

export class GetEscalationSettings extends OpenAPIRoute {
  schema = { tags, summary: "Who works collections-desk escalations by default", responses: { "200": jsonResponse(EscalationSettingsResource, "The settings (null until set)"), ...problemResponses(...AUTHENTICATED) } };

  async handle(c: AppContext) {
    return escalationSettings(billing(c));
  }
}

export class ReplaceEscalationSettings extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Set (or clear, with null) the collections assignee: an active finance or admin staff user",
    request: { body: jsonRequestBody(EscalationSettingsBody) },
    responses: { "200": jsonResponse(EscalationSettingsResource, "Saved"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    return setCollectionsAssignee(billing(c), body.collectionsAssigneeId);
  }
}
