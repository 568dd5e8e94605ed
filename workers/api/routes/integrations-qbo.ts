// QuickBooks Online (issue 8): Intuit's OAuth callback (it adds the company's realmId) and its
// webhooks (intuit-signature, both payload formats). The rest of the integrations API is
// provider-neutral (routes/integrations.ts).
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { completeConnection } from "../../integrations/erp/connections.ts";
import { handleQboWebhook } from "../../integrations/erp/qbo-inbound.ts";
import { emptyResponse, jsonRequestBody, problemResponses } from "../resources/common.ts";
import { problemResponse } from "../problem.ts";
import type { AppContext } from "./route-context.ts";

const tags = ["Integrations"];

export class QboOAuthCallback extends OpenAPIRoute {
  schema = {
    tags,
    security: [],
    summary: "Where Intuit sends the admin back after consent (code, state, realmId): finishes the QuickBooks connection and redirects to the Integrations page",
    request: { query: z.object({ code: z.string().max(2000).optional(), state: z.string().max(500).optional(), realmId: z.string().max(32).optional(), error: z.string().max(200).optional() }) },
    responses: { "302": emptyResponse("To /integrations", "Location"), ...problemResponses(400) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const fail = (detail: string) => problemResponse({ status: 400, code: "erp_authorization_failed", detail }, { instance: "/oauth/qbo/callback", requestId: c.get("requestId") });
    if (query.error) return fail(`QuickBooks did not grant access: ${query.error}`);
    if (!query.code || !query.state || !query.realmId) return fail("code, state and realmId are required");
    const result = await completeConnection(c.env, { code: query.code, state: query.state, realmId: query.realmId });
    if (!result.ok) return fail(result.message);
    return c.redirect(`/integrations?connected=${result.connectionId}`, 302);
  }
}

const LegacyPayload = z.object({ eventNotifications: z.array(z.record(z.string(), z.unknown())) }).meta({ id: "QboWebhookLegacyPayload" });
const CloudEventsPayload = z.array(z.record(z.string(), z.unknown())).meta({ id: "QboWebhookCloudEventsPayload" });

export class QboWebhook extends OpenAPIRoute {
  schema = {
    tags,
    security: [],
    summary: "QuickBooks webhooks (intuit-signature: base64 HMAC-SHA256 of the raw body with the verifier token), legacy eventNotifications or CloudEvents array; answers 200 at once and fetches the changes with CDC afterwards, or 401 on a bad signature",
    request: {
      headers: z.object({ "intuit-signature": z.string().optional().describe("base64 HMAC-SHA256 of the raw body with the webhook verifier token") }),
      body: jsonRequestBody(z.union([LegacyPayload, CloudEventsPayload])),
    },
    responses: { "200": emptyResponse("Accepted (changes are fetched after the answer)"), ...problemResponses(400, 401, 413, 415) },
  };
  async handle(c: AppContext) {
    // Not getValidatedData: the signature is the first check, over the body exactly as sent.
    const status = await handleQboWebhook(c.env, c.get("bodyText") ?? "", c.req.header("intuit-signature") ?? null, (p) => c.executionCtx.waitUntil(p));
    if (status === 401) return problemResponse({ status: 401, code: "webhook_signature_invalid", detail: "intuit-signature does not match the body" }, { instance: "/webhooks/qbo", requestId: c.get("requestId") });
    return c.body(null, 200);
  }
}
