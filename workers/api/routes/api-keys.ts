// Staff admins manage their franchise's partner keys. A new key is shown once; afterwards only
// its prefix is visible. Partners' own keys cannot manage keys.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from "../../db/api-keys.ts";
import { newId } from "../../db/ids.ts";
import { notFound } from "../../domain/errors.ts";
import { API_KEY_PREFIX, newSecretToken, sha256Hex } from "../../auth/secrets.ts";
import { forgetPrincipal } from "../../auth/principal-cache.ts";
import { HttpProblem } from "../problem.ts";
import { AUTHENTICATED, decodeCursor, emptyResponse, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["API keys"];
const ApiKey = z.object({ id: z.string(), name: z.string(), prefix: z.string(), scopes: z.array(z.enum(["read", "write"])), createdAt: z.string(), revokedAt: z.string().nullable() }).meta({ id: "ApiKey" });
const NewApiKey = ApiKey.extend({ key: z.string().describe("the secret key: shown in this response only") }).meta({ id: "NewApiKey" });
const resource = (k: ApiKeyRow): z.infer<typeof ApiKey> => ({ id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes.split(" ") as Array<"read" | "write">, createdAt: k.createdAt, revokedAt: k.revokedAt });

function requireStaffAdmin(c: AppContext): void {
  const p = c.get("principal");
  if (p.kind !== "staff" || !p.scopes.has("write")) throw new HttpProblem(403, "staff_admin_required", "only a staff admin session can manage API keys");
}

export class CreateApiKey extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Create a partner API key (staff admins); the key is in this response only",
    request: {
      headers: IdempotencyHeader,
      body: jsonRequestBody(z.object({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(["read", "write"])).min(1).default(["read", "write"]) }).strict()),
    },
    responses: { "201": jsonResponse(NewApiKey, "Created", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { body } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const key = newSecretToken(API_KEY_PREFIX);
    const row = {
      id: newId("key"),
      franchiseId: ctx.franchiseId,
      name: body.name,
      prefix: key.slice(0, 12),
      keyHash: await sha256Hex(key),
      scopes: [...new Set(body.scopes)].sort().join(" "),
      createdAt: ctx.clock.now().toISOString(),
    };
    await insertApiKey(ctx.db, row);
    return c.json({ ...resource({ ...row, revokedAt: null }), key }, 201);
  }
}

export class ListApiKeys extends OpenAPIRoute {
  schema = { tags, summary: "List the franchise's API keys (prefixes only), newest first", request: { query: z.object(PageQuery) }, responses: { "200": jsonResponse(listOf(ApiKey, "ApiKeyList"), "Keys"), ...problemResponses(...AUTHENTICATED) } };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    return page(await listApiKeys(ctx.db, ctx.franchiseId, { before: decodeCursor(query.cursor), limit: query.limit }), query.limit, resource);
  }
}

export class RevokeApiKey extends OpenAPIRoute {
  schema = { tags, summary: "Revoke an API key at once", request: { headers: IdempotencyHeader, params: IdParams("key") }, responses: { "204": emptyResponse("Revoked", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) } };

  async handle(c: AppContext) {
    requireStaffAdmin(c);
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    if (!(await revokeApiKey(ctx.db, ctx.franchiseId, params.id, ctx.clock.now().toISOString()))) throw notFound("api_key", params.id);
    forgetPrincipal((p) => p.kind === "api_key" && p.id === params.id);
    return c.body(null, 204);
  }
}
