// Forecasting and risk routes (issue 12): thin reads over workers/billing/forecast-reads.ts and
// the retrain trigger (a model-training queue message).
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { accuracyView, cashflowView, customerRisk, riskList, riskView } from "../../billing/forecast-reads.ts";
import { forecastSettingsOf, setForecastSettings } from "../../billing/forecast-settings.ts";
import { base64url, fromBase64url } from "../../auth/secrets.ts";
import { HttpProblem } from "../problem.ts";
import { AUTHENTICATED, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, listOf, problemResponses, WITH_BODY } from "../resources/common.ts";
import { CashflowForecast, CustomerRisk, ForecastAccuracy, ForecastSettingsBody, ForecastSettingsResource, RetrainAccepted } from "../resources/forecast.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Forecast"];

export class GetCashflowForecast extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Expected collections by week (13) and month (12) with 80 %/95 % intervals, over the last year's actuals",
    request: {
      query: z.object({
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR")
          .optional(),
      }),
    },
    responses: { "200": jsonResponse(CashflowForecast, "The forecast"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    return cashflowView(billing(c), query.currency);
  }
}

export class GetForecastAccuracy extends OpenAPIRoute {
  schema = {
    tags,
    summary:
      "Measured accuracy of the latest model run: rolling-origin backtest next to seasonal naive, and risk AUC/Brier/log loss/calibration on a time split",
    responses: { "200": jsonResponse(ForecastAccuracy, "The latest run's accuracy"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    return accuracyView(billing(c));
  }
}

export class RetrainForecastModels extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Queue a retrain of the franchise's forecasting and risk models; scores and accuracy update when it finishes",
    request: { headers: IdempotencyHeader },
    responses: { "202": jsonResponse(RetrainAccepted, "Queued", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const ctx = billing(c);
    await c.env.MODEL_TRAINING.send({ franchiseId: ctx.franchiseId, requestedBy: ctx.actor, requestedAt: ctx.clock.now().toISOString() });
    return c.json({ queued: true as const, franchiseId: ctx.franchiseId }, 202);
  }
}

function decodeRiskCursor(cursor: string | undefined): { pLate: number; customerId: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [p, id] = new TextDecoder().decode(fromBase64url(cursor)).split("|");
    const pLate = Number(p);
    if (id && /^cus_[0-9a-z]{26}$/.test(id) && Number.isFinite(pLate)) return { pLate, customerId: id };
  } catch {
    // fall through
  }
  throw new HttpProblem(400, "invalid_cursor", "cursor is not a value this API returned", { issues: [{ field: "cursor", message: "unrecognised cursor" }] });
}

export class ListRiskScores extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Customers by late-payment risk, highest first, with top factors and trend",
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(200).optional().describe("nextCursor from the previous page"),
      }),
    },
    responses: { "200": jsonResponse(listOf(CustomerRisk, "CustomerRiskList"), "A page of risk scores"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const rows = await riskList(billing(c), query.limit, decodeRiskCursor(query.cursor));
    const visible = rows.slice(0, query.limit);
    const last = visible[visible.length - 1];
    return {
      data: visible.map(riskView),
      nextCursor: rows.length > query.limit && last ? base64url(new TextEncoder().encode(`${last.pLate}|${last.customerId}`)) : null,
    };
  }
}

export class GetCustomerRisk extends OpenAPIRoute {
  schema = {
    tags,
    summary: "A customer's late-payment risk score, top factors and trend (nulls until the models have trained)",
    request: { params: IdParams("cus") },
    responses: { "200": jsonResponse(CustomerRisk, "The score"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return customerRisk(billing(c), params.id);
  }
}

export class GetForecastSettings extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The franchise's high-risk thresholds: which late-payment scores put a customer in dunning segment high-risk",
    responses: { "200": jsonResponse(ForecastSettingsResource, "Settings (defaults until set)"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const ctx = billing(c);
    return forecastSettingsOf(ctx.db, ctx.franchiseId);
  }
}

export class ReplaceForecastSettings extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Set the high-risk thresholds (enter ≥ exit); they apply from the next training run",
    request: { body: jsonRequestBody(ForecastSettingsBody) },
    responses: { "200": jsonResponse(ForecastSettingsResource, "Saved"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    return setForecastSettings(billing(c), body);
  }
}
