// Tax-rate updates (issue 10): the rate table (any principal of the franchise: it is public
// reference data), and the feed's staged changes, their approval and the alerts (staff admins of
// a franchise invoicing in the change's jurisdiction: workers/tax/rate-updates.ts).
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { actorOf } from "../../auth/principal.ts";
import { listTaxRates } from "../../db/tax-rate-changes.ts";
import { database } from "../../db/client.ts";
import { directoryDatabase } from "../../db/resolver.ts";
import { approveTaxRateChange, listTaxRateChanges, rejectTaxRateChange, syncTaxRates, taxRateAlerts } from "../../tax/rate-updates.ts";
import { createLogger } from "../../observability/logger.ts";
import { requireStaffAdmin, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { AUTHENTICATED, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, problemResponses, WITH_BODY } from "../resources/common.ts";
import { alertResource, TaxRate, TaxRateAlert, TaxRateChange, taxRateChangeResource, taxRateResource, TaxRateSync } from "../resources/tax-rates.ts";
import type { AppContext } from "./route-context.ts";

const tags = ["Tax rates"];
const MAX_CHANGES = 200;

export class ListTaxRates extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Tax-rate periods, per jurisdiction and category, oldest first",
    request: { query: z.object({ jurisdiction: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/).optional() }) },
    responses: { "200": jsonResponse(z.object({ data: z.array(TaxRate) }).meta({ id: "TaxRateList" }), "Rate periods"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    return { data: (await listTaxRates(database(directoryDatabase(c.env)), query.jurisdiction)).map(taxRateResource) };
  }
}

export class ListTaxRateChanges extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Changes the rate feed proposed, latest effective date first (staff admins)",
    request: { query: z.object({ status: z.enum(["pending", "approved", "rejected"]).optional().describe("default: all"), limit: z.coerce.number().int().min(1).max(MAX_CHANGES).default(50) }) },
    responses: { "200": jsonResponse(z.object({ data: z.array(TaxRateChange) }).meta({ id: "TaxRateChangeList" }), "Staged changes"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "review tax-rate changes");
    const { query } = await this.getValidatedData<typeof this.schema>();
    const rows = await listTaxRateChanges(c.env, c.get("principal").franchiseId, query.status ? [query.status] : ["pending", "approved", "rejected"], query.limit);
    return { data: rows.map(taxRateChangeResource) };
  }
}

export class ApproveTaxRateChange extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Apply a staged change to the rate table (staff admins); recorded in the audit log of every franchise invoicing there",
    description: "409 tax_rate_change_decided when it was already approved or rejected, tax_rate_change_in_past when it starts before today, tax_rate_change_conflicts when it no longer fits the table.",
    request: { headers: IdempotencyHeader, params: IdParams("trc") },
    responses: { "200": jsonResponse(TaxRateChange, "Approved and applied", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "approve tax-rate changes");
    const { params } = await this.getValidatedData<typeof this.schema>();
    return taxRateChangeResource(await approveTaxRateChange(c.env, c.get("principal").franchiseId, params.id, actorOf(c.get("principal")), new Date()));
  }
}

export class RejectTaxRateChange extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Reject a staged change with a reason (staff admins); the feed will not stage it again",
    request: { headers: IdempotencyHeader, params: IdParams("trc"), body: jsonRequestBody(z.object({ reason: z.string().trim().min(3).max(500) })) },
    responses: { "200": jsonResponse(TaxRateChange, "Rejected", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "reject tax-rate changes");
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return taxRateChangeResource(await rejectTaxRateChange(c.env, c.get("principal").franchiseId, params.id, actorOf(c.get("principal")), body.reason, new Date()));
  }
}

export class ListTaxRateAlerts extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Pending changes due within TAX_RATE_ALERT_DAYS, and rates missing where branches invoice (staff admins)",
    responses: { "200": jsonResponse(z.object({ data: z.array(TaxRateAlert) }).meta({ id: "TaxRateAlertList" }), "Alerts"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "read tax-rate alerts");
    return { data: (await taxRateAlerts(c.env, c.get("principal").franchiseId, new Date())).map(alertResource) };
  }
}

export class SyncTaxRates extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Read the rate feed now, as the daily job does (staff admins)",
    description: "422 tax_feed_malformed when the feed does not follow docs/tax-rates.md; 409 tax_feed_unavailable when it cannot be read.",
    request: { headers: IdempotencyHeader },
    responses: { "200": jsonResponse(TaxRateSync, "What was staged, and the alerts", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "sync tax rates");
    const result = await syncTaxRates(c.env, createLogger(c.env.LOG_LEVEL, { job: "tax-rate-sync" }), new Date(), { franchiseId: c.get("principal").franchiseId });
    return { ...result, alerts: result.alerts.map(alertResource) };
  }
}
