// Staff admins manage their franchise's partner keys. A new key is shown once; afterwards only
// its prefix is visible. Partners' own keys cannot manage keys.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { listApiKeys, revokeApiKey } from "../../db/api-keys.ts";
import { idempotencyCommit } from "../../db/idempotency.ts";
import { notFound } from "../../domain/errors.ts";
import { createApiKey } from "../../auth/api-keys.ts";
import { forgetPrincipal } from "../../auth/principal-cache.ts";
import { requireStaffAdmin as requireStaffAdminPrincipal, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { ApiKey, apiKeyResource as resource, CreatedApiKey } from "../resources/api-key.ts";
import { AUTHENTICATED, decodeCursor, emptyResponse, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["API keys"];
// Also enforced by middleware before any idempotent replay (workers/api/app.ts); kept here so the route is safe on its own.
const requireStaffAdmin = (c: AppContext) => requireStaffAdminPrincipal(c.get("principal"));

export class CreateApiKey extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Create a partner API key (staff admins); the key is in this response only",
    description:
      "The secret `key` appears in the first response only; it is never stored. Replaying the creation with the same Idempotency-Key (same staff session and body) answers 201 with the key's metadata, `key: null` and `keyShownOnce: true`.",
    request: {
      headers: IdempotencyHeader,
      body: jsonRequestBody(z.object({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(["read", "write"])).min(1).default(["read", "write"]) }).strict()),
    },
    responses: { "201": jsonResponse(CreatedApiKey, "Created", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { body } = await this.getValidatedData<typeof this.schema>();
    const { row, key } = await createApiKey(billing(c), body);
    // Not kept for idempotent replay: a replay rebuilds the metadata without the secret.
    c.set("responseHoldsSecret", true);
    return c.json({ ...resource(row), key }, 201);
  }
}

export class ListApiKeys extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "List the franchise's API keys (prefixes only), newest first", request: { query: z.object(PageQuery) }, responses: { "200": jsonResponse(listOf(ApiKey, "ApiKeyList"), "Keys"), ...problemResponses(...AUTHENTICATED) } };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    return page(await listApiKeys(ctx.db, ctx.franchiseId, { before: decodeCursor(query.cursor), limit: query.limit }), query.limit, resource);
  }
}

export class RevokeApiKey extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "Revoke an API key at once", request: { headers: IdempotencyHeader, params: IdParams("key") }, responses: { "204": emptyResponse("Revoked", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) } };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const commit = idempotencyCommit(ctx.db, ctx.idempotency, "api_key.revoked", params.id);
    if (!(await revokeApiKey(ctx.db, ctx.franchiseId, params.id, ctx.clock.now().toISOString(), commit))) throw notFound("api_key", params.id);
    forgetPrincipal((p) => p.kind === "api_key" && p.id === params.id);
    return c.body(null, 204);
  }
}
