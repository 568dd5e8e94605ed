// The HTTP surface: middleware order, the OpenAPI 3.1 document and every route.
import { fromHono } from "chanfana";
import { installCachedRequestValidation } from "./request-validation.ts";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { toProblemResponse } from "./error-handler.ts";
import { authenticate } from "./middleware/auth.ts";
import { idempotency } from "./middleware/idempotency.ts";
import { jsonBody } from "./middleware/json-body.ts";
import { publishEventsAfterWrite } from "./middleware/publish-events.ts";
import { partnerRateLimit } from "./middleware/rate-limit.ts";
import { routeMetrics } from "./middleware/route-metrics.ts";
import { GetOpsMetrics } from "./routes/ops-metrics.ts";
import { requestContext } from "./middleware/request-context.ts";
import { staffAdminOnly } from "./middleware/staff-admin.ts";
// Scale (issue 13): the plans API.
import { platformOperatorOnly } from "./middleware/platform-operator.ts";
import { CreateRatePlan, GetApiKeyRatePlan, GetFranchiseRatePlan, GetRatePlan, ListRatePlans, PutApiKeyRatePlan, PutFranchiseRatePlan, UpdateRatePlan } from "./routes/rate-plans.ts";
import { allowedMethods } from "./method-not-allowed.ts";
import { problemResponse } from "./problem.ts";
import { CreateApiKey, ListApiKeys, RevokeApiKey } from "./routes/api-keys.ts";
import { CurrentStaffSession, StaffLogin, StaffLogout } from "./routes/auth-login.ts";
import { CreateStaffUser, DeactivateStaffUser, GetStaffUser, ListStaffUsers, UpdateStaffUser } from "./routes/staff.ts";
import { GetBranch, GetServiceType, ListBranches, ListServiceTypes } from "./routes/branches.ts";
import { CreateCreditNote, GetCreditNote, ListCreditNotes } from "./routes/credit-notes.ts";
import { CreateCustomer, GetCustomer, ListCustomers, UpdateCustomer } from "./routes/customers.ts";
import { Health } from "./routes/health.ts";
import { CreateInvoice, GetInvoice, IssueInvoice, ListInvoices, VoidInvoice } from "./routes/invoices.ts";
import { GetEventPipeline, ListDeadLetters, ReplayDeadLetter } from "./routes/ops.ts";
import { CreatePayment, GetPayment, ListPayments } from "./routes/payments.ts";
import { GetCreditNoteArchive, GetCreditNoteDocument, GetCreditNoteSeal, GetCreditNoteVerifactu, GetInvoiceArchive, GetInvoiceDocument, GetInvoiceSeal, GetInvoiceVerifactu, GetJwks, ListTaxCategoryMappings, ResetTaxCategoryMapping, SetTaxCategoryMapping, VerifySeal } from "./routes/einvoice.ts";
// Accounting integrations (issue 8)
import { CreateIntegration, DisconnectIntegration, GetIntegration, GetIntegrationStatus, ListIntegrationConflicts, ListIntegrationMappings, ListIntegrations, ListSyncRecords, PutIntegrationMappings, ReplaySyncRecords, ResolveIntegrationConflict, XeroOAuthCallback, XeroWebhook, PutIntegrationAlerting, PutIntegrationContactOwner } from "./routes/integrations.ts";
import { QboOAuthCallback, QboWebhook } from "./routes/integrations-qbo.ts";
// audit (issue 10)
// audit (issue 10): the franchise's own checkpoint witness
import { ClearAuditWitness, GetAuditWitness, ListAuditWitnessPushes, SetAuditWitness } from "./routes/audit-witness.ts";
import { CreateAuditCheckpoint, ExportAuditLog, GetAuditCheckpoint, GetAuditVerifierKey, GetConsistencyProof, GetInclusionProof, ListAuditCheckpoints, ListAuditEntries } from "./routes/audit.ts";
import { AllocatePayment, ApplyCustomerCredit, CreateRefund, GetCustomerBalance, GetRefund } from "./routes/customer-credit.ts";
// Staff dashboard (issue 6): invoice history and the receivables aging report.
import { ListInvoiceEvents } from "./routes/invoice-events.ts";
import { GetReceivablesAging } from "./routes/receivables.ts";
// Forecasting and risk (issue 12)
import { GetCashflowForecast, GetCustomerRisk, GetForecastAccuracy, GetForecastSettings, ListRiskScores, ReplaceForecastSettings, RetrainForecastModels } from "./routes/forecast.ts";
// Analytics (issue 11)
import { CreateBiExport, DownloadBiFile, GetBiExport, GetBiManifest, GetBiTableRows } from "./routes/bi.ts";
import { GetAnalyticsBranches, GetAnalyticsOverview, GetAnalyticsProfitability, GetAnalyticsReconciliation, GetAnalyticsRevenue, RebuildAnalytics } from "./routes/analytics.ts";
// Billing runs and recurring agreements (issue 13)
import { CreateBillingRun, GetBillingRun, ListBillingRuns } from "./routes/billing-runs.ts";
import { ChangeAgreement, CreateAgreement, GetAgreement, ListAgreements, UpdateAgreement } from "./routes/agreements.ts";
import { CreateCadence, GetCadence, GetDunningSettings, ListCadences, PreviewDunning, ReplaceDunningSettings, UpdateCadence } from "./routes/dunning-config.ts";
// audit and records (issue 10): tax-rate updates
import { CreateLegalHold, DeleteCreditNoteArchive, DeleteInvoiceArchive, GetCreditNoteRetention, GetInvoiceRetention, LiftLegalHold, ListLegalHolds, ListRetentionPolicies } from "./routes/retention.ts";
import { ApproveTaxRateChange, ListTaxRateAlerts, ListTaxRateChanges, ListTaxRates, RejectTaxRateChange, SyncTaxRates } from "./routes/tax-rates.ts";
import { emailUnsubscribe, metaWebhook, metaWebhookVerify, twilioInbound, twilioStatus } from "./routes/dunning-webhooks.ts";
import { CreateDispute, CreateOptOut, CreatePromiseToPay, DeleteOptOut, ExportInvoiceCommunications, GetDunningProfile, ListCommunications, ResolveDispute, SetDunningProfile } from "./routes/dunning-records.ts";
// Dunning page (issue 7): the escalations queue.
import { AcknowledgeEscalation, AssignEscalation, GetEscalation, GetEscalationSettings, ListEscalations, ReplaceEscalationSettings, ResolveEscalation } from "./routes/dunning-escalations.ts";

export function createApp() {
  const app = new Hono<AppEnv>();
  // Scale: a route that does no work at all (before every middleware), the runtime's ceiling for the API bench.
  app.get("/ping", (c) => c.text("pong"));
  app.use("*", requestContext);
  // Scale: per-route metrics (outermost on /v1, so throttled and failed requests are measured too).
  app.use("/v1/*", routeMetrics);
  app.use("/v1/*", publishEventsAfterWrite);
  // Authenticate first: an anonymous caller learns nothing, not even whether its body parses.
  app.use("/v1/*", authenticate, jsonBody);
  // Scale: partner rate limits (API keys only) before any work or idempotent replay.
  app.use("/v1/*", partnerRateLimit);
  // Route-level authorization also runs before any idempotent replay.
  app.use("/v1/api-keys", staffAdminOnly);
  app.use("/v1/api-keys/*", staffAdminOnly);
  app.use("/v1/staff", staffAdminOnly);
  app.use("/v1/staff/*", staffAdminOnly);
  // Accounting integrations (issue 8): changing one is for staff admins; reading is for the franchise.
  app.use("/v1/integrations/*", async (c, next) => (c.req.method === "GET" ? next() : staffAdminOnly(c, next)));
  app.use("/v1/integrations", async (c, next) => (c.req.method === "GET" ? next() : staffAdminOnly(c, next)));
  app.use("/v1/analytics/rebuild", staffAdminOnly); // analytics (issue 11)
  // audit and records (issue 10): the rate feed's staged changes, alerts and sync are for staff admins.
  app.use("/v1/tax-rates/changes", staffAdminOnly);
  app.use("/v1/tax-rates/changes/*", staffAdminOnly);
  app.use("/v1/tax-rates/alerts", staffAdminOnly);
  app.use("/v1/tax-rates/sync", staffAdminOnly);
  // audit and records (issue 10): setting and lifting legal holds, deleting archived documents.
  app.use("/v1/legal-holds", async (c, next) => (c.req.method === "GET" ? next() : staffAdminOnly(c, next)));
  app.use("/v1/legal-holds/*", async (c, next) => (c.req.method === "GET" ? next() : staffAdminOnly(c, next)));
  app.use("/v1/invoices/:id/archive", async (c, next) => (c.req.method === "DELETE" ? staffAdminOnly(c, next) : next()));
  app.use("/v1/credit-notes/:id/archive", async (c, next) => (c.req.method === "DELETE" ? staffAdminOnly(c, next) : next()));
  // audit (issue 10): setting or clearing the franchise's witness is for staff admins; reading it is not.
  app.use("/v1/audit/witness", async (c, next) => (c.req.method === "GET" ? next() : staffAdminOnly(c, next)));
  app.use("/v1/bi/exports", staffAdminOnly);
  app.use("/v1/bi/exports/*", staffAdminOnly);
  // Scale (issue 13): rate plans and franchise assignments are the platform operator's (middleware/platform-operator.ts).
  app.use("/v1/rate-plans", platformOperatorOnly);
  app.use("/v1/rate-plans/*", platformOperatorOnly);
  app.use("/v1/franchises/:id/rate-plan", platformOperatorOnly);
  app.use("/v1/*", idempotency);
  app.use("/auth/session", authenticate);
  app.use("/auth/*", jsonBody);
  // Accounting integrations (issue 8): webhook bodies are read (size, UTF-8, JSON) like any other; the signature is checked on the raw text.
  app.use("/webhooks/xero", jsonBody);
  // QuickBooks Online (issue 8): the same body reading for Intuit's webhooks.
  app.use("/webhooks/qbo", jsonBody);
  app.onError((err, c) => toProblemResponse(err, c));
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allow = allowedMethods(app, path);
    if (allow.length > 0) {
      return problemResponse({ status: 405, code: "method_not_allowed", detail: `${c.req.method} is not supported on ${path}; use ${allow.join(", ")}`, headers: { allow: allow.join(", ") } }, { instance: path, requestId: c.get("requestId") });
    }
    return problemResponse({ status: 404, code: "route_not_found", detail: `no route for ${c.req.method} ${path}` }, { instance: path, requestId: c.get("requestId") });
  });
  // The document names the server it was fetched from, so generated clients need no guessing.
  app.use("/openapi.json", async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    const doc = (await c.res.json()) as Record<string, unknown>;
    c.res = c.json({ ...doc, servers: [{ url: new URL(c.req.url).origin, description: "the deployment that served this document" }] });
  });

  installCachedRequestValidation();
  const openapi = fromHono(app, {
    // chanfana's own /docs loads swagger-ui from a CDN; ours is served from static assets.
    docs_url: null,
    redoc_url: null,
    openapi_url: "/openapi.json",
    openapiVersion: "3.1",
    passthroughErrors: true,
    schema: {
      info: {
        title: "Ledgerline partner API",
        version: "1.0.0",
        description:
          "Invoicing and billing for franchise networks. Amounts are integers in the currency's minor unit. Errors are RFC 9457 problem+json. Every POST accepts an Idempotency-Key.",
      },
      security: [{ bearer: [] }],
    },
  });
  openapi.registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "A partner API key (llk_…) or a staff session token (lls_…)" });

  openapi.get("/health", Health);
  openapi.post("/auth/login", StaffLogin);
  openapi.post("/auth/logout", StaffLogout);
  openapi.get("/auth/session", CurrentStaffSession);

  openapi.get("/v1/branches", ListBranches);
  openapi.get("/v1/branches/:id", GetBranch);
  openapi.get("/v1/service-types", ListServiceTypes);
  openapi.get("/v1/service-types/:id", GetServiceType);

  openapi.post("/v1/customers", CreateCustomer);
  openapi.get("/v1/customers", ListCustomers);
  openapi.get("/v1/customers/:id", GetCustomer);
  openapi.patch("/v1/customers/:id", UpdateCustomer);

  openapi.post("/v1/invoices", CreateInvoice);
  openapi.get("/v1/invoices", ListInvoices);
  openapi.get("/v1/invoices/:id", GetInvoice);
  openapi.post("/v1/invoices/:id/issue", IssueInvoice);
  openapi.post("/v1/invoices/:id/void", VoidInvoice);

  openapi.post("/v1/credit-notes", CreateCreditNote);
  openapi.get("/v1/credit-notes", ListCreditNotes);
  openapi.get("/v1/credit-notes/:id", GetCreditNote);

  openapi.post("/v1/payments", CreatePayment);
  openapi.get("/v1/payments", ListPayments);
  openapi.get("/v1/payments/:id", GetPayment);
  openapi.post("/v1/payments/:id/allocations", AllocatePayment);

  openapi.get("/v1/customers/:id/balance", GetCustomerBalance);
  openapi.post("/v1/customers/:id/credit/applications", ApplyCustomerCredit);
  openapi.post("/v1/refunds", CreateRefund);
  openapi.get("/v1/refunds/:id", GetRefund);

  openapi.post("/v1/api-keys", CreateApiKey);
  openapi.get("/v1/api-keys", ListApiKeys);
  openapi.post("/v1/api-keys/:id/revoke", RevokeApiKey);

  openapi.get("/v1/staff", ListStaffUsers);
  openapi.post("/v1/staff", CreateStaffUser);
  openapi.get("/v1/staff/:id", GetStaffUser);
  openapi.patch("/v1/staff/:id", UpdateStaffUser);
  openapi.post("/v1/staff/:id/deactivate", DeactivateStaffUser);

  // E-invoicing and seals (issue 9): UBL documents, tax-category mapping, seals, archive, JWKS, VERI*FACTU.
  openapi.get("/v1/invoices/:id/document", GetInvoiceDocument);
  openapi.get("/v1/credit-notes/:id/document", GetCreditNoteDocument);
  openapi.get("/v1/tax-categories", ListTaxCategoryMappings);
  openapi.put("/v1/tax-categories/:jurisdiction/:category", SetTaxCategoryMapping);
  openapi.delete("/v1/tax-categories/:jurisdiction/:category", ResetTaxCategoryMapping);
  openapi.get("/v1/invoices/:id/seal", GetInvoiceSeal);
  openapi.get("/v1/credit-notes/:id/seal", GetCreditNoteSeal);
  openapi.get("/v1/invoices/:id/archive", GetInvoiceArchive);
  openapi.get("/v1/credit-notes/:id/archive", GetCreditNoteArchive);
  openapi.post("/v1/verify", VerifySeal);
  openapi.get("/v1/invoices/:id/verifactu", GetInvoiceVerifactu);
  openapi.get("/v1/credit-notes/:id/verifactu", GetCreditNoteVerifactu);
  openapi.get("/.well-known/jwks.json", GetJwks);
  // Dunning (issue 7): settings, cadence templates, preview, consent, disputes, promises, history.
  openapi.get("/v1/dunning/settings", GetDunningSettings);
  openapi.put("/v1/dunning/settings", ReplaceDunningSettings);
  openapi.post("/v1/dunning/cadences", CreateCadence);
  openapi.get("/v1/dunning/cadences", ListCadences);
  openapi.get("/v1/dunning/cadences/:id", GetCadence);
  openapi.put("/v1/dunning/cadences/:id", UpdateCadence);
  openapi.post("/v1/dunning/preview", PreviewDunning);
  openapi.get("/v1/customers/:id/dunning-profile", GetDunningProfile);
  openapi.put("/v1/customers/:id/dunning-profile", SetDunningProfile);
  openapi.post("/v1/customers/:id/opt-outs", CreateOptOut);
  openapi.delete("/v1/customers/:id/opt-outs/:channel", DeleteOptOut);
  openapi.post("/v1/customers/:id/promises-to-pay", CreatePromiseToPay);
  openapi.get("/v1/customers/:id/communications", ListCommunications);
  openapi.post("/v1/invoices/:id/disputes", CreateDispute);
  openapi.post("/v1/disputes/:id/resolve", ResolveDispute);
  openapi.get("/v1/invoices/:id/communications", ExportInvoiceCommunications);
  // Dunning page (issue 7): the escalations queue staff work.
  openapi.get("/v1/dunning/escalations", ListEscalations);
  // Dunning escalation work (issue 7): assignment, acknowledgement, resolution, default assignee.
  openapi.get("/v1/dunning/escalation-settings", GetEscalationSettings);
  openapi.put("/v1/dunning/escalation-settings", ReplaceEscalationSettings);
  openapi.get("/v1/dunning/escalations/:id", GetEscalation);
  openapi.post("/v1/dunning/escalations/:id/assign", AssignEscalation);
  openapi.post("/v1/dunning/escalations/:id/acknowledge", AcknowledgeEscalation);
  openapi.post("/v1/dunning/escalations/:id/resolve", ResolveEscalation);
  // Dunning inbound (signed provider webhooks, one-click unsubscribe): outside the document.
  app.post("/webhooks/twilio/inbound", twilioInbound);
  app.post("/webhooks/twilio/status", twilioStatus);
  app.get("/webhooks/whatsapp", metaWebhookVerify);
  app.post("/webhooks/whatsapp", metaWebhook);
  app.post("/unsubscribe/email", emailUnsubscribe);

  openapi.get("/v1/ops/events", GetEventPipeline);
  openapi.get("/v1/ops/dead-letters", ListDeadLetters);
  openapi.post("/v1/ops/dead-letters/:id/replay", ReplayDeadLetter);

  // Staff dashboard (issue 6): an invoice's event history and the receivables aging report.
  openapi.get("/v1/invoices/:id/events", ListInvoiceEvents);
  openapi.get("/v1/receivables/aging", GetReceivablesAging);
  // Accounting integrations (issue 8)
  openapi.post("/v1/integrations", CreateIntegration);
  openapi.get("/v1/integrations", ListIntegrations);
  openapi.get("/v1/integrations/:id", GetIntegration);
  openapi.post("/v1/integrations/:id/disconnect", DisconnectIntegration);
  openapi.get("/v1/integrations/:id/status", GetIntegrationStatus);
  openapi.get("/v1/integrations/:id/records", ListSyncRecords);
  openapi.post("/v1/integrations/:id/replay", ReplaySyncRecords);
  openapi.get("/v1/integrations/:id/mappings", ListIntegrationMappings);
  openapi.put("/v1/integrations/:id/mappings", PutIntegrationMappings);
  openapi.get("/v1/integrations/:id/conflicts", ListIntegrationConflicts);
  openapi.post("/v1/integrations/:id/conflicts", ResolveIntegrationConflict);
  // Accounting integrations (issue 8, erpflow): sync alerts
  openapi.put("/v1/integrations/:id/alerting", PutIntegrationAlerting);
  openapi.put("/v1/integrations/:id/contact-owner", PutIntegrationContactOwner);
  openapi.get("/oauth/xero/callback", XeroOAuthCallback);
  openapi.post("/webhooks/xero", XeroWebhook);
  // QuickBooks Online (issue 8): Intuit's OAuth callback (with realmId) and webhooks
  openapi.get("/oauth/qbo/callback", QboOAuthCallback);
  openapi.post("/webhooks/qbo", QboWebhook);
  // audit (issue 10): the franchise's Merkle audit log, checkpoints and proofs
  openapi.get("/v1/audit/checkpoint", GetAuditCheckpoint);
  openapi.get("/v1/audit/checkpoints", ListAuditCheckpoints);
  openapi.post("/v1/audit/checkpoints", CreateAuditCheckpoint);
  openapi.get("/v1/audit/entries", ListAuditEntries);
  openapi.get("/v1/audit/proofs/inclusion", GetInclusionProof);
  openapi.get("/v1/audit/proofs/consistency", GetConsistencyProof);
  openapi.get("/v1/audit/verifier-key", GetAuditVerifierKey);
  openapi.get("/v1/audit/export", ExportAuditLog);
  // audit (issue 10): the franchise's own checkpoint witness and its push record
  openapi.get("/v1/audit/witness", GetAuditWitness);
  openapi.put("/v1/audit/witness", SetAuditWitness);
  openapi.delete("/v1/audit/witness", ClearAuditWitness);
  openapi.get("/v1/audit/witness/pushes", ListAuditWitnessPushes);
  // audit and records (issue 10): tax-rate periods, the feed's staged changes (approve/reject), alerts, sync now.
  openapi.get("/v1/tax-rates", ListTaxRates);
  openapi.get("/v1/tax-rates/changes", ListTaxRateChanges);
  openapi.post("/v1/tax-rates/changes/:id/approve", ApproveTaxRateChange);
  openapi.post("/v1/tax-rates/changes/:id/reject", RejectTaxRateChange);
  openapi.get("/v1/tax-rates/alerts", ListTaxRateAlerts);
  openapi.post("/v1/tax-rates/sync", SyncTaxRates);
  // audit and records (issue 10): retention policies, an archived document's retention, its deletion, legal holds.
  openapi.get("/v1/retention/policies", ListRetentionPolicies);
  openapi.get("/v1/invoices/:id/retention", GetInvoiceRetention);
  openapi.get("/v1/credit-notes/:id/retention", GetCreditNoteRetention);
  openapi.delete("/v1/invoices/:id/archive", DeleteInvoiceArchive);
  openapi.delete("/v1/credit-notes/:id/archive", DeleteCreditNoteArchive);
  openapi.get("/v1/legal-holds", ListLegalHolds);
  openapi.post("/v1/legal-holds", CreateLegalHold);
  openapi.post("/v1/legal-holds/:id/lift", LiftLegalHold);
  // Scale and performance: request metrics.
  openapi.get("/v1/ops/metrics", GetOpsMetrics);
  // Scale (issue 13): the plans API (rate plans are data; docs/rate-limits.md).
  openapi.get("/v1/rate-plans", ListRatePlans);
  openapi.post("/v1/rate-plans", CreateRatePlan);
  openapi.get("/v1/rate-plans/:id", GetRatePlan);
  openapi.patch("/v1/rate-plans/:id", UpdateRatePlan);
  openapi.get("/v1/franchises/:id/rate-plan", GetFranchiseRatePlan);
  openapi.put("/v1/franchises/:id/rate-plan", PutFranchiseRatePlan);
  openapi.get("/v1/api-keys/:id/rate-plan", GetApiKeyRatePlan);
  openapi.put("/v1/api-keys/:id/rate-plan", PutApiKeyRatePlan);
  // Forecasting and risk (issue 12): cash-flow forecast, measured accuracy, risk scores, retrain.
  openapi.get("/v1/analytics/forecast/cashflow", GetCashflowForecast);
  openapi.get("/v1/analytics/forecast/accuracy", GetForecastAccuracy);
  openapi.get("/v1/analytics/forecast/risk", ListRiskScores);
  openapi.post("/v1/analytics/forecast/retrain", RetrainForecastModels);
  openapi.get("/v1/analytics/forecast/settings", GetForecastSettings);
  openapi.put("/v1/analytics/forecast/settings", ReplaceForecastSettings);
  openapi.get("/v1/customers/:id/risk", GetCustomerRisk);
  // Analytics (issue 11): rollup-backed reads, reconciliation, admin rebuild.
  openapi.get("/v1/analytics/overview", GetAnalyticsOverview);
  openapi.get("/v1/analytics/revenue", GetAnalyticsRevenue);
  openapi.get("/v1/analytics/profitability", GetAnalyticsProfitability);
  openapi.get("/v1/analytics/branches", GetAnalyticsBranches);
  openapi.get("/v1/analytics/reconciliation", GetAnalyticsReconciliation);
  openapi.post("/v1/analytics/rebuild", RebuildAnalytics);
  openapi.post("/v1/bi/exports", CreateBiExport);
  openapi.get("/v1/bi/exports/:id", GetBiExport);
  openapi.get("/v1/bi/manifest", GetBiManifest);
  openapi.get("/bi/files", DownloadBiFile);
  // BI feed pull API (issue 11): after /v1/bi/manifest and /v1/bi/exports so those paths win.
  openapi.get("/v1/bi/:table", GetBiTableRows);
  // Billing runs and recurring agreements (issue 13): durable, chunked, gapless runs.
  openapi.post("/v1/billing-runs", CreateBillingRun);
  openapi.get("/v1/billing-runs", ListBillingRuns);
  openapi.get("/v1/billing-runs/:id", GetBillingRun);
  openapi.post("/v1/agreements", CreateAgreement);
  openapi.get("/v1/agreements", ListAgreements);
  openapi.get("/v1/agreements/:id", GetAgreement);
  openapi.patch("/v1/agreements/:id", UpdateAgreement);
  openapi.post("/v1/agreements/:id/changes", ChangeAgreement);

  return app;
}
