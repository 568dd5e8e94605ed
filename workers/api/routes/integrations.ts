// Accounting integrations (issue 8): connect Xero, watch the sync, fix mappings, replay failed
// records and decide conflicts. Writes are staff-admin only (middleware in app.ts); reads are open
// to any principal of the franchise.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { attemptsOf, listConflicts, listMappings, listSyncRecords } from "../../db/erp.ts";
import { SYNC_STATES } from "../../domain/erp/sync-state.ts";
import { completeConnection, disconnect, loadConnection, setContactOwner, startConnection } from "../../integrations/erp/connections.ts";
import { connectionStatus } from "../../integrations/erp/monitoring.ts";
import { decideConflict, putMappings, replayRecords } from "../../integrations/erp/review.ts";
import { handleXeroWebhook } from "../../integrations/erp/xero-webhook.ts";
import { connectNetSuite } from "../../integrations/netsuite/connect.ts";
import { AlertingSettings, putAlerting } from "../../integrations/erp/alerts.ts";
import { STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { AUTHENTICATED, decodeCursor, emptyResponse, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import {
  Conflict,
  ConflictList,
  ContactOwnerBody,
  conflictResource,
  CreateIntegrationBody,
  Integration,
  IntegrationAlertingResult,
  IntegrationConnect,
  integrationResource,
  IntegrationStatus,
  MappingList,
  mappingResource,
  PutMappingsBody,
  ReplayBody,
  ReplayResult,
  ResolveConflictBody,
  SyncRecord,
  syncRecordResource,
} from "../resources/integrations.ts";
import { billing, type AppContext } from "./route-context.ts";
import { listConnections } from "../../db/erp.ts";
import { problemResponse } from "../problem.ts";

const tags = ["Integrations"];
const Params = IdParams("erc");

export class CreateIntegration extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Connect an accounting system (Xero, QBO: OAuth 2.0 authorization code; NetSuite: client credentials)",
    description:
      "Xero and QuickBooks Online: answers the URL of the provider's consent screen. After consent the provider redirects to /oauth/<provider>/callback (/oauth/xero/callback, /oauth/qbo/callback with the realmId), which finishes the connection. Starting again while pending re-issues the URL. NetSuite: send accountId, clientId and certificateId (the certificate mapped in NetSuite's OAuth 2.0 Client Credentials Setup); the connection is proven with a token at once and answered connected (authorizeUrl null), or refused with 422 and what to fix. A connected provider must be disconnected first (409).",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateIntegrationBody) },
    responses: { "201": jsonResponse(IntegrationConnect, "Connection started", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };
  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    if (body.provider === "netsuite") {
      // NetSuite: client credentials, no consent screen; connected when this answers.
      const connection = await connectNetSuite(billing(c), body);
      c.header("location", `/v1/integrations/${connection.id}`);
      return c.json({ integration: integrationResource(connection), authorizeUrl: null }, 201);
    }
    const { connection, authorizeUrl } = await startConnection(billing(c), { provider: body.provider, origin: new URL(c.req.url).origin });
    c.header("location", `/v1/integrations/${connection.id}`);
    return c.json({ integration: integrationResource(connection), authorizeUrl }, 201);
  }
}

export class ListIntegrations extends OpenAPIRoute {
  schema = { tags, summary: "List the franchise's accounting integrations", responses: { "200": jsonResponse(z.object({ data: z.array(Integration) }).meta({ id: "IntegrationList" }), "Integrations"), ...problemResponses(...AUTHENTICATED) } };
  async handle(c: AppContext) {
    const ctx = billing(c);
    return { data: (await listConnections(ctx.db, ctx.franchiseId)).map(integrationResource) };
  }
}

export class GetIntegration extends OpenAPIRoute {
  schema = { tags, summary: "Get an integration", request: { params: Params }, responses: { "200": jsonResponse(Integration, "The integration"), ...problemResponses(...AUTHENTICATED, 404) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return integrationResource(await loadConnection(billing(c), params.id));
  }
}

export class DisconnectIntegration extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "Disconnect: forget the tokens; records stay and sync again after a reconnect and replay", request: { headers: IdempotencyHeader, params: Params }, responses: { "200": jsonResponse(Integration, "Disconnected", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return integrationResource(await disconnect(billing(c), params.id));
  }
}

export class GetIntegrationStatus extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Sync health: backlog, oldest pending age, p50/p95 issue-to-synced lag against the 5-minute SLA, error rate, rate budget and the latest failures with what to do",
    request: { params: Params },
    responses: { "200": jsonResponse(IntegrationStatus, "Status"), ...problemResponses(...AUTHENTICATED, 404) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return connectionStatus(billing(c), params.id);
  }
}

export class ListSyncRecords extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Sync records with their attempt history, newest first",
    request: { params: Params, query: z.object({ ...PageQuery, state: z.enum(SYNC_STATES).optional() }) },
    responses: { "200": jsonResponse(listOf(SyncRecord, "SyncRecordList"), "A page of records"), ...problemResponses(...AUTHENTICATED, 404) },
  };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    await loadConnection(ctx, params.id);
    const rows = await listSyncRecords(ctx.db, ctx.franchiseId, params.id, { states: query.state ? [query.state] : undefined, before: decodeCursor(query.cursor), limit: query.limit });
    const attempts = await attemptsOf(ctx.db, ctx.franchiseId, rows.slice(0, query.limit).map((r) => r.id));
    return page(rows, query.limit, (r) => syncRecordResource(r, attempts));
  }
}

export class ReplaySyncRecords extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "Re-drive failed records (after fixing a mapping or the data)", request: { headers: IdempotencyHeader, params: Params, body: jsonRequestBody(ReplayBody) }, responses: { "200": jsonResponse(ReplayResult, "Re-queued", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) } };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return replayRecords(billing(c), params.id, body.scope, body.recordIds);
  }
}

export class ListIntegrationMappings extends OpenAPIRoute {
  schema = { tags, summary: "Mappings: tax rates → tax codes, service types → accounts, currencies, customers → contacts", request: { params: Params }, responses: { "200": jsonResponse(MappingList, "Mappings"), ...problemResponses(...AUTHENTICATED, 404) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    await loadConnection(ctx, params.id);
    return { data: (await listMappings(ctx.db, ctx.franchiseId, params.id)).map(mappingResource) };
  }
}

export class PutIntegrationMappings extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "Set or remove mappings (remoteCode null removes)", request: { headers: IdempotencyHeader, params: Params, body: jsonRequestBody(PutMappingsBody) }, responses: { "200": jsonResponse(MappingList, "Mappings after the change", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) } };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return { data: (await putMappings(billing(c), params.id, body.mappings)).map(mappingResource) };
  }
}

export class ListIntegrationConflicts extends OpenAPIRoute {
  schema = { tags, summary: "The conflict review queue: ours, theirs and the last synced state per field", request: { params: Params, query: z.object({ status: z.enum(["open", "resolved"]).optional() }) }, responses: { "200": jsonResponse(ConflictList, "Conflicts, newest first"), ...problemResponses(...AUTHENTICATED, 404) } };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    await loadConnection(ctx, params.id);
    return { data: (await listConflicts(ctx.db, ctx.franchiseId, params.id, query.status, 200)).map(conflictResource) };
  }
}

export class ResolveIntegrationConflict extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "Decide a conflict field by field: ours (push again) or theirs (accept the ERP's)", request: { headers: IdempotencyHeader, params: Params, body: jsonRequestBody(ResolveConflictBody) }, responses: { "200": jsonResponse(Conflict, "Resolved", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) } };
  // 422 erp_conflict_unknown for a conflictId that is not this integration's; 409 erp_conflict_resolved when already decided.
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return conflictResource(await decideConflict(billing(c), params.id, body.conflictId, body.choices));
  }
}

export class XeroOAuthCallback extends OpenAPIRoute {
  schema = {
    tags,
    security: [],
    summary: "Where Xero sends the admin back after consent: finishes the connection and redirects to the Integrations page",
    request: { query: z.object({ code: z.string().max(2000).optional(), state: z.string().max(500).optional(), error: z.string().max(200).optional() }) },
    responses: { "302": emptyResponse("To /integrations", "Location"), ...problemResponses(400) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const fail = (detail: string) => problemResponse({ status: 400, code: "erp_authorization_failed", detail }, { instance: "/oauth/xero/callback", requestId: c.get("requestId") });
    if (query.error) return fail(`Xero did not grant access: ${query.error}`);
    if (!query.code || !query.state) return fail("code and state are required");
    const result = await completeConnection(c.env, { code: query.code, state: query.state });
    if (!result.ok) return fail(result.message);
    return c.redirect(`/integrations?connected=${result.connectionId}`, 302);
  }
}

export class XeroWebhook extends OpenAPIRoute {
  schema = {
    tags,
    security: [],
    summary: "Xero webhooks (x-xero-signature: base64 HMAC-SHA256 of the raw body); answers 200 with no body, or 401 on a bad signature (Xero's intent-to-receive check)",
    request: {
      headers: z.object({ "x-xero-signature": z.string().optional().describe("base64 HMAC-SHA256 of the raw body with the webhook key") }),
      body: jsonRequestBody(z.object({ events: z.array(z.record(z.string(), z.unknown())), firstEventSequence: z.number().int(), lastEventSequence: z.number().int(), entropy: z.string() }).meta({ id: "XeroWebhookPayload" })),
    },
    responses: { "200": emptyResponse("Accepted (work continues after the answer)"), ...problemResponses(400, 401, 413, 415) },
  };
  async handle(c: AppContext) {
    // Not getValidatedData: the signature is the first check, over the body exactly as sent.
    const status = await handleXeroWebhook(c.env, c.get("bodyText") ?? "", c.req.header("x-xero-signature") ?? null, (p) => c.executionCtx.waitUntil(p));
    if (status === 401) return problemResponse({ status: 401, code: "webhook_signature_invalid", detail: "x-xero-signature does not match the body" }, { instance: "/webhooks/xero", requestId: c.get("requestId") });
    return c.body(null, 200);
  }
}

// ---- Changes flowing back and alerts (erpflow) ---------------------------------------------

export class PutIntegrationAlerting extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Set where sync alerts go (email, signed webhook) and their thresholds (lag, failed records)",
    description: "Checked every minute: when the p95 lag or the oldest waiting record exceeds maxLagSeconds, or more than maxFailed records are failed, one alert of that kind opens, is sent once, and clears when the measure falls back. The answer carries the webhook's signing secret.",
    request: { headers: IdempotencyHeader, params: Params, body: jsonRequestBody(AlertingSettings) },
    responses: { "200": jsonResponse(IntegrationAlertingResult, "Alerting after the change", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return putAlerting(billing(c), params.id, body);
  }
}

export class PutIntegrationContactOwner extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Set who wins when a contact (name, email, tax number) is edited in the ERP",
    description: "erp: the edit updates the Ledgerline customer (as system:erp-sync); ledgerline: it is ignored and recorded with the reason; review (the default): it waits in the conflict queue. An edit made on both sides is always a conflict.",
    request: { headers: IdempotencyHeader, params: Params, body: jsonRequestBody(ContactOwnerBody) },
    responses: { "200": jsonResponse(Integration, "The integration after the change", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return integrationResource(await setContactOwner(billing(c), params.id, body.contactOwner));
  }
}
