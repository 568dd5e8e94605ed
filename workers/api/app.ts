// The HTTP surface: middleware order, the OpenAPI 3.1 document and every route.
import { fromHono } from "chanfana";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { toProblemResponse } from "./error-handler.ts";
import { authenticate } from "./middleware/auth.ts";
import { idempotency } from "./middleware/idempotency.ts";
import { jsonBody } from "./middleware/json-body.ts";
import { requestContext } from "./middleware/request-context.ts";
import { problemResponse } from "./problem.ts";
import { CreateApiKey, ListApiKeys, RevokeApiKey } from "./routes/api-keys.ts";
import { StaffLogin } from "./routes/auth-login.ts";
import { GetBranch, GetServiceType, ListBranches, ListServiceTypes } from "./routes/branches.ts";
import { CreateCreditNote, GetCreditNote, ListCreditNotes } from "./routes/credit-notes.ts";
import { CreateCustomer, GetCustomer, ListCustomers, UpdateCustomer } from "./routes/customers.ts";
import { Health } from "./routes/health.ts";
import { CreateInvoice, GetInvoice, IssueInvoice, ListInvoices, VoidInvoice } from "./routes/invoices.ts";
import { CreatePayment, GetPayment, ListPayments } from "./routes/payments.ts";
import { AllocatePayment, ApplyCustomerCredit, CreateRefund, GetCustomerBalance, GetRefund } from "./routes/customer-credit.ts";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use("*", requestContext);
  // Authenticate first: an anonymous caller learns nothing, not even whether its body parses.
  app.use("/v1/*", authenticate, jsonBody, idempotency);
  app.use("/auth/*", jsonBody);
  app.onError((err, c) => toProblemResponse(err, c));
  app.notFound((c) => problemResponse({ status: 404, code: "route_not_found", detail: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, { requestId: c.get("requestId") }));

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

  return app;
}
