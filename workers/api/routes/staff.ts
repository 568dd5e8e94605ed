// Staff management (/v1/staff), for a franchise's staff admins only: invite with a one-time
// initial password, change role and branches, deactivate.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getStaffUser, listStaffUsers } from "../../db/staff.ts";
import { notFound } from "../../domain/errors.ts";
import { createStaffUser, deactivateStaffUser, updateStaffUser } from "../../auth/staff-users.ts";
import { requireStaffAdmin as requireStaffAdminPrincipal, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { AUTHENTICATED, decodeCursor, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { CreatedStaffUser, CreateStaffUserBody, StaffUser, staffUserResource, UpdateStaffUserBody } from "../resources/staff.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Staff"];
// Also enforced by middleware before any idempotent replay (workers/api/app.ts); kept here so the route is safe on its own.
const requireStaffAdmin = (c: AppContext) => requireStaffAdminPrincipal(c.get("principal"), "manage staff");

async function loadOr404(c: AppContext, id: string) {
  const ctx = billing(c);
  const found = await getStaffUser(ctx.db, ctx.franchiseId, id);
  if (!found) throw notFound("staff_user", id);
  return staffUserResource(found);
}

export class ListStaffUsers extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "List the franchise's staff users, newest first", request: { query: z.object(PageQuery) }, responses: { "200": jsonResponse(listOf(StaffUser, "StaffUserList"), "Staff users"), ...problemResponses(...AUTHENTICATED) } };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const rows = await listStaffUsers(ctx.db, ctx.franchiseId, { before: decodeCursor(query.cursor), limit: query.limit });
    return page(rows.map((r) => ({ ...r, id: r.user.id })), query.limit, staffUserResource);
  }
}

export class GetStaffUser extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "Get a staff user", request: { params: IdParams("usr") }, responses: { "200": jsonResponse(StaffUser, "The staff user"), ...problemResponses(...AUTHENTICATED, 404) } };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { params } = await this.getValidatedData<typeof this.schema>();
    return loadOr404(c, params.id);
  }
}

export class CreateStaffUser extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Invite a staff user (staff admins); their initial password is in this response only",
    description:
      "Roles: admin (everything, including staff and API keys), finance (all branches, read and write), branch_manager (read and write within `branchIds` only), viewer (read-only). `initialPassword` appears in the first response only and is never stored in clear; replaying the creation with the same Idempotency-Key answers 201 with `initialPassword: null` and `passwordShownOnce: true`. Emails are unique across the service (409 email_taken).",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateStaffUserBody) },
    responses: { "201": jsonResponse(CreatedStaffUser, "Created", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 409) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { body } = await this.getValidatedData<typeof this.schema>();
    const { created, initialPassword } = await createStaffUser(billing(c), body);
    // Not kept for idempotent replay: a replay rebuilds the user without the password.
    c.set("responseHoldsSecret", true);
    c.header("location", `/v1/staff/${created.user.id}`);
    return c.json({ ...staffUserResource(created), initialPassword }, 201);
  }
}

export class UpdateStaffUser extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Change a staff user's name, role or branches; applies to their open sessions",
    description: "Leaving branch_manager drops the branch assignments. An admin cannot change their own role (409 cannot_change_own_role); a deactivated user cannot be changed (409).",
    request: { headers: IdempotencyHeader, params: IdParams("usr"), body: jsonRequestBody(UpdateStaffUserBody) },
    responses: { "200": jsonResponse(StaffUser, "Updated", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404, 409) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    await updateStaffUser(billing(c), params.id, body);
    return loadOr404(c, params.id);
  }
}

export class DeactivateStaffUser extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Deactivate a staff user: they can no longer sign in and their sessions end",
    request: { headers: IdempotencyHeader, params: IdParams("usr") },
    responses: { "200": jsonResponse(StaffUser, "Deactivated", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404, 409) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { params } = await this.getValidatedData<typeof this.schema>();
    await deactivateStaffUser(billing(c), params.id);
    return loadOr404(c, params.id);
  }
}
